"""Proving the rulebook: tag tests with the rules they refuse and allow, and attempt acts over
the paths users take asserting that a refused act writes nothing at all (``writes_nothing``).

Two paths (``channel``): ``web`` is the step page or the case-page record form; ``api`` is
``POST /api/tasks/{id}/complete/`` for a step or ``POST /api/cases/{id}/actions/<name>/`` for a
record or off-graph act.

``refuses``/``allows`` are read by ``manage.py legal_matrix`` (illegal_building/matrix.py) from
the source, so the matrix names the tests that prove each rule and the paths they drive: a test
with a ``channel`` argument is parametrized over ``CHANNELS``; any other says ``via="web"`` or
``via="api"``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.apps import apps
from django.utils.html import escape

from illegal_building.models import Case
from workflows.documents.models import DocumentCounter, IssuedDocument
from workflows.models import AuditEntry
from workflows.sla.models import Clock, ClockPause

from .helpers import Driver, open_task

F = TypeVar("F", bound=Callable[..., Any])

CHANNELS = ["web", "api"]


def refuses(*codes: str, via: str | tuple[str, ...] = ()) -> Callable[[F], F]:
    """This test shows the act refused by each rule in ``codes`` (with nothing written)."""

    def mark(test: F) -> F:
        test.refuses = codes  # type: ignore[attr-defined]
        return test

    return mark


def allows(*codes: str, via: str | tuple[str, ...] = ()) -> Callable[[F], F]:
    """This test shows the lawful act passing each rule in ``codes``."""

    def mark(test: F) -> F:
        test.allows = codes  # type: ignore[attr-defined]
        return test

    return mark


def snapshot(case: Case) -> dict[str, Any]:
    """Everything a refused act could have written: records, acts, documents, numbers, audit, clocks."""
    state: dict[str, Any] = {
        model.__name__: model._default_manager.count() for model in apps.get_app_config("illegal_building").get_models()
    }
    state["documents"] = IssuedDocument.objects.count()
    state["numbers"] = list(DocumentCounter.objects.order_by("pk").values_list("pk", "last_sequence"))
    state["audit"] = AuditEntry.objects.count()
    state["clocks"] = list(
        Clock.objects.order_by("pk").values_list("pk", "due_date", "paused_on", "stopped_at", "paused_calendar_days")
    )
    state["pauses"] = ClockPause.objects.count()
    state["case"] = list(Case.objects.filter(pk=case.pk).values_list("stage", "case_number", "correctable", "is_major"))
    return state


@contextmanager
def writes_nothing(case: Case) -> Iterator[None]:
    """The block writes no act, record, document, number, audit row or clock change."""
    before = snapshot(case)
    yield
    assert snapshot(case) == before


def _post(channel: str, d: Driver, username: str, node: str, data: dict[str, Any]) -> tuple[bool, str]:
    if channel == "web":
        response = d.attempt(username, node, data)
        return response.status_code == 302, response.content.decode()
    task = open_task(d.case, node)
    response = d.client(username).post(f"/api/tasks/{task.pk}/complete/", data, content_type="application/json")
    return response.status_code == 200, json.dumps(response.json(), ensure_ascii=False)


def refused_via(channel: str, d: Driver, username: str, node: str, data: dict[str, Any], message: Any) -> None:
    """The step is refused with ``message`` (its article in Chinese) and nothing is written."""
    if channel == "web":
        d.take(username, node)
    with writes_nothing(d.case):
        ok, text = _post(channel, d, username, node, data)
    assert not ok, f"{node} was not refused"
    shown = escape(str(message)) if channel == "web" else str(message)
    assert shown in text, (str(message), text[:3000])
    assert "条" in str(message)  # the article, in Chinese
    assert node in d.active_nodes()


def passed_via(channel: str, d: Driver, username: str, node: str, data: dict[str, Any]) -> None:
    ok, text = _post(channel, d, username, node, data)
    assert ok, (node, text[:3000])
    d.refresh()


def _record(channel: str, d: Driver, username: str, name: str, data: dict[str, Any]) -> tuple[bool, str]:
    """A record or off-graph act: the case-page form (web) or ``POST /api/cases/{id}/actions/<name>/``."""
    if channel == "web":
        response = d.record(username, name, data)
        assert response.status_code == 302, response.content[:2000]
        page = d.client(username).get(response.url).content.decode()
        return "xh-message--success" in page and "xh-message--error" not in page, page
    url = f"/api/cases/{d.case.pk}/actions/{name}/"
    files = any(hasattr(value, "read") for value in data.values())
    response = (
        d.client(username).post(url, data)  # multipart, as a client uploading a scan does
        if files
        else d.client(username).post(url, data, content_type="application/json")
    )
    return response.status_code == 200, json.dumps(response.json(), ensure_ascii=False)


def record_refused_via(
    channel: str, d: Driver, username: str, name: str, data: dict[str, Any], message: Any
) -> None:
    """A record act refused with ``message`` (its article in Chinese), nothing written."""
    with writes_nothing(d.case):
        ok, text = _record(channel, d, username, name, data)
    shown = escape(str(message)) if channel == "web" else str(message)
    assert not ok, f"{name} was not refused"
    assert shown in text, (str(message), text[:3000])
    assert "条" in str(message)


def recorded_via(channel: str, d: Driver, username: str, name: str, data: dict[str, Any]) -> None:
    """A lawful record act passes on ``channel``."""
    ok, text = _record(channel, d, username, name, data)
    assert ok, (name, text[:3000])
    d.refresh()
