"""The embedded default used by `make run`: SQLite, a SQLite-backed Celery broker, DEBUG on."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = SECRET_KEY or "local-development-only-not-secret"  # noqa: F405, S105
# A fixed development key, never derived from SECRET_KEY: changing that must not break the trail.
XIUHUA_AUDIT_KEY = XIUHUA_AUDIT_KEY or "local-development-audit-key-not-secret"  # noqa: F405, S105
