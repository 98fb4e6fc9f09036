"""In the browser: the supervisor's dashboard in Chinese, and the chief's bell after a red notification."""

from __future__ import annotations

import pytest
from django.db import connections
from viewflow.workflow.models import Task

from tests.browser_support import browser, login
from workflows import clock, tasks
from workflows.models import County, User
from workflows.sla.examples import SlaDrillFlow
from workflows.sla.models import Clock

from .helpers import at

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def held_step(county: County, holder: User, when: object, label: str) -> Clock:
    with clock.travel(when):  # type: ignore[arg-type]
        process = SlaDrillFlow.start.run(county_id=county.pk, label=label)
    task = Task.objects.get(process=process, flow_task=SlaDrillFlow.review)
    task.owner = holder
    task.save()
    return Clock.objects.get(task=task)


def test_supervisor_sees_lights_and_red_list_in_chinese_and_the_chief_bell_counts_red(
    live_server, demo_users, tmp_path
) -> None:
    county = County.objects.get(name="昭阳区")
    reviewer = demo_users["reviewer"]
    red = [held_step(county, reviewer, at(2026, 9, 29), f"red-{n}") for n in range(2)]
    yellow = held_step(county, reviewer, at(2026, 10, 8), "yellow")
    green = held_step(county, reviewer, at(2026, 10, 12), "green")
    # The live server runs in this process, so it sees the same moved clock.
    clock.set_now(at(2026, 10, 13))
    assert [c.light for c in (*red, yellow, green)] == ["red", "red", "yellow", "green"]

    with browser() as chromium:
        chief = chromium.new_page(locale="zh-CN")
        login(chief, live_server.url, "chief")
        assert chief.locator('[data-testid="notification-bell"]').count() == 1
        assert chief.locator('[data-testid="unread-count"]').count() == 0

        tasks.sweep()  # beat's sweep: two steps went red, the chief is told of each once
        # Inside Playwright's sync API the ORM gets a connection of its own; close it here, or
        # it outlives the test and blocks dropping the test database.
        connections.close_all()
        chief.reload()
        chief.wait_for_load_state("networkidle")
        assert chief.locator('[data-testid="unread-count"]').inner_text() == "2"
        chief.click('[data-testid="notification-bell"]')
        chief.wait_for_load_state("networkidle")
        assert chief.content().count("已超期：") == 2
        chief.screenshot(path=str(tmp_path / "chief-notifications.png"))

        supervisor = chromium.new_page(locale="zh-CN")
        login(supervisor, live_server.url, "supervisor")
        supervisor.goto(f"{live_server.url}/sla/")
        supervisor.wait_for_load_state("networkidle")
        body = supervisor.locator("body").inner_text()
        assert "电子监察看板" in body and "超期事项" in body and "红灯" in body and "黄灯" in body
        assert supervisor.locator('[data-testid="total-red"]').inner_text() == "2"
        assert supervisor.locator('[data-testid="total-yellow"]').inner_text() == "1"
        assert supervisor.locator('[data-testid="total-green"]').inner_text() == "1"
        rows = supervisor.locator('[data-testid="red-table"] tbody tr')
        assert rows.count() == 2
        assert sorted(rows.nth(i).get_attribute("data-clock") for i in range(2)) == sorted(str(c.pk) for c in red)
        first = rows.nth(0).inner_text()
        assert "昭阳区" in first and "2026-10-12" in first and reviewer.real_name in first
        assert supervisor.locator('[data-testid="unread-count"]').count() == 0  # nothing was sent to them
        supervisor.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
