from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from workflows.sla.rules import ClockRuleSpec, register_rule

SHANGHAI = ZoneInfo("Asia/Shanghai")

OVERALL = register_rule(
    ClockRuleSpec(
        code="drill.overall", title="Drill permit", unit="working", limit=13, statutory_limit=20, escalate_to="chief"
    )
)
PENALTY = register_rule(
    ClockRuleSpec(code="drill.penalty", title="Drill penalty", unit="calendar", limit=90, escalate_to="squadlead")
)


def at(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, hour, 0, tzinfo=SHANGHAI)
