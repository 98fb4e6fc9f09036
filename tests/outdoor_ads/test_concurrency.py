"""Two staff acting on the same task at once on PostgreSQL: exactly one wins, the other gets 409."""

import threading

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from rest_framework.test import APIClient

from outdoor_ads.flows import PermitFlow
from outdoor_ads.services import application_submit
from workflows.jurisdiction import staff_place
from workflows.models import County

from .support import open_task

pytestmark = [pytest.mark.django_db(transaction=True)]


def race(users, path, data=None):
    barrier = threading.Barrier(len(users))
    results = {}

    def worker(user):
        client = APIClient()
        client.force_authenticate(user)
        barrier.wait()
        try:
            results[user.username] = client.post(path, data or {}, format="json")
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.fixture
def two_clerks(demo_users):
    other = demo_users["reviewer_ludian"]
    other.groups.add(Group.objects.get(name="role:clerk"))
    staff_place(other, County.objects.get(name="昭阳区"))
    return [demo_users["clerk"], other]


@pytest.fixture
def application(demo_users):
    return application_submit(
        acting_user=demo_users["applicant"],
        county=County.objects.get(name="昭阳区"),
        facility_type="wall_sign",
        address="昭阳区珠泉路88号",
    )


def test_concurrent_claim_exactly_one_wins(two_clerks, application):
    task = open_task(application, PermitFlow.accept)
    results = race(two_clerks, f"/api/tasks/{task.pk}/claim/")
    codes = sorted(r.status_code for r in results.values())
    assert codes == [200, 409], {k: (v.status_code, v.content) for k, v in results.items()}
    task.refresh_from_db()
    winner = [name for name, r in results.items() if r.status_code == 200][0]
    assert task.owner.username == winner


def test_concurrent_completion_exactly_one_decision(two_clerks, application):
    task = open_task(application, PermitFlow.accept)
    results = race(two_clerks, f"/api/tasks/{task.pk}/complete/", {"decision": "accept"})
    codes = sorted(r.status_code for r in results.values())
    assert codes == [200, 409], {k: (v.status_code, v.content) for k, v in results.items()}
    assert application.opinions.count() == 1
    assert open_task(application).flow_task is PermitFlow.review
