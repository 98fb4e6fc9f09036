"""Gates inside a step: no savepoint of their own, and a failing condition still undoes the whole step."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient
from viewflow.workflow.status import STATUS

from outdoor_ads.flows import PermitFlow
from outdoor_ads.models import Opinion, PermitApplication
from outdoor_ads.services import application_submit
from tests.outdoor_ads.support import open_task
from workflows import gates
from workflows.models import AuditEntry, County

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(demo_users: dict[str, Any]) -> PermitApplication:
    return application_submit(
        acting_user=demo_users["applicant"],
        county=County.objects.get(name="昭阳区"),
        facility_type="wall_sign",
        address="珠泉路88号",
    )


def complete(user: Any, task: Any) -> Any:
    client = APIClient()
    client.force_authenticate(user)
    return client.post(f"/api/tasks/{task.pk}/complete/", {"decision": "accept"}, format="json")


def test_the_flows_use_the_engine_gates():
    assert isinstance(PermitFlow.route_acceptance, gates.Switch)
    assert isinstance(PermitFlow.route_decision, gates.If)


def test_a_step_through_a_gate_makes_one_savepoint(demo_users, application):
    task = open_task(application, PermitFlow.accept)
    with CaptureQueriesContext(connection) as captured:
        assert complete(demo_users["clerk"], task).status_code == 200
    # Under pytest the step's own transaction is a savepoint; the Switch after it adds none.
    assert len([q for q in captured if q["sql"].startswith("SAVEPOINT")]) == 1
    assert open_task(application, PermitFlow.review) is not None


class GateBroke(Exception):
    pass


def test_a_failing_condition_undoes_the_whole_step(demo_users, application, monkeypatch):
    task = open_task(application, PermitFlow.accept)

    def broken(activation: Any) -> bool:
        raise GateBroke

    node = PermitFlow.route_acceptance
    branches = [(target, broken if cond else None) for target, cond in node._branches]
    monkeypatch.setattr(node, "_activate_next", branches)
    audit_before = AuditEntry.objects.count()
    with pytest.raises(GateBroke):
        complete(demo_users["clerk"], task)
    task.refresh_from_db()
    assert task.status == STATUS.NEW and task.owner_id is None
    assert PermitApplication.objects.get(pk=application.pk).status == PermitApplication.Status.SUBMITTED
    assert not Opinion.objects.filter(application=application).exists()
    assert AuditEntry.objects.count() == audit_before
