"""Clocks: due dates, pauses across holidays, the one extension, lights, explanations, provisional years."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from workflows import clock
from workflows.models import AuditEntry, County
from workflows.sla import selectors, services
from workflows.sla.models import Clock, MissingYearAlert, Notification, PauseReason

from .helpers import at

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def zhaoyang(demo_users: dict[str, object]) -> County:
    return County.objects.get(name="昭阳区")


def start_permit(county: County, user: object, when: dt.datetime) -> services.Clock:
    with clock.travel(when):
        return services.clock_start(
            subject=county, rule="drill.overall", county=county, assignee=user, acting_user=user
        )


def test_promised_and_statutory_due_dates_across_national_day(zhaoyang: County, demo_users: dict) -> None:
    # Monday 28 Sept 2026: 29, 30 Sept; 1-7 Oct off; 8, 9, Sat 10 (make-up), 12-16, 19-21 -> 13th is 21 Oct.
    item = start_permit(zhaoyang, demo_users["reviewer"], at(2026, 9, 28))
    assert item.start_date == D(2026, 9, 28)
    assert item.due_date == D(2026, 10, 21)
    # 22, 23, 26-30 Oct -> 20th is 30 Oct.
    assert item.statutory_due_date == D(2026, 10, 30)
    assert item.provisional is False
    assert selectors.open_clock(zhaoyang, "drill.overall") == item
    assert list(selectors.clocks_for(zhaoyang)) == [item]
    assert AuditEntry.objects.filter(action="sla.clock_start").count() == 1


def test_pause_across_national_day_moves_due_date_by_the_working_days_paused(
    zhaoyang: County, demo_users: dict
) -> None:
    reviewer = demo_users["reviewer"]
    item = start_permit(zhaoyang, reviewer, at(2026, 9, 28))
    with clock.travel(at(2026, 9, 30)):
        item = services.clock_pause(
            clock=item, reason=PauseReason.SUPPLEMENT, note="补正材料 5 个工作日", acting_user=reviewer
        )
        assert item.is_paused
    with clock.travel(at(2026, 10, 9)):
        # During the pause the light and the days used stand still; paused days grow.
        assert item.working_days_used == 2
        assert item.working_days_paused == 2  # 8 and 9 October
    with clock.travel(at(2026, 10, 12)):
        item = services.clock_resume(clock=item, acting_user=reviewer)
    # Paused (30 Sept, 12 Oct]: 8, 9, Sat 10, 12 Oct = 4 working days; 21 Oct + 4 -> 27 Oct.
    assert item.paused_working_days == 4
    assert item.due_date == D(2026, 10, 27)
    assert item.statutory_due_date == D(2026, 11, 5)
    with clock.travel(at(2026, 10, 13)):
        assert item.working_days_used == 3  # 29, 30 Sept and 13 Oct
        assert item.working_days_paused == 4
    with pytest.raises(ValidationError) as info:
        services.clock_resume(clock=item, acting_user=reviewer)
    assert info.value.messages == [str(services.NOT_PAUSED)]


def test_pause_needs_a_legal_reason_and_a_note(zhaoyang: County, demo_users: dict) -> None:
    item = start_permit(zhaoyang, demo_users["reviewer"], at(2026, 9, 28))
    with pytest.raises(ValidationError) as info:
        services.clock_pause(clock=item, reason="holiday", note="x", acting_user=demo_users["reviewer"])
    assert info.value.message_dict == {"reason": [str(services.BAD_PAUSE_REASON)]}
    with pytest.raises(ValidationError) as info:
        services.clock_pause(clock=item, reason=PauseReason.HEARING, note="  ", acting_user=demo_users["reviewer"])
    assert info.value.message_dict == {"note": [str(services.NOTE_REQUIRED)]}
    item.refresh_from_db()
    assert not item.is_paused and item.pauses.count() == 0


def test_extension_once_by_at_most_ten_working_days_with_reason(zhaoyang: County, demo_users: dict) -> None:
    chief = demo_users["chief"]
    item = start_permit(zhaoyang, demo_users["reviewer"], at(2026, 9, 28))
    with pytest.raises(ValidationError) as info:
        services.clock_extend(clock=item, working_days=11, reason="复杂", acting_user=chief)
    assert info.value.message_dict == {"working_days": [str(services.EXTENSION_TOO_LONG % {"limit": 10})]}
    with pytest.raises(ValidationError) as info:
        services.clock_extend(clock=item, working_days=10, reason="", acting_user=chief)
    assert info.value.message_dict == {"reason": [str(services.REASON_REQUIRED)]}
    item = services.clock_extend(clock=item, working_days=10, reason="需专家论证，经负责人批准", acting_user=chief)
    # 30 Oct + 10 working days: 2-6, 9-13 Nov.
    assert item.statutory_due_date == D(2026, 11, 13)
    assert item.due_date == D(2026, 10, 21)  # the promise does not move
    with pytest.raises(ValidationError) as info:
        services.clock_extend(clock=item, working_days=5, reason="再次", acting_user=chief)
    assert info.value.messages == [str(services.ALREADY_EXTENDED)]
    entry = AuditEntry.objects.get(action="sla.clock_extend")
    assert entry.reason == "需专家论证，经负责人批准" and entry.actor == chief


def test_lights_default_thresholds(zhaoyang: County, demo_users: dict) -> None:
    item = start_permit(zhaoyang, demo_users["reviewer"], at(2026, 9, 28))  # due Wed 21 Oct
    expectations = [
        (at(2026, 10, 16), "green"),  # 3 working days left (19, 20, 21), 10 of 13 used
        (at(2026, 10, 17), "green"),  # Saturday: still 3 left
        (at(2026, 10, 19), "yellow"),  # 2 left, 11 of 13 used (>= 80 %)
        (at(2026, 10, 21), "yellow"),  # the due date itself is still on time
        (at(2026, 10, 22), "red"),
    ]
    for moment, light in expectations:
        with clock.travel(moment):
            assert item.light == light, moment
            annotated = selectors.with_light(selectors.clocks_for(zhaoyang)).get()
            assert annotated.light_db == light, moment


def test_percentage_threshold_can_come_first(zhaoyang: County, demo_users: dict) -> None:
    # 20 working days (statutory-like): 80 % used after 16, i.e. 4 left, before "2 left".
    from workflows.sla.models import ClockRule

    ClockRule.objects.create(code="drill.twenty", title="Twenty", unit="working", limit=20)
    with clock.travel(at(2026, 3, 2)):  # Monday
        item = services.clock_start(subject=zhaoyang, rule="drill.twenty", county=zhaoyang)
    # 3-6, 9-13, 16-20, 23-27, 30 March: the 20th working day is Monday 30 March.
    assert item.due_date == D(2026, 3, 30)
    assert item.yellow_date == D(2026, 3, 24)  # the 16th working day: 80 % used, 4 left


def test_calendar_rule_ends_on_next_working_day_and_pauses_by_calendar_days(zhaoyang: County, demo_users: dict) -> None:
    officer = demo_users["officer"]
    with clock.travel(at(2026, 7, 4)):
        item = services.clock_start(subject=zhaoyang, rule="drill.penalty", county=zhaoyang, assignee=officer)
    assert item.due_date == D(2026, 10, 8)  # 2 Oct is National Day
    with clock.travel(at(2026, 8, 3)):
        services.clock_pause(clock=item, reason=PauseReason.HEARING, note="听证", acting_user=officer)
    with clock.travel(at(2026, 8, 13)):
        item = services.clock_resume(clock=item, acting_user=officer)
    # 10 calendar days paused: 2 Oct + 10 = 12 Oct (Monday).
    assert item.paused_calendar_days == 10
    assert item.due_date == D(2026, 10, 12)


def test_explain_in_chinese_and_english(zhaoyang: County, demo_users: dict) -> None:
    reviewer = demo_users["reviewer"]
    item = start_permit(zhaoyang, reviewer, at(2026, 9, 28))
    with clock.travel(at(2026, 9, 30)):
        services.clock_pause(clock=item, reason=PauseReason.EXPERT, note="专家评审", acting_user=reviewer)
    with clock.travel(at(2026, 10, 12)):
        item = services.clock_resume(clock=item, acting_user=reviewer)
    with clock.travel(at(2026, 10, 13)):
        english = item.explain(language="en")
        chinese = item.explain(language="zh-hans")
    assert "counted from the day after 2026-09-28" in english
    assert "2026-10-01, 2026-10-02" in english  # holidays skipped
    assert "Make-up working days counted: 2026-10-10." in english
    assert "Paused 2026-09-30 to 2026-10-12 (Expert review), 4 working days not counted: 专家评审." in english
    assert "Due date: 2026-10-27." in english
    assert "Working days used: 3; paused: 4." in english
    assert "2026-09-28" in chinese and "调休" in chinese and "暂停" in chinese and "专家评审" in chinese
    with translation.override("zh-hans"), clock.travel(at(2026, 10, 13)):
        assert item.explain() == chinese


def test_stop_freezes_days_used(zhaoyang: County, demo_users: dict) -> None:
    item = start_permit(zhaoyang, demo_users["reviewer"], at(2026, 9, 28))
    with clock.travel(at(2026, 10, 22)):
        item = services.clock_stop(clock=item)
    assert item.stopped_on == D(2026, 10, 22) and item.days_used == 14 and item.light == "red"
    with clock.travel(at(2027, 6, 1)):
        assert item.working_days_used == 14 and item.light == "red"
    assert selectors.open_clock(zhaoyang, "drill.overall") is None


def test_a_deadline_in_2027_is_provisional_until_an_admin_enters_2027(
    zhaoyang: County, demo_users: dict, eager_celery: None, django_capture_on_commit_callbacks: Any
) -> None:
    admin = demo_users["admin"]
    # Monday 21 Dec 2026: 22-25, 28-31 Dec (8), then 2027 from the holiday law: Fri 1 Jan is 元旦, 4-8 Jan (13).
    with clock.travel(at(2026, 12, 21)):
        item = services.clock_start(
            subject=zhaoyang, rule="drill.overall", county=zhaoyang, assignee=demo_users["reviewer"]
        )
    assert item.provisional is True
    assert item.due_date == D(2027, 1, 8)
    assert MissingYearAlert.objects.filter(year=2027).exists()
    alerts = Notification.objects.filter(recipient=admin)
    assert alerts.count() == 1 and "2027" in alerts.get().title
    with translation.override("en"):
        assert "Provisional" in item.explain()
    # A second clock into 2027 does not alert again.
    with clock.travel(at(2026, 12, 22)):
        services.clock_start(subject=admin, rule="drill.overall", county=zhaoyang)
    assert alerts.count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        services.holiday_schedule_save(
            year=2027,
            holidays="2027-01-01 元旦\n2027-01-02\n2027-01-03",
            workdays="",
            notice="国办发明电〔2026〕测试号",
            acting_user=admin,
        )
    item.refresh_from_db()
    assert item.provisional is False
    # The law already knew 1 January; without make-up or bridging days nothing moves, nobody is told.
    assert item.due_date == D(2027, 1, 8)
    assert not AuditEntry.objects.filter(action="sla.clock_recompute").exists()
    assert not MissingYearAlert.objects.exists()
    assert AuditEntry.objects.filter(action="sla.holiday_schedule_save").count() == 1


def test_schedule_entry_is_validated(demo_users: dict) -> None:
    admin = demo_users["admin"]
    with pytest.raises(ValidationError) as info:
        services.holiday_schedule_save(year=2027, holidays="2028-01-01", workdays="", acting_user=admin)
    assert info.value.message_dict == {
        "holidays": [str(services.SCHEDULE_YEAR_MISMATCH % {"date": D(2028, 1, 1), "year": 2027})]
    }
    with pytest.raises(ValidationError) as info:
        services.holiday_schedule_save(year=2027, holidays="2027-02-06", workdays="2027-02-06", acting_user=admin)
    assert info.value.message_dict == {"workdays": [str(services.SCHEDULE_BOTH % {"date": D(2027, 2, 6)})]}
    with pytest.raises(ValidationError) as info:
        services.holiday_schedule_save(year=2027, holidays="", workdays="2027-02-08", acting_user=admin)
    assert info.value.message_dict == {"workdays": [str(services.SCHEDULE_WORKDAY_WEEKDAY % {"date": D(2027, 2, 8)})]}
    with pytest.raises(ValidationError) as info:
        services.holiday_schedule_save(year=2027, holidays="1 Jan", workdays="", acting_user=admin)
    assert info.value.message_dict == {"holidays": [str(services.SCHEDULE_BAD_DATE % {"line": "1 Jan"})]}


def test_admin_schedule_overrides_package_data(demo_users: dict) -> None:
    from workflows import calendar

    assert calendar.is_working_day(D(2026, 3, 2))
    services.holiday_schedule_save(year=2026, holidays="2026-03-02", workdays="", acting_user=demo_users["admin"])
    assert not calendar.is_working_day(D(2026, 3, 2))
    # The admin's row replaces the packaged year: National Day is whatever the admin entered.
    assert calendar.is_working_day(D(2026, 10, 1))


def test_start_may_be_a_past_date_or_an_aware_datetime(zhaoyang: County) -> None:
    with clock.travel(at(2026, 10, 20)):
        by_date = services.clock_start(subject=zhaoyang, rule="drill.overall", county=zhaoyang, start=D(2026, 9, 28))
        # 23:30 UTC on 27 Sept is 07:30 on 28 Sept in Zhaotong.
        by_moment = services.clock_start(
            subject=zhaoyang,
            rule="drill.overall",
            county=zhaoyang,
            start=dt.datetime(2026, 9, 27, 23, 30, tzinfo=dt.UTC),
        )
    assert by_date.start_date == by_moment.start_date == D(2026, 9, 28)
    assert by_date.due_date == by_moment.due_date == D(2026, 10, 21)


def test_unknown_rule_is_refused(zhaoyang: County) -> None:
    from workflows.sla.rules import UNKNOWN_RULE

    with pytest.raises(LookupError) as info:
        services.clock_start(subject=zhaoyang, rule="nope.none", county=zhaoyang)
    assert str(info.value) == str(UNKNOWN_RULE % {"code": "nope.none"})


@pytest.mark.parametrize(
    ("started", "stopped"),
    [
        (at(2026, 9, 28), at(2026, 10, 22)),  # across National Day and a make-up Saturday
        (at(2026, 10, 10), at(2026, 10, 10)),  # stopped the day it started
        (at(2025, 3, 3), at(2026, 10, 22)),  # started before the statement's window
    ],
)
def test_the_one_statement_stop_counts_days_used_as_the_calendar_does(
    zhaoyang: County, demo_users: dict, started: dt.datetime, stopped: dt.datetime
) -> None:
    from workflows import calendar

    item = start_permit(zhaoyang, demo_users["reviewer"], started)
    with clock.travel(stopped), CaptureQueriesContext(connection) as captured:
        result = services.clock_stop_open(subject=zhaoyang, rule="drill.overall", acting_user=demo_users["reviewer"])
    assert result is not None and result.pk == item.pk
    expected = calendar.working_days_between(item.start_date, stopped.date(), lenient=set())
    item.refresh_from_db()
    assert item.stopped_on == stopped.date() and item.days_used == result.days_used == max(0, expected)
    assert item.assignee == demo_users["reviewer"]
    # One statement, a second only for a clock started outside its window.
    inside = (stopped.date() - item.start_date).days < services.STOP_WINDOW_DAYS
    assert len([q for q in captured if "sla_clock" in q["sql"]]) == (1 if inside else 2)
    assert AuditEntry.objects.filter(action="sla.clock_stop", data__days_used=item.days_used).count() == 1
    # Stopping again finds no open clock; clock_stop of a stopped clock is harmless.
    assert services.clock_stop_open(subject=zhaoyang, rule="drill.overall") is None
    assert services.clock_stop(clock=item).stopped_at == item.stopped_at


def test_a_step_clock_stops_with_its_pause_closed_and_its_holder_recorded(zhaoyang: County, demo_users: dict) -> None:
    reviewer, clerk = demo_users["reviewer"], demo_users["clerk"]
    item = start_permit(zhaoyang, reviewer, at(2026, 9, 28))
    with clock.travel(at(2026, 9, 30)):
        services.clock_pause(clock=item, reason=PauseReason.SUPPLEMENT, note="补正材料", acting_user=reviewer)
    Clock.objects.filter(pk=item.pk).update(task_id=None)
    with clock.travel(at(2026, 10, 13)):
        stopped = services.clock_stop(clock=item, acting_user=reviewer)
    item.refresh_from_db()
    # Paused 30 Sept to 13 Oct: 8, 9, 10 (make-up), 12 and 13 Oct not counted; 29, 30 Sept used.
    assert item.paused_on is None and item.paused_working_days == stopped.paused_working_days == 5
    assert item.days_used == stopped.days_used == 2 and item.pauses.get().ended_on == D(2026, 10, 13)
    assert services.clock_stop_task(task_id=0, assignee_id=clerk.pk) is None
