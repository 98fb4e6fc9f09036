"""Login lockout (django-axes glue) and throttles on the public, anonymous forms.

Lockout: django-axes counts failed ``authenticate()`` calls per account and per client address
(settings.AXES_*); this module gives it the client address, the Chinese 429 response and an
audit row when a lockout starts. Throttles: a fixed-window counter in Django's cache (Redis in
production, so every web worker shares it) keyed by scope and client address.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from csp.decorators import csp
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.clickjacking import xframe_options_sameorigin

from . import clock

LOGIN_LOCKED_OUT = _(
    "Too many failed logins for this account or from this address. Try again in %(minutes)s minutes"
    " or ask an administrator to unlock the account."
)
TOO_MANY_REQUESTS = _("Too many requests from this address. Wait a while and try again.")

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def client_ip(request: Any) -> str:
    """The caller's address: REMOTE_ADDR, or the entry our own proxies appended to X-Forwarded-For.

    Only the last XIUHUA_PROXY_COUNT entries were written by proxies we run; anything before them
    is whatever the client sent and must not be trusted, or an attacker picks a fresh address per try.
    """
    meta = request.META
    hops = settings.XIUHUA_PROXY_COUNT
    if hops:
        forwarded = [part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return str(meta.get("REMOTE_ADDR") or "0.0.0.0")  # noqa: S104 - a placeholder address, nothing binds to it


def lockout_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_message() -> str:
    return str(LOGIN_LOCKED_OUT) % {"minutes": lockout_minutes()}


def lockout_response(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the login page answers 429 with the reason in the user's language."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": lockout_message()}, status=429)
    return render(request, "429.html", {"message": lockout_message()}, status=429)


def parse_rate(rate: str) -> tuple[int, int]:
    """"10/h" → (10, 3600)."""
    count, _sep, period = rate.partition("/")
    return int(count), _PERIODS[period.strip()[:1]]


def hit(scope: str, key: str, rate: str) -> bool:
    """Count one request; False when the window's allowance is already used up."""
    limit, period = parse_rate(rate)
    window = int(clock.now().timestamp()) // period
    cache_key = f"xiuhua:rate:{scope}:{key}:{window}"
    # add() is atomic in Redis and locmem: the first request of a window creates the counter.
    cache.add(cache_key, 0, timeout=period + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=period + 1)
        count = 1
    return count <= limit


def throttle_post(setting_name: str) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """Decorate a view's dispatch: POSTs beyond the rate in ``settings.<setting_name>`` get a 429 page."""

    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.method == "POST" and not hit(setting_name, client_ip(request), getattr(settings, setting_name)):
                return render(request, "429.html", {"message": TOO_MANY_REQUESTS}, status=429)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def audit_lockout(sender: Any, *, request: Any = None, username: str | None = None, ip_address: str | None = None,
                  **kwargs: Any) -> None:
    """axes.signals.user_locked_out: one audit row per lockout, naming the account if it exists.

    Every further failure during the lockout fires the signal again; only the failure that starts
    it is recorded, so an attack cannot flood the audit trail.
    """
    from .audit import record
    from .models import User

    if getattr(request, "axes_failures_since_start", None) != settings.AXES_FAILURE_LIMIT:
        return
    user = User.objects.filter(username=username).first() if username else None
    record(
        actor=None,
        action="auth.locked_out",
        obj=user,
        data={"username": username or "", "ip_address": ip_address or "", "path": getattr(request, "path", "")},
    )


def audit_unlock(*, acting_user: Any, attempts: Any) -> None:
    """An administrator deleted failed-attempt rows in the admin: the account or address is unlocked."""
    from .audit import record
    from .models import User

    for attempt in attempts:
        user = User.objects.filter(username=attempt.username).first() if attempt.username else None
        record(
            actor=acting_user,
            action="auth.unlocked",
            obj=user,
            data={
                "username": attempt.username or "",
                "ip_address": attempt.ip_address or "",
                "failures": attempt.failures_since_start,
            },
        )


PREVIEW_CSP = {
    "default-src": ["'none'"],
    "img-src": ["'self'"],
    "style-src": ["'unsafe-inline'"],
    "object-src": ["'self'"],
    "frame-ancestors": ["'self'"],
}


def same_origin_preview(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """For views that stream a file to be shown inside our own pages (PDF and image previews).

    Only these responses may be framed, and only by this site: X-Frame-Options SAMEORIGIN and a
    CSP of their own (frame-ancestors 'self'; the file itself may load nothing else).
    Every other response keeps DENY and frame-ancestors 'none'.
    """
    return xframe_options_sameorigin(csp(PREVIEW_CSP)(view))
