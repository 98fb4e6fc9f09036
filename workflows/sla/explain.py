"""Every due date explains itself: start, rule, days counted, holidays and make-up days, pauses."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import translation
from django.utils.translation import gettext as _

from workflows import calendar

from .models import Unit

if TYPE_CHECKING:
    from .models import Clock


def _dates(days: list[dt.date]) -> str:
    return ", ".join(d.isoformat() for d in days)


def explain_clock(clock: Clock, *, language: str | None = None) -> str:
    if language is None:
        return _explain(clock)
    with translation.override(language):
        return _explain(clock)


def _explain(clock: Clock) -> str:
    rule = clock.rule
    lines: list[str] = []
    if rule.unit == Unit.WORKING:
        lines.append(
            _("Rule: %(title)s, %(limit)s working days, counted from the day after %(start)s.")
            % {"title": rule.display_title, "limit": rule.limit, "start": clock.start_date.isoformat()}
        )
    else:
        period = []
        if rule.months:
            period.append(_("%(n)s months") % {"n": rule.months})
        if rule.limit:
            period.append(_("%(n)s calendar days") % {"n": rule.limit})
        lines.append(
            _("Rule: %(title)s, %(period)s from %(start)s; an end on a non-working day moves to the next working day.")
            % {
                "title": rule.display_title,
                "period": " + ".join(str(p) for p in period),
                "start": clock.start_date.isoformat(),
            }
        )
    holidays, workdays = calendar.crossed(clock.start_date, clock.due_date, lenient=set())
    weekdays_counted = calendar.working_days_between(clock.start_date, clock.due_date, lenient=set())
    lines.append(
        _("From %(start)s to %(due)s there are %(n)s working days.")
        % {"start": clock.start_date.isoformat(), "due": clock.due_date.isoformat(), "n": weekdays_counted}
    )
    if holidays:
        lines.append(_("Statutory holidays skipped: %(dates)s.") % {"dates": _dates(holidays)})
    if workdays:
        lines.append(_("Make-up working days counted: %(dates)s.") % {"dates": _dates(workdays)})
    for pause in clock.pauses.all():
        if pause.ended_on is None:
            lines.append(
                _("Paused since %(start)s (%(reason)s): %(note)s.")
                % {"start": pause.started_on.isoformat(), "reason": pause.get_reason_display(), "note": pause.note}
            )
        else:
            lines.append(
                _("Paused %(start)s to %(end)s (%(reason)s), %(n)s working days not counted: %(note)s.")
                % {
                    "start": pause.started_on.isoformat(),
                    "end": pause.ended_on.isoformat(),
                    "reason": pause.get_reason_display(),
                    "n": pause.working_days,
                    "note": pause.note,
                }
            )
    if clock.extension_days:
        lines.append(
            _("Extended once by %(n)s working days: %(reason)s.")
            % {"n": clock.extension_days, "reason": clock.extension_reason}
        )
    lines.append(_("Due date: %(due)s.") % {"due": clock.due_date.isoformat()})
    if clock.statutory_due_date:
        lines.append(
            _("Statutory due date: %(due)s (%(limit)s working days%(extension)s).")
            % {
                "due": clock.statutory_due_date.isoformat(),
                "limit": rule.statutory_limit,
                "extension": (_(" + %(n)s extension") % {"n": clock.extension_days}) if clock.extension_days else "",
            }
        )
    lines.append(
        _("Working days used: %(used)s; paused: %(paused)s.")
        % {"used": clock.working_days_used, "paused": clock.working_days_paused}
    )
    if clock.provisional:
        lines.append(provisional_note(clock))
    return "\n".join(lines)


def provisional_note(clock: Clock) -> str:
    """Why a provisional date may still move, and by what alone."""
    last = max(clock.due_date, clock.statutory_due_date or clock.due_date)
    years = [year for year in range(clock.start_date.year, last.year + 1) if not calendar.has_schedule(year)]
    return _(
        "Provisional: the State Council has not yet published the holiday schedule of %(years)s. "
        "The statutory holidays of that year under the National Holidays Regulations were skipped; "
        "only its make-up working days and bridging days are unknown and may still move this date. "
        "It is recomputed when the schedule is entered."
    ) % {"years": ", ".join(str(y) for y in years) or "—"}
