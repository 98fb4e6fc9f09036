"""Shared fixtures: demo users per role, HTTP clients logged in as them, the moved clock."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest
from django.conf import settings
from django.test import Client

from workflows import clock

# Playwright's sync API runs an event loop in the test thread; Django's async-safety
# guard would otherwise refuse the ORM calls that fixtures make in that thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_configure(config: pytest.Config) -> None:
    # The suite runs on the production database; scripts/test.sh provides one.
    engine = settings.DATABASES["default"]["ENGINE"]
    if engine != "django.db.backends.postgresql":
        raise pytest.UsageError(f"the test suite needs PostgreSQL (DATABASE_URL); got {engine}. Run `make test`.")


def pytest_report_header(config: pytest.Config) -> list[str]:
    db = settings.DATABASES["default"]
    broker = os.environ.get("CELERY_BROKER_URL", settings.CELERY_BROKER_URL)
    return [
        f"xiuhua database: {db['ENGINE'].rsplit('.', 1)[-1]} {db.get('HOST')}:{db.get('PORT')} {db['NAME']}",
        f"xiuhua broker: {broker}",
    ]


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    # Throttle counters live in the cache; each test starts with a fresh allowance.
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _reset_clock() -> Iterator[None]:
    clock.reset()
    yield
    clock.reset()


@pytest.fixture(autouse=True)
def _audit_anchor_dir(settings: object, tmp_path_factory: pytest.TempPathFactory) -> None:
    # Checkpoints live outside the database, so they outlive each test's flushed database:
    # every test gets its own directory, or one test's checkpoint would read as another's truncation.
    settings.XIUHUA_AUDIT_ANCHOR_DIR = tmp_path_factory.mktemp("audit-anchors")  # type: ignore[attr-defined]


@pytest.fixture
def demo_users(db: None) -> dict[str, object]:
    """Every demo account, keyed by username, with roles and jurisdictions synced."""
    from workflows.demo import seed_accounts
    from workflows.management.commands.sync_roles import sync_roles

    sync_roles()
    return {user.username: user for user in seed_accounts()}


@pytest.fixture
def client_as(demo_users: dict[str, object]) -> Callable[[str], Client]:
    """A test client logged in as the named demo account."""

    def make(username: str) -> Client:
        client = Client()
        client.force_login(demo_users[username])  # type: ignore[arg-type]
        return client

    return make


@pytest.fixture
def celery_eager() -> Iterator[None]:
    """Run Celery tasks in the calling process when they are queued (for live-server tests
    whose commits queue work, e.g. a document's PDF, with no worker running beside them)."""
    from approvals.celery import app

    previous = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = previous
