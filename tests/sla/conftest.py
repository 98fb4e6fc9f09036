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
