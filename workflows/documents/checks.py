"""Deployment check: every PDF prints a QR code and link to the public verification page, so
production must say where the site is reachable from outside."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, register

PUBLIC_BASE_URL_MISSING = "XIUHUA_PUBLIC_BASE_URL is not set: printed documents would carry no usable QR code."
PUBLIC_BASE_URL_INVALID = "XIUHUA_PUBLIC_BASE_URL must be an absolute http(s) URL without path, query or fragment."
PUBLIC_BASE_URL_LOCAL = "XIUHUA_PUBLIC_BASE_URL points at this machine; citizens scanning a document cannot reach it."


def public_base_url_problem(value: str, *, production: bool) -> str | None:
    if not value:
        return PUBLIC_BASE_URL_MISSING
    parts = urlsplit(value)
    extra = parts.path.strip("/") or parts.query or parts.fragment
    if parts.scheme not in ("http", "https") or not parts.hostname or extra:
        return PUBLIC_BASE_URL_INVALID
    if production and parts.hostname in ("127.0.0.1", "localhost", "::1", "0.0.0.0"):  # noqa: S104
        return PUBLIC_BASE_URL_LOCAL
    return None


@register(Tags.security, deploy=True)
def check_public_base_url(app_configs: Any, **kwargs: Any) -> list[Error]:
    problem = public_base_url_problem(
        getattr(settings, "XIUHUA_PUBLIC_BASE_URL", ""), production=settings.XIUHUA_ENVIRONMENT == "production"
    )
    if problem is None:
        return []
    return [
        Error(
            problem,
            hint="Set XIUHUA_PUBLIC_BASE_URL to the address citizens reach the site at, e.g. https://xiuhua.example.gov.cn",
            id="documents.E001",
        )
    ]
