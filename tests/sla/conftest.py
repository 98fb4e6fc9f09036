from __future__ import annotations

from collections.abc import Iterator

import pytest

from workflows import calendar


@pytest.fixture(autouse=True)
def _fresh_calendar() -> Iterator[None]:
    # Administrators' schedules live in the test's rolled-back transaction; forget them both ways.
    calendar.invalidate()
    yield
    calendar.invalidate()


@pytest.fixture
def eager_celery() -> Iterator[None]:
    """Tasks queued with .delay() run in this process (their errors raised), as a worker would."""
    from approvals.celery import app

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved
