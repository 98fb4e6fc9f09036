"""A deadlock or serialization failure is retried once, transparently; twice is a 409, never a 500."""

import threading

import pytest
from django.db import connection, transaction
from rest_framework.test import APIClient

from outdoor_ads.flows import PermitFlow
from outdoor_ads.services import application_submit
from tests.outdoor_ads.support import open_task
from workflows.concurrency import CONCURRENT_UPDATE, ConcurrentUpdate, retry_once
from workflows.models import AuditEntry, County

pytestmark = [pytest.mark.django_db(transaction=True)]

COLLIDE_SQL = """
CREATE SEQUENCE test_collide_seq;
CREATE FUNCTION test_collide() RETURNS trigger AS $$
BEGIN
    IF nextval('test_collide_seq') <= %(times)s THEN
        RAISE EXCEPTION USING ERRCODE = 'deadlock_detected', MESSAGE = 'deadlock detected (test)';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER test_collide BEFORE INSERT ON workflows_auditentry
    FOR EACH ROW WHEN (NEW.action LIKE 'application.acceptance.%%') EXECUTE FUNCTION test_collide();
"""
UNCOLLIDE_SQL = """
DROP TRIGGER IF EXISTS test_collide ON workflows_auditentry;
DROP FUNCTION IF EXISTS test_collide();
DROP SEQUENCE IF EXISTS test_collide_seq;
"""


@pytest.fixture
def collide():
    """PostgreSQL answers the acceptance step's audit insert with a deadlock error ``times`` times.

    The counter is a sequence, so it survives the rollback of the attempt it failed.
    """

    def install(times):
        with connection.cursor() as cursor:
            cursor.execute(COLLIDE_SQL % {"times": int(times)})

    yield install
    with connection.cursor() as cursor:
        cursor.execute(UNCOLLIDE_SQL)


@pytest.fixture
def application(demo_users):
    return application_submit(
        acting_user=demo_users["applicant"],
        county=County.objects.get(name="昭阳区"),
        facility_type="wall_sign",
        address="昭阳区珠泉路88号",
    )


def api_as(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def complete_accept(task, user):
    return api_as(user).post(f"/api/tasks/{task.pk}/complete/", {"decision": "accept"}, format="json")


def test_a_real_deadlock_is_retried_and_both_transactions_succeed(demo_users):
    """Two transactions lock two rows in opposite order: PostgreSQL aborts one; it runs again."""
    first, second = County.objects.order_by("pk").values_list("pk", flat=True)[:2]
    barrier = threading.Barrier(2)
    attempts = {"ab": 0, "ba": 0}
    committed = {"ab": threading.Event(), "ba": threading.Event()}
    errors = []

    @retry_once
    def lock_both(name, one, other):
        attempts[name] += 1
        if attempts[name] == 2:
            # The retry starts once the survivor has committed. Started at once, it can take its
            # first row again before the survivor (woken by the abort) re-takes that row lock,
            # and deadlock a second time: a real outcome (a 409), but not the one tested here.
            committed["ba" if name == "ab" else "ab"].wait(10)
        with transaction.atomic():
            County.objects.select_for_update().filter(pk=one).exists()
            if attempts[name] == 1:
                barrier.wait(10)
            County.objects.select_for_update().filter(pk=other).exists()

    def run(name, one, other):
        try:
            lock_both(name, one, other)
            committed[name].set()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=("ab", first, second)),
        threading.Thread(target=run, args=("ba", second, first)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(attempts.values()) == [1, 2]


def test_one_collision_is_retried_transparently_through_the_api(collide, application, demo_users):
    task = open_task(application, PermitFlow.accept)
    collide(1)
    response = complete_accept(task, demo_users["clerk"])
    assert response.status_code == 200, response.content
    assert AuditEntry.objects.filter(action="application.acceptance.accept").count() == 1
    assert open_task(application).flow_task is PermitFlow.review


def test_two_collisions_are_a_409_json_and_nothing_is_saved(collide, application, demo_users):
    task = open_task(application, PermitFlow.accept)
    collide(2)
    response = complete_accept(task, demo_users["clerk"])
    assert response.status_code == 409
    assert response.json() == {"detail": "他人同时修改了相同的记录，本次操作未保存，请重试。"}
    assert not AuditEntry.objects.filter(action__startswith="application.acceptance").exists()
    assert open_task(application).flow_task is PermitFlow.accept
    # The collision is over: the same request now goes through.
    again = complete_accept(task, demo_users["clerk"])
    assert again.status_code == 200


def test_two_collisions_on_the_web_step_are_the_409_page(collide, application, client_as):
    task = open_task(application, PermitFlow.accept)
    clerk = client_as("clerk")
    assert clerk.post(task.reverse("assign")).status_code == 302
    collide(2)
    response = clerk.post(task.reverse("execute"), {"decision": "accept"})
    assert response.status_code == 409
    body = response.content.decode()
    assert 'data-testid="task-conflict"' in body
    assert "他人同时修改了相同的记录，本次操作未保存，请重试。" in body
    assert open_task(application).flow_task is PermitFlow.accept


def test_retry_is_left_to_the_outermost_transaction():
    calls = []

    @retry_once
    def inner():
        calls.append(1)
        with connection.cursor() as cursor:
            cursor.execute("DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = 'serialization_failure'; END $$")

    with pytest.raises(Exception, match="serialization_failure|could not serialize|P0001|40001") as info:
        with transaction.atomic():
            inner()
    assert not isinstance(info.value, ConcurrentUpdate)
    assert calls == [1]
    calls.clear()
    with pytest.raises(ConcurrentUpdate) as raised:
        inner()
    assert calls == [1, 1]
    assert raised.value.message == CONCURRENT_UPDATE
