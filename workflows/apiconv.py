"""API conventions shared by every endpoint: bodies, errors, idempotent creation.

- A JSON body must be an object (``workflows.parsers.ObjectJSONParser``): otherwise a 400.
- One error format: ``{"field": ["message", …], "detail": "non-field message"}``; 404 for what
  the caller may not see, 409 for conflicts.
- ``Idempotency-Key`` on creating POSTs: the same key from the same user with the same body gets
  the stored response and creates nothing; another body under the same key is a 422.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder as DRFJSONEncoder
from rest_framework.views import exception_handler as drf_exception_handler

IDEMPOTENCY_KEY_REUSED = _("This Idempotency-Key was already used with a different request body.")
IDEMPOTENCY_KEY_TOO_LONG = _("The Idempotency-Key header may be at most 100 characters.")

NON_FIELD_KEYS = (NON_FIELD_ERRORS, "non_field_errors")


def _messages(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [str(value)]


def error_body(errors: Mapping[str, Any]) -> dict[str, Any]:
    """field → list of messages; the non-field messages under ``detail`` as one string."""
    body: dict[str, Any] = {}
    detail: list[str] = []
    for key, value in errors.items():
        if key in NON_FIELD_KEYS or key == "detail":
            detail.extend(_messages(value))
        else:
            body[key] = _messages(value) if not isinstance(value, dict) else value
    if detail:
        body["detail"] = " ".join(detail)
    return body


def errors_response(errors: Mapping[str, Any], code: int = status.HTTP_400_BAD_REQUEST) -> Response:
    return Response(error_body(errors), status=code)


def validation_errors(exc: ValidationError) -> dict[str, Any]:
    return error_body(exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages})


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus Django's ValidationError as a 400, in the one error format."""
    if isinstance(exc, ValidationError):
        return Response(validation_errors(exc), status=status.HTTP_400_BAD_REQUEST)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict):
        response.data = error_body(response.data)
    return response


# --- Idempotency-Key -------------------------------------------------------------------------


def _request_hash(request: Request) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode() if request.method else b"")
    digest.update(request.path.encode())
    data = request.data
    items: list[tuple[str, Any]] = []
    if hasattr(data, "lists"):
        items = [(k, v) for k, v in data.lists()]  # type: ignore[union-attr]
    elif isinstance(data, dict):
        items = list(data.items())
    digest.update(json.dumps(sorted(items, key=lambda kv: kv[0]), default=str, ensure_ascii=False).encode())
    for name in sorted(request.FILES):
        for upload in request.FILES.getlist(name):
            digest.update(name.encode())
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
    return digest.hexdigest()


def idempotent(view_method: Callable[..., Response]) -> Callable[..., Response]:
    """Honour ``Idempotency-Key`` on a creating POST (the key row and the object commit together)."""

    @wraps(view_method)
    def wrapper(self: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        from .models import IdempotencyKey

        key = request.headers.get("Idempotency-Key", "").strip()
        if not key or not request.user.is_authenticated:
            return view_method(self, request, *args, **kwargs)
        if len(key) > 100:
            return errors_response({"detail": str(IDEMPOTENCY_KEY_TOO_LONG)})
        request_hash = _request_hash(request)
        for _attempt in range(2):
            stored = IdempotencyKey.objects.filter(user=request.user, key=key).first()
            if stored is not None:
                if stored.request_hash != request_hash:
                    return errors_response(
                        {"detail": str(IDEMPOTENCY_KEY_REUSED)}, status.HTTP_422_UNPROCESSABLE_ENTITY
                    )
                replay = Response(stored.response_body, status=stored.response_status)
                replay["Idempotent-Replayed"] = "true"
                return replay
            try:
                with transaction.atomic():
                    # A concurrent request with the same key waits on the unique index here
                    # and then replays this one's response.
                    row = IdempotencyKey.objects.create(
                        user=request.user, key=key, request_hash=request_hash, path=request.path[:200]
                    )
                    response = view_method(self, request, *args, **kwargs)
                    if not 200 <= response.status_code < 300:
                        # Nothing was created: the key stays free for a corrected retry.
                        transaction.set_rollback(True)
                        return response
                    row.response_status = response.status_code
                    # Stored as the client saw it, so the replay is byte-for-byte the same JSON.
                    row.response_body = json.loads(json.dumps(response.data, cls=DRFJSONEncoder))
                    row.save(update_fields=["response_status", "response_body"])
                    return response
            except IntegrityError:
                continue
        return errors_response({"detail": str(IDEMPOTENCY_KEY_REUSED)}, status.HTTP_409_CONFLICT)

    return wrapper
