"""A bounded schemathesis run over /api/schema/: no 5xx, no response outside the documented schema.

Each operation gets a few generated requests as a staff member and as an applicant (tokens from
POST /api/auth/token/), in-process over WSGI on the test's database. Bounded to stay well under
a minute; widen ``EXAMPLES`` locally to dig deeper.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from .support import token_client
from .test_conventions import apply_data

pytestmark = pytest.mark.django_db

EXAMPLES = 3
# Revoking the caller's own token would end the run early; they are tested in tests/workflows.
SKIPPED = ("/api/auth/logout/", "/api/auth/logout-all/", "/api/auth/token/")


def _token(username: str) -> str:
    client = token_client(username)
    return str(client._credentials["HTTP_AUTHORIZATION"])  # type: ignore[attr-defined]


@pytest.mark.parametrize("username", ["clerk", "applicant"])
def test_schema_holds_for_generated_requests(demo_users: Any, username: str) -> None:
    # Something to find: an application (and its task) the generated ids may hit.
    assert token_client("applicant").post("/api/permits/", apply_data(), format="multipart").status_code == 201
    headers = {"Authorization": _token(username)}
    # As Django's test client does: a request must not close the test's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        _run(headers)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _run(headers: dict[str, str]) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application(), headers=headers)
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path in SKIPPED:
            continue
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=[not_a_server_error, response_schema_conformance])

        try:
            run()
        except Exception as exc:  # noqa: BLE001 (collect every operation's failure, then report all)
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:600]}")
    assert operations > 30
    assert not failures, "\n\n".join(failures)
