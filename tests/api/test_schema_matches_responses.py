"""The documented schema is what every endpoint answers: walk /api/schema/, call each GET with real
ids as staff and as an applicant, and validate each response (status, content type, body) with
schemathesis against the document; a returned key the schema does not declare fails too. Every
route under /api/ must be in the document.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.urls import URLPattern, URLResolver, get_resolver
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from workflows.documents.services import documents_render_pending

from .support import token_client
from .test_conventions import apply_data

pytestmark = pytest.mark.django_db

CALLERS = ("clerk", "officer", "applicant")
NOT_IN_DOCUMENT = {"/api/schema/", "/api/docs/"}  # the document itself and its viewer


def _routes(resolver: Any, prefix: str = "") -> list[str]:
    routes = []
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            routes.extend(_routes(pattern, route))
        elif isinstance(pattern, URLPattern):
            routes.append(route)
    return routes


def _openapi_path(route: str) -> str:
    # drf-spectacular's naming: <int:pk> is {id}, any other <conv:name> is {name}.
    path = re.sub(r"<(?:\w+:)?pk>", "{id}", route)
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", path)


def test_every_api_route_is_documented(demo_users: Any) -> None:
    document = token_client("clerk").get("/api/schema/?format=json").json()
    routes = {_openapi_path(r) for r in _routes(get_resolver()) if r.startswith("api/")}
    assert len(routes) > 40
    undocumented = routes - set(document["paths"]) - NOT_IN_DOCUMENT
    assert not undocumented, sorted(undocumented)


def _resolve(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        node: Any = document
        for part in schema["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def undeclared(value: Any, schema: dict[str, Any], document: dict[str, Any], where: str = "$") -> list[str]:
    """Keys in ``value`` that ``schema`` does not declare (the validator lets extra keys through)."""
    schema = _resolve(schema, document)
    for combinator in ("oneOf", "anyOf"):
        if combinator in schema:
            found = [undeclared(value, branch, document, where) for branch in schema[combinator]]
            return min(found, key=len)
    if "allOf" in schema:
        merged: dict[str, Any] = {"type": "object", "properties": {}}
        for part in schema["allOf"]:
            merged["properties"].update(_resolve(part, document).get("properties", {}))
        schema = merged
    if isinstance(value, dict):
        properties = schema.get("properties")
        if properties is None:
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict) and extra:  # a map: each value has the documented shape
                return [k for key, v in value.items() for k in undeclared(v, extra, document, f"{where}.{key}")]
            # A free-form object is documented only when it says what it holds (a step's JSON Schema).
            return [] if schema.get("description") else [f"{where} (free-form object, no description)"]
        problems = [f"{where}.{key}" for key in value if key not in properties]
        for key, item in value.items():
            if key in properties:
                problems += undeclared(item, properties[key], document, f"{where}.{key}")
        return problems
    if isinstance(value, list) and "items" in schema:
        return [p for i, item in enumerate(value) for p in undeclared(item, schema["items"], document, f"{where}[{i}]")]
    return []


@pytest.fixture
def something_of_everything(demo_users: Any) -> None:
    """An accepted application (with its acceptance notice), a reported case and a waste disposal application."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.illegal_building.helpers import png_bytes

    assert token_client("applicant").post("/api/permits/", apply_data(), format="multipart").status_code == 201
    clerk = token_client("clerk")
    (task,) = clerk.get("/api/tasks/", {"step": "accept"}).json()["results"]
    assert clerk.post(f"/api/tasks/{task['id']}/claim/").status_code == 200
    done = clerk.post(f"/api/tasks/{task['id']}/complete/", {"decision": "accept"}, format="json")
    assert done.status_code == 200, done.content
    reported = token_client("patrol").post(
        "/api/cases/",
        {"address": "昭阳区凤霞路19号楼顶", "description": "楼顶正在搭建彩钢板房",
         "photos": [SimpleUploadedFile("site.png", png_bytes(), content_type="image/png")]},
    )
    assert reported.status_code == 201, reported.content
    from tests.construction_waste.support import waste_data, with_materials

    waste = token_client("applicant").post(
        "/api/waste-permits/", with_materials(waste_data(), as_list=False), format="multipart"
    )
    assert waste.status_code == 201, waste.content
    documents_render_pending()


def _ids(client: Any) -> dict[str, list[int]]:
    """Ids the caller can see, found through the API itself."""
    permits = [p["id"] for p in client.get("/api/permits/").json()["results"]]
    cases = [c["id"] for c in client.get("/api/cases/").json()["results"]]
    tasks = [t["id"] for t in client.get("/api/tasks/").json()["results"]]
    waste = [w["id"] for w in client.get("/api/waste-permits/").json()["results"]]
    links = []
    for pk in permits:
        links += client.get(f"/api/permits/{pk}/").json()["documents"]
    for pk in cases:
        links += client.get(f"/api/cases/{pk}/").json()["documents"]
    # The id as a client finds it: in the document's absolute download URL.
    documents = [int(re.findall(r"/documents/(\d+)/pdf/", d["download_url"])[0]) for d in links if d["download_url"]]
    return {"permits": permits, "cases": cases, "task_id": tasks, "documents": documents, "waste-permits": waste}


def _parameters(path: str, ids: dict[str, list[int]]) -> list[dict[str, Any]]:
    """Path parameters to call ``path`` with: each visible object's id, or a foreign one (404)."""
    if "{" not in path:
        return [{}]
    if "{task_id}" in path:
        return [{"task_id": pk} for pk in ids["task_id"][:3]] or [{"task_id": 999_999}]
    collection = path.split("/")[2]
    return [{"id": pk} for pk in ids.get(collection, [])[:3]] or [{"id": 999_999}]


@pytest.mark.usefixtures("something_of_everything")
def test_every_get_answers_what_the_schema_documents() -> None:
    document = token_client("clerk").get("/api/schema/?format=json").json()
    callers = {}
    for username in CALLERS:  # through Django's test client, before the WSGI calls below
        client = token_client(username)
        headers = {"Authorization": str(client._credentials["HTTP_AUTHORIZATION"])}  # type: ignore[attr-defined]
        callers[username] = (headers, _ids(client))
    request_started.disconnect(close_old_connections)  # as Django's test client: keep the test's connection
    request_finished.disconnect(close_old_connections)
    try:
        failures, answered = _walk(document, callers)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    assert not failures, "\n\n".join(failures)
    # The key check itself finds an undeclared key (the validator alone would let it through).
    brief = document["paths"]["/api/permits/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    page = {"count": 1, "next": None, "previous": None, "results": [{"id": 1, "surplus": True}]}
    assert undeclared(page, brief, document) == ["$.results[0].surplus"]
    gets = [path for path, operations in document["paths"].items() if "get" in operations]
    # Every GET was called by every caller; every one but the optional actions answered 200 to someone.
    assert {(path, username) for path in gets for username in CALLERS} <= set(answered)
    needs_ok = [path for path in gets if "/actions/" not in path or path.endswith("/actions/")]
    assert not [path for path in needs_ok if 200 not in {s for (p, _u), codes in answered.items() if p == path
                                                            for s in codes}]


def _walk(
    document: dict[str, Any], callers: dict[str, Any]
) -> tuple[list[str], dict[tuple[str, str], set[int]]]:
    failures: list[str] = []
    answered: dict[tuple[str, str], set[int]] = {}
    for username, (headers, ids) in callers.items():
        schema = schemathesis.openapi.from_dict(document)
        schema.app = get_wsgi_application()
        for result in schema.get_all_operations():
            operation = result.ok()
            if operation.method.lower() != "get":
                continue
            for parameters in _parameters(operation.path, ids):
                case = operation.Case(path_parameters=parameters, headers=headers)
                try:
                    response = case.call_and_validate(
                        checks=[not_a_server_error, status_code_conformance, content_type_conformance,
                                response_schema_conformance],
                    )
                except Exception as exc:  # noqa: BLE001 (collect every endpoint's failure, then report all)
                    failures.append(f"{username} GET {operation.path} {parameters}: {str(exc)[:800]}")
                    continue
                answered.setdefault((operation.path, username), set()).add(response.status_code)
                documented = _resolve(operation.definition.raw["responses"][str(response.status_code)], document)
                json_body = documented.get("content", {}).get("application/json")
                if json_body is not None:
                    extra = undeclared(response.json(), json_body["schema"], document)
                    if extra:
                        failures.append(f"{username} GET {operation.path}: undocumented keys {extra[:10]}")
    return failures, answered
