"""Test settings: the suite runs on PostgreSQL from DATABASE_URL (set by scripts/test.sh)."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403

SECRET_KEY = "test-only-not-secret"  # noqa: S105
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT") or tempfile.mkdtemp(prefix="xiuhua-media-"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
XIUHUA_AUDIT_KEY = "test-only-audit-key-not-secret"  # noqa: S105
XIUHUA_AUDIT_ANCHOR_DIR = Path(os.environ.get("XIUHUA_AUDIT_ANCHOR_DIR") or tempfile.mkdtemp(prefix="xiuhua-anchors-"))
XIUHUA_ENVIRONMENT = "test"
XIUHUA_PUBLIC_BASE_URL = os.environ.get("XIUHUA_PUBLIC_BASE_URL") or "http://testserver"
