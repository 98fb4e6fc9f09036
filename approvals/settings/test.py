"""Test settings: the suite runs on PostgreSQL from DATABASE_URL (set by scripts/test.sh)."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import CELERY_BROKER_URL as _BASE_BROKER_URL

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

# Under pytest-xdist each test process gets its own Redis database, so one process's queue,
# purge or flush never touches another's. Idempotent: a Celery worker started by a test inherits
# both the URL and PYTEST_XDIST_WORKER and lands on the same database.
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if _XDIST_WORKER.startswith("gw") and _BASE_BROKER_URL.startswith(("redis://", "rediss://")):
    from urllib.parse import urlsplit, urlunsplit

    _parts = urlsplit(_BASE_BROKER_URL)
    CELERY_BROKER_URL = urlunsplit(_parts._replace(path=f"/{1 + int(_XDIST_WORKER[2:])}"))
    # Celery reads CELERY_BROKER_URL from the environment before the Django settings, so the test
    # process itself must see the per-process database there too, or it queues where no worker listens.
    os.environ["CELERY_BROKER_URL"] = CELERY_BROKER_URL

# As in production: a Redis cache shared by every process of a test (live server, workers,
# subprocesses), and sessions read from it (``cached_db``). Its own Redis database per test
# process (8 + the xdist index), apart from the broker's: each test's ``cache.clear()`` flushes it.
_REDIS_URL = os.environ.get("REDIS_URL", "")
if _REDIS_URL.startswith(("redis://", "rediss://")):
    from urllib.parse import urlsplit, urlunsplit

    _cache_db = 8 + (int(_XDIST_WORKER[2:]) if _XDIST_WORKER.startswith("gw") else 0)
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": urlunsplit(urlsplit(_REDIS_URL)._replace(path=f"/{_cache_db}")),
        }
    }
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
