"""A task is read together with its visibility check (one query), and foreign tasks stay a 404.

``/api/tasks/{id}/…`` reads the task by primary key AND its subject's visibility predicate; the
web step pages' URL guard reads the task by the URL's process, node and the same predicate.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient
from viewflow.workflow.status import STATUS

from outdoor_ads.flows import PermitFlow
from outdoor_ads.models import PermitApplication
from outdoor_ads.services import application_submit
from workflows.jurisdiction import grant_exception, revoke_exception
from workflows.models import County

from .support import open_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(demo_users: dict[str, Any]) -> PermitApplication:
    return application_submit(
        acting_user=demo_users["applicant"],
        county=County.objects.get(name="昭阳区"),
        facility_type="wall_sign",
        address="珠泉路88号",
    )


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def endpoints(task_id: int) -> list[tuple[str, str]]:
    base = f"/api/tasks/{task_id}/"
    return [("get", base), ("post", base + "claim/"), ("post", base + "release/"), ("post", base + "complete/")]


@pytest.mark.parametrize("username", ["reviewer_ludian", "applicant2"])
def test_a_foreign_task_is_the_same_404_as_a_missing_one(demo_users, application, username):
    task = open_task(application, PermitFlow.accept)
    client = api(demo_users[username])
    for method, url in [*endpoints(task.pk), *endpoints(task.pk + 100000)]:
        response = getattr(client, method)(url, {"decision": "accept"}, format="json")
        assert response.status_code == 404, (username, url)
    task.refresh_from_db()
    assert task.status == STATUS.NEW and task.owner_id is None


def test_the_task_and_its_visibility_are_one_query(demo_users, application):
    task = open_task(application, PermitFlow.accept)
    client = api(demo_users["clerk"])
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/api/tasks/{task.pk}/").status_code == 200
    task_reads = [q["sql"] for q in captured if q["sql"].startswith('SELECT "viewflow_task"."id"')]
    assert len(task_reads) == 1
    assert '"outdoor_ads_permitapplication"."county_id" =' in task_reads[0]  # the predicate, in the same query
    assert not [q["sql"] for q in captured if 'FROM "outdoor_ads_permitapplication" WHERE' in q["sql"]]


def test_an_exception_on_one_application_opens_its_task_until_revoked(demo_users, application):
    task = open_task(application, PermitFlow.accept)
    other = demo_users["reviewer_ludian"]
    assert api(other).get(f"/api/tasks/{task.pk}/").status_code == 404
    grant_exception(application, other)
    assert api(other).get(f"/api/tasks/{task.pk}/").status_code == 200
    revoke_exception(application, other)
    assert api(other).get(f"/api/tasks/{task.pk}/").status_code == 404


def test_web_step_urls_check_process_node_and_visibility_in_one_query(demo_users, application, client_as):
    task = open_task(application, PermitFlow.accept)
    other = application_submit(
        acting_user=demo_users["applicant"],
        county=County.objects.get(name="昭阳区"),
        facility_type="wall_sign",
        address="珠泉路90号",
    )
    other_task = open_task(other, PermitFlow.accept)
    clerk = client_as("clerk")
    url = task.reverse("assign")
    wrong_process = url.replace(f"/{task.process_id}/", f"/{other_task.process_id}/", 1)
    assert wrong_process != url
    assert clerk.post(wrong_process).status_code == 404
    assert client_as("reviewer_ludian").post(url).status_code == 404
    with CaptureQueriesContext(connection) as captured:
        assert clerk.post(url).status_code == 302
    assert not [q["sql"] for q in captured if 'FROM "outdoor_ads_permitapplication" WHERE' in q["sql"]]
    task.refresh_from_db()
    assert task.status == STATUS.ASSIGNED and task.owner_id == demo_users["clerk"].pk


def test_completion_answers_with_the_status_the_step_wrote(demo_users, application):
    task = open_task(application, PermitFlow.accept)
    with CaptureQueriesContext(connection) as captured:
        response = api(demo_users["clerk"]).post(
            f"/api/tasks/{task.pk}/complete/", {"decision": "accept"}, format="json"
        )
    assert response.status_code == 200
    task.refresh_from_db()
    assert task.status == STATUS.DONE
    assert response.json() == {"id": task.pk, "status": task.status}
    assert not captured[len(captured) - 1]["sql"].startswith('SELECT "viewflow_task"')  # not read again
