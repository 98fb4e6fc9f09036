"""The product's only source of "now".

Every service, deadline and sweep asks this module for the time, so a test (or a demo) can
move time for the whole product at once. Nothing else calls ``timezone.now()``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import timezone

_frozen: dt.datetime | None = None
_offset = dt.timedelta(0)


def now() -> dt.datetime:
    """The current aware datetime (UTC), moved by any travel in effect."""
    if _frozen is not None:
        return _frozen
    return timezone.now() + _offset


def today() -> dt.date:
    """Today's date in the bureau's time zone (Asia/Shanghai)."""
    return timezone.localtime(now()).date()


def set_now(moment: dt.datetime | None) -> None:
    """Freeze the clock at ``moment`` (aware), or unfreeze it with ``None``."""
    global _frozen
    if moment is not None and timezone.is_naive(moment):
        raise ValueError("set_now() needs an aware datetime")
    _frozen = moment


def advance(delta: dt.timedelta) -> None:
    """Move time forward (frozen or not)."""
    global _frozen, _offset
    if _frozen is not None:
        _frozen = _frozen + delta
    else:
        _offset = _offset + delta


def reset() -> None:
    global _frozen, _offset
    _frozen = None
    _offset = dt.timedelta(0)


@contextmanager
def travel(moment: dt.datetime) -> Iterator[None]:
    """Freeze the clock at ``moment`` for the duration of the block."""
    previous = _frozen
    set_now(moment)
    try:
        yield
    finally:
        set_now(previous)
