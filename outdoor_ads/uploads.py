"""Uploads are judged by their content (magic bytes via ``filetype``), never by name or browser type."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import filetype
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ALLOWED_TYPES = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_FILES_PER_ITEM = 5
MAX_FILES_PER_APPLICATION = 40

UPLOAD_WRONG_TYPE = _("“%(name)s” is not a JPEG, PNG or PDF file (judged by its content, not its name).")
UPLOAD_TOO_LARGE = _("“%(name)s” is larger than %(limit)s MB.")
UPLOAD_EMPTY = _("“%(name)s” is empty.")
UPLOAD_TOO_MANY = _("At most %(limit)s files may be uploaded for this item.")
UPLOAD_TOO_MANY_TOTAL = _("An application may hold at most %(limit)s files.")
UPLOAD_REQUIRED = _("This material is required.")


@dataclass(frozen=True)
class CheckedUpload:
    file: Any
    original_name: str
    mime_type: str
    extension: str
    size: int
    sha256: str


def check_upload(upload: Any) -> CheckedUpload:
    """Raise ValidationError (Chinese message via gettext) unless the file is an allowed type and size."""
    name = getattr(upload, "name", "") or "upload"
    size = getattr(upload, "size", 0) or 0
    if size <= 0:
        raise ValidationError(UPLOAD_EMPTY, code="empty", params={"name": name})
    if size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            UPLOAD_TOO_LARGE, code="too_large", params={"name": name, "limit": MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    upload.seek(0)
    head = upload.read(8192)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise ValidationError(UPLOAD_WRONG_TYPE, code="wrong_type", params={"name": name})
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(
        file=upload,
        original_name=name[-200:],
        mime_type=kind.mime,
        extension=ALLOWED_TYPES[kind.mime],
        size=size,
        sha256=digest.hexdigest(),
    )


def check_uploads(uploads: list[Any], *, limit: int = MAX_FILES_PER_ITEM) -> list[CheckedUpload]:
    if len(uploads) > limit:
        raise ValidationError(UPLOAD_TOO_MANY, code="too_many", params={"limit": limit})
    checked, errors = [], []
    for upload in uploads:
        try:
            checked.append(check_upload(upload))
        except ValidationError as exc:
            errors.extend(exc.error_list)
    if errors:
        raise ValidationError(errors)
    return checked
