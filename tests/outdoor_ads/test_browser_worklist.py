"""In Debian's chromium: the clerk's permit queue says what each task is and when it is due.

Number, applicant and address, due date with its light, most urgent first; sorting by the due
date column, the menu's count per light, claiming from the list and releasing from the inbox.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from outdoor_ads.services import application_submit
from tests.browser_support import browser, login
from workflows import clock
from workflows.models import County

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

SHANGHAI = ZoneInfo("Asia/Shanghai")
HEADERS = ["编号", "事项", "环节", "办理人", "到期日", "剩余工作日", "操作"]
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def submit(users: dict[str, Any], address: str, county: str = "昭阳区") -> Any:
    return application_submit(
        acting_user=users["applicant"],
        county=County.objects.get(name=county),
        facility_type="wall_sign",
        address=address,
    )


@pytest.fixture
def applications(demo_users: dict[str, Any]) -> list[Any]:
    """Three in the clerk's county, submitted on different days, and one in another county."""
    submitted = []
    for day, address in ((5, "昭阳区珠泉路2号"), (2, "昭阳区珠泉路1号"), (4, "昭阳区龙泉路9号")):
        clock.set_now(dt.datetime(2026, 3, day, 10, tzinfo=SHANGHAI))
        submitted.append(submit(demo_users, address))
    submit(demo_users, "鲁甸县文屏镇3号", county="鲁甸县")
    clock.set_now(dt.datetime(2026, 3, 9, 10, tzinfo=SHANGHAI))  # a Monday: the oldest is due today
    return sorted(submitted, key=lambda application: application.submitted_at)


def queue_rows(page: Any) -> list[dict[str, str]]:
    found = []
    for row in page.locator("table.vf-list__table tbody tr").all():
        cells = row.locator("td").all_inner_texts()
        light = row.locator("[data-light]")
        found.append(
            {
                "number": cells[0].strip(),
                "subject": cells[1],
                "due": (DATE.search(cells[4]) or [""])[0],
                "light": light.get_attribute("data-light") if light.count() else "",
                "action": cells[6].strip(),
            }
        )
    return found


def test_clerks_queue_shows_number_applicant_due_date_and_light_sorted_by_due_date(
    live_server: Any, demo_users: dict[str, Any], applications: list[Any]
) -> None:
    oldest, middle, newest = applications
    with browser() as chromium:
        context = chromium.new_context(locale="zh-CN")
        page = context.new_page()
        login(page, live_server.url, "clerk")
        page.goto(f"{live_server.url}/permit/queue/")
        table = page.locator("table.vf-list__table")
        expect(table.locator("tbody tr")).to_have_count(3)  # not the other county's application
        assert [text.strip() for text in table.locator("thead th").all_inner_texts()] == HEADERS

        rows = queue_rows(page)
        assert [row["number"] for row in rows] == [oldest.number, middle.number, newest.number]
        assert all(row["due"] for row in rows)
        assert [row["due"] for row in rows] == sorted(row["due"] for row in rows)  # earliest due first
        assert rows[0]["light"] == "yellow" and rows[-1]["light"] == "green"
        assert "昭通星辰广告传媒有限公司" in rows[0]["subject"] and "昭阳区珠泉路1号" in rows[0]["subject"]
        assert all(row["action"] == "认领" for row in rows)
        # The pager speaks Chinese too.
        assert page.inner_text(".vf-list__pagination-summary").strip() == "第 1–3 条，共 3 条"

        # The menu counts the queue per light; each count opens the list filtered by it.
        yellow_rows = [row["number"] for row in rows if row["light"] == "yellow"]
        yellow = page.locator('[data-testid="queue-lights"] [data-light="yellow"]')
        expect(yellow).to_have_text(re.compile(rf"●\s*{len(yellow_rows)}$"))
        green = page.locator('[data-testid="queue-lights"] [data-light="green"]')
        expect(green).to_have_text(re.compile(rf"●\s*{3 - len(yellow_rows)}$"))
        yellow.click()
        expect(page).to_have_url(re.compile(r"/permit/queue/\?light=yellow$"))
        expect(table.locator("tbody tr")).to_have_count(len(yellow_rows))
        assert [row["number"] for row in queue_rows(page)] == yellow_rows

        # Clicking the due-date header sorts by it; a second click turns the order around.
        page.goto(f"{live_server.url}/permit/queue/")
        for _ in range(2):
            before = page.url
            page.locator("thead th", has_text="到期日").click()
            expect(page).not_to_have_url(before)
            expect(page).to_have_url(re.compile(r"_orderby=-?due"))
            expect(table.locator("tbody tr")).to_have_count(3)
            numbers = [row["number"] for row in queue_rows(page)]
            expected = [oldest.number, middle.number, newest.number]
            assert numbers == (expected[::-1] if "_orderby=-due" in page.url else expected), page.url

        # Claim the most urgent from the list; it moves to the inbox, which offers to release it.
        page.goto(f"{live_server.url}/permit/queue/")
        table.locator("tbody tr").first.locator('[data-action="claim"]').click()
        expect(page).to_have_url(re.compile(r"/assign/$"))
        with page.expect_navigation():
            page.locator("form.vf-form button:not([name=_continue])").click()
        page.goto(f"{live_server.url}/permit/inbox/")
        expect(table.locator("tbody tr")).to_have_count(1)
        mine = queue_rows(page)[0]
        assert mine["number"] == oldest.number and mine["light"] == "yellow" and mine["action"] == "退回待认领"
        expect(page.locator('[data-testid="inbox-count"]')).to_have_text("1")
        page.goto(f"{live_server.url}/permit/queue/")
        expect(table.locator("tbody tr")).to_have_count(2)
        context.close()


def test_workbench_lists_the_most_urgent_work_and_fits_a_phone(
    live_server: Any, demo_users: dict[str, Any], applications: list[Any]
) -> None:
    from tests.workflows.test_browser_screens import PHONE, no_horizontal_scroll, wide_elements

    oldest, middle, newest = applications
    with browser() as chromium:
        context = chromium.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
        page = context.new_page()
        login(page, live_server.url, "clerk")
        page.goto(f"{live_server.url}/workbench/")
        work = page.locator('[data-testid="home-worklist"] tbody tr')
        expect(work).to_have_count(3)
        numbers = [work.nth(i).locator('[data-col="number"]').inner_text().strip() for i in range(3)]
        assert numbers == [oldest.number, middle.number, newest.number]
        assert work.first.locator('[data-col="due"] [data-light]').get_attribute("data-light") == "yellow"
        tile = page.locator('[data-tile="queue-permit"]')
        expect(tile.locator('[data-testid="tile-count"]')).to_have_text("3")
        expect(tile.locator('[data-testid="tile-lights"] [data-light="green"]')).to_be_visible()
        assert no_horizontal_scroll(page), wide_elements(page)
        page.goto(f"{live_server.url}/permit/queue/")
        expect(page.locator("table.vf-list__table tbody tr")).to_have_count(3)
        assert no_horizontal_scroll(page), wide_elements(page)
        context.close()
