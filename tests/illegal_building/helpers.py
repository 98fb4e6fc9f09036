"""Drive a case through its steps over HTTP, as the role users do."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from django.test import Client
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from illegal_building.models import Case
from workflows import clock

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def local(moment: dt.datetime) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")


def now_local() -> str:
    return local(clock.now())


def png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def open_task(case: Case, node: str) -> Task:
    return Task.objects.get(
        process__caseprocess__case=case,
        flow_task__endswith=f".{node}",
        status__in=[STATUS.NEW, STATUS.ASSIGNED],
    )


def task_base_url(task: Task) -> str:
    return f"/cases/{task.process_id}/{task.flow_task.name}/{task.pk}/"


class Driver:
    """One case, moved step by step by the role users' HTTP clients."""

    def __init__(self, client_as: Callable[[str], Client], users: dict[str, Any], case: Case) -> None:
        self.client_as = client_as
        self.users = users
        self.case = case
        self._clients: dict[str, Client] = {}

    def client(self, username: str) -> Client:
        if username not in self._clients:
            self._clients[username] = self.client_as(username)
        return self._clients[username]

    def refresh(self) -> Case:
        self.case.refresh_from_db()
        return self.case

    def take(self, username: str, node: str) -> Task:
        task = open_task(self.case, node)
        if task.owner_id is None:
            response = self.client(username).post(task_base_url(task) + "assign/")
            assert response.status_code == 302, (node, response.status_code)
        task.refresh_from_db()
        assert task.owner_id == self.users[username].pk, (node, task.owner_id)
        return task

    def attempt(self, username: str, node: str, data: dict[str, Any]) -> Any:
        task = self.take(username, node)
        return self.client(username).post(task_base_url(task) + "execute/", data)

    def step(self, username: str, node: str, data: dict[str, Any]) -> None:
        response = self.attempt(username, node, data)
        if response.status_code != 302:
            errors = response.context["form"].errors if response.context and "form" in response.context else ""
            raise AssertionError(f"{node} not completed: {response.status_code} {errors}")
        self.refresh()

    def record(self, username: str, name: str, data: dict[str, Any]) -> Any:
        prefixed = {f"{name}-{key}": value for key, value in data.items()}
        return self.client(username).post(f"/cases/cases/{self.case.pk}/records/{name}/", prefixed)

    def active_nodes(self) -> list[str]:
        return sorted(
            t.flow_task.name
            for t in Task.objects.filter(process__caseprocess__case=self.case).exclude(
                status__in=[STATUS.DONE, STATUS.CANCELED, STATUS.REVIVED]
            )
        )

    # --- whole stretches of the flow --------------------------------------------------------

    def service(self, recipient: str = "业主本人") -> dict[str, Any]:
        return {"service_method": "direct", "served_at": now_local(), "recipient": recipient}

    def verify(self, illegal: bool = True) -> None:
        self.step(
            "officer",
            "verify",
            {
                "officer2": self.users["officer2"].pk,
                "inspected_at": now_local(),
                "findings": "楼顶新建彩钢板房约60平方米，未见规划许可" if illegal else "已取得建设工程规划许可证",
                "illegal": "yes" if illegal else "no",
                "party_name": "甄有才",
                "party_is_person": "on",
                "party_id_number": "530602198805123456",
                "party_address": "昭阳区凤霞路19号",
            },
        )

    def file_and_stop(self) -> None:
        self.step("squadlead", "approve_filing", {"approve": "yes", "comment": "同意立案"})
        self.step(
            "officer",
            "stop_order",
            {"content": "责令立即停止建设", "legal_basis": "《城乡规划法》第六十四条", **self.service()},
        )

    def investigate(self, correctable: bool, major: bool = False, fine: str = "") -> None:
        response = self.record(
            "officer",
            "planning_opinion",
            {
                "authority": "昭阳区自然资源局",
                "correctable": "yes" if correctable else "no",
                "opinion": "可采取改正措施" if correctable else "无法采取改正措施消除影响",
                "received_on": clock.today().isoformat(),
            },
        )
        assert response.status_code == 302
        self.step(
            "officer",
            "investigate",
            {
                "summary": "调查终结",
                **({"is_major": "on"} if major else {}),
                **({"proposed_fine": fine} if fine else {}),
            },
        )

    def prior_notice(self, hearing_right: bool = True) -> None:
        self.step(
            "officer",
            "prior_notice",
            {
                "content": "拟责令限期拆除",
                "legal_basis": "《城乡规划法》第六十四条",
                **({"hearing_right": "on"} if hearing_right else {}),
                **self.service(),
            },
        )

    def close_defence(self, hearing: bool = False) -> None:
        self.step(
            "officer",
            "defence",
            {"statement": "当事人称系自用", **({"hearing_requested": "on"} if hearing else {})},
        )

    def legal_review(self, username: str = "legal") -> None:
        self.step(username, "legal_review", {"approved": "yes", "opinion": "事实清楚，证据确凿，程序合法"})

    def decide(self) -> None:
        self.step(
            "chief",
            "decision",
            {"content": "责令于期限内自行拆除违法建筑", "legal_basis": "《城乡规划法》第六十四条"},
        )
        self.step("officer", "serve_decision", self.service())

    def disclose(self, summary: str = "责令限期拆除楼顶违法建筑") -> None:
        self.step("officer", "disclose", {"summary": summary})

    def site_check(self, complied: bool) -> Any:
        return self.attempt(
            "officer",
            "site_check",
            {
                "officer2": self.users["officer2"].pk,
                "inspected_at": now_local(),
                "findings": "已自行拆除" if complied else "未拆除",
                "complied": "yes" if complied else "no",
            },
        )

    def close(self) -> None:
        self.step("officer", "closing_report", {"summary": "违法建筑已拆除，案件办结"})
        self.step("squadlead", "approve_closing", {"approve": "yes", "comment": "同意结案"})
