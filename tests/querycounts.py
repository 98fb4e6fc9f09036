"""Shared pieces of the query-count tests (tests/<app>/test_query_counts.py).

Each app grows its own data ten times (GROWTH) and asserts that its lists and steps run the
same number of queries, and that a step stays within its budget.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

GROWTH = 10


@pytest.fixture(autouse=True)
def _steady_calendar_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    # The holiday overlay is re-read every OVERLAY_TTL_SECONDS (one query whenever it expires);
    # on a slow machine that can fall inside a measured request, so it is held for the test.
    monkeypatch.setattr("workflows.calendar.OVERLAY_TTL_SECONDS", 3600.0)


def queries(client: Client | APIClient, url: str) -> int:
    """Queries of one GET of ``url`` (after a first GET that warms per-process caches)."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


@contextmanager
def counted() -> Iterator[Callable[[], int]]:
    """``with counted() as n: …`` then ``n()``: the queries run inside the block."""
    with CaptureQueriesContext(connection) as captured:
        yield lambda: len(captured)


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def over_budget(costs: dict[str, int], budget: dict[str, int]) -> dict[str, tuple[int, int]]:
    """The steps whose cost exceeds their budget: {step: (cost, budget)}."""
    return {step: (n, budget[step]) for step, n in costs.items() if n > budget[step]}
