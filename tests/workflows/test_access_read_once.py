"""A user's roles and permissions are one query per request, and a change is seen by the next request."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from outdoor_ads.services import application_submit
from workflows.models import County, User
from workflows.roles import has_role, roles_of

pytestmark = pytest.mark.django_db


def access_queries(captured: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in captured if '"auth_group"' in q["sql"] or '"auth_permission"' in q["sql"]]


def test_roles_and_permissions_come_from_one_query(demo_users):
    chief = User.objects.get(username="chief")
    with CaptureQueriesContext(connection) as captured:
        assert [role.code for role in roles_of(chief)] == ["chief"]
        assert chief.has_perm("outdoor_ads.decide_permit")
        assert not chief.has_perm("outdoor_ads.accept_permit")
        assert has_role(chief, "chief") and not has_role(chief, "clerk")
        assert "illegal_building.decide_case" in chief.get_all_permissions()
    assert len(access_queries(captured)) == 1
    # In the other order as well.
    clerk = User.objects.get(username="clerk")
    with CaptureQueriesContext(connection) as captured:
        assert clerk.has_perm("outdoor_ads.accept_permit")
        assert has_role(clerk, "clerk")
    assert len(access_queries(captured)) == 1


def test_own_permissions_superusers_and_inactive_users(demo_users):
    applicant = User.objects.get(username="applicant")
    applicant.user_permissions.add(Permission.objects.get(codename="view_supervision"))
    applicant = User.objects.get(pk=applicant.pk)
    assert applicant.has_perm("workflows.view_supervision")  # granted to the person, not a group
    assert applicant.has_perm("outdoor_ads.add_permitapplication")  # through role:applicant
    assert [role.code for role in roles_of(applicant)] == ["applicant"]
    root = User.objects.create_superuser("root-test", password="x-Very-long-1")  # noqa: S106
    assert root.has_perm("outdoor_ads.decide_permit") and roles_of(root) == []
    User.objects.filter(pk=applicant.pk).update(is_active=False)
    inactive = User.objects.get(pk=applicant.pk)
    assert inactive.get_all_permissions() == set()


def test_a_role_taken_away_is_seen_by_the_next_request(demo_users, client_as):
    application_submit(
        acting_user=demo_users["applicant"],
        county=County.objects.get(name="昭阳区"),
        facility_type="wall_sign",
        address="珠泉路88号",
    )
    clerk = client_as("clerk")
    tasks = clerk.get("/api/tasks/").json()["results"]
    assert [t["step"] for t in tasks] == ["accept"]
    admin_view = User.objects.get(username="clerk")  # an administrator edits the account meanwhile
    role = Group.objects.get(name="role:clerk")
    admin_view.groups.remove(role)
    assert clerk.get("/api/tasks/").json()["results"] == []
    assert clerk.post(f"/api/tasks/{tasks[0]['id']}/claim/").status_code == 403
    admin_view.groups.add(role)
    assert [t["step"] for t in clerk.get("/api/tasks/").json()["results"]] == ["accept"]
    assert clerk.post(f"/api/tasks/{tasks[0]['id']}/claim/").status_code == 200


def test_changing_groups_during_a_request_is_seen_at_once(demo_users):
    user = User.objects.get(username="reviewer")
    assert not has_role(user, "surveyor") and not user.has_perm("outdoor_ads.survey_permit")
    user.groups.add(Group.objects.get(name="role:surveyor"))
    assert has_role(user, "surveyor") and user.has_perm("outdoor_ads.survey_permit")
