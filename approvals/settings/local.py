"""The embedded default used by `make run`: SQLite, a SQLite-backed Celery broker, DEBUG on."""

import os

from .base import *  # noqa: F403
from .base import XIUHUA_PUBLIC_BASE_URL, env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = SECRET_KEY or "local-development-only-not-secret"  # noqa: F405, S105
# A fixed development key, never derived from SECRET_KEY: changing that must not break the trail.
XIUHUA_AUDIT_KEY = XIUHUA_AUDIT_KEY or "local-development-audit-key-not-secret"  # noqa: F405, S105
# `make run` exports the URL of the port it serves; a bare runserver gets the usual one.
XIUHUA_PUBLIC_BASE_URL = XIUHUA_PUBLIC_BASE_URL or f"http://127.0.0.1:{os.environ.get('PORT', '8000')}"
