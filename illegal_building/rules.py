"""The rulebook of a case (domain §3): every legal precondition of every act, as a named rule.

A rule has a code, the article(s) it enforces, its refusal message (``gates``) and a pure check
over ``Facts``: the case's records and clocks as they stand, plus what the act is about to state
(its inputs). Services call ``require`` before writing anything, so the web step, the case-page
record forms, the task API and the case API refuse the same act with the same message; the case
page and ``GET /api/cases/{id}/`` show ``states`` of the rules guarding the next acts.

Deadlines are read from their clocks (``workflows.sla``), never from a copy on the act.
This module reads; it never imports ``services``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from workflows import calendar, clock
from workflows.sla import selectors as sla_selectors
from workflows.sla.models import Clock

from . import clocks, gates
from .gates import GateRefused
from .models import (
    Act,
    Case,
    Challenge,
    CollectiveDiscussion,
    Defence,
    FineThreshold,
    GovernmentOrder,
    Hearing,
    HearingWithdrawal,
    LegalReview,
    PlanningOpinion,
    ServiceAttempt,
    ServiceConsent,
    ServiceRecord,
)

APL = "中华人民共和国行政处罚法"
ACL = "中华人民共和国行政强制法"
UPL = "中华人民共和国城乡规划法"
ALL = "中华人民共和国行政诉讼法"
ARL = "中华人民共和国行政复议法"
CPL = "中华人民共和国民事诉讼法"

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1–999 as written in statute citations (第六十四条, 第一百一十条)."""
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    text = f"{_DIGITS[hundreds]}百" if hundreds else ""
    if tens:
        text += ("" if tens == 1 and not hundreds else _DIGITS[tens]) + "十"
    elif hundreds and ones:
        text += "零"
    if ones:
        text += _DIGITS[ones]
    return text or _DIGITS[0]


@dataclass(frozen=True)
class Article:
    law: str
    article: int
    paragraph: int | None = None

    def __str__(self) -> str:
        text = f"《{self.law}》第{chinese_number(self.article)}条"
        if self.paragraph:
            text += f"第{chinese_number(self.paragraph)}款"
        return text


MET = "met"
NOT_YET = "not_yet"
REFUSED = "refused"


@dataclass(frozen=True)
class Verdict:
    state: str
    message: str | Promise | None = None  # overrides the rule's message (e.g. a missing calendar year)
    from_date: dt.date | None = None  # NOT_YET: the first day the act is allowed


def met() -> Verdict:
    return Verdict(MET)


def refused(message: str | Promise | None = None) -> Verdict:
    return Verdict(REFUSED, message)


def not_yet(last_day: dt.date | None, message: str | Promise | None = None) -> Verdict:
    return Verdict(NOT_YET, message, last_day + dt.timedelta(days=1) if last_day else None)


def _open_after(today: dt.date, last_day: dt.date | None, missing: str | Promise) -> Verdict:
    """A period that must be over: refused if it never started, not yet while it runs."""
    if last_day is None:
        return refused(missing)
    return not_yet(last_day) if today <= last_day else met()


# --- Facts: the records and clocks a rule reads ----------------------------------------------

DECISION_KINDS = (Act.Kind.DEMOLITION_DECISION, Act.Kind.CORRECTION_DECISION)


class Facts:
    """What the law looks at for one act on one case, read lazily and once."""

    def __init__(self, case: Case, act: str, inputs: dict[str, Any] | None = None) -> None:
        self.case = case
        self.act = act
        self.inputs = inputs or {}
        self.now = clock.now()
        self.today = timezone.localtime(self.now).date()

    def input(self, name: str, default: Any = None) -> Any:
        return self.inputs.get(name, default)

    def has(self, *names: str) -> bool:
        return all(name in self.inputs for name in names)

    # acts
    def latest_act(self, *kinds: str) -> Act | None:
        return Act.objects.filter(case=self.case, kind__in=kinds).order_by("-created_at", "-id").first()

    @cached_property
    def notice(self) -> Act | None:
        return self.latest_act(Act.Kind.PRIOR_NOTICE)

    @cached_property
    def decision(self) -> Act | None:
        return self.latest_act(*DECISION_KINDS)

    @cached_property
    def coercive(self) -> Act | None:
        return self.latest_act(Act.Kind.COERCIVE_DECISION)

    @cached_property
    def announcement(self) -> Act | None:
        return self.latest_act(Act.Kind.ANNOUNCEMENT)

    @cached_property
    def reminder(self) -> Act | None:
        return self.latest_act(Act.Kind.REMINDER)

    # clocks: the latest clock of each rule, open or stopped (its due date is the deadline)
    @cached_property
    def _clocks(self) -> dict[str, Clock]:
        latest: dict[str, Clock] = {}
        for item in sla_selectors.clocks_for(self.case):
            latest[item.rule.code] = item  # ordered by start: the last one wins
        return latest

    def due(self, code: str) -> dt.date | None:
        item = self._clocks.get(code)
        return item.due_date if item is not None else None

    # penalty procedure since the latest prior notice
    def _since_notice(self, model: Any) -> Any:
        if self.notice is None:
            return model.objects.none()
        return model.objects.filter(case=self.case, created_at__gte=self.notice.created_at)

    @cached_property
    def hearing_requested(self) -> bool:
        request = self._since_notice(Defence).filter(hearing_requested=True).order_by("-created_at", "-id").first()
        if request is None:
            return False
        return not HearingWithdrawal.objects.filter(case=self.case, created_at__gte=request.created_at).exists()

    @cached_property
    def hearing_held(self) -> bool:
        return bool(self._since_notice(Hearing).exists())

    @cached_property
    def approving_review(self) -> bool:
        review = self._since_notice(LegalReview).order_by("-created_at", "-id").first()
        return bool(review and review.approved)

    @cached_property
    def investigators(self) -> set[int]:
        from .selectors import investigators

        return {user.pk for user in investigators(self.case)}

    @cached_property
    def challenges(self) -> list[Challenge]:
        if self.decision is None:
            return []
        return list(Challenge.objects.filter(case=self.case, act=self.decision).order_by("created_at", "id"))

    @property
    def fine(self) -> Decimal:
        """The fine of the act at hand: entered with it, or else the fine the case proposes."""
        value = self.input("fine_amount", self.case.proposed_fine)
        return Decimal(value or 0)

    @property
    def is_penalty(self) -> bool:
        """A demolition decision, or any decision with a fine, goes through the penalty procedure."""
        return self.act == "decision" or (self.act == "correction_decision" and self.fine > 0)

    @property
    def act_day(self) -> dt.date:
        """The day the act takes effect: an execution on the day it took place, everything else today."""
        at = self.input("executed_at")
        return timezone.localtime(at).date() if at is not None else self.today


# --- The rules --------------------------------------------------------------------------------

Check = Callable[[Facts], "Verdict | None"]  # None: the rule does not apply to this act now


@dataclass(frozen=True)
class Rule:
    code: str
    title: str | Promise
    articles: tuple[Article, ...]
    message: str | Promise
    acts: tuple[str, ...]
    check: Check
    field: str | None = None  # the input the refusal is about, for field-level messages
    needs: tuple[str, ...] = ()  # inputs without which the rule is judged only when the act is entered

    @property
    def citation(self) -> str:
        return "、".join(str(article) for article in self.articles)


RULES: dict[str, Rule] = {}


def rule(
    code: str,
    title: str | Promise,
    articles: Iterable[Article],
    message: str | Promise,
    acts: Iterable[str],
    *,
    field: str | None = None,
    needs: Iterable[str] = (),
) -> Callable[[Check], Check]:
    def register(check: Check) -> Check:
        RULES[code] = Rule(code, title, tuple(articles), message, tuple(acts), check, field, tuple(needs))
        return check

    return register


PENALTY_DECISIONS = ("decision", "correction_decision")
SERVICE_ACTS = ("stop_order", "prior_notice", "reminder", "serve_correction", "serve_decision", "serve_coercive")
SITE_RECORDS = ("verify", "site_check", "correction_check", "reminder_check", "inquiry", "execute")
EXECUTION_PLAN = ("coercive_decision",)
FORCED = ("coercive_decision", "execute")


# Two officers ---------------------------------------------------------------------------------

@rule("officers.two", _("Two officers with certificates"), [Article(APL, 42, 1)], gates.TWO_OFFICERS,
      SITE_RECORDS, field="officer2", needs=("officer1", "officer2"))
def _two_officers(f: Facts) -> Verdict:
    first, second = f.input("officer1"), f.input("officer2")
    if first is None or second is None or first == second:
        return refused()
    if not (getattr(first, "certificate_number", "") and getattr(second, "certificate_number", "")):
        return refused()
    return met()


@rule("party.identified", _("The party is identified"), [Article(APL, 59, 1)], gates.PARTY_REQUIRED,
      ("verify",), field="party_name", needs=("illegal",))
def _party(f: Facts) -> Verdict | None:
    if not f.input("illegal"):
        return None
    return met() if f.input("party_name") and f.input("party_address") else refused()


@rule("investigation.planning_opinion", _("Planning department's opinion"), [Article(UPL, 64)],
      gates.PLANNING_OPINION_MISSING, ("investigate",))
def _planning_opinion(f: Facts) -> Verdict:
    return met() if PlanningOpinion.objects.filter(case=f.case).exists() else refused()


# Penalty procedure: notice, defence, hearing, legal review, collective discussion -------------

def _threshold(case: Case) -> Decimal | None:
    kind = FineThreshold.PartyKind.PERSON if case.party_is_person else FineThreshold.PartyKind.ORGANISATION
    row = FineThreshold.objects.filter(party_kind=kind).first()
    return row.amount if row is not None else None


@rule("notice.hearing_right", _("Hearing right for a large fine"), [Article(APL, 63, 1)],
      gates.HEARING_RIGHT_REQUIRED, ("prior_notice",), field="hearing_right", needs=("hearing_right",))
def _hearing_right(f: Facts) -> Verdict | None:
    threshold = _threshold(f.case)
    if f.fine <= 0 or threshold is None or f.fine < threshold:
        return None
    return met() if f.input("hearing_right") else refused()


@rule("penalty.notice_served", _("Prior notice served"), [Article(APL, 44)], gates.PRIOR_NOTICE_NOT_SERVED,
      ("defence", *PENALTY_DECISIONS))
def _notice_served(f: Facts) -> Verdict | None:
    if f.act != "defence" and not f.is_penalty:
        return None
    return met() if f.notice is not None and f.notice.served_at is not None else refused()


@rule("penalty.fine_notified", _("The fine was proposed in the notice"), [Article(APL, 44), Article(APL, 62)],
      gates.FINE_NOT_NOTIFIED, ("correction_decision", "decision"), field="fine_amount")
def _fine_notified(f: Facts) -> Verdict | None:
    if f.fine <= 0:
        return None
    notice = f.notice
    if notice is None or notice.served_at is None or notice.fine_amount is None:
        return refused()
    return met() if f.fine <= notice.fine_amount else refused()


@rule("penalty.defence_closed", _("Defence period over"), [Article(APL, 45, 1), Article(APL, 62)],
      gates.DEFENCE_WINDOW_OPEN, ("defence", *PENALTY_DECISIONS))
def _defence_closed(f: Facts) -> Verdict | None:
    if f.act != "defence" and not f.is_penalty:
        return None
    return _open_after(f.today, f.due(clocks.DEFENCE), gates.PRIOR_NOTICE_NOT_SERVED)


@rule("penalty.hearing_window_closed", _("Hearing request window over"), [Article(APL, 64, 1)],
      gates.HEARING_WINDOW_OPEN, PENALTY_DECISIONS)
def _hearing_window(f: Facts) -> Verdict | None:
    if not f.is_penalty or f.notice is None or not f.notice.hearing_right or f.hearing_requested:
        return None
    return _open_after(f.today, f.due(clocks.HEARING_REQUEST), gates.PRIOR_NOTICE_NOT_SERVED)


@rule("penalty.hearing_held", _("Requested hearing held"), [Article(APL, 63, 1), Article(APL, 65)],
      gates.HEARING_NOT_HELD, PENALTY_DECISIONS)
def _hearing_held(f: Facts) -> Verdict | None:
    if not f.is_penalty or not f.hearing_requested:
        return None
    return met() if f.hearing_held else refused()


# Judged before the legal review: when a major case lacks both (the reviewer returned it and it was
# re-routed to a direct correction order the chief tries to fine), the refusal names the discussion,
# which that route of the flow never offers.
@rule("penalty.collective", _("Collective discussion of a major case"), [Article(APL, 57, 2)],
      gates.COLLECTIVE_DISCUSSION_MISSING, PENALTY_DECISIONS)
def _collective(f: Facts) -> Verdict | None:
    if not f.is_penalty or not f.case.is_major:
        return None
    return met() if CollectiveDiscussion.objects.filter(case=f.case).exists() else refused()


@rule("penalty.legal_review", _("Approving legal review"), [Article(APL, 58, 1)], gates.LEGAL_REVIEW_MISSING,
      PENALTY_DECISIONS)
def _legal_review(f: Facts) -> Verdict | None:
    if not f.is_penalty:
        return None
    return met() if f.approving_review else refused()


@rule("penalty.reviewer_independent", _("Legal reviewer did not investigate"), [Article(APL, 58, 1)],
      gates.LEGAL_REVIEWER_INVESTIGATED, ("legal_review",), needs=("reviewer",))
def _reviewer(f: Facts) -> Verdict:
    return refused() if f.input("reviewer").pk in f.investigators else met()


# Hearings --------------------------------------------------------------------------------------

@rule("hearing.right_given", _("Hearing right given"), [Article(APL, 63, 1)], gates.NO_HEARING_RIGHT,
      ("hearing_request",))
def _right_given(f: Facts) -> Verdict:
    if f.notice is None or f.notice.served_at is None:
        return refused(gates.PRIOR_NOTICE_NOT_SERVED)
    return met() if f.notice.hearing_right else refused()


@rule("hearing.request_window", _("Within the hearing request window"), [Article(APL, 64, 1)],
      gates.HEARING_REQUEST_WINDOW_CLOSED, ("hearing_request",))
def _request_window(f: Facts) -> Verdict | None:
    last_day = f.due(clocks.HEARING_REQUEST)
    if last_day is None:
        return None
    if f.today > last_day:
        return refused()
    if f.decision is not None and f.notice is not None and f.decision.created_at >= f.notice.created_at:
        return refused(gates.ALREADY_DECIDED)
    if f.hearing_requested:
        return refused(gates.HEARING_ALREADY_REQUESTED)
    return met()


@rule("hearing.pending", _("A requested hearing is pending"), [Article(APL, 64, 1)], gates.NO_HEARING_PENDING,
      ("hearing_held", "hearing_withdrawal"))
def _pending(f: Facts) -> Verdict:
    return met() if f.hearing_requested and not f.hearing_held else refused()


@rule("hearing.chair_independent", _("Hearing chair did not investigate"), [Article(APL, 64, 4)],
      gates.HEARING_CHAIR_INVESTIGATED, ("hearing", "hearing_held"), field="chair", needs=("chair",))
def _chair(f: Facts) -> Verdict | None:
    if f.input("withdrawn"):
        return None
    return refused() if f.input("chair").pk in f.investigators else met()


@rule("hearing.seven_days_notice", _("Hearing notified 7 working days ahead"), [Article(APL, 64, 2)],
      gates.HEARING_NOTICE_TOO_SHORT, ("hearing", "hearing_held"), field="notified_on",
      needs=("notified_on", "held_at"))
def _seven_days(f: Facts) -> Verdict | None:
    if f.input("withdrawn"):
        return None
    notified_on, held_at = f.input("notified_on"), f.input("held_at")
    if notified_on is None or held_at is None:
        return refused()
    earliest = calendar.add_working_days(notified_on, 7)
    return met() if timezone.localtime(held_at).date() >= earliest else refused()


# Service of process ----------------------------------------------------------------------------

@rule("service.left_proof", _("Lodged service proven"), [Article(CPL, 89)], gates.SERVICE_LEFT_PROOF,
      SERVICE_ACTS, field="witnesses", needs=("service",))
def _left(f: Facts) -> Verdict | None:
    service = f.input("service")
    if service["method"] != ServiceRecord.Method.LEFT:
        return None
    return met() if service.get("witnesses") or service.get("evidence") else refused()


@rule("service.electronic_consent", _("Consent to electronic service"), [Article(CPL, 90, 1)],
      gates.SERVICE_ELECTRONIC_CONSENT, SERVICE_ACTS, field="service_method", needs=("service",))
def _electronic(f: Facts) -> Verdict | None:
    service = f.input("service")
    if service["method"] != ServiceRecord.Method.ELECTRONIC:
        return None
    consents = ServiceConsent.objects.filter(case=f.case)
    if not consents.exists():
        return refused()
    # Consent must come before the service it allows: a consent dated later does not cover it.
    served_on = timezone.localtime(service["served_at"]).date()
    return met() if consents.filter(consented_on__lte=served_on).exists() else refused(
        gates.SERVICE_ELECTRONIC_CONSENT_LATE
    )


@rule("service.announcement_last_resort", _("Announcement only after failed service"), [Article(CPL, 95, 1)],
      gates.SERVICE_ANNOUNCEMENT_LAST_RESORT, SERVICE_ACTS, field="service_method", needs=("service", "act_kind"))
def _announcement(f: Facts) -> Verdict | None:
    if f.input("service")["method"] != ServiceRecord.Method.PUBLIC:
        return None
    kind = f.input("act_kind")
    attempts = ServiceAttempt.objects.filter(case=f.case, act_kind=kind)
    previous = Act.objects.filter(case=f.case, kind=kind, served_at__isnull=False).order_by("-created_at").first()
    if previous is not None and f.input("act") is None:  # a new act: only attempts since the last one count
        attempts = attempts.filter(created_at__gt=previous.created_at)
    return met() if attempts.exists() else refused()


# After the decision ----------------------------------------------------------------------------

@rule("decision.in_force", _("Decision in force"), [Article(APL, 61), Article(ACL, 40)], gates.DECISION_REVOKED,
      ("reminder", "site_check", "correction_check", "reminder_check", *FORCED))
def _in_force(f: Facts) -> Verdict:
    if f.decision is None or f.decision.served_at is None:
        return refused(gates.DECISION_NOT_SERVED)
    if f.decision.revoked_at is not None:
        return refused()
    deemed = timezone.localtime(f.decision.served_at).date()  # by announcement: 30 days after publication
    if deemed > f.today:
        return not_yet(deemed - dt.timedelta(days=1), gates.DECISION_NOT_SERVED)
    return met()


@rule("decision.compliance_deadline", _("Compliance deadline passed"), [Article(ACL, 35)],
      gates.COMPLIANCE_DEADLINE_OPEN, ("site_check", "correction_check"), needs=("complied",))
def _compliance(f: Facts) -> Verdict | None:
    if f.input("complied"):
        return None
    return _open_after(f.today, f.due(clocks.COMPLY), gates.DECISION_NOT_SERVED)


@rule("reminder.period_over", _("Reminder period over"), [Article(ACL, 35), Article(ACL, 37, 1)],
      gates.REMINDER_WINDOW_OPEN, ("reminder_check", "coercive_decision"))
def _reminder(f: Facts) -> Verdict | None:
    if f.act == "reminder_check" and f.input("complied", False):
        return None
    if f.reminder is None or f.reminder.served_at is None:
        return refused(gates.REMINDER_NOT_SERVED)
    return _open_after(f.today, f.due(clocks.REMINDER), gates.REMINDER_NOT_SERVED)


# Finality: coercive execution only once the decision can no longer be challenged ---------------

def _last_outcome(f: Facts) -> Challenge | None:
    decided = [c for c in f.challenges if c.outcome != Challenge.Outcome.PENDING]
    return max(decided, key=lambda c: (c.outcome_on or dt.date.min, c.created_at)) if decided else None


@rule("finality.no_pending_challenge", _("No challenge pending"), [Article(ACL, 44)],
      gates.CHALLENGE_PENDING, FORCED)
def _no_pending(f: Facts) -> Verdict:
    return refused() if any(c.outcome == Challenge.Outcome.PENDING for c in f.challenges) else met()


@rule("finality.periods_lapsed", _("Review and lawsuit periods over"),
      [Article(ACL, 44), Article(ARL, 20, 1), Article(ALL, 46, 1)], gates.CHALLENGE_PERIODS_OPEN, FORCED)
def _periods(f: Facts) -> Verdict | None:
    if _last_outcome(f) is not None:
        return None
    review, lawsuit = f.due(clocks.REVIEW_PERIOD), f.due(clocks.LAWSUIT_PERIOD)
    last_day = max(review, lawsuit) if review and lawsuit else None
    return _open_after(f.act_day, last_day, gates.DECISION_NOT_SERVED)


@rule("finality.lawsuit_after_review", _("Period to sue after the review decision over"),
      [Article(ALL, 45), Article(ACL, 44)], gates.LAWSUIT_AFTER_REVIEW_OPEN, FORCED)
def _after_review(f: Facts) -> Verdict | None:
    last = _last_outcome(f)
    if last is None or last.kind != Challenge.Kind.REVIEW or not last.favours_bureau:
        return None
    return _open_after(f.act_day, f.due(clocks.LAWSUIT_AFTER_REVIEW), gates.OUTCOME_SERVICE_MISSING)


@rule("finality.appeal_window", _("Period to appeal the judgment over"), [Article(ALL, 85), Article(ACL, 44)],
      gates.APPEAL_WINDOW_OPEN, FORCED)
def _appeal(f: Facts) -> Verdict | None:
    last = _last_outcome(f)
    if last is None or last.kind != Challenge.Kind.LAWSUIT or not last.favours_bureau:
        return None
    return _open_after(f.act_day, f.due(clocks.APPEAL_PERIOD), gates.OUTCOME_SERVICE_MISSING)


# Coercive decision, announcement, execution -----------------------------------------------------

@rule("coercive.government_order", _("County government's order on record"), [Article(UPL, 68)],
      gates.GOVERNMENT_ORDER_MISSING, FORCED)
def _government_order(f: Facts) -> Verdict | None:
    if f.case.correctable:
        return None  # UPL art. 68 is about demolition
    orders = GovernmentOrder.objects.filter(case=f.case)
    if not orders.exists():
        return refused()
    # The government orders forced demolition when the party 逾期不拆除: after the decision's deadline.
    deadline = f.due(clocks.COMPLY)
    lawful = orders.filter(issued_on__lte=f.today)
    if deadline is not None:
        lawful = lawful.filter(issued_on__gt=deadline)
    return met() if lawful.exists() else refused(gates.GOVERNMENT_ORDER_TOO_EARLY)


@rule("coercive.dates", _("Last day before the execution date"), [Article(ACL, 44)], gates.EXECUTION_DATES,
      EXECUTION_PLAN, field="final_deadline", needs=("final_deadline", "planned_start"))
def _dates(f: Facts) -> Verdict:
    execution_day = timezone.localtime(f.input("planned_start")).date()
    return met() if f.today < f.input("final_deadline") < execution_day else refused()


NIGHT_STARTS, NIGHT_ENDS = dt.time(22, 0), dt.time(6, 0)


def _at_night(moment: dt.datetime) -> bool:
    local = timezone.localtime(moment).time()
    return local >= NIGHT_STARTS or local < NIGHT_ENDS


@rule("execution.planned_by_day", _("Execution planned by day"), [Article(ACL, 43, 1)], gates.PLANNED_AT_NIGHT,
      EXECUTION_PLAN, field="execution_start", needs=("planned_start", "planned_end"))
def _planned_by_day(f: Facts) -> Verdict | None:
    if f.input("emergency_reason"):
        return None
    start, end = f.input("planned_start"), f.input("planned_end")
    span_ends_late = timezone.localtime(end).time() > NIGHT_STARTS
    return refused() if _at_night(start) or span_ends_late else met()


@rule("execution.planned_working_day", _("Execution planned on a working day"), [Article(ACL, 43, 1)],
      gates.PLANNED_ON_HOLIDAY, EXECUTION_PLAN, field="execution_date", needs=("planned_start",))
def _planned_working_day(f: Facts) -> Verdict | None:
    if f.input("emergency_reason"):
        return None
    day = timezone.localtime(f.input("planned_start")).date()
    return met() if calendar.is_working_day(day) else refused()


@rule("execution.announced", _("Announcement's last day passed"), [Article(ACL, 44)], gates.ANNOUNCEMENT_MISSING,
      ("execute",))
def _announced(f: Facts) -> Verdict:
    notice = f.announcement
    if notice is None or f.coercive is None or f.coercive.served_at is None or notice.last_day is None:
        return refused()
    return not_yet(notice.last_day, gates.EXECUTION_BEFORE_LAST_DAY) if f.act_day <= notice.last_day else met()


def _emergency(f: Facts) -> bool:
    return bool(f.coercive and f.coercive.emergency_reason)


@rule("execution.by_day", _("Executed by day"), [Article(ACL, 43, 1)], gates.EXECUTION_AT_NIGHT, ("execute",),
      field="executed_at", needs=("executed_at",))
def _by_day(f: Facts) -> Verdict | None:
    if _emergency(f):
        return None
    return refused() if _at_night(f.input("executed_at")) else met()


@rule("execution.working_day", _("Executed on a working day"), [Article(ACL, 43, 1)], gates.EXECUTION_ON_HOLIDAY,
      ("execute",), field="executed_at", needs=("executed_at",))
def _working_day(f: Facts) -> Verdict | None:
    if _emergency(f):
        return None
    return met() if calendar.is_working_day(f.act_day) else refused()


# --- Applying the rulebook ------------------------------------------------------------------------

def rules_for(act: str) -> list[Rule]:
    return [item for item in RULES.values() if act in item.acts]


@dataclass(frozen=True)
class RuleState:
    """One rule as shown on the case page and in the API."""

    code: str
    act: str
    title: str
    citation: str
    state: str
    detail: str
    from_date: dt.date | None


def _judge(item: Rule, facts: Facts) -> Verdict | None:
    if any(name not in facts.inputs for name in item.needs):
        return None
    try:
        return item.check(facts)
    except calendar.CalendarDataMissing as missing:
        return refused(str(missing))


def require(*, case: Case, act: str, **inputs: Any) -> None:
    """Refuse ``act`` with the first rule it breaks; called by the services before any write."""
    facts = Facts(case, act, inputs)
    for item in rules_for(act):
        verdict = _judge(item, facts)
        if verdict is not None and verdict.state != MET:
            raise GateRefused(verdict.message or item.message, field=item.field)


def states(case: Case, acts: Iterable[str]) -> list[RuleState]:
    """The state of every rule guarding ``acts`` (the case's next acts), judged on the records now."""
    result: list[RuleState] = []
    for act in acts:
        facts = Facts(case, act)
        for item in rules_for(act):
            verdict = _judge(item, facts)
            if verdict is None:
                continue
            detail = "" if verdict.state == MET else str(verdict.message or item.message)
            result.append(
                RuleState(item.code, act, str(item.title), item.citation, verdict.state, detail, verdict.from_date)
            )
    return result

