"""Clocks, their pauses, the rules they follow, and what firing them leaves behind.

A clock refers to its subject generically (content type + id) so process apps need no
foreign key to this app. Due dates are stored (and indexed) so the dashboard and the sweep
are plain indexed queries; they are recomputed by the services whenever an input changes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from workflows import clock as wall_clock
from workflows.models import County


class Unit(models.TextChoices):
    WORKING = "working", _("working days")
    CALENDAR = "calendar", _("calendar days")


class Light(models.TextChoices):
    GREEN = "green", _("Green")
    YELLOW = "yellow", _("Yellow")
    RED = "red", _("Red")


class PauseReason(models.TextChoices):
    SUPPLEMENT = "supplement", _("Supplementing materials")
    HEARING = "hearing", _("Hearing")
    EXPERT = "expert", _("Expert review")
    TESTING = "testing", _("Testing, inspection or appraisal")
    TENDER = "tender", _("Tender or auction")
    CHALLENGE = "challenge", _("Administrative review or lawsuit")


class HolidaySchedule(models.Model):
    """The State Council's holiday schedule of one year, as an administrator entered it.

    Where it exists it replaces the packaged calendar data for that year entirely.
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    notice = models.CharField(
        _("notice"), max_length=200, blank=True, help_text=_("e.g. the State Council notice number")
    )
    holidays = models.TextField(
        _("holidays"), help_text=_("One date per line (YYYY-MM-DD), every day off including weekends inside a holiday")
    )
    workdays = models.TextField(
        _("make-up working days"),
        blank=True,
        help_text=_("One date per line (YYYY-MM-DD): weekend days that are worked"),
    )
    updated_at = models.DateTimeField(_("updated at"), default=wall_clock.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), null=True, blank=True, on_delete=models.PROTECT
    )
    # Set by the recompute job once every open clock follows this version of the schedule.
    recomputed_at = models.DateTimeField(_("open deadlines recomputed at"), null=True, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("holiday schedule")
        verbose_name_plural = _("holiday schedules")

    def __str__(self) -> str:
        return str(self.year)

    @staticmethod
    def parse_dates(text: str) -> list[dt.date]:
        """Dates from one-per-line text; anything after the date on a line is a comment."""
        dates = []
        for line in text.splitlines():
            token = line.strip().split()[0] if line.strip() else ""
            if token:
                dates.append(dt.date.fromisoformat(token))
        return dates


class ClockRule(models.Model):
    """A time limit as data: apps declare defaults in code (rules.py); admins may edit the row."""

    code = models.CharField(_("code"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=200)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.WORKING)
    limit = models.PositiveIntegerField(_("limit"), null=True, blank=True)
    months = models.PositiveSmallIntegerField(_("months"), null=True, blank=True)
    statutory_limit = models.PositiveIntegerField(_("statutory limit"), null=True, blank=True)
    extension_limit = models.PositiveIntegerField(_("maximum extension (working days)"), default=10)
    yellow_days_left = models.PositiveSmallIntegerField(_("yellow when working days left are at most"), default=2)
    yellow_percent = models.PositiveSmallIntegerField(
        _("yellow when percent of the limit used is at least"), default=80
    )
    escalate_to = models.CharField(_("escalate to role"), max_length=30, blank=True)
    process_code = models.CharField(_("process"), max_length=60, blank=True)
    step_code = models.CharField(_("step"), max_length=60, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("clock rule")
        verbose_name_plural = _("clock rules")

    def __str__(self) -> str:
        return f"{self.code} · {self.title}"

    @property
    def display_title(self) -> str:
        """The title in the reader's language: rules are registered with the English msgid of
        their step's title; a title an administrator typed in is shown as typed."""
        return gettext(self.title) if self.title else ""


class Clock(models.Model):
    rule = models.ForeignKey(ClockRule, verbose_name=_("rule"), on_delete=models.PROTECT, related_name="clocks")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64)
    subject = GenericForeignKey("content_type", "object_id")
    subject_label = models.CharField(_("subject"), max_length=200, blank=True)
    subject_url = models.CharField(max_length=300, blank=True)
    # Copied from the rule so the dashboard groups without joins that change under it.
    process_code = models.CharField(_("process"), max_length=60, blank=True)
    step_code = models.CharField(_("step"), max_length=60, blank=True)
    county = models.ForeignKey(County, verbose_name=_("county"), null=True, blank=True, on_delete=models.PROTECT)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("holder"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sla_clocks",
    )
    task = models.ForeignKey(
        "viewflow.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="sla_clocks"
    )
    started_at = models.DateTimeField(_("started at"))
    start_date = models.DateField(_("start date"))
    due_date = models.DateField(_("due date"))
    statutory_due_date = models.DateField(_("statutory due date"), null=True, blank=True)
    yellow_date = models.DateField(_("warning date"))
    provisional = models.BooleanField(_("provisional"), default=False)
    paused_on = models.DateField(_("paused since"), null=True, blank=True)
    paused_working_days = models.PositiveIntegerField(_("working days paused"), default=0)
    paused_calendar_days = models.PositiveIntegerField(_("calendar days paused"), default=0)
    extension_days = models.PositiveIntegerField(_("extension (working days)"), default=0)
    extension_reason = models.TextField(_("extension reason"), blank=True)
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)
    stopped_on = models.DateField(_("stopped on"), null=True, blank=True)
    # Frozen when the clock stops, so averages over history are one aggregate.
    days_used = models.IntegerField(_("working days used"), null=True, blank=True)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("clock")
        verbose_name_plural = _("clocks")
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            models.Index(fields=["stopped_at", "yellow_date"], name="sla_clock_open_yellow"),
            models.Index(fields=["stopped_at", "due_date"], name="sla_clock_open_due"),
            models.Index(fields=["county", "process_code", "step_code"], name="sla_clock_group"),
            models.Index(fields=["stopped_on"], name="sla_clock_stopped_on"),
            models.Index(fields=["provisional"], name="sla_clock_provisional"),
            # A county's open clocks and their tasks: where a county's task lists find their
            # tasks (workflows.worklist.open_task_candidates), from the index alone once vacuumed.
            # Not limited to clocks with a task: then the unique ``sla_clock_open_task`` would
            # also match that query, and PostgreSQL reads all of it when the table is not vacuumed.
            models.Index(
                fields=["county", "task"],
                condition=models.Q(stopped_at__isnull=True),
                name="listcost_clock_open_county",
            ),
        ]
        constraints = [
            # A task's one open step clock (on_task_saved starts one only when none is open): the
            # work lists LEFT JOIN it by this index to order and filter by due date and light.
            models.UniqueConstraint(
                fields=["task"],
                condition=models.Q(stopped_at__isnull=True, task__isnull=False),
                name="sla_clock_open_task",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule.display_title} · {self.subject_label}"

    # The one definition of a light (the database version is selectors.light_expression).
    @property
    def reference_date(self) -> dt.date:
        return self.stopped_on or self.paused_on or wall_clock.today()

    @property
    def light(self) -> str:
        return light_for(reference=self.reference_date, due_date=self.due_date, yellow_date=self.yellow_date)

    def get_light_display(self) -> Any:
        return Light(self.light).label

    @property
    def is_paused(self) -> bool:
        return self.paused_on is not None

    @property
    def is_open(self) -> bool:
        return self.stopped_at is None

    @property
    def working_days_paused(self) -> int:
        from workflows import calendar

        ongoing = 0
        if self.paused_on is not None:
            ongoing = max(0, calendar.working_days_between(self.paused_on, wall_clock.today(), lenient=set()))
        return self.paused_working_days + ongoing

    @property
    def working_days_used(self) -> int:
        from workflows import calendar

        if self.days_used is not None:
            return self.days_used
        counted = calendar.working_days_between(self.start_date, self.reference_date, lenient=set())
        return max(0, counted - self.paused_working_days)

    @property
    def working_days_left(self) -> int:
        from workflows import calendar

        return calendar.working_days_between(self.reference_date, self.due_date, lenient=set())

    def explain(self, language: str | None = None) -> str:
        from .explain import explain_clock

        return explain_clock(self, language=language)

    @property
    def provisional_note(self) -> str:
        """What a provisional date still depends on (empty when the date is final)."""
        from .explain import provisional_note

        return provisional_note(self) if self.provisional else ""


def light_for(*, reference: dt.date, due_date: dt.date, yellow_date: dt.date) -> str:
    if reference > due_date:
        return Light.RED
    if reference >= yellow_date:
        return Light.YELLOW
    return Light.GREEN


class ClockDayTotal(models.Model):
    """The clocks that stopped on one day, counted per county, process, step and light.

    Written only by ``rollup.clock_days_roll_up`` for days whose clocks are final (a stopped
    clock is never written again), so the dashboard sums a period's days instead of reading
    every clock that stopped in it: its cost follows the days shown, not the clocks closed.
    """

    day = models.DateField(_("day"))
    county = models.ForeignKey(County, verbose_name=_("county"), null=True, blank=True, on_delete=models.PROTECT)
    process_code = models.CharField(_("process"), max_length=60, blank=True)
    step_code = models.CharField(_("step"), max_length=60, blank=True)
    light = models.CharField(_("light"), max_length=10, choices=Light.choices)
    closed = models.PositiveIntegerField(_("closed"))
    on_time = models.PositiveIntegerField(_("on time"))
    # Sum and count of ``Clock.days_used`` (it may be NULL), so averages over days stay exact.
    days_used_sum = models.BigIntegerField(_("working days used (sum)"))
    days_used_count = models.PositiveIntegerField(_("working days used (count)"))

    class Meta:
        verbose_name = _("closed clocks of a day")
        verbose_name_plural = _("closed clocks per day")
        indexes = [models.Index(fields=["day", "county"], name="sla_clockday_day_county")]
        constraints = [
            models.UniqueConstraint(
                fields=["day", "county", "process_code", "step_code", "light"],
                name="sla_clockday_one_row",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.process_code}/{self.step_code} {self.light}: {self.closed}"


class ClockRollup(models.Model):
    """How far the daily totals go: every day up to ``through`` is in ``ClockDayTotal``.

    One row, written only by the roll-up job under its own lock; the dashboard reads it inside
    its grouped query and never locks it.
    """

    name = models.CharField(max_length=40, unique=True)
    through = models.DateField(null=True, blank=True)
    rolled_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} through {self.through}"


class ClockPause(models.Model):
    clock = models.ForeignKey(Clock, on_delete=models.CASCADE, related_name="pauses")
    reason = models.CharField(_("reason"), max_length=20, choices=PauseReason.choices)
    note = models.TextField(_("note"))
    started_at = models.DateTimeField(_("paused at"))
    started_on = models.DateField(_("paused on"))
    ended_at = models.DateTimeField(_("resumed at"), null=True, blank=True)
    ended_on = models.DateField(_("resumed on"), null=True, blank=True)
    working_days = models.PositiveIntegerField(_("working days"), default=0)
    calendar_days = models.PositiveIntegerField(_("calendar days"), default=0)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["started_at", "id"]
        verbose_name = _("pause")
        verbose_name_plural = _("pauses")

    def __str__(self) -> str:
        return f"{self.get_reason_display()} {self.started_on}"


class Firing(models.Model):
    """Proof that a clock's level fired: the unique row is what makes side effects happen once."""

    clock = models.ForeignKey(Clock, on_delete=models.CASCADE, related_name="firings")
    level = models.CharField(max_length=10, choices=Light.choices)
    fired_at = models.DateTimeField()
    # Set when red fired first (the sweep was down): the yellow warning is moot, never sent.
    skipped = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["clock", "level"], name="sla_firing_once_per_level")]
        verbose_name = _("firing")
        verbose_name_plural = _("firings")

    def __str__(self) -> str:
        return f"{self.clock_id} {self.level}"


class Escalation(models.Model):
    """A red clock handed to the holder's chief: it stays in their list until the clock stops."""

    clock = models.OneToOneField(Clock, on_delete=models.CASCADE, related_name="escalation")
    role = models.CharField(_("role"), max_length=30)
    county = models.ForeignKey(County, null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(_("escalated at"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")

    def __str__(self) -> str:
        return f"{self.clock_id} → {self.role}"


class MissingYearAlert(models.Model):
    """Admins were told once that deadlines reach into a year without a holiday schedule."""

    year = models.PositiveSmallIntegerField(unique=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return str(self.year)


class Notification(models.Model):
    class Level(models.TextChoices):
        INFO = "info", _("Information")
        WARNING = "warning", _("Warning")
        DANGER = "danger", _("Overdue")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.INFO)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL)
    object_id = models.CharField(max_length=64, blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), default=wall_clock.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="sla_notification_unread")]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.title


class Delivery(models.Model):
    """An outbox row per channel: sent after commit, retried by the sweep if a worker died."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    address = models.CharField(max_length=200)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["sent_at"], name="sla_delivery_pending")]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self) -> str:
        return f"{self.channel} {self.address}"
