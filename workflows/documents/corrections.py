"""Correction notices (期限更正通知书) for served documents whose stated date a holiday schedule moved.

The time engine sends ``workflows.sla.signals.deadline_moved`` when the recompute job moves an
open clock. A document served to a party may have stated that clock's date; the party must be
told the new one in writing. The engine cannot know which of a process's documents state which
clock, so each process app registers a *quote finder* in ``AppConfig.ready``
(``register_quote_finder``): given a moved clock, it returns the ``Quote`` s of its served
documents — which document, which data key states the date, whether that is the clock's due
date or its statutory due date, what the period is called on paper, and whom to tell.

Documents record the clocks they quote in their data (``quoting``, key ``quoted_clocks``), so a
finder can select them with one indexed-by-subject query (``documents_quoting``) instead of
guessing from dates; a finder for documents issued before that may match on kind and date.

For each quote this module issues one ``deadline_correction`` (numbered in the job's
transaction, rendered by Celery after commit like every document), by the authority that
issued the original, with its current data, and tells the recipients after commit. It is
idempotent: the date last stated to the party (the original's, or the newest correction's) is
compared with the clock's old date; only a document that stated exactly the date that moved is
corrected, so a re-run of the job, a retried batch or a second save issues no second notice.

Lock order: the job holds the moved clocks' rows; issuing locks only the correction series'
counter (``<prefix>期更``), which no process service locks, so no cycle can form.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from workflows import audit

from .models import IssuedDocument
from .selectors import documents_for

CORRECTION_KIND = "deadline_correction"
QUOTES_KEY = "quoted_clocks"
DUE = "due"
STATUTORY_DUE = "statutory_due"

CORRECTION_TITLE = _("Deadline corrected: %(title)s %(number)s")
CORRECTION_BODY = _(
    "The holiday schedule of %(year)s moved the %(period)s stated in %(title)s %(number)s from %(old)s to %(new)s. "
    "The correction notice is %(correction)s."
)


@dataclass(frozen=True)
class Quote:
    """A served document that states a clock's date in ``data[field]``."""

    document: IssuedDocument
    field: str
    period: str  # what the period is called on paper, e.g. 陈述、申辩的期限
    which: str = DUE  # DUE or STATUTORY_DUE: which date of the clock the document states
    recipients: Sequence[Any] = ()  # users told of the correction (bell, e-mail, SMS)
    url: str = ""


QuoteFinder = Callable[[Any], Iterable[Quote]]
_FINDERS: dict[str, QuoteFinder] = {}


def register_quote_finder(name: str, finder: QuoteFinder) -> None:
    """A process app's answer to "which of my served documents state this clock's date"."""
    _FINDERS[name] = finder


def quoting(data: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """``data`` plus the record of which clock each date field states (``field=clock``, or
    ``field=(clock, STATUTORY_DUE)``); fields whose clock is None are left out."""
    entries = []
    for name, value in fields.items():
        clock_obj, which = value if isinstance(value, tuple) else (value, DUE)
        if clock_obj is not None:
            entries.append({"field": name, "clock": clock_obj.pk, "which": which})
    return {**data, QUOTES_KEY: entries} if entries else data


def documents_quoting(subject: Any, clock: Any) -> QuerySet[IssuedDocument]:
    """Valid documents about ``subject`` that recorded quoting ``clock`` (JSONB containment)."""
    return documents_for(subject).filter(
        status=IssuedDocument.Status.VALID, data__quoted_clocks__contains=[{"clock": clock.pk}]
    )


def recorded_quotes(document: IssuedDocument, clock: Any) -> list[tuple[str, str]]:
    """(field, which) pairs of ``document`` that state ``clock``."""
    return [
        (entry["field"], entry.get("which", DUE))
        for entry in document.data.get(QUOTES_KEY, [])
        if entry.get("clock") == clock.pk
    ]


def last_stated(document: IssuedDocument, field_name: str) -> str:
    """The date the party was last told for ``field_name`` of ``document`` (ISO), or ''."""
    correction = (
        IssuedDocument.objects.filter(
            kind=CORRECTION_KIND,
            status=IssuedDocument.Status.VALID,
            data__original_document=document.pk,
            data__field=field_name,
        )
        .order_by("-issued_at", "-id")
        .first()
    )
    if correction is not None:
        return str(correction.data.get("new_deadline", ""))
    return str(document.data.get(field_name) or "")


def _reason(year: int | None) -> str:
    from workflows.sla.models import HolidaySchedule

    if year is None:
        return "国务院办公厅公布的节假日安排"
    notice = HolidaySchedule.objects.filter(year=year).values_list("notice", flat=True).first()
    text = f"国务院办公厅公布的{year}年节假日安排"
    return f"{text}（{notice}）" if notice else text


def deadline_correction_issue(
    *, quote: Quote, old: dt.date, new: dt.date, year: int | None, reason: str = ""
) -> IssuedDocument | None:
    """Issue the correction for one quote unless the party was never told ``old`` (or already ``new``)."""
    from .services import document_issue

    original = quote.document
    if old == new or last_stated(original, quote.field) != old.isoformat():
        return None
    subject = original.subject
    if subject is None:
        return None
    correction = document_issue(
        kind=CORRECTION_KIND,
        county=original.county,
        subject=subject,
        holder_name=original.holder_name,
        data={
            "original_number": original.number,
            "original_title": original.title,
            "original_document": original.pk,
            "field": quote.field,
            "period": quote.period,
            "old_deadline": old.isoformat(),
            "new_deadline": new.isoformat(),
            "reason": reason or _reason(year),
            "holder_type": "person" if original.holder_is_person else "organisation",
        },
        # The system issues it (no officer's role is checked), on behalf of the original's organ.
        acting_user=None,
        authority=original.authority,
    )
    audit.record(
        actor=None,
        action="document.deadline_correction",
        obj=original,
        county=original.county,
        data={"number": original.number, "correction": correction.number, "field": quote.field,
              "old": old, "new": new, "year": year},
    )
    if quote.recipients:
        values = {
            "title": original.title,
            "number": original.number,
            "period": quote.period,
            "old": old.isoformat(),
            "new": new.isoformat(),
            "year": year or "",
            "correction": correction.number,
        }
        transaction.on_commit(
            partial(
                _tell,
                user_ids=[user.pk for user in quote.recipients if user is not None],
                document_id=correction.pk,
                title=str(CORRECTION_TITLE % values),
                body=str(CORRECTION_BODY % values),
                url=quote.url,
            )
        )
    return correction


@transaction.atomic
def _tell(*, user_ids: list[int], document_id: int, title: str, body: str, url: str) -> None:
    # After the job's batch committed: the bell rows and their outbox commit on their own.
    from workflows.models import User
    from workflows.sla.notifications import notify

    document = IssuedDocument.objects.filter(pk=document_id).first()
    if document is None:
        return
    notify(
        users=list(User.objects.filter(pk__in=user_ids, is_active=True)),
        subject_obj=document.subject,
        title=title,
        body=body,
        level="warning",
        url=url,
    )


def correct_quoted_deadlines(
    sender: Any,
    *,
    clock: Any,
    old_due: dt.date,
    new_due: dt.date,
    old_statutory_due: dt.date | None,
    new_statutory_due: dt.date | None,
    year: int | None = None,
    **kwargs: Any,
) -> list[IssuedDocument]:
    """``deadline_moved`` receiver: a correction for every served document that stated the old date."""
    issued: list[IssuedDocument] = []
    for finder in list(_FINDERS.values()):
        for quote in finder(clock):
            if quote.which == STATUTORY_DUE:
                old, new = old_statutory_due, new_statutory_due
            else:
                old, new = old_due, new_due
            if old is None or new is None:
                continue
            correction = deadline_correction_issue(quote=quote, old=old, new=new, year=year)
            if correction is not None:
                issued.append(correction)
    return issued


def corrections_for(document: IssuedDocument) -> QuerySet[IssuedDocument]:
    """The correction notices issued for ``document``, oldest first."""
    return IssuedDocument.objects.filter(kind=CORRECTION_KIND, data__original_document=document.pk).order_by(
        "issued_at", "id"
    )
