"""Facts read several times while one request (or one step) runs, read once.

A step asks for the same reference rows many times — the clock rule of a step, a facility
type, an issuing authority, whether the user may act on the task — from the form, the
permission checks, the service and the signal handlers. Inside ``scope()`` (opened for every
request by ``RequestCacheMiddleware`` and for every step by ``task_execution``) the first answer
is kept for the rest of the scope; outside a scope nothing is kept. A scope never outlives its
request, so an administrator's edit is seen by the next request in every process.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse

T = TypeVar("T")
_facts: ContextVar[dict[Hashable, Any] | None] = ContextVar("xiuhua_request_facts", default=None)


@contextmanager
def scope() -> Iterator[None]:
    """Keep facts until the block ends; a nested scope shares its outer scope's facts."""
    if _facts.get() is not None:
        yield
        return
    token = _facts.set({})
    try:
        yield
    finally:
        _facts.reset(token)


def memo(key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, once per scope for ``key``; every call computes outside a scope."""
    facts = _facts.get()
    if facts is None:
        return compute()
    if key not in facts:
        facts[key] = compute()
    return facts[key]  # type: ignore[no-any-return]


def active() -> bool:
    """Is a scope open (facts are kept)? Callers may then read a whole kind of row at once."""
    return _facts.get() is not None


def remember(key: Hashable, value: Any) -> None:
    """Keep ``value`` for ``key`` for the rest of the scope (overwriting); nothing outside a scope."""
    facts = _facts.get()
    if facts is not None:
        facts[key] = value


def recall(key: Hashable, default: Any = None) -> Any:
    """What ``remember`` kept for ``key`` in this scope, else ``default``."""
    facts = _facts.get()
    return default if facts is None else facts.get(key, default)


def forget(prefix: Hashable) -> None:
    """Drop the facts whose key starts with ``prefix`` (after the scope itself changed them)."""
    facts = _facts.get()
    if facts:
        for key in [k for k in facts if isinstance(k, tuple) and k and k[0] == prefix]:
            del facts[key]


class RequestCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with scope():
            return self.get_response(request)
