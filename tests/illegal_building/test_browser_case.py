"""Playwright in Debian's chromium: a patrol reports with a photo; the case runs, with time moved,
through every step in the browser until the officer's closing report is approved."""

from __future__ import annotations

from typing import Any

import pytest

from illegal_building.models import Case, EvidenceFile
from tests.browser_support import browser, login
from workflows import clock

from .helpers import at, png_bytes

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def fill(page: Any, values: dict[str, Any], prefix: str = "") -> None:
    for name, value in values.items():
        field = f"{prefix}{name}"
        if isinstance(value, tuple):  # a radio button: (value,)
            page.check(f"input[name='{field}'][value='{value[0]}']")
        elif value is True:
            page.check(f"input[name='{field}']")
        elif page.locator(f"select[name='{field}']").count():
            page.select_option(f"select[name='{field}']", str(value))
        else:
            page.fill(f"[name='{field}']", str(value))


def test_patrol_reports_and_the_case_runs_to_closing_in_the_browser(
    live_server: Any, demo_users: dict[str, Any], tmp_path: Any
) -> None:
    clock.set_now(at(2026, 3, 2, 10))
    photo = tmp_path / "site.png"
    photo.write_bytes(png_bytes())
    with browser() as chromium:
        pages: dict[str, Any] = {}

        def as_user(username: str) -> Any:
            if username not in pages:
                page = chromium.new_context(locale="zh-CN").new_page()
                login(page, live_server.url, username)
                pages[username] = page
            return pages[username]

        patrol = as_user("patrol")
        patrol.goto(f"{live_server.url}/cases/cases/report/")
        fill(patrol, {"address": "昭阳区凤霞路19号楼顶", "description": "楼顶正在搭建彩钢板房",
                      "latitude": "27.338123", "longitude": "103.717456", "device": "巡查终端 HW-07"})
        patrol.set_input_files("input[name='photo']", str(photo))
        patrol.click("form[data-testid='report-form'] button[type=submit]")
        patrol.wait_for_selector("[data-testid='case-summary']")
        case = Case.objects.get()
        assert EvidenceFile.objects.filter(case=case).count() == 1
        case_url = f"{live_server.url}/cases/cases/{case.pk}/"

        def step(username: str, node: str, values: dict[str, Any]) -> None:
            page = as_user(username)
            page.goto(case_url)
            page.click(f"[data-testid='take-{node}']")
            page.wait_for_selector("form[data-testid='step-form']")
            fill(page, values)
            page.click("form[data-testid='step-form'] button[type=submit]")
            page.wait_for_selector("[data-testid='case-summary']")
            assert not page.locator(".errornote").count(), page.content()

        officer2 = str(demo_users["officer2"].pk)
        service = {"service_method": "direct", "recipient": "甄有才"}
        step("officer", "verify", {"officer2": officer2, "findings": "未取得规划许可", "illegal": ("yes",),
                                   "party_name": "甄有才", "party_id_number": "530602198805123456",
                                   "party_address": "昭阳区凤霞路19号"})
        step("squadlead", "approve_filing", {"approve": ("yes",), "comment": "同意立案"})
        step("officer", "stop_order", {"content": "责令立即停止建设", **service})

        officer = as_user("officer")
        officer.goto(case_url)
        fill(officer, {"authority": "昭阳区自然资源局", "correctable": ("no",), "opinion": "无法改正",
                       "received_on": "2026-03-02"}, prefix="planning_opinion-")
        officer.click("section[data-record='planning_opinion'] button[type=submit]")
        officer.wait_for_selector("[data-testid='case-summary']")
        step("officer", "investigate", {"summary": "调查终结"})
        step("officer", "prior_notice", {"content": "拟责令限期拆除", **service})

        clock.set_now(at(2026, 3, 16, 10))  # the defence period is over
        step("officer", "defence", {"statement": "无"})
        step("legal", "legal_review", {"approved": ("yes",), "opinion": "同意"})
        step("chief", "decision", {"content": "责令限期拆除"})
        step("officer", "serve_decision", service)
        step("officer", "disclose", {"summary": "责令限期拆除违法建设"})

        clock.set_now(at(2026, 3, 27, 10))
        step("officer", "site_check", {"officer2": officer2, "findings": "已自行拆除", "complied": ("yes",)})
        step("officer", "closing_report", {"summary": "当事人自行拆除，案件办结"})
        step("squadlead", "approve_closing", {"approve": ("yes",), "comment": "同意结案"})

        page = as_user("officer")
        page.goto(case_url)
        assert page.locator("[data-testid='case-stage']").inner_text() == "已归档"
        assert page.locator("[data-testid='documents'] li[data-kind='case_closing_report']").count() == 1
        page.screenshot(path=str(tmp_path / "case.png"), full_page=True)
    case.refresh_from_db()
    assert case.stage == Case.Stage.ARCHIVED
