"""API-only clients (tokens, JSON/multipart, no HTML page) take a permit from registration to the
downloaded PDF and a case from report to archive, with time moved. Every request goes through
``DocumentedOnlyClient``: a method and path that is not in /api/schema/ fails the test."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.illegal_building.helpers import Driver, at, png_bytes
from tests.illegal_building.test_case_paths import to_decision
from workflows import clock
from workflows.documents.services import documents_render_pending

from .support import body, documented_client
from .test_conventions import apply_data

pytestmark = pytest.mark.django_db


class ApiDriver(Driver):
    """The case driver of tests/illegal_building, over the API only: claim, complete, actions."""

    def __init__(self, users: dict[str, Any], case_id: int) -> None:
        from illegal_building.models import Case

        super().__init__(lambda username: documented_client(username), users, Case.objects.get(pk=case_id))
        self.case_id = case_id
        self.rules_seen: dict[str, list[dict[str, Any]]] = {}

    def client(self, username: str) -> APIClient:  # type: ignore[override]
        return super().client(username)  # type: ignore[return-value]

    def detail(self, username: str = "officer") -> dict[str, Any]:
        response = self.client(username).get(f"/api/cases/{self.case_id}/")
        assert response.status_code == 200, response.content
        return response.json()  # type: ignore[no-any-return]

    def take(self, username: str, node: str) -> Any:
        (task,) = [t for t in self.detail(username)["tasks"] if t["node"] == node]
        if task["owner"] is None:
            claimed = self.client(username).post(f"/api/tasks/{task['id']}/claim/")
            assert claimed.status_code == 200, (node, claimed.content)
        described = self.client(username).get(f"/api/tasks/{task['id']}/").json()
        assert described["assignee"] == username and described["form"]["type"] == "object"
        self.rules_seen[node] = described["rules"]
        return task

    def attempt(self, username: str, node: str, data: dict[str, Any]) -> Any:
        task = self.take(username, node)
        return self.client(username).post(f"/api/tasks/{task['id']}/complete/", data)

    def step(self, username: str, node: str, data: dict[str, Any]) -> None:
        response = self.attempt(username, node, data)
        assert response.status_code == 200, (node, response.content)
        self.refresh()

    def record(self, username: str, name: str, data: dict[str, Any]) -> Any:
        response = self.client(username).post(f"/api/cases/{self.case_id}/actions/{name}/", data)
        # The web driver's callers expect the page's redirect; the API answers 200.
        response.status_code = 302 if response.status_code == 200 else response.status_code
        return response

    def active_nodes(self) -> list[str]:
        return sorted(t["node"] for t in self.detail("supervisor")["tasks"])


def test_case_from_report_to_archive_over_the_api(demo_users: dict[str, Any]) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    clock.set_now(at(2026, 3, 2, 10))
    reported = documented_client("patrol").post(
        "/api/cases/",
        {
            "address": "昭阳区凤霞路19号楼顶",
            "description": "楼顶正在搭建彩钢板房",
            "photos": [SimpleUploadedFile("site.png", png_bytes(), content_type="image/png")],
        },
        HTTP_IDEMPOTENCY_KEY="report-1",
    )
    assert reported.status_code == 201, reported.content
    d = ApiDriver(demo_users, reported.json()["id"])
    assert d.active_nodes() == ["verify"]
    to_decision(d)
    # The decision step showed the rules the service checks, each citing its article, all met.
    decision_rules = d.rules_seen["decision"]
    assert decision_rules and all(r["article"] for r in decision_rules)
    assert all(r["open"] and r["state"] == "met" for r in decision_rules), decision_rules
    d.disclose()
    clock.set_now(at(2026, 3, 25, 10))
    assert d.site_check(complied=True).status_code == 200
    assert d.active_nodes() == ["closing_report"]
    d.close()
    final = d.detail("supervisor")
    assert final["stage"] == "archived"
    assert final["tasks"] == []
    documents_render_pending()
    final = d.detail("officer")
    decision = next(doc for doc in final["documents"] if doc["kind"] == "case_demolition_decision")
    pdf = d.client("officer").get(decision["download_url"])
    assert pdf.status_code == 200 and hashlib.sha256(body(pdf)).hexdigest() == decision["sha256"]
    kinds = [e["kind"] for e in d.client("supervisor").get("/api/events/", {"limit": 500}).json()]
    assert "case.decided" in kinds


def test_permit_from_registration_to_downloaded_pdf_over_the_api(demo_users: dict[str, Any]) -> None:
    clock.set_now(at(2026, 11, 2, 10))
    anonymous = documented_client()
    # An applicant who has nothing yet: an account, then a token, like an app.
    password = "Zhutong-Signs-2026!"
    registered = anonymous.post(
        "/api/auth/register/",
        {"kind": "company", "username": "xingchen_app", "password": password, "real_name": "钱示例",
         "phone": "13900001111", "company_name": "昭通示例标识有限公司", "credit_code": "91530602MA6P0X1Y2K"},
        format="json",
    )
    assert registered.status_code == 201, registered.content
    county = next(c for c in anonymous.get("/api/counties/").json() if c["name"] == "昭阳区")
    wall = next(t for t in anonymous.get("/api/facility-types/").json() if t["code"] == "wall_sign")
    applicant = documented_client("xingchen_app", password)
    data = apply_data(county=county["id"])
    assert {f"material_{m['code']}" for m in wall["materials"] if m["required"]} <= set(data)
    created = applicant.post("/api/permits/", data, format="multipart", HTTP_IDEMPOTENCY_KEY="apply-1")
    assert created.status_code == 201, created.content
    application_id = created.json()["id"]
    for username, step, decision in [
        ("clerk", "accept", {"decision": "accept"}),
        ("reviewer", "review", {"decision": "recommend_grant", "comment": "符合规划"}),
        ("reviewer2", "countersign", {"decision": "agree"}),
        ("chief", "decide", {"decision": "grant", "comment": "准予设置"}),
        ("clerk", "deliver", {"decision": "online"}),
    ]:
        client = documented_client(username)
        (task,) = client.get("/api/tasks/", {"step": step}).json()["results"]
        described = client.get(f"/api/tasks/{task['id']}/").json()
        assert decision["decision"] in [d["code"] for d in described["decisions"]]
        assert client.post(f"/api/tasks/{task['id']}/claim/").status_code == 200
        done = client.post(f"/api/tasks/{task['id']}/complete/", {"step": task["step_key"], **decision}, format="json")
        assert done.status_code == 200, (step, done.content)
        clock.advance(dt.timedelta(days=1))  # each step on the next day
    documents_render_pending()
    detail = applicant.get(f"/api/permits/{application_id}/").json()
    assert detail["status"] == "delivered"
    permit = next(d for d in detail["documents"] if d["kind"] == "ad_permit")
    pdf = applicant.get(permit["download_url"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert hashlib.sha256(body(pdf)).hexdigest() == permit["sha256"] == pdf["X-Content-SHA256"]
