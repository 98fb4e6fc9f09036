"""Sessions are read from the shared cache (``cached_db``), and a logout still ends them everywhere."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "zhaotong-demo"


def logged_in(username: str) -> Client:
    client = Client()
    assert client.post("/accounts/login/", {"username": username, "password": PASSWORD}).status_code == 302
    return client


def test_a_request_reads_its_session_from_the_shared_cache(demo_users):
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    client = logged_in("clerk")
    # Written through: the row exists, so a cache flush (or a Redis restart) keeps the user logged in.
    assert Session.objects.filter(session_key=client.session.session_key).exists()
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/workbench/").status_code == 200
    assert not [q["sql"] for q in captured if "django_session" in q["sql"]]
    from django.core.cache import cache

    cache.clear()
    assert client.get("/workbench/").status_code == 200  # read back from its row


def test_logout_ends_the_session_for_every_copy_of_its_cookie(demo_users):
    client = logged_in("clerk")
    other = Client()  # e.g. the same browser's request served by another web process
    other.cookies = client.cookies
    assert other.get("/workbench/").status_code == 200
    key = client.session.session_key
    assert client.post("/accounts/logout/").status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    stale = Client()
    stale.cookies[settings.SESSION_COOKIE_NAME] = key
    response = stale.get("/workbench/")
    assert response.status_code == 302 and response["Location"].startswith(settings.LOGIN_URL)


def test_the_embedded_default_keeps_sessions_in_the_database_only():
    # `make run` has a per-process cache: a session ended by one process must not live on in another's.
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL"}}
    env["DJANGO_SETTINGS_MODULE"] = "approvals.settings.local"
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_ENGINE, s.CACHES['default']['BACKEND'])"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == [
        "django.contrib.sessions.backends.db",
        "django.core.cache.backends.locmem.LocMemCache",
    ]
