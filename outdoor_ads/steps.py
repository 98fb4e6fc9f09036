"""Registers every human step of PermitFlow with the kernel's form and service (web UI and task API share them)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from licensing.steps import register_steps

from . import selectors
from .flows import PermitFlow


def _application_url(*, task: Any) -> str:
    return reverse("ads:application_detail", kwargs={"pk": task.process.coerced.application_id})


def _context(*, task: Any, user: Any) -> dict[str, Any]:
    return selectors.application_context(application=task.process.coerced.application, user=user)


def register() -> None:
    register_steps(
        PermitFlow, template_name="licensing/step.html", context=_context, success_url=_application_url
    )
