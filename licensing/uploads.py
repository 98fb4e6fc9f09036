"""Licence materials, supplements and survey photos follow the shared upload policy (workflows.uploads)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from workflows.uploads import (
    MATERIALS,
    UPLOAD_REQUIRED,
    UPLOAD_TOO_LARGE,
    UPLOAD_TOO_MANY,
    UPLOAD_WRONG_TYPE,
    CheckedUpload,
    check_uploads,
)
from workflows.uploads import check_upload as check_against_policy

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

MAX_FILES_PER_APPLICATION = 40
UPLOAD_TOO_MANY_TOTAL = _("An application may hold at most %(limit)s files.")


def check_upload(upload: Any) -> CheckedUpload:
    """A permit material: JPEG, PNG or PDF under the materials policy."""
    return check_against_policy(upload, policy=MATERIALS)
