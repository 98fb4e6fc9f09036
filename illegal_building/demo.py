"""Demo cases at different stages and lights (invented parties and places), run through the real steps."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from workflows import calendar, clock
from workflows.models import County, User

from . import services
from .driving import complete_step
from .models import Case, Challenge, PlanningOpinion

Step = tuple[str, str, Callable[[dict[str, User]], dict[str, Any]]]
# A record made from the case page or the case API (not a flow step): (case, users) -> None.
Action = Callable[[Case, dict[str, User]], object]


def _now() -> str:
    return timezone.localtime(clock.now()).strftime("%Y-%m-%d %H:%M")


def _service() -> dict[str, Any]:
    return {"service_method": "direct", "served_at": _now(), "recipient": "当事人本人"}


def _verify(users: dict[str, User]) -> dict[str, Any]:
    return {
        "officer2": users["officer2"].pk,
        "inspected_at": _now(),
        "findings": "现场未见建设工程规划许可证，正在施工",
        "illegal": "yes",
        "party_name": "祁有望",
        "party_is_person": "on",
        "party_id_number": "530602197703215518",
        "party_address": "昭阳区太平街道示例村12号",
    }


FILE: list[Step] = [
    ("officer", "verify", _verify),
    ("squadlead", "approve_filing", lambda u: {"approve": "yes", "comment": "同意立案"}),
    ("officer", "stop_order", lambda u: {"content": "责令立即停止建设", "legal_basis": "《城乡规划法》第六十四条",
                                         **_service()}),
]
NOTICE: list[Step] = [
    ("officer", "investigate", lambda u: {"summary": "调查终结，无法采取改正措施"}),
    ("officer", "prior_notice", lambda u: {"content": "拟责令限期拆除", "legal_basis": "《城乡规划法》第六十四条",
                                           "hearing_right": "on", **_service()}),
]
DECIDE: list[Step] = [
    ("officer", "defence", lambda u: {"statement": "当事人未提出陈述申辩"}),
    ("legal", "legal_review", lambda u: {"approved": "yes", "opinion": "事实清楚，证据确凿，程序合法"}),
    ("chief", "decision", lambda u: {"content": "责令限期自行拆除", "legal_basis": "《城乡规划法》第六十四条"}),
    ("officer", "serve_decision", lambda u: _service()),
    ("officer", "disclose", lambda u: {"summary": "责令限期拆除违法建设"}),
]
FINE_NOTICE: list[Step] = [
    ("officer", "investigate", lambda u: {"summary": "调查终结，可采取改正措施；拟责令限期改正并处罚款",
                                          "proposed_fine": "8000.00"}),
    ("officer", "prior_notice", lambda u: {"content": "拟责令限期补办规划许可并改正，并处罚款",
                                           "legal_basis": "《城乡规划法》第六十四条", "hearing_right": "on",
                                           **_service()}),
]


def _review_filed(case: Case, users: dict[str, User]) -> object:
    return services.case_challenge_record(
        case=case, acting_user=users["legal"], kind=Challenge.Kind.REVIEW, filed_on=clock.today(),
        body="昭通市人民政府",
    )


def _review_upheld(case: Case, users: dict[str, User]) -> object:
    challenge = Challenge.objects.get(case=case, outcome=Challenge.Outcome.PENDING)
    return services.case_challenge_outcome(
        challenge=challenge, acting_user=users["legal"], outcome=Challenge.Outcome.UPHELD,
        outcome_on=clock.today(), outcome_served_on=clock.today(), note="复议决定维持原决定",
    )


CLOSE: list[Step] = [
    ("officer", "site_check", lambda u: {"officer2": u["officer2"].pk, "inspected_at": _now(),
                                         "findings": "当事人已自行拆除", "complied": "yes"}),
    ("officer", "closing_report", lambda u: {"summary": "当事人自行拆除，案件办结"}),
    ("squadlead", "approve_closing", lambda u: {"approve": "yes", "comment": "同意结案"}),
]

# (address, description, working days ago it was reported, steps: (working days later, stretch or action))
DEMO_CASES: list[tuple[str, str, int, list[tuple[int, list[Step] | Action]]]] = [
    ("昭阳区北顺城街27号楼顶", "楼顶新建彩钢棚约40平方米", 0, []),
    ("昭阳区海楼路109号院内", "院内新建两层砖混房", 3, [(0, FILE)]),
    ("昭阳区珠泉路8号", "临街违法加建一层", 8, [(0, FILE), (2, NOTICE)]),
    ("昭阳区凤凰街道示例社区3号", "违法建设住宅一栋", 40, [(0, FILE), (2, NOTICE), (8, DECIDE)]),
    ("昭阳区龙泉街道示例巷6号", "违法搭建车库", 70, [(0, FILE), (2, NOTICE), (8, DECIDE), (14, CLOSE)]),
    # Correctable, with a fine: the fine is a penalty, so the prior notice comes first (defence period running).
    ("昭阳区示例路15号院内", "院内扩建厨房约12平方米", 4, [(0, FILE), (1, FINE_NOTICE)]),
    # A review decided in the bureau's favour: the party's 15 days to sue are running, execution must wait.
    ("昭阳区示例街道示例组9号", "违法建设三层住宅", 60,
     [(0, FILE), (2, NOTICE), (8, DECIDE), (20, _review_filed), (55, _review_upheld)]),
]
CORRECTABLE = {"昭阳区示例路15号院内"}


def _working_days_ago(n: int, hour: int = 10) -> dt.datetime:
    day = clock.today()
    while n > 0:
        day -= dt.timedelta(days=1)
        if calendar.is_working_day(day, lenient=set()):
            n -= 1
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _at_working_day(start: dt.datetime, n: int) -> dt.datetime:
    day = calendar.add_working_days(timezone.localtime(start).date(), n, lenient=set()) if n else start.date()
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10 + (1 if n else 0))))


@transaction.atomic
def seed() -> None:
    county = County.objects.get(name="昭阳区")
    users = {u.username: u for u in User.objects.filter(username__in=["patrol", "officer", "officer2", "squadlead",
                                                                       "legal", "chief", "leader"])}
    for address, description, ago, stretches in DEMO_CASES:
        if Case.objects.filter(address=address).exists():
            continue
        start = _working_days_ago(ago)
        with clock.travel(start):
            case = services.case_report(acting_user=users["patrol"], county=county, source=Case.Source.PATROL,
                                        address=address, description=description)
        for offset, steps in stretches:
            with clock.travel(_at_working_day(start, offset)):
                if callable(steps):
                    steps(case, users)
                    continue
                for username, node, data in steps:
                    if node == "investigate" and not PlanningOpinion.objects.filter(case=case).exists():
                        correctable = address in CORRECTABLE
                        services.case_record_planning_opinion(
                            case=case, acting_user=users["officer"], authority="昭阳区自然资源局",
                            correctable=correctable, received_on=clock.today(),
                            opinion="可采取改正措施消除对规划实施的影响" if correctable
                            else "位于规划道路红线内，无法采取改正措施",
                        )
                    complete_step(case=case, node=node, acting_user=users[username], data=data(users))
                    case.refresh_from_db()
