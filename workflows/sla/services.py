"""Clock services: start, stop, pause, resume, extend, and the holiday schedule of a year.

Due dates are a pure function of the rule, the start, the pauses and the extension
(``compute_dates``); every service that changes one of those recomputes and stores them.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflows import audit, calendar, clock
from workflows.concurrency import step_atomic
from workflows.models import County, User

from .models import (
    Clock,
    ClockPause,
    ClockRule,
    Escalation,
    HolidaySchedule,
    Light,
    MissingYearAlert,
    PauseReason,
    Unit,
)
from .rules import get_rule

ALREADY_STOPPED = _("This clock has already stopped.")
ALREADY_PAUSED = _("This clock is already paused.")
NOT_PAUSED = _("This clock is not paused.")
BAD_PAUSE_REASON = _("Choose a legal reason for the pause.")
NOTE_REQUIRED = _("Say why and for how long the clock is paused.")
REASON_REQUIRED = _("Give the reason for the extension.")
ALREADY_EXTENDED = _("The time limit has already been extended once.")
EXTENSION_TOO_LONG = _("The extension may be at most %(limit)s working days.")
EXTENSION_NOT_POSITIVE = _("The extension must be at least one working day.")
SCHEDULE_YEAR_MISMATCH = _("%(date)s is not in %(year)s.")
SCHEDULE_BOTH = _("%(date)s cannot be both a holiday and a make-up working day.")
SCHEDULE_BAD_DATE = _("“%(line)s” is not a date (YYYY-MM-DD).")
TAKE_OVER_NOT_ALLOWED = _("This step's overdue items are listed only; they cannot be taken over.")
TAKE_OVER_TASK_CLOSED = _("The task of this overdue item is no longer open.")
TAKE_OVER_NOT_YOURS = _("Only the role this item was escalated to, in its county, may take it over.")
DUE_DATE_MOVED_TITLE = _("Due date moved: %(rule)s · %(subject)s")
DUE_DATE_MOVED_BODY = _("The holiday schedule of %(year)s moved the due date from %(old)s to %(new)s.")
SCHEDULE_CHANGED = _("The holiday schedule of %(year)s changed.")
STATUTORY_DUE_DATE_MOVED = _("The statutory due date moved from %(old)s to %(new)s.")
# A schedule saved longer ago than this without its job having run is queued again by the sweep.
RECOMPUTE_GRACE_SECONDS = 300
SCHEDULE_WORKDAY_WEEKDAY = _("%(date)s is a weekday; make-up working days are Saturdays or Sundays.")


@dataclass(frozen=True)
class Dates:
    due_date: dt.date
    statutory_due_date: dt.date | None
    yellow_date: dt.date
    provisional: bool
    missing_years: frozenset[int]


def _local_date(moment: dt.date | dt.datetime) -> dt.date:
    if isinstance(moment, dt.datetime):
        return timezone.localtime(moment).date()
    return moment


def compute_dates(
    *, rule: ClockRule, start_date: dt.date, paused_working_days: int, paused_calendar_days: int, extension_days: int
) -> Dates:
    """Due dates of a clock; a year without schedule is counted on weekdays and marked provisional."""
    missing: set[int] = set()
    has_statutory = rule.statutory_limit is not None
    # Without a separate statutory limit an extension lengthens the one limit there is.
    main_extra = 0 if has_statutory else extension_days
    if rule.unit == Unit.WORKING:
        limit = (rule.limit or 0) + main_extra
        due = calendar.add_working_days(start_date, limit + paused_working_days, lenient=missing)
        statutory = None
        if has_statutory:
            statutory = calendar.add_working_days(
                start_date, (rule.statutory_limit or 0) + extension_days + paused_working_days, lenient=missing
            )
        back = max(rule.yellow_days_left, limit - math.ceil(limit * rule.yellow_percent / 100))
        yellow = calendar.add_working_days(due, -back, lenient=missing)
    else:
        raw = calendar.add_months(start_date, rule.months or 0) + dt.timedelta(
            days=(rule.limit or 0) + paused_calendar_days
        )
        due = calendar.roll_forward(raw, lenient=missing)
        if main_extra:
            due = calendar.add_working_days(due, main_extra, lenient=missing)
        statutory = None
        if has_statutory:
            statutory = calendar.add_period(
                start_date, days=(rule.statutory_limit or 0) + paused_calendar_days, lenient=missing
            )
            if extension_days:
                statutory = calendar.add_working_days(statutory, extension_days, lenient=missing)
        span = (due - start_date).days - paused_calendar_days
        by_share = due - dt.timedelta(days=span - math.ceil(span * rule.yellow_percent / 100))
        by_days_left = calendar.add_working_days(due, -rule.yellow_days_left, lenient=missing)
        yellow = min(by_share, by_days_left)
    return Dates(due, statutory, yellow, bool(missing), frozenset(missing))


def _apply_dates(item: Clock) -> Dates:
    dates = compute_dates(
        rule=item.rule,
        start_date=item.start_date,
        paused_working_days=item.paused_working_days,
        paused_calendar_days=item.paused_calendar_days,
        extension_days=item.extension_days,
    )
    item.due_date = dates.due_date
    item.statutory_due_date = dates.statutory_due_date
    item.yellow_date = dates.yellow_date
    item.provisional = dates.provisional
    return dates


def _alert_missing_years(years: frozenset[int]) -> None:
    """Tell administrators once per year that deadlines reach into a year nobody has entered."""
    missing_years_alert(years=years)


@transaction.atomic
def missing_years_alert(*, years: frozenset[int]) -> None:
    """Tell administrators once per year that a deadline needs a year nobody has entered."""
    from .notifications import notify

    for year in sorted(years):
        alert, created = MissingYearAlert.objects.get_or_create(year=year, defaults={"created_at": clock.now()})
        if not created:
            continue
        admins = list(User.objects.filter(groups__name="role:admin", is_active=True))
        error = calendar.CalendarDataMissing(year)
        notify(
            users=admins,
            subject_obj=alert,
            title=str(_("Holiday schedule for %(year)s is missing") % {"year": year}),
            body=str(error) + "\n" + str(_("Due dates in %(year)s are provisional until then.") % {"year": year}),
            level="warning",
        )


def _subject_label(subject: Any) -> str:
    return str(subject)[:200]


def _subject_url(subject: Any) -> str:
    getter = getattr(subject, "get_absolute_url", None)
    if getter is None:
        return ""
    try:
        return str(getter())[:300]
    except Exception:  # a subject without a page is still a valid subject
        return ""


@step_atomic  # no savepoint inside a step (workflows.concurrency)
def clock_start(
    *,
    subject: Any,
    rule: str,
    county: County | None,
    assignee: User | None = None,
    task: Any = None,
    start: dt.date | dt.datetime | None = None,
    acting_user: User | None = None,
) -> Clock:
    rule_row = get_rule(rule)
    if isinstance(start, dt.datetime):
        started_at = start
    elif start is not None:  # a date: the period starts at that day's beginning, local time
        started_at = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    else:
        started_at = clock.now()
    start_date = _local_date(started_at)
    item = Clock(
        rule=rule_row,
        content_type=ContentType.objects.get_for_model(subject),
        object_id=str(subject.pk),
        subject_label=_subject_label(subject),
        subject_url=_subject_url(subject),
        process_code=rule_row.process_code,
        step_code=rule_row.step_code,
        county=county,
        assignee=assignee,
        task=task,
        started_at=started_at,
        start_date=start_date,
    )
    dates = _apply_dates(item)
    item.save()
    audit.record(
        actor=acting_user,
        action="sla.clock_start",
        obj=subject,
        county=county,
        data={"clock": item.pk, "rule": rule, "start": start_date, "due": item.due_date},
    )
    if dates.missing_years:
        _alert_missing_years(dates.missing_years)
    return item


def _locked(item: Clock) -> Clock:
    return Clock.objects.select_for_update().select_related("rule").get(pk=item.pk)


@step_atomic  # no savepoint inside a step (workflows.concurrency)
def clock_stop(*, clock: Clock, acting_user: User | None = None) -> Clock:
    stopped = _stop_first(Clock.objects.filter(pk=clock.pk), open_only=False, acting_user=acting_user)
    # None: no such row (any more); reading it raises as it always did.
    return stopped if stopped is not None else _stop(_locked(clock), acting_user=acting_user)


@step_atomic  # no savepoint inside a step (workflows.concurrency)
def clock_stop_task(*, task_id: int, assignee_id: int | None, acting_user: User | None = None) -> Clock | None:
    """Stop the open step clock of a task, if it has one: one statement (``_stop_first``).

    ``assignee_id`` is the task's owner when it closed (a task claimed and completed in one
    request was never saved in between, so its clock learns its holder here).
    """
    return _stop_first(
        Clock.objects.filter(task_id=task_id).order_by("-id"), assignee_id=assignee_id, acting_user=acting_user
    )


@step_atomic  # no savepoint inside a step (workflows.concurrency)
def clock_stop_open(*, subject: Any, rule: str, acting_user: User | None = None) -> Clock | None:
    """Stop the subject's open clock of ``rule`` if it has one (the one ``selectors.open_clock`` finds)."""
    content_type = ContentType.objects.get_for_model(subject)  # cached per process
    matching = Clock.objects.filter(content_type=content_type, object_id=str(subject.pk), rule__code=rule)
    return _stop_first(matching.order_by("started_at", "id"), acting_user=acting_user)


# How far back from the stop day ``_stop_first`` counts working days inside its statement; a
# clock started earlier gets its count in a second UPDATE.
STOP_WINDOW_DAYS = 400
_CLOCK_FIELDS: list[Any] = list(Clock._meta.concrete_fields)


def _stop_first(
    matching: models.QuerySet[Clock],
    *,
    open_only: bool = True,
    assignee_id: int | None = None,
    acting_user: User | None,
) -> Clock | None:
    """Lock the first clock of ``matching`` and stop it in the same statement; None: no such clock.

    A step stops a clock on every completion; a read of the clock, then its UPDATE, cost two
    round trips. Here one statement locks the row and writes what ``_stop`` writes: the wall
    time, its local date, and the working days used — days in (start, stop] less the paused
    ones, looked up in the working-day counts back from the stop day that the calendar computed
    here (``calendar.working_days_back``). A paused clock (its pause must be closed first) or a stopped
    one is not written by the statement and goes through ``_stop`` under the lock it took.
    """
    if open_only:
        matching = matching.filter(stopped_at__isnull=True)
    if connection.vendor != "postgresql":  # SQLite (make run): read, then write
        item = matching.select_for_update().select_related("rule").first()
        return None if item is None else _stop(_with_assignee(item, assignee_id), acting_user=acting_user)
    target_sql, target_params = matching.values("id")[:1].query.sql_with_params()
    moment = _wall_now()
    stopped_on = _local_date(moment)
    # As one array literal: psycopg would dump a list of 400 integers element by element, twice.
    back = calendar.working_days_back(stopped_on, STOP_WINDOW_DAYS, lenient=set())
    counts = "{" + ",".join(map(str, back)) + "}"
    columns = ", ".join(f"c.{connection.ops.quote_name(f.column)}" for f in _CLOCK_FIELDS)
    used = "(%s::int[])[(%s::date - c.start_date) + 1]"  # NULL outside the window
    sql = (
        f"WITH target AS ({target_sql} FOR UPDATE OF sla_clock), "  # noqa: S608 - the ORM's SQL, constant columns
        "stopped AS (UPDATE sla_clock c SET stopped_at = %s, stopped_on = %s, "
        "assignee_id = COALESCE(%s, c.assignee_id), "
        f"days_used = CASE WHEN {used} IS NULL THEN NULL ELSE GREATEST(0, {used} - c.paused_working_days) END "
        "FROM target WHERE c.id = target.id AND c.stopped_at IS NULL AND c.paused_on IS NULL "
        f"RETURNING {columns}) "
        "SELECT target.id, stopped.* FROM target LEFT JOIN stopped ON TRUE"
    )
    params = [*target_params, moment, stopped_on, assignee_id, counts, stopped_on, counts, stopped_on]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    if row[1] is None:  # paused or stopped already; the statement locked it
        item = Clock.objects.select_related("rule").get(pk=row[0])
        return _stop(_with_assignee(item, assignee_id), acting_user=acting_user)
    item = Clock.from_db(connection.alias, [f.attname for f in _CLOCK_FIELDS], list(row[1:]))
    if item.days_used is None:  # started before the window
        item.days_used = _days_used(item, stopped_on)
        Clock.objects.filter(pk=item.pk).update(days_used=item.days_used)
    _audit_stop(item, acting_user=acting_user)
    return item


def _with_assignee(item: Clock, assignee_id: int | None) -> Clock:
    if assignee_id is not None and item.stopped_at is None:
        item.assignee_id = assignee_id
    return item


def _days_used(item: Clock, stopped_on: dt.date) -> int:
    counted = calendar.working_days_between(item.start_date, stopped_on, lenient=set())
    return max(0, counted - item.paused_working_days)


def _label_lower(content_type_id: int) -> str:
    content_type = ContentType.objects.get_for_id(content_type_id)  # cached per process
    return f"{content_type.app_label}.{content_type.model}"  # the model's _meta.label_lower


def _stop(item: Clock, *, acting_user: User | None) -> Clock:
    if item.stopped_at is not None:
        return item  # stopping twice is harmless: the task and its process may both stop it
    if item.paused_on is not None:
        _close_pause(item, acting_user=acting_user)
    moment = _wall_now()
    item.stopped_at = moment
    item.stopped_on = _local_date(moment)
    item.days_used = _days_used(item, item.stopped_on)
    item.save()
    _audit_stop(item, acting_user=acting_user)
    return item


def _audit_stop(item: Clock, *, acting_user: User | None) -> None:
    # The subject is named by the clock's own columns (type, id, label kept at its start), so
    # stopping a clock reads neither the subject nor its county.
    audit.record(
        actor=acting_user,
        action="sla.clock_stop",
        ref=audit.ObjectRef(_label_lower(item.content_type_id), item.object_id, item.subject_label),
        county=item.county_id,
        data={"clock": item.pk, "light": item.light, "days_used": item.days_used},
    )


def _wall_now() -> dt.datetime:
    return clock.now()


@transaction.atomic
def clock_pause(*, clock: Clock, reason: str, note: str, acting_user: User) -> Clock:
    item = _locked(clock)
    if item.stopped_at is not None:
        raise ValidationError(ALREADY_STOPPED)
    if item.paused_on is not None:
        raise ValidationError(ALREADY_PAUSED)
    if reason not in PauseReason.values:
        raise ValidationError({"reason": BAD_PAUSE_REASON})
    if not note.strip():
        raise ValidationError({"note": NOTE_REQUIRED})
    moment = _wall_now()
    ClockPause.objects.create(
        clock=item,
        reason=reason,
        note=note.strip(),
        started_at=moment,
        started_on=_local_date(moment),
        started_by=acting_user,
    )
    item.paused_on = _local_date(moment)
    item.save(update_fields=["paused_on"])
    audit.record(
        actor=acting_user,
        action="sla.clock_pause",
        obj=item.subject or item,
        county=item.county,
        reason=note.strip(),
        data={"clock": item.pk, "pause_reason": reason},
    )
    return item


def _close_pause(item: Clock, *, acting_user: User | None) -> ClockPause:
    pause = item.pauses.filter(ended_at__isnull=True).select_for_update().get()
    moment = _wall_now()
    pause.ended_at = moment
    pause.ended_on = max(_local_date(moment), pause.started_on)
    # Days in (paused on, resumed on]: the pause day was worked, the clock runs again the next day.
    pause.working_days = calendar.working_days_between(pause.started_on, pause.ended_on, lenient=set())
    pause.calendar_days = (pause.ended_on - pause.started_on).days
    pause.ended_by = acting_user
    pause.save()
    item.paused_on = None
    item.paused_working_days += pause.working_days
    item.paused_calendar_days += pause.calendar_days
    return pause


@transaction.atomic
def clock_resume(*, clock: Clock, acting_user: User) -> Clock:
    item = _locked(clock)
    if item.paused_on is None:
        raise ValidationError(NOT_PAUSED)
    pause = _close_pause(item, acting_user=acting_user)
    dates = _apply_dates(item)
    item.save()
    audit.record(
        actor=acting_user,
        action="sla.clock_resume",
        obj=item.subject or item,
        county=item.county,
        data={"clock": item.pk, "paused_working_days": pause.working_days, "due": item.due_date},
    )
    if dates.missing_years:
        _alert_missing_years(dates.missing_years)
    return item


@transaction.atomic
def clock_extend(*, clock: Clock, working_days: int, reason: str, acting_user: User) -> Clock:
    item = _locked(clock)
    if item.stopped_at is not None:
        raise ValidationError(ALREADY_STOPPED)
    if item.extension_days:
        raise ValidationError(ALREADY_EXTENDED)
    if working_days < 1:
        raise ValidationError({"working_days": EXTENSION_NOT_POSITIVE})
    if working_days > item.rule.extension_limit:
        raise ValidationError({"working_days": EXTENSION_TOO_LONG % {"limit": item.rule.extension_limit}})
    if not reason.strip():
        raise ValidationError({"reason": REASON_REQUIRED})
    item.extension_days = working_days
    item.extension_reason = reason.strip()
    dates = _apply_dates(item)
    item.save()
    audit.record(
        actor=acting_user,
        action="sla.clock_extend",
        obj=item.subject or item,
        county=item.county,
        reason=reason.strip(),
        data={"clock": item.pk, "working_days": working_days, "statutory_due": item.statutory_due_date},
    )
    if dates.missing_years:
        _alert_missing_years(dates.missing_years)
    return item


RECOMPUTE_BATCH = 100
RECOMPUTED_FIELDS = ["due_date", "statutory_due_date", "yellow_date", "provisional"]


def clocks_recompute(
    *, year: int | None = None, acting_user: User | None = None, queryset: Any = None, batch_size: int = RECOMPUTE_BATCH
) -> int:
    """Recompute the stored dates of open clocks after the calendar changed; returns how many moved.

    Runs in the background job (``tasks.recompute_clocks``), never in a web request. Clocks go
    in id order, a batch per short transaction that locks only that batch's rows, so a clerk
    pausing a clock waits for one batch at most. For each clock whose due date or statutory due
    date moved: one audit row, a notification to its holder, and ``signals.deadline_moved`` for
    the process apps, all in the batch's transaction. A clock whose dates already match is left
    alone, which makes the job safe to run twice.
    """
    base = (queryset if queryset is not None else Clock.objects.all()).filter(stopped_at__isnull=True)
    moved = 0
    last = 0
    while True:
        ids = list(base.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not ids:
            return moved
        last = ids[-1]
        moved += _recompute_batch(ids=ids, year=year, acting_user=acting_user)


@transaction.atomic
def _recompute_batch(*, ids: list[int], year: int | None, acting_user: User | None) -> int:
    items = list(
        Clock.objects.filter(pk__in=ids, stopped_at__isnull=True)
        .select_for_update(of=("self",))
        .select_related("rule", "assignee", "county")
        .prefetch_related("subject")
        .order_by("pk")
    )
    changed: list[Clock] = []
    moved: list[tuple[Clock, dt.date, dt.date | None]] = []
    for item in items:
        before = (item.due_date, item.statutory_due_date, item.yellow_date, item.provisional)
        _apply_dates(item)
        if before != (item.due_date, item.statutory_due_date, item.yellow_date, item.provisional):
            changed.append(item)
        if before[:2] != (item.due_date, item.statutory_due_date):
            moved.append((item, before[0], before[1]))
    Clock.objects.bulk_update(changed, RECOMPUTED_FIELDS)
    for item, old_due, old_statutory in moved:
        _deadline_moved(item=item, old_due=old_due, old_statutory=old_statutory, year=year, acting_user=acting_user)
    return len(moved)


def _deadline_moved(
    *, item: Clock, old_due: dt.date, old_statutory: dt.date | None, year: int | None, acting_user: User | None
) -> None:
    from .firing import escalation_targets
    from .notifications import notify
    from .signals import deadline_moved

    subject = item.subject
    withdrawn = _withdraw_firings(item)
    audit.record(
        actor=acting_user,
        action="sla.clock_recompute",
        obj=subject or item,
        county=item.county,
        reason=str(SCHEDULE_CHANGED % {"year": year}) if year else "",
        data={
            "clock": item.pk,
            "year": year,
            "old_due": old_due,
            "new_due": item.due_date,
            "old_statutory_due": old_statutory,
            "new_statutory_due": item.statutory_due_date,
            "provisional": item.provisional,
            "withdrawn": withdrawn,
        },
    )
    values = {
        "rule": item.rule.display_title,
        "subject": item.subject_label,
        "old": old_due.isoformat(),
        "new": item.due_date.isoformat(),
        "year": year or "",
    }
    body = str(DUE_DATE_MOVED_BODY % values)
    if old_statutory != item.statutory_due_date and item.statutory_due_date is not None:
        body += "\n" + str(
            STATUTORY_DUE_DATE_MOVED
            % {"old": old_statutory.isoformat() if old_statutory else "—", "new": item.statutory_due_date.isoformat()}
        )
    notify(
        users=[item.assignee] if item.assignee else escalation_targets(item),
        subject_obj=subject,
        title=str(DUE_DATE_MOVED_TITLE % values),
        body=body,
        level="warning" if item.due_date < old_due else "info",
        url=item.subject_url,
    )
    deadline_moved.send(
        sender=Clock,
        clock=item,
        old_due=old_due,
        new_due=item.due_date,
        old_statutory_due=old_statutory,
        new_statutory_due=item.statutory_due_date,
        acting_user=acting_user,
        year=year,
    )


def _withdraw_firings(item: Clock) -> list[str]:
    """Warnings that fired on the old date but the new one no longer reaches: they fire again when due.

    A red level withdrawn takes its escalation with it (the item leaves the chief's overdue
    list) and the yellow warning it made moot; the sweep fires each level once it is reached.
    """
    reference = item.reference_date
    withdraw: list[str] = []
    if reference <= item.due_date:
        withdraw.append(Light.RED)
    if reference < item.yellow_date:
        withdraw.append(Light.YELLOW)
    fired = set(item.firings.filter(level__in=withdraw).values_list("level", flat=True))
    if Light.RED in fired:
        Escalation.objects.filter(clock=item).delete()
        # Red fired first (the sweep was down) marked yellow as skipped: it may fire now.
        fired |= set(item.firings.filter(level=Light.YELLOW, skipped=True).values_list("level", flat=True))
    if fired:
        item.firings.filter(level__in=fired).delete()
    return sorted(fired)


def _enqueue_recompute(year: int, acting_user_id: int | None) -> None:
    from .tasks import recompute_clocks

    recompute_clocks.delay(year=year, acting_user_id=acting_user_id)


def recompute_if_pending() -> int:
    """Sweeper: a saved schedule whose job never ran (broker down at the save) is recomputed now."""
    cutoff = clock.now() - dt.timedelta(seconds=RECOMPUTE_GRACE_SECONDS)
    pending = HolidaySchedule.objects.filter(updated_at__lt=cutoff).filter(
        models.Q(recomputed_at__isnull=True) | models.Q(recomputed_at__lt=models.F("updated_at"))
    )
    years = list(pending.values_list("year", flat=True))
    for year in years:
        _enqueue_recompute(year, None)
    return len(years)


def schedules_mark_recomputed(*, started_at: dt.datetime) -> None:
    """The job recomputed every open clock with every schedule saved before ``started_at``."""
    HolidaySchedule.objects.filter(updated_at__lte=started_at).filter(
        models.Q(recomputed_at__isnull=True) | models.Q(recomputed_at__lt=models.F("updated_at"))
    ).update(recomputed_at=started_at)


def parse_schedule_lines(*, year: int, text: str, field: str) -> list[dt.date]:
    dates = []
    for line in text.splitlines():
        token = line.strip().split()[0] if line.strip() else ""
        if not token:
            continue
        try:
            day = dt.date.fromisoformat(token)
        except ValueError:
            raise ValidationError({field: SCHEDULE_BAD_DATE % {"line": line.strip()}}) from None
        if day.year != year:
            raise ValidationError({field: SCHEDULE_YEAR_MISMATCH % {"date": day, "year": year}})
        if field == "workdays" and day.weekday() < 5:
            raise ValidationError({field: SCHEDULE_WORKDAY_WEEKDAY % {"date": day}})
        dates.append(day)
    return dates


@transaction.atomic
def holiday_schedule_save(
    *, year: int, holidays: str, workdays: str, notice: str = "", acting_user: User
) -> HolidaySchedule:
    """Enter or correct a year's schedule; a background job then recomputes every open clock."""
    holiday_dates = parse_schedule_lines(year=year, text=holidays, field="holidays")
    workday_dates = parse_schedule_lines(year=year, text=workdays, field="workdays")
    both = sorted(set(holiday_dates) & set(workday_dates))
    if both:
        raise ValidationError({"workdays": SCHEDULE_BOTH % {"date": both[0]}})
    schedule, _created = HolidaySchedule.objects.update_or_create(
        year=year,
        defaults={
            "holidays": holidays.strip(),
            "workdays": workdays.strip(),
            "notice": notice.strip(),
            "updated_at": clock.now(),
            "updated_by": acting_user,
        },
    )
    # This process sees the new year at once; the others reload within calendar.OVERLAY_TTL_SECONDS
    # (the recompute job reloads at its start).
    calendar.invalidate()
    transaction.on_commit(calendar.invalidate)
    # Every open clock is recomputed by one background job after commit, not in this request;
    # if the broker is down now, the sweep finds the schedule not yet recomputed and queues it.
    transaction.on_commit(partial(_enqueue_recompute, year, acting_user.pk), robust=True)
    MissingYearAlert.objects.filter(year=year).delete()
    audit.record(
        actor=acting_user,
        action="sla.holiday_schedule_save",
        obj=schedule,
        data={
            "year": year,
            "holidays": [d.isoformat() for d in holiday_dates],
            "workdays": [d.isoformat() for d in workday_dates],
        },
    )
    return schedule


def may_act_on_escalation(user: Any, escalation: Escalation) -> bool:
    """The escalation's role holders in its county, or city-wide holders of that role."""
    from workflows.roles import has_role

    if not has_role(user, escalation.role):
        return False
    return user.county_id is None or user.county_id == escalation.county_id


@transaction.atomic
def escalation_take_over(*, escalation: Escalation, acting_user: User) -> Any:
    """The chief takes an overdue step's task over: it is assigned to them (viewflow inbox).

    Called from code, viewflow's transitions skip their permission checks, so the rules are
    checked here: the step's policy allows it (``StepLimit.on_red``), the acting user holds
    the escalated role in the county, and the task is still open. The step clock keeps
    running (the limit was missed; taking over does not reset it) and follows the new holder.
    """
    from viewflow.workflow.status import STATUS

    from .flow import ON_RED_TAKE_OVER, OPEN_STATUSES, step_limit_of
    from .notifications import notify

    if not may_act_on_escalation(acting_user, escalation):
        raise ValidationError(TAKE_OVER_NOT_YOURS)
    task: Any = escalation.clock.task
    limit = step_limit_of(task)
    if task is None or limit is None or limit.on_red != ON_RED_TAKE_OVER or task.flow_task_type != "HUMAN":
        raise ValidationError(TAKE_OVER_NOT_ALLOWED)
    flow_class = task.flow_task.flow_class
    # Process first, then clock: the order viewflow's own task views take them in (a task
    # save there updates the clock), so a take-over and a task action cannot deadlock.
    with flow_class.lock(task.process_id):
        item = _locked(escalation.clock)
        task.refresh_from_db()
        if item.stopped_at is not None or task.status not in OPEN_STATUSES - {STATUS.SCHEDULED}:
            raise ValidationError(TAKE_OVER_TASK_CLOSED)
        previous = task.owner
        if previous is not None and previous.pk == acting_user.pk:
            return task
        activation = task.flow_task.activation_class(task)
        if task.status == STATUS.NEW:
            activation.assign(acting_user)
        elif task.status == STATUS.ASSIGNED:
            activation.reassign(user=acting_user)
        else:  # started: viewflow has no transition back, so the owner changes in place
            task.owner = acting_user
            task.save()
    audit.record(
        actor=acting_user,
        action="sla.escalation_take_over",
        obj=item.subject or item,
        county=item.county,
        data={"clock": item.pk, "task": task.pk, "previous_holder": previous.pk if previous else None},
    )
    if previous is not None:
        values = {"rule": item.rule.display_title, "subject": item.subject_label}
        notify(
            users=[previous],
            subject_obj=item.subject,
            title=str(_("Taken over: %(rule)s · %(subject)s") % values),
            body=str(_("%(chief)s took over this overdue task.") % {"chief": acting_user}),
            url=item.subject_url,
        )
    return task
