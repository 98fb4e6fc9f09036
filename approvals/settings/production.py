"""Production: PostgreSQL, Redis, gunicorn, N Celery workers and exactly one beat."""

import os

from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, SECRET_KEY, XIUHUA_AUDIT_KEY, XIUHUA_FIELD_KEY, env_bool

DEBUG = False
if not SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set to at least 50 random characters.")
if len(XIUHUA_AUDIT_KEY) < 32 or XIUHUA_AUDIT_KEY == SECRET_KEY:
    raise ImproperlyConfigured(
        "XIUHUA_AUDIT_KEY must be set to at least 32 random characters, different from DJANGO_SECRET_KEY."
    )
try:
    Fernet(XIUHUA_FIELD_KEY.encode())
except ValueError as exc:
    raise ImproperlyConfigured(
        "XIUHUA_FIELD_KEY must be set to a Fernet key (Fernet.generate_key()); it encrypts ID numbers"
        " and must not be derived from DJANGO_SECRET_KEY."
    ) from exc
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("Production runs on PostgreSQL: set DATABASE_URL=postgres://…")
if not os.environ.get("CELERY_BROKER_URL", "").startswith(("redis://", "rediss://")):
    raise ImproperlyConfigured("Production runs Celery on Redis: set CELERY_BROKER_URL=redis://…")

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ.get("REDIS_URL", os.environ["CELERY_BROKER_URL"]),
    }
}
# Redis is shared by every web process: sessions are read from it, written through to the database.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
XIUHUA_ENVIRONMENT = "production"
