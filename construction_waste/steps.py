"""Where the kernel's step pages of this flow link and what they show (licensing.steps registers the steps)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse


def flow() -> Any:
    from .flows import WasteDisposalFlow

    return WasteDisposalFlow


def application_url(*, task: Any) -> str:
    return reverse("waste:application_detail", kwargs={"pk": task.process.coerced.application_id})


def context(*, task: Any, user: Any) -> dict[str, Any]:
    from licensing.selectors import application_context

    return application_context(application=task.process.coerced.application, user=user)
