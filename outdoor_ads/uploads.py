"""Permit materials, supplements and survey photos: the licensing kernel's upload rules."""

from __future__ import annotations

from licensing.uploads import (
    MATERIALS,
    MAX_FILES_PER_APPLICATION,
    UPLOAD_REQUIRED,
    UPLOAD_TOO_LARGE,
    UPLOAD_TOO_MANY,
    UPLOAD_TOO_MANY_TOTAL,
    UPLOAD_WRONG_TYPE,
    CheckedUpload,
    check_upload,
    check_uploads,
)

__all__ = [
    "MATERIALS",
    "MAX_FILES_PER_APPLICATION",
    "UPLOAD_REQUIRED",
    "UPLOAD_TOO_LARGE",
    "UPLOAD_TOO_MANY",
    "UPLOAD_TOO_MANY_TOTAL",
    "UPLOAD_WRONG_TYPE",
    "CheckedUpload",
    "check_upload",
    "check_uploads",
]
