"""The embedded default used by `make run`: SQLite, a SQLite-backed Celery broker, DEBUG on."""

import os
from pathlib import Path

from .base import *  # noqa: F403
from .base import XIUHUA_PUBLIC_BASE_URL, env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = SECRET_KEY or "local-development-only-not-secret"  # noqa: F405, S105
# A fixed development key, never derived from SECRET_KEY: changing that must not break the trail.
XIUHUA_AUDIT_KEY = XIUHUA_AUDIT_KEY or "local-development-audit-key-not-secret"  # noqa: F405, S105
# `make run` exports the URL of the port it serves; a bare runserver gets the usual one.
XIUHUA_PUBLIC_BASE_URL = XIUHUA_PUBLIC_BASE_URL or f"http://127.0.0.1:{os.environ.get('PORT', '8000')}"

# Mail from `make run` lands as files in var/mail/ (one per message), not on the terminal.
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = Path(os.environ.get("XIUHUA_MAIL_DIR", VAR_DIR / "mail"))  # noqa: F405
