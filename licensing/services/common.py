"""Helpers every licensing act shares: numbers, files, documents, clock, notices, locks."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import BigIntegerField, Max
from django.db.models.functions import Cast, Substr
from django.utils import timezone

from workflows import calendar, clock
from workflows.counties import county_of, note_county
from workflows.flowviews import task_execution
from workflows.models import County, User
from workflows.numbering import next_sequence
from workflows.roles import ROLES

from ..spec import LicenceSpec, spec_for
from ..uploads import MAX_FILES_PER_APPLICATION, UPLOAD_TOO_MANY_TOTAL, CheckedUpload
from .messages import NOT_YOUR_APPLICATION

LOOKUP_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def lookup_code() -> str:
    return "".join(secrets.choice(LOOKUP_ALPHABET) for _ in range(8))


def next_number(spec: LicenceSpec, county: County) -> str:
    """Prefix + year + county code + a six-digit sequence (wider past 999,999; never reused).

    The sequence is an integer counter per county and year (workflows.numbering): no string
    ordering, and no lock on the county row that every new row's foreign key reads.
    """
    year = clock.today().year
    prefix = f"{spec.number_prefix}{year}{county.code}"
    model = spec.application_model

    def issued() -> int:
        suffix = Cast(Substr("number", len(prefix) + 1), BigIntegerField())
        found = model.objects.filter(number__startswith=prefix).aggregate(last=Max(suffix))["last"]
        return int(found or 0)

    seq = next_sequence(series=f"{spec.number_series}:{county.code}", year=year, start_from=issued)
    return f"{prefix}{seq:06d}"


def require_applicant(application: Any, user: User) -> None:
    if application.applicant_id != user.pk:
        raise PermissionDenied(NOT_YOUR_APPLICATION)


def store_attachments(
    *,
    application: Any,
    uploads: Iterable[tuple[str, CheckedUpload]],
    purpose: str,
    acting_user: User,
    stored: list[Any],
) -> None:
    attachment_model = spec_for(application).model("Attachment")
    for requirement, checked in uploads:
        attachment = attachment_model(
            application=application,
            purpose=purpose,
            requirement=requirement,
            original_name=checked.original_name,
            mime_type=checked.mime_type,
            extension=checked.extension,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by=acting_user,
        )
        attachment.file.save(f"upload.{checked.extension}", checked.file, save=False)
        stored.append(attachment)
        attachment.save()
    if application.attachments.count() > MAX_FILES_PER_APPLICATION:
        raise ValidationError(UPLOAD_TOO_MANY_TOTAL, params={"limit": MAX_FILES_PER_APPLICATION})


def discard_files(stored: list[Any]) -> None:
    # The transaction rolls the rows back; the bytes on disk must go too.
    for attachment in stored:
        if attachment.file.name:
            attachment.file.storage.delete(attachment.file.name)


def local_date(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).date().isoformat() if moment else ""


def issue(
    application: Any,
    kind: str,
    acting_user: User | None,
    data: dict[str, Any],
    *,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
    holder_name: str | None = None,
) -> Any:
    """Issue an official document of the application (rendered after commit, workflows.documents)."""
    from workflows.documents.services import document_issue

    return document_issue(
        kind=kind,
        county=county_of(application),  # reference data, read once per request
        subject=application,
        holder_name=holder_name or application.applicant.display_name,
        data={**spec_for(application).base_data(application), **data},
        acting_user=acting_user,
        valid_from=valid_from,
        valid_until=valid_until,
    )


def issue_together(
    application: Any,
    acting_user: User | None,
    documents: list[tuple[str, dict[str, Any]]],
    *,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
) -> list[Any]:
    """Several documents of the application (kind, data) numbered and stored together; a
    ``NumberOf(kind)`` in one's data is the number of the other (workflows.documents)."""
    from workflows.documents.services import DocumentRequest, document_issue_many

    base = spec_for(application).base_data(application)
    holder_name = application.applicant.display_name
    return document_issue_many(
        requests=[
            DocumentRequest(kind, holder_name, {**base, **data}, valid_from, valid_until) for kind, data in documents
        ],
        county=application.county,
        subject=application,
        acting_user=acting_user,
    )


def permit_documents(application: Any) -> Any:
    from workflows.documents.models import IssuedDocument
    from workflows.documents.selectors import documents_for

    kind = spec_for(application).documents.permit
    return documents_for(application).filter(kind=kind, status=IssuedDocument.Status.VALID)


# --- The overall clock (workflows.sla) -----------------------------------------------------


def overall_clock(application: Any) -> Any:
    from workflows.sla.selectors import open_clock

    return open_clock(application, spec_for(application).overall_rule)


def materials_arrived_at(application: Any) -> dt.datetime:
    """When the materials the acceptance decision is about arrived: the supplement restarts the window (art. 32)."""
    return application.supplement_answered_at or application.submitted_at  # type: ignore[no-any-return]


def acceptance_window_passed(application: Any) -> bool:
    arrived = timezone.localtime(materials_arrived_at(application)).date()
    limit = spec_for(application).acceptance_working_days
    return calendar.working_days_between(arrived, clock.today()) > limit


def start_overall_clock(application: Any, acting_user: User) -> Any:
    from workflows.sla.services import clock_start

    # ALL art. 32: a late acceptance decision counts as acceptance on the day the complete materials arrived.
    return clock_start(
        subject=application,
        rule=spec_for(application).overall_rule,
        county=county_of(application),  # reference data, read once per request
        start=materials_arrived_at(application) if acceptance_window_passed(application) else None,
        acting_user=acting_user,
    )


def supplement_clock(application: Any) -> Any:
    """The open supplement period of the application (licensing.clocks), or None."""
    from workflows.sla.selectors import open_clock

    from ..clocks import SUPPLEMENT

    return open_clock(application, SUPPLEMENT)


def start_supplement_clock(application: Any, acting_user: User) -> Any:
    from workflows.sla.services import clock_start

    from ..clocks import SUPPLEMENT

    # The applicant's period: no staff holder, so nobody is assigned and nothing escalates.
    return clock_start(subject=application, rule=SUPPLEMENT, county=application.county, acting_user=acting_user)


def stop_supplement_clock(application: Any, acting_user: User | None) -> None:
    from workflows.sla.services import clock_stop_open

    from ..clocks import SUPPLEMENT

    clock_stop_open(subject=application, rule=SUPPLEMENT, acting_user=acting_user)


def stop_overall_clock(application: Any, acting_user: User | None) -> None:
    from workflows.sla.services import clock_stop_open

    clock_stop_open(subject=application, rule=spec_for(application).overall_rule, acting_user=acting_user)


def resume_overall_clock(application: Any, acting_user: User) -> None:
    from workflows.sla.services import clock_resume

    item = overall_clock(application)
    if item is not None and item.is_paused:
        clock_resume(clock=item, acting_user=acting_user)


# --- Notices to people ---------------------------------------------------------------------


def tell_applicant(application: Any, title: Any, body: Any = "") -> None:
    from workflows.sla.notifications import notify

    notify(
        users=[application.applicant],
        subject_obj=application,
        title=f"{application.number} {title}",
        body=str(body),
        url=spec_for(application).application_url(application),
    )


def tell_chiefs(application: Any, title: Any, body: Any = "") -> None:
    from workflows.sla.notifications import notify

    chiefs = User.objects.filter(groups__name=ROLES["chief"].group_name, county=application.county)
    notify(
        users=list(chiefs),
        subject_obj=application,
        title=f"{application.number} {title}",
        body=str(body),
        level="warning",
        url=spec_for(application).application_url(application),
    )


def tell_holder(permit: Any, title: Any, body: Any = "") -> None:
    from workflows.sla.notifications import notify

    notify(
        users=[permit.holder],
        subject_obj=permit,
        title=f"{permit.number} {title}",
        body=str(body),
        url=spec_for(permit).permit_url(permit),
    )


def sms_neighbours(application: Any, neighbours: list[Any], template: str, **fields: str) -> None:
    """Text each neighbour on record after commit, signed by the county's deciding authority."""
    from workflows.documents.authorities import authority_for
    from workflows.sla.notifications import sms_backend

    spec = spec_for(application)
    sign = authority_for(county=application.county, kind=spec.documents.grant).sms_sign
    address = spec.base_data(application).get("address", "")
    texts = [
        (party.phone, template.format(sign=sign, address=address, number=application.number, **fields))
        for party in neighbours
        if party.phone
    ]

    def send() -> None:
        backend = sms_backend()
        for phone, text in texts:
            backend.send(phone=phone, text=text)

    if texts:
        transaction.on_commit(send)


# --- Records, processes and locks ----------------------------------------------------------


def record_opinion(
    *,
    application: Any,
    step: str,
    decision: str,
    comment: str,
    author: User,
    data: dict[str, Any] | None = None,
) -> None:
    """The opinion of a step; inside a step written with its audit rows (nothing reads it there)."""
    from workflows import audit

    model = spec_for(application).model("Opinion")
    row = (application.pk, step, decision, comment, data or {}, author.pk, clock.now())
    if not audit.defer_row(model, OPINION_FIELDS, row):
        model.objects.create(**dict(zip(OPINION_FIELDS, row, strict=True)))


OPINION_FIELDS = ("application_id", "step", "decision", "comment", "data", "author_id", "at")


def process_of(application: Any) -> Any:
    return spec_for(application).process_model.objects.get(application=application)


def lock_application(application: Any) -> Any:
    """Lock for a service that acts outside a step: its process row first, then the application —
    the order every step takes (workflows.concurrency), so a step and this service cannot deadlock."""
    spec = spec_for(application)
    spec.process_model.objects.select_for_update().filter(application_id=application.pk).exists()
    return spec.application_model.objects.select_for_update(no_key=True).get(pk=application.pk)


@contextmanager
def licence_step(*, task: Any, acting_user: User, node: Any) -> Iterator[tuple[Any, Any]]:
    """One step of a licence flow: yields its activation and its application, locked.

    ``task_execution`` reads the task under the process lock without the application, which is
    then locked and read here once (``lock_subject``): every licence step needs it first thing.
    """
    with task_execution(task=task, acting_user=acting_user, node=node, subject=False) as activation:
        yield activation, lock_subject(activation.process)


def lock_subject(process: Any) -> Any:
    """Inside a step: the application of the step's (already locked) process.

    With its county and applicant, which steps' documents, clocks and notices name; only the
    application's row is locked.
    """
    model = spec_for(process).application_model
    locked = model.objects.select_for_update(no_key=True, of=("self",)).select_related("county", "applicant")
    application = locked.get(pk=process.application_id)
    note_county(application.county)  # the step's clocks and documents name it: no second read
    process.application = application  # the step's services, signals and documents read this one
    return application


def validity_limit(application: Any, start: dt.date) -> dt.date:
    return start + dt.timedelta(days=spec_for(application).max_validity_days(application))
