"""Every malformed request is a 4xx: non-object JSON, wrong types and unknown ids to every API endpoint,
and taking a step that is not a person's task."""

from __future__ import annotations

import re
from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient
from viewflow.workflow.models import Task

from tests.outdoor_ads.support import latest_application, web_apply

pytestmark = pytest.mark.django_db

UNKNOWN_ID = "987654321"
HUGE_ID = "99999999999999999999"  # past bigint: must be a 404, not a database error
NON_OBJECT_BODIES: list[Any] = [[], [1, 2], 42, "text", None, True]
WRONG_TYPES: list[Any] = [{"nested": 1}, [1, "x"], 10**30, -1, "", "x" * 5000, True, 1.5]


def api_operations() -> list[tuple[str, str, dict[str, Any]]]:
    """(path template, method, operation) for every operation in the OpenAPI schema."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                operations.append((path, method, operation))
    return operations


def body_fields(operation: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    content = (operation.get("requestBody") or {}).get("content") or {}
    names: set[str] = set()
    for media in content.values():
        ref = media.get("schema", {}).get("$ref", "")
        component = schema["components"]["schemas"].get(ref.rsplit("/", 1)[-1], media.get("schema", {}))
        names.update((component.get("properties") or {}).keys())
    return sorted(names)


def fill(path: str, value: str) -> str:
    return re.sub(r"\{[^}]+\}", value, path)


def test_the_schema_lists_the_endpoints_we_expect():
    paths = {path for path, _method, _op in api_operations()}
    for expected in ("/api/auth/token/", "/api/tasks/{task_id}/complete/", "/api/cases/", "/api/me/"):
        assert expected in paths, sorted(paths)
    assert len(paths) >= 15


@pytest.mark.parametrize("username", ["clerk", "patrol", "applicant", "chief", None])
def test_every_endpoint_answers_malformed_requests_with_a_4xx(demo_users, username):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    api = APIClient(raise_request_exception=False)
    if username:
        api.force_authenticate(demo_users[username])
    failures = []
    for path, method, operation in api_operations():
        ids = [UNKNOWN_ID, HUGE_ID, "0"]
        for ident in ids:
            url = fill(path, ident)
            bodies: list[Any] = list(NON_OBJECT_BODIES)
            for field in body_fields(operation, schema):
                bodies.extend({field: wrong} for wrong in WRONG_TYPES)
            if method in {"get", "delete"}:
                bodies = [None]
            for body in bodies:
                response = getattr(api, method)(url, body, format="json")
                if response.status_code >= 500:
                    failures.append(f"{method.upper()} {url} {body!r:.60} → {response.status_code}")
            # The same as a form post, and with a garbage JSON text.
            if method in {"post", "put", "patch"}:
                raws = (("{not json", "application/json"), ("a=1&a=2", "application/x-www-form-urlencoded"))
                for raw, content_type in raws:
                    response = getattr(api, method)(url, raw, content_type=content_type)
                    if response.status_code >= 500:
                        failures.append(f"{method.upper()} {url} raw {raw!r} → {response.status_code}")
    assert failures == [], "\n".join(failures[:60])


def test_non_object_json_is_a_400_with_a_message(demo_users):
    api = APIClient()
    api.force_authenticate(demo_users["patrol"])
    for body in NON_OBJECT_BODIES:
        response = api.post("/api/cases/", body, format="json")
        assert response.status_code == 400, (body, response.status_code)
    response = APIClient().post("/api/auth/token/", [1, 2], format="json")
    assert response.status_code == 400


def test_taking_a_step_that_is_not_a_persons_task_is_a_404(client_as):
    assert web_apply(client_as("applicant")).status_code == 302
    application = latest_application()
    machine = Task.objects.filter(process__permitprocess__application=application).exclude(flow_task_type="HUMAN")
    assert machine.exists()
    clerk = client_as("clerk")
    for task in machine:
        assert clerk.post(f"/ads/tasks/{task.pk}/take/").status_code == 404
    assert clerk.post(f"/ads/tasks/{UNKNOWN_ID}/take/").status_code == 404
