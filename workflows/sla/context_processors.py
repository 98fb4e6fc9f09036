from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .selectors import unread_count


def bell(request: HttpRequest) -> dict[str, Any]:
    # Lazy: the count query runs only on pages that render the bell.
    return {"sla_unread": SimpleLazyObject(lambda: unread_count(request.user))}
