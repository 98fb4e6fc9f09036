"""The one lock order, and what a transaction does when it still collides with another.

Lock order. A transaction takes the row locks it needs in this order and never backwards, so
two transactions cannot each hold what the other waits for:

1. the viewflow process row (``flowviews.locked_task``; viewflow's ``select_for_update_lock`` in its own views);
2. its task rows (viewflow assigns, starts and creates them under the process lock);
3. the subject: the permit application or the case, then the subject's own rows (hearing,
   affected party, follow-up, permit, permit request);
4. the subject's SLA clock rows (``workflows.sla``);
5. numbering rows, last: the county row that numbers applications, ``DocumentCounter`` for
   document numbers. They are the only rows shared by many subjects, so they are taken last
   and held for the shortest time (nothing slow may follow them in the transaction).

The audit trail takes no lock at all (``workflows.audit``). A row locked only to keep it stable
while we read it, or because new rows will reference it, is locked with
``select_for_update(no_key=True)`` (FOR NO KEY UPDATE): it does not block other transactions
inserting rows that reference it by foreign key, which take FOR KEY SHARE; FOR UPDATE would.

Collisions. PostgreSQL may still abort one of two transactions with a deadlock or a
serialization failure (e.g. a third-party lock, or viewflow's own order inside a step). Entry
points that run one whole transaction (``retry_once``: a step's completion from the web and the
API, claiming and releasing a task) run it once more; if it collides again the user gets
HTTP 409 (``ConflictMiddleware``: the Chinese conflict page, or JSON under /api/), never a 500.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable
from typing import Any, TypeVar, cast

from django.db import DatabaseError, connection, transaction
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

# PostgreSQL SQLSTATEs: deadlock_detected, serialization_failure.
TRANSIENT_SQLSTATES = frozenset({"40P01", "40001"})
CONCURRENT_UPDATE = _("Someone else changed the same records at the same moment; nothing was saved. Try again.")

F = TypeVar("F", bound=Callable[..., Any])


class ConcurrentUpdate(Exception):
    """A transaction collided twice with another one: answered with HTTP 409."""

    def __init__(self, message: Any = CONCURRENT_UPDATE) -> None:
        super().__init__(str(message))
        self.message = message


def is_transient(exc: BaseException) -> bool:
    """A deadlock or serialization failure (Django wraps psycopg's error as its __cause__)."""
    seen: BaseException | None = exc
    while seen is not None:
        if getattr(seen, "sqlstate", None) in TRANSIENT_SQLSTATES:
            return True
        seen = seen.__cause__
    return False


def _rewind_files(values: Iterable[Any]) -> None:
    # Uploaded files read by the first attempt must be read again from their start.
    for value in values:
        if isinstance(value, dict):
            _rewind_files(value.values())
        elif isinstance(value, list | tuple):
            _rewind_files(value)
        elif hasattr(value, "seek") and hasattr(value, "read"):
            value.seek(0)


def retry_once(func: F) -> F:
    """Run ``func``'s transaction once more after a deadlock or serialization failure.

    Only the outermost transaction can be retried: called inside another atomic block, ``func``
    runs once and the error goes up to whoever opened that block.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if connection.in_atomic_block:
            return func(*args, **kwargs)
        try:
            return func(*args, **kwargs)
        except DatabaseError as exc:
            if not is_transient(exc):
                raise
            logger.warning("%s collided with another transaction (%s); retrying once", func.__qualname__, exc)
        _rewind_files([args, kwargs])
        try:
            return func(*args, **kwargs)
        except DatabaseError as exc:
            if not is_transient(exc):
                raise
            raise ConcurrentUpdate from exc

    return cast(F, wrapper)


def step_atomic(func: F) -> F:
    """``transaction.atomic`` for an engine service that steps also call (clocks, documents).

    Inside a step (``flowviews.task_execution``, which runs in its service's own transaction)
    it makes no savepoint: an error raised here ends the step and its service's transaction
    rolls back to its own boundary anyway, so the SAVEPOINT/RELEASE pair would be two round trips
    for nothing. Called anywhere else it is an ordinary atomic block with its savepoint, so a
    caller that catches the error can go on using its transaction.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from .audit import in_step

        with transaction.atomic(savepoint=not in_step()):
            return func(*args, **kwargs)

    return cast(F, wrapper)
