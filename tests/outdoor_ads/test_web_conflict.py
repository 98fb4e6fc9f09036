"""In the web UI, the loser of a race for a task sees a clear 409 page, never a 500 or a bare 403."""

import pytest
from django.contrib.auth.models import Group

from outdoor_ads.flows import PermitFlow
from workflows.jurisdiction import staff_place

from .support import latest_application, open_task, web_apply

pytestmark = pytest.mark.django_db


def test_second_clerk_gets_a_409_page_with_a_message(client_as, demo_users):
    other = demo_users["reviewer_ludian"]
    other.groups.add(Group.objects.get(name="role:clerk"))
    staff_place(other, demo_users["clerk"].county)
    web_apply(client_as("applicant"))
    application = latest_application()
    task = open_task(application, PermitFlow.accept)
    assert client_as("clerk").post(task.reverse("assign")).status_code == 302
    late = client_as("reviewer_ludian").post(task.reverse("assign"))
    assert late.status_code == 409
    assert "该任务已被他人领取或办结，请刷新页面。" in late.content.decode()
    take = client_as("reviewer_ludian").post(f"/ads/tasks/{task.pk}/take/", follow=True)
    assert "该任务已被他人领取或办结，请刷新页面。" in take.content.decode()
    task.refresh_from_db()
    assert task.owner.username == "clerk"
