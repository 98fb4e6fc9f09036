"""Time limits declared by the apps in code, kept as admin-editable ``ClockRule`` rows.

``register_rule`` runs at import time of an app's ``clocks.py``; the row is created the
first time it is needed (or after migrate) and never overwritten, so an administrator's
edit of a limit wins over the code default.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from workflows import requestcache

UNKNOWN_RULE = _("Unknown clock rule “%(code)s”: declare it with register_rule().")


@dataclass(frozen=True)
class ClockRuleSpec:
    code: str
    title: str | Promise
    unit: str = "working"
    limit: int | None = None
    months: int | None = None
    statutory_limit: int | None = None
    extension_limit: int = 10
    yellow_days_left: int = 2
    yellow_percent: int = 80
    escalate_to: str = ""
    process_code: str = ""
    step_code: str = ""

    def __post_init__(self) -> None:
        if self.unit not in ("working", "calendar"):
            raise ValueError(f"{self.code}: unit must be 'working' or 'calendar'")
        if self.limit is None and self.months is None:
            raise ValueError(f"{self.code}: give a limit (or months for a calendar rule)")
        if self.months is not None and self.unit != "calendar":
            raise ValueError(f"{self.code}: months only make sense for a calendar rule")

    def row_values(self) -> dict[str, Any]:
        return {
            "title": str(self.title),
            "unit": self.unit,
            "limit": self.limit,
            "months": self.months,
            "statutory_limit": self.statutory_limit,
            "extension_limit": self.extension_limit,
            "yellow_days_left": self.yellow_days_left,
            "yellow_percent": self.yellow_percent,
            "escalate_to": self.escalate_to,
            "process_code": self.process_code or self.code.split(".", 1)[0],
            "step_code": self.step_code,
        }


RULES: dict[str, ClockRuleSpec] = {}


def register_rule(spec: ClockRuleSpec) -> ClockRuleSpec:
    RULES[spec.code] = spec
    return spec


def get_rule(code: str) -> Any:
    """The rule row for ``code``, created from its declaration on first use.

    Within a request (or a step: ``workflows.requestcache``) every rule row is read in one query
    the first time any is asked for, so a step that starts and stops clocks of several rules
    reads them once; an administrator's edit is seen by the next request.
    """
    if not requestcache.active():
        return _get_or_create_rule(code)
    rules = requestcache.memo(("sla.rules",), _all_rules)
    row = rules.get(code)
    if row is None:
        row = rules[code] = _get_or_create_rule(code)
    return row


def _all_rules() -> dict[str, Any]:
    from .models import ClockRule

    return {row.code: row for row in ClockRule.objects.all()}


def _get_or_create_rule(code: str) -> Any:
    from .models import ClockRule

    row = ClockRule.objects.filter(code=code).first()
    if row is not None:
        return row
    spec = RULES.get(code)
    if spec is None:
        raise LookupError(UNKNOWN_RULE % {"code": code})
    try:
        with transaction.atomic():
            return ClockRule.objects.create(code=code, **spec.row_values())
    except IntegrityError:  # created meanwhile by a concurrent caller
        return ClockRule.objects.get(code=code)


def sync_rules() -> int:
    """Create the rows of declared rules that have none yet; edited rows are left alone."""
    from .models import ClockRule

    existing = set(ClockRule.objects.values_list("code", flat=True))
    missing = [ClockRule(code=code, **spec.row_values()) for code, spec in RULES.items() if code not in existing]
    ClockRule.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)
