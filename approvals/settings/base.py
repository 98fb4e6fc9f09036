"""Settings shared by every environment; each value that differs comes from the environment."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("XIUHUA_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_filters",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "axes",
    "django_celery_beat",
    "viewflow",
    "viewflow.workflow",
    "workflows",
    "workflows.sla",
    "workflows.documents",
    "licensing",
    "outdoor_ads",
    "construction_waste",
    "illegal_building",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Reference rows and permission answers read once per request (workflows.requestcache).
    "workflows.requestcache.RequestCacheMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "workflows.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "workflows.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # X-Frame-Options: DENY everywhere; the file previews opt into SAMEORIGIN (workflows.security).
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "viewflow.middleware.SiteMiddleware",
    # After SiteMiddleware: a wrong role is its 403; a foreign or mismatched task is our 404.
    "workflows.flowviews.TaskUrlGuardMiddleware",
    # After the task guard, so its process_exception is asked first: a transaction that collided
    # twice is a 409 (workflows.concurrency).
    "workflows.middleware.ConflictMiddleware",
    "viewflow.middleware.HotwireTurboMiddleware",
    # A year without holiday schedule refuses with its reason (409), web and API alike.
    "workflows.sla.middleware.CalendarDataMissingMiddleware",
    # Last: turns a login refused for lockout into the 429 page (workflows.security.lockout_response).
    "axes.middleware.AxesMiddleware",
]

X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp). Scripts only from our own static files: no inline script
# except the two inline handlers allowed by hash (our language switch, viewflow's "back" buttons).
# Styles allow inline because the templates and viewflow's web components set style attributes.
# Nothing may frame a page (frame-ancestors 'none') except the file previews, which allow 'self'.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": [
            "'self'",
            "'unsafe-hashes'",
            "'sha256-osjxnKEPL/pQJbFk1dKsF7PYFmTyMWGmVSiL9inhxJY='",  # this.form.submit()
            "'sha256-seD630z7277f97kwMcz927xhDjB8+HQCe4f0EztcsAU='",  # window.history.back(-1)
        ],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

ROOT_URLCONF = "approvals.urls"
WSGI_APPLICATION = "approvals.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "workflows.context_processors.product",
                "workflows.sla.context_processors.bell",
            ],
        },
    }
]

# The embedded default is a SQLite file so `make run` needs no server; production and the
# test suite pass DATABASE_URL for PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'xiuhua.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Celery worker, beat and the web server share the file; wait instead of failing on a lock.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update({"timeout": 30, "transaction_mode": "IMMEDIATE"})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "workflows.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses every authenticate() call for a locked-out account or address.
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend reading the permission set in one query; Django's own stays listed after it
    # for sessions (and logins) that name it, and finds the set already cached on the user.
    "workflows.backends.OneQueryModelBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# Run by every password form: registration, password change, the admin (validate_password).
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "real_name", "phone", "email", "company_name")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": int(os.environ.get("XIUHUA_PASSWORD_MIN_LENGTH", "8"))},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling (django-axes): an account, or an address, that fails this many times in a row
# is locked for the cool-off period; an administrator unlocks earlier in the admin.
# A success resets the account's count. Attempts are rows in the database, so every web worker sees them.
AXES_FAILURE_LIMIT = int(os.environ.get("XIUHUA_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("XIUHUA_LOGIN_LOCKOUT_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "workflows.security.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False  # workflows.admin registers an auditing subclass of axes' admin
AXES_CLIENT_IP_CALLABLE = "workflows.security.client_ip"
# How many reverse proxies of ours append to X-Forwarded-For (0: trust only REMOTE_ADDR).
XIUHUA_PROXY_COUNT = int(os.environ.get("XIUHUA_PROXY_COUNT", "0"))

# Throttles on the public, anonymous forms ("N/period" per client address); see workflows.security.
XIUHUA_RATE_REGISTER = os.environ.get("XIUHUA_RATE_REGISTER", "10/h")
XIUHUA_RATE_PUBLIC_REPORT = os.environ.get("XIUHUA_RATE_PUBLIC_REPORT", "20/h")
XIUHUA_RATE_PUBLIC_LOOKUP = os.environ.get("XIUHUA_RATE_PUBLIC_LOOKUP", "30/m")

# A staff session ends this long after login (no sliding renewal), like a working day.
SESSION_COOKIE_AGE = int(float(os.environ.get("XIUHUA_SESSION_HOURS", "8")) * 3600)
SESSION_SAVE_EVERY_REQUEST = False
# Sessions are rows in the database. Where a cache every web process shares is configured
# (Redis: production, the test suite and the bench), ``cached_db`` answers each request from it
# and writes through to the row (a step then costs no session query). The embedded default
# (`make run`) keeps plain ``db``: its cache is per process (LocMemCache), and a session deleted
# at logout by one process must not stay valid in another process's memory.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"
# guardian: no anonymous user row; anonymous users never hold object permissions.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", VAR_DIR / "static"))
# Uploaded files and issued PDFs live outside any served URL; views stream them after a
# permission check, so MEDIA_URL is deliberately unused.
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024

EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "xiuhua@localhost")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Expiring, revocable tokens (django-rest-knox): stored as digests, "Authorization: Token …".
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "workflows.parsers.ObjectJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "workflows.apiconv.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "workflows.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_RATES": {"auth": os.environ.get("XIUHUA_RATE_API_LOGIN", "30/min")},
}
# An API token lives this long from login; POST /api/auth/logout/ revokes it earlier.
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=float(os.environ.get("XIUHUA_API_TOKEN_HOURS", "8"))),
    "AUTO_REFRESH": False,
    "AUTH_HEADER_PREFIX": "Token",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "绣花城市管理 Xiuhua API",
    "DESCRIPTION": "户外广告设施设置许可与违法建设案件办理接口（令牌认证）。"
    " Outdoor-advertising permits and illegal-construction cases (token authentication).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "workflows.stepschema.add_step_schemas",
    ],
}

# Celery: the embedded default is kombu's SQLAlchemy transport over a SQLite file.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", f"sqla+sqlite:///{VAR_DIR / 'celery-broker.sqlite3'}")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # Redis redelivers a task whose worker vanished after this many seconds (acks_late).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600"))}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
XIUHUA_SWEEP_SECONDS = int(os.environ.get("XIUHUA_SWEEP_SECONDS", "60"))
# How often committed audit rows are chained and the chain's head is checkpointed outside the
# database: rows newer than the last checkpoint are the only ones a truncation could hide.
XIUHUA_AUDIT_SEAL_SECONDS = int(os.environ.get("XIUHUA_AUDIT_SEAL_SECONDS", "60"))
CELERY_BEAT_SCHEDULE = {
    "sweep-clocks": {
        "task": "workflows.tasks.sweep",
        "schedule": timedelta(seconds=XIUHUA_SWEEP_SECONDS),
    },
    "seal-audit-trail": {
        "task": "workflows.tasks.seal_audit_trail",
        "schedule": timedelta(seconds=XIUHUA_AUDIT_SEAL_SECONDS),
    },
}

VIEWFLOW: dict[str, object] = {}

# Encryption of ID numbers and reporters' identities (workflows.crypto): a Fernet key from the
# environment, the previous keys (comma-separated) still read until `manage.py rotate_field_key`
# has re-encrypted everything. Without XIUHUA_FIELD_KEY (development only) the key derives from SECRET_KEY;
# production refuses to start without it.
XIUHUA_FIELD_KEY = os.environ.get("XIUHUA_FIELD_KEY", "")
XIUHUA_FIELD_KEY_OLD = env_list("XIUHUA_FIELD_KEY_OLD")

# "production" refuses demo data and other conveniences.
XIUHUA_ENVIRONMENT = os.environ.get("XIUHUA_ENVIRONMENT", "local")

XIUHUA_DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "zhaotong-demo")
# Optional override of the site's name; by default it is the default issuing authority's name
# (admin data, see workflows.documents.IssuingAuthority).
XIUHUA_BUREAU_NAME = os.environ.get("XIUHUA_BUREAU_NAME", "")
# Where citizens reach the site: every PDF's QR code and verify link start with it. Required in
# production (`check --deploy`, documents.E001); `make run` sets it to the port it serves.
XIUHUA_PUBLIC_BASE_URL = os.environ.get("XIUHUA_PUBLIC_BASE_URL", "")
# Official PDFs render in a pool of worker processes; a render past the limit is killed.
XIUHUA_DOCUMENT_RENDER_TIMEOUT = float(os.environ.get("XIUHUA_DOCUMENT_RENDER_TIMEOUT", "30"))
XIUHUA_DOCUMENT_RENDER_PROCESSES = int(os.environ.get("XIUHUA_DOCUMENT_RENDER_PROCESSES", "2"))

# The audit trail's HMAC key lives outside the database (production requires it), and so do
# its signed checkpoints: in production a directory the database's administrators cannot write.
XIUHUA_AUDIT_KEY = os.environ.get("XIUHUA_AUDIT_KEY", "")
XIUHUA_AUDIT_ANCHOR_DIR = Path(os.environ.get("XIUHUA_AUDIT_ANCHOR_DIR", VAR_DIR / "audit-anchors"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "xiuhua.sms": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # WeasyPrint and its font subsetter report every rendering step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
