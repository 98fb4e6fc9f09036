"""The permit queue says what each task is about and when it is due, most urgent first."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from viewflow.workflow.fields import get_task_ref

from outdoor_ads.flows import PermitFlow
from outdoor_ads.services import application_submit
from workflows import clock
from workflows.models import County

from .support import open_task

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def submit(users: dict[str, Any], address: str, county: str = "昭阳区") -> Any:
    return application_submit(
        acting_user=users["applicant"],
        county=County.objects.get(name=county),
        facility_type="wall_sign",
        address=address,
    )


@pytest.fixture
def two_applications(demo_users: dict[str, Any]) -> tuple[Any, Any]:
    clock.set_now(dt.datetime(2026, 3, 2, 10, tzinfo=SHANGHAI))  # a Monday
    older = submit(demo_users, "昭阳区珠泉路1号")
    clock.set_now(dt.datetime(2026, 3, 6, 10, tzinfo=SHANGHAI))
    newer = submit(demo_users, "昭阳区珠泉路2号")
    submit(demo_users, "鲁甸县文屏镇3号", county="鲁甸县")
    clock.set_now(dt.datetime(2026, 3, 9, 10, tzinfo=SHANGHAI))  # the older one is due today or overdue
    return older, newer


def rows(html: str) -> list[str]:
    return re.findall(r"<tr[^>]*>.*?</tr>", html, flags=re.S)


def test_queue_shows_number_applicant_address_due_date_and_light_sorted_by_due_date(
    client_as: Callable[[str], Client], two_applications: tuple[Any, Any]
) -> None:
    older, newer = two_applications
    html = client_as("clerk").get("/permit/queue/").content.decode()
    body = [row for row in rows(html) if older.number in row or newer.number in row]
    assert len(body) == 2
    assert older.number in body[0] and newer.number in body[1]  # earliest due date first
    assert older.applicant.display_name in body[0] and "昭阳区珠泉路1号" in body[0]
    assert "data-light=" in body[0]
    assert "鲁甸县文屏镇3号" not in html
    for header in ["编号", "事项", "环节", "办理人", "到期日", "剩余工作日"]:
        assert header in html


def test_queue_filters_by_text_light_and_step(
    client_as: Callable[[str], Client], two_applications: tuple[Any, Any]
) -> None:
    older, newer = two_applications
    client = client_as("clerk")
    found = client.get("/permit/queue/", {"_search": "珠泉路2号"}).content.decode()
    assert newer.number in found and older.number not in found
    lights = {
        light: client.get("/permit/queue/", {"light": light}).content.decode() for light in ("green", "yellow", "red")
    }
    assert sum(newer.number in html for html in lights.values()) == 1
    assert sum(older.number in html for html in lights.values()) == 1
    assert newer.number in lights["green"]
    step = client.get("/permit/queue/", {"flow_task": get_task_ref(PermitFlow.accept)}).content.decode()
    assert older.number in step and newer.number in step


def test_claim_from_the_queue_and_release_from_the_inbox(
    client_as: Callable[[str], Client], two_applications: tuple[Any, Any]
) -> None:
    older, _newer = two_applications
    client = client_as("clerk")
    task = open_task(older, PermitFlow.accept)
    queue = client.get("/permit/queue/").content.decode()
    claim = f'<a href="{task.reverse("assign")}" data-action="claim">认领</a>'
    assert claim in queue
    assert client.get(task.reverse("assign")).status_code == 200
    assert client.post(task.reverse("assign")).status_code == 302
    inbox = client.get("/permit/inbox/").content.decode()
    assert f'<a href="{task.reverse("unassign")}" data-action="release">' in inbox
    assert older.number not in client.get("/permit/queue/").content.decode()
    assert client.post(task.reverse("unassign")).status_code == 302
    assert claim in client.get("/permit/queue/").content.decode()


def test_menu_counts_the_queue_per_light(client_as: Callable[[str], Client], two_applications: tuple[Any, Any]) -> None:
    html = client_as("clerk").get("/permit/queue/").content.decode()
    lights = re.search(r'data-testid="queue-lights"[^>]*>(.*?)</div>', html, flags=re.S)
    assert lights is not None
    # The older application is due today (yellow); the newer one is green and not counted here.
    assert re.search(r'href="/permit/queue/\?light=yellow" data-light="yellow"[^>]*>.*?</span> 1</a>', lights.group(1))
    assert 'data-light="red"' not in lights.group(1)
    filtered = client_as("clerk").get("/permit/queue/?light=yellow").content.decode()
    older, newer = two_applications
    assert older.number in filtered and newer.number not in filtered


def test_menu_counts_the_inbox_per_light(client_as: Callable[[str], Client], two_applications: tuple[Any, Any]) -> None:
    older, newer = two_applications
    client = client_as("clerk")
    for application in (older, newer):
        assert client.post(open_task(application, PermitFlow.accept).reverse("assign")).status_code == 302
    html = client.get("/permit/inbox/").content.decode()
    assert re.search(r'data-testid="inbox-count">2<', html)
    lights = re.search(r'data-testid="inbox-lights"[^>]*>(.*?)</div>', html, flags=re.S)
    assert lights is not None
    assert re.search(r'href="/permit/inbox/\?light=yellow" data-light="yellow"[^>]*>.*?</span> 1</a>', lights.group(1))
    assert re.search(r'href="/permit/inbox/\?light=green" data-light="green"[^>]*>.*?</span> 1</a>', lights.group(1))
    assert 'data-light="red"' not in lights.group(1)
    # Nothing is left in the queue: no light counts under it.
    assert re.search(r'data-testid="queue-count">0<', html) and 'data-testid="queue-lights"' not in html


def test_workbench_lists_the_most_urgent_work_with_the_work_list_columns(
    client_as: Callable[[str], Client], two_applications: tuple[Any, Any]
) -> None:
    older, newer = two_applications
    client = client_as("clerk")
    task = open_task(newer, PermitFlow.accept)
    assert client.post(task.reverse("assign")).status_code == 302
    html = client.get("/workbench/").content.decode()
    section = re.search(r'data-testid="home-worklist".*?</table>', html, flags=re.S)
    assert section is not None
    for header in ["编号", "事项", "流程", "环节", "办理人", "到期日", "剩余工作日", "操作"]:
        assert f"<th>{header}</th>" in section.group(0)
    body = rows(section.group(0))[1:]
    assert len(body) == 2 and "鲁甸县文屏镇3号" not in section.group(0)
    assert older.number in body[0] and newer.number in body[1]  # earliest due date first
    assert "昭阳区珠泉路1号" in body[0] and older.applicant.display_name in body[0]
    assert 'data-light="yellow"' in body[0] and 'data-light="green"' in body[1]
    assert 'data-action="claim"' in body[0]  # still in the queue
    assert f'href="{task.reverse("unassign")}" data-action="release"' in body[1]  # the clerk's own
    assert "陶雨桐" in body[1]  # the assignee
    # The tiles count each list per light.
    tile = re.search(r'data-tile="queue-permit".*?</a>', html, flags=re.S)
    assert tile is not None and re.search(r'data-light="yellow"[^>]*>.*?</span> 1</span>', tile.group(0))


def test_an_individual_applicants_name_is_masked_for_staff_and_whole_for_the_applicant(
    demo_users: dict[str, Any], two_applications: tuple[Any, Any]
) -> None:
    older, _newer = two_applications
    person = demo_users["applicant"]
    type(person).objects.filter(pk=person.pk).update(kind="person", real_name="周晓岚")
    older.refresh_from_db()
    older.applicant.refresh_from_db()
    assert older.worklist_summary_for(demo_users["clerk"]) == "周** · 昭阳区珠泉路1号"
    assert older.worklist_summary == "周** · 昭阳区珠泉路1号"
    assert older.worklist_summary_for(person) == "周晓岚 · 昭阳区珠泉路1号"
