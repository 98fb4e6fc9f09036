"""ALL art. 45 special procedures: 招标、拍卖、检验、检测、检疫、鉴定、专家评审.

Their time is not counted in the decision limit. Starting one pauses the application's decision
clock (workflows.sla, the same machinery as hearings), so the clock's explanation names it, and
the applicant gets a written notice (特别程序告知书) with the reason and the expected length.
Stopping one resumes the clock and tells the applicant the new due date.

The kernel runs them for every licence type: the type's spec names its ``ReviewPause`` model
(a ``licensing.models.LicenceReviewPause``) and its notice kind (``DocumentKinds.pause_notice``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflows import audit, calendar, clock
from workflows.jurisdiction import is_visible
from workflows.models import User

from ..models import LicenceApplication, LicenceReviewPause
from ..spec import spec_for
from . import common

Status = LicenceApplication.Status
Kind = LicenceReviewPause.Kind

# Error messages (tests assert them exactly).
PAUSE_STAFF_ONLY = _(
    "ALL art. 45: only the application's reviewer or section chief may start or end a special procedure."
)
PAUSE_NOT_UNDER_REVIEW = _("ALL art. 45: only the review of an accepted, open application can be paused.")
PAUSE_AFTER_DECISION = _("ALL art. 45: the decision has been made; its time limit can no longer be paused.")
PAUSE_ALREADY_RUNNING = _(
    "ALL art. 45: a special procedure (%(procedure)s) has been running since %(date)s; end it before starting another."
)
PAUSE_CLOCK_PAUSED = _(
    "ALL art. 45: the time limit is already paused (%(reason)s); start this procedure when that pause ends."
)
PAUSE_NOT_RUNNING = _("ALL art. 45: no special procedure is running on this application; there is nothing to end.")
PAUSE_KIND_UNKNOWN = _("ALL art. 45: choose one of the procedures the law names.")
PAUSE_REASON_REQUIRED = _("ALL art. 45: give the reason the applicant will read in the written notice.")
PAUSE_LENGTH_INVALID = _("ALL art. 45: tell the applicant the expected length: 1 to %(max)s working days.")
PAUSE_OUTCOME_REQUIRED = _("Give the outcome of the procedure.")
TOLD_PAUSED = _("the time limit is paused for a special procedure (ALL art. 45); see the written notice.")
TOLD_RESUMED = _("the special procedure has ended; the time limit runs again, the decision is due by %(date)s.")

MAX_EXPECTED_WORKING_DAYS = 250
# The printed name of each procedure (document text stays Chinese).
PROCEDURE_TEXT = {
    Kind.TENDER: "招标",
    Kind.AUCTION: "拍卖",
    Kind.INSPECTION: "检验",
    Kind.TESTING: "检测",
    Kind.QUARANTINE: "检疫",
    Kind.APPRAISAL: "鉴定",
    Kind.EXPERT: "专家评审",
}
# The clock keeps the coarser pause reasons of workflows.sla; its note names the exact procedure.
CLOCK_REASON = {
    Kind.TENDER: "tender",
    Kind.AUCTION: "tender",
    Kind.INSPECTION: "testing",
    Kind.TESTING: "testing",
    Kind.QUARANTINE: "testing",
    Kind.APPRAISAL: "testing",
    Kind.EXPERT: "expert",
}
CLOCK_NOTE_TEXT = "{procedure}（行政许可法第四十五条）：{reason}；预计{days}个工作日"
DECIDED_STATUSES = (Status.GRANTED, Status.DELIVERED, Status.REFUSED)


def may_pause(user: Any, application: Any) -> bool:
    """The type's reviewers and deciders (its review/decide permissions) who see the application."""
    spec = spec_for(application)
    return bool(
        getattr(user, "is_authenticated", False)
        and (user.has_perm(spec.perm("review_permit")) or user.has_perm(spec.perm("decide_permit")))
        and is_visible(user, type(application), application.pk)
    )


def _pauses(application: Any) -> Any:
    return spec_for(application).model("ReviewPause").objects


def running_pause(application: Any) -> Any:
    return _pauses(application).filter(application=application, ended_at__isnull=True).first()


def _require_under_review(application: Any) -> None:
    if application.decided_at is not None or application.status in DECIDED_STATUSES:
        raise ValidationError(PAUSE_AFTER_DECISION)
    if application.accepted_at is None or not application.is_open:
        raise ValidationError(PAUSE_NOT_UNDER_REVIEW)


@transaction.atomic
def pause_start(*, application: Any, acting_user: User, kind: str, reason: str, expected_working_days: int) -> Any:
    """Start a special procedure: the decision clock pauses and the applicant is told in writing."""
    from workflows.sla.services import clock_pause

    if not may_pause(acting_user, application):
        raise PermissionDenied(PAUSE_STAFF_ONLY)
    if kind not in Kind.values:
        raise ValidationError({"kind": PAUSE_KIND_UNKNOWN})
    if not reason.strip():
        raise ValidationError({"reason": PAUSE_REASON_REQUIRED})
    if not 1 <= expected_working_days <= MAX_EXPECTED_WORKING_DAYS:
        raise ValidationError({"expected_working_days": PAUSE_LENGTH_INVALID % {"max": MAX_EXPECTED_WORKING_DAYS}})
    application = common.lock_application(application)
    _require_under_review(application)
    running = running_pause(application)
    if running is not None:
        since = timezone.localtime(running.started_at).date().isoformat()
        raise ValidationError(PAUSE_ALREADY_RUNNING % {"procedure": running.get_kind_display(), "date": since})
    item = common.overall_clock(application)
    if item is None:
        raise ValidationError(PAUSE_NOT_UNDER_REVIEW)
    if item.is_paused:
        open_pause = item.pauses.filter(ended_at__isnull=True).first()
        raise ValidationError(PAUSE_CLOCK_PAUSED % {"reason": open_pause.get_reason_display() if open_pause else ""})
    procedure = PROCEDURE_TEXT[Kind(kind)]
    reason = reason.strip()
    item = clock_pause(
        clock=item,
        reason=CLOCK_REASON[Kind(kind)],
        note=CLOCK_NOTE_TEXT.format(procedure=procedure, reason=reason, days=expected_working_days),
        acting_user=acting_user,
    )
    clock_pause_row = item.pauses.get(ended_at__isnull=True)
    today = clock.today()
    pause = _pauses(application).create(
        application=application,
        kind=kind,
        reason=reason,
        expected_working_days=expected_working_days,
        started_at=clock.now(),
        started_by=acting_user,
        clock_pause=clock_pause_row,
    )
    common.issue(
        application,
        spec_for(application).documents.pause_notice,
        acting_user,
        {
            "procedure": procedure,
            "reason": reason,
            "started_on": today.isoformat(),
            "expected_working_days": expected_working_days,
            "expected_until": calendar.add_working_days(today, expected_working_days).isoformat(),
        },
    )
    common.tell_applicant(application, TOLD_PAUSED, f"{procedure}：{reason}")
    audit.record(
        actor=acting_user,
        action="application.pause.start",
        obj=application,
        reason=reason,
        data={"procedure": kind, "expected_working_days": expected_working_days},
    )
    return pause


@transaction.atomic
def pause_stop(*, application: Any, acting_user: User, outcome: str) -> Any:
    """End the running special procedure: the decision clock runs again from the next working day."""
    from workflows.sla.services import clock_resume

    if not may_pause(acting_user, application):
        raise PermissionDenied(PAUSE_STAFF_ONLY)
    if not outcome.strip():
        raise ValidationError({"outcome": PAUSE_OUTCOME_REQUIRED})
    application = common.lock_application(application)
    pause = (
        _pauses(application)
        .select_for_update(no_key=True)
        .filter(application=application, ended_at__isnull=True)
        .first()
    )
    if pause is None:
        raise ValidationError(PAUSE_NOT_RUNNING)
    item = common.overall_clock(application)
    # Resume only the clock's pause this procedure opened (a decision may already have closed it).
    ours = item is not None and item.pauses.filter(pk=pause.clock_pause_id, ended_at__isnull=True).exists()
    if item is not None and ours:
        item = clock_resume(clock=item, acting_user=acting_user)
    pause.ended_at = clock.now()
    pause.ended_by = acting_user
    pause.outcome = outcome.strip()
    pause.save(update_fields=["ended_at", "ended_by", "outcome"])
    if item is not None:
        common.tell_applicant(application, TOLD_RESUMED % {"date": item.due_date.isoformat()}, pause.outcome)
    audit.record(
        actor=acting_user,
        action="application.pause.stop",
        obj=application,
        reason=pause.outcome,
        data={"procedure": pause.kind},
    )
    return pause
