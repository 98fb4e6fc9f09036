"""Issuing, superseding, revoking and rendering official documents.

Issuing reserves the number (locking its counter row until commit, so numbers are consecutive
and never skipped) and stores the data and a snapshot of the issuing authority, all in the
caller's transaction: a rolled-back transaction leaves neither a number used nor a file. The PDF
is rendered after commit by a Celery task (``tasks.render_document``) from exactly the stored
row, without holding any lock while rendering; it is stored once with its SHA-256 and never
rendered again. Until then pages show 生成中 and the download answers "not ready yet".

Lock order: the counter row (``DocumentCounter``) is the only row issuing locks; rendering
locks the document row alone, for the few milliseconds of recording the stored file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import secrets
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflows import audit, clock
from workflows.concurrency import step_atomic
from workflows.models import County, User
from workflows.roles import has_role

from .authorities import AuthorityMissing, authority_for
from .models import DocumentCounter, IssuedDocument, IssuingAuthority, public_verify_url
from .registry import KINDS, DocumentKind
from .rendering import render_document, template_version

logger = logging.getLogger("xiuhua.documents")

UNKNOWN_KIND = _("Unknown document kind: %(kind)s")
MISSING_FIELDS = _("The document cannot be issued; missing fields: %(fields)s")
NOT_AN_ISSUER = _("You may not issue this kind of document.")
ALREADY_REPLACED = _("This document is no longer valid and cannot be changed.")
REASON_REQUIRED = _("A reason is required.")
DATA_TOO_LARGE = _("The document data is too large.")
SUBJECT_GONE = _("The matter this document is about no longer exists.")

# Unambiguous characters only (no 0/O, 1/I/L), so a code read off paper can be typed back.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 16
MAX_DATA_BYTES = 64 * 1024

# Organisations end in one of these; anything else is treated as a natural person and masked
# (masking an organisation costs little; showing a person's full name would not).
ORGANISATION_SUFFIXES = (
    "公司",
    "集团",
    "中心",
    "合作社",
    "协会",
    "学会",
    "商会",
    "学校",
    "医院",
    "银行",
    "事务所",
    "工作室",
    "委员会",
    "个体工商户",
)
# Single characters that end organisation names but also given names (王行, 李所): they count
# only for names too long to be a person's.
ORGANISATION_LAST_CHARS = ("厂", "店", "局", "院", "所", "站", "部", "社", "馆", "场", "行")
PERSON_NAME_MAX_LENGTH = 4


class DocumentDataError(ValueError):
    """The data does not allow issuing; ``missing`` names the absent fields."""

    def __init__(self, message: Any, missing: list[str] | None = None) -> None:
        super().__init__(str(message))
        self.missing = missing or []


class DocumentStateError(ValueError):
    pass


def holder_is_person(holder_name: str, data: dict[str, Any]) -> bool:
    declared = data.get("holder_type")
    if declared in ("person", "organisation", "organization", "company"):
        return declared == "person"
    name = holder_name.strip()
    if name.endswith(ORGANISATION_SUFFIXES):
        return False
    return not (len(name) > PERSON_NAME_MAX_LENGTH and name.endswith(ORGANISATION_LAST_CHARS))


def _kind(code: str) -> DocumentKind:
    try:
        return KINDS[code]
    except KeyError:
        raise DocumentDataError(UNKNOWN_KIND % {"kind": code}) from None


def _canonical(data: dict[str, Any]) -> dict[str, Any]:
    """The data as it will be stored (JSON), so the PDF is rendered from exactly that."""
    if not isinstance(data, dict):
        raise DocumentDataError(MISSING_FIELDS % {"fields": "data"}, ["data"])
    blob = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True)
    if len(blob.encode()) > MAX_DATA_BYTES:
        raise DocumentDataError(DATA_TOO_LARGE)
    result: dict[str, Any] = json.loads(blob)
    return result


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | dict):
        return len(value) == 0
    return False


def validate(
    kind: DocumentKind,
    *,
    holder_name: str,
    data: dict[str, Any],
    valid_from: dt.date | None,
    valid_until: dt.date | None,
) -> None:
    missing = [key for key in kind.required if _blank(data.get(key))]
    if _blank(holder_name):
        missing.insert(0, "holder_name")
    if kind.has_validity:
        missing += [name for name, value in (("valid_from", valid_from), ("valid_until", valid_until)) if value is None]
    if missing:
        raise DocumentDataError(MISSING_FIELDS % {"fields": ", ".join(missing)}, missing)


def _check_issuer(kind: DocumentKind, acting_user: User | None) -> None:
    # acting_user None: the system itself (e.g. a notice issued by a deadline sweep).
    if acting_user is None:
        return
    if not any(has_role(acting_user, role) for role in kind.issuing_roles):
        raise PermissionDenied(NOT_AN_ISSUER)


def _next_sequences(series: list[tuple[str, int]]) -> list[int]:
    """The next number of each (prefix, year) series, in order, in one statement.

    Each series' row is created or incremented under its row lock (held to the end of the
    transaction, as ``SELECT … FOR NO KEY UPDATE`` would), in the order of ``series`` — the
    order in which a step issues its documents, as when they were numbered one by one. A series
    asked for twice advances by two.
    """
    wanted: dict[tuple[str, int], int] = {}
    for key in series:
        wanted[key] = wanted.get(key, 0) + 1
    table = connection.ops.quote_name(DocumentCounter._meta.db_table)
    values = ", ".join(["(%s, %s, %s)"] * len(wanted))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (prefix, year, last_sequence) VALUES {values} "  # noqa: S608 - the model's table
            f"ON CONFLICT (prefix, year) DO UPDATE SET last_sequence = {table}.last_sequence + EXCLUDED.last_sequence "
            "RETURNING prefix, year, last_sequence",
            [value for (prefix, year), count in wanted.items() for value in (prefix, year, count)],
        )
        last = {(prefix, year): int(sequence) for prefix, year, sequence in cursor.fetchall()}
    # Within a series, numbers go out in the order the documents were asked for.
    handed: dict[tuple[str, int], int] = {}
    numbers = []
    for key in series:
        handed[key] = handed.get(key, 0) + 1
        numbers.append(last[key] - wanted[key] + handed[key])
    return numbers


# A sequence no series reaches: formatting it shows where a number puts its sequence.
_SEQUENCE_MARK = 987_654_321_987


def _number_and_insert(
    documents: list[IssuedDocument], series: list[tuple[str, int]], kinds: list[tuple[DocumentKind, IssuingAuthority]]
) -> None:
    """Number the documents and insert them in one statement (PostgreSQL).

    The counters are advanced as ``_next_sequences`` does (same rows, same order, same locks);
    the documents' INSERT reads the new values from that INSERT's RETURNING in the same statement
    and writes each number as the kind formats it (the text around the sequence, from
    ``format_number``).
    """
    wanted: dict[tuple[str, int], int] = {}
    for key in series:
        wanted[key] = wanted.get(key, 0) + 1
    handed: dict[tuple[str, int], int] = {}
    back, before, after = [], [], []
    for key, (kind, issuer) in zip(series, kinds, strict=True):
        handed[key] = handed.get(key, 0) + 1
        back.append(wanted[key] - handed[key])
        head, tail = kind.format_number(issuer.number_prefix, key[1], _SEQUENCE_MARK).split(str(_SEQUENCE_MARK))
        before.append(head)
        after.append(tail)
    quote = connection.ops.quote_name
    counter = quote(DocumentCounter._meta.db_table)
    fields: list[Any] = [
        f for f in IssuedDocument._meta.concrete_fields if f.name not in ("id", "sequence", "number")
    ]
    columns = [quote(f.column) for f in fields]
    arrays: list[str] = []
    params: list[Any] = [value for (prefix, year), count in wanted.items() for value in (prefix, year, count)]
    for field in fields:
        arrays.append(f"%s::{field.db_type(connection)}[]")
        values = [field.pre_save(document, True) for document in documents]
        if isinstance(field, models.JSONField):
            params.append([json.dumps(v, cls=DjangoJSONEncoder, ensure_ascii=False) for v in values])
        else:
            params.append([field.get_db_prep_save(v, connection) for v in values])
    params += [[prefix for prefix, _y in series], back, before, after]
    values_sql = ", ".join(["(%s, %s, %s)"] * len(wanted))
    names = ", ".join(f"t.{c}" for c in columns)
    sequence = "(seq.last_sequence - t.xiuhua_back)"
    sql = (
        f"WITH seq AS (INSERT INTO {counter} (prefix, year, last_sequence) VALUES {values_sql} "  # noqa: S608 - names from the models
        f"ON CONFLICT (prefix, year) DO UPDATE SET last_sequence = {counter}.last_sequence + EXCLUDED.last_sequence "
        "RETURNING prefix, year, last_sequence), "
        f"docs AS (INSERT INTO {quote(IssuedDocument._meta.db_table)} ({', '.join(columns)}, sequence, number) "
        f"SELECT {names}, {sequence}, t.xiuhua_before || {sequence}::text || t.xiuhua_after "
        f"FROM unnest({', '.join(arrays)}, %s::text[], %s::int[], %s::text[], %s::text[]) WITH ORDINALITY "
        f"AS t({', '.join(columns)}, xiuhua_prefix, xiuhua_back, xiuhua_before, xiuhua_after, xiuhua_position) "
        "JOIN seq ON seq.prefix = t.xiuhua_prefix AND seq.year = t.year "
        "ORDER BY t.xiuhua_position RETURNING id, sequence, number) "
        "SELECT id, sequence, number FROM docs ORDER BY id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    # Ids come from one sequence in insertion order: sorted, they follow the documents.
    for document, (pk, number_sequence, number) in zip(documents, rows, strict=True):
        document.pk, document.sequence, document.number = pk, number_sequence, number
        document._state.adding, document._state.db = False, connection.alias


def _authority(
    kind: DocumentKind, county: County, supersedes: IssuedDocument | None, authority: IssuingAuthority | None = None
) -> IssuingAuthority:
    # A correction comes from the organ that issued the original, with its current data.
    if supersedes is not None and supersedes.authority is not None:
        return supersedes.authority
    if authority is not None:
        return authority
    try:
        return authority_for(county=county, kind=kind.code)
    except AuthorityMissing as exc:
        raise DocumentDataError(str(exc)) from None


def _new_code() -> str:
    # 16 symbols of 31: about 79 random bits, so no lookup for a collision first (one would need
    # ~10^23 documents to be likely); the unique index on the column still refuses one.
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class NumberOf(str):
    """In the data of one document of ``document_issue_many``: the number the batch's (first)
    document of kind ``kind`` receives, e.g. the permit's number on the grant decision."""

    __slots__ = ()
    MARK = "\x00number-of:"

    def __new__(cls, kind: str) -> NumberOf:
        return super().__new__(cls, f"{cls.MARK}{kind}\x00")


@dataclass(frozen=True)
class DocumentRequest:
    """One document of ``document_issue_many``."""

    kind: str
    holder_name: str
    data: dict[str, Any]
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None


def _issue(
    *,
    kind: DocumentKind,
    county: County,
    subject: models.Model,
    holder_name: str,
    data: dict[str, Any],
    acting_user: User | None,
    valid_from: dt.date | None,
    valid_until: dt.date | None,
    supersedes: IssuedDocument | None = None,
    authority: IssuingAuthority | None = None,
) -> IssuedDocument:
    request = DocumentRequest(kind.code, holder_name, data, valid_from, valid_until)
    return _issue_many(
        [request], county=county, subject=subject, acting_user=acting_user, supersedes=supersedes, authority=authority
    )[0]


def _issue_many(
    requests: list[DocumentRequest],
    *,
    county: County,
    subject: models.Model,
    acting_user: User | None,
    supersedes: IssuedDocument | None = None,
    authority: IssuingAuthority | None = None,
) -> list[IssuedDocument]:
    """Check every document, then number them (one statement) and store them (one INSERT)."""
    issued_at = clock.now()
    year = clock.today().year
    prepared = []
    for request in requests:
        kind = _kind(request.kind)
        data = _canonical(request.data)
        validate(
            kind,
            holder_name=request.holder_name,
            data=data,
            valid_from=request.valid_from,
            valid_until=request.valid_until,
        )
        _check_issuer(kind, acting_user)
        prepared.append((request, kind, data, _authority(kind, county, supersedes, authority)))
    in_batch = {NumberOf(request.kind) for request in requests}
    for request in requests:
        for value in request.data.values():
            if isinstance(value, NumberOf) and value not in in_batch:
                raise DocumentDataError(UNKNOWN_KIND % {"kind": value.strip("\x00")})
    documents = [
        IssuedDocument(
            kind=kind.code,
            county=county,
            year=year,
            title=kind.title,
            subject=subject,
            holder_name=request.holder_name.strip(),
            holder_is_person=holder_is_person(request.holder_name, data),
            data=data,
            valid_from=request.valid_from,
            valid_until=request.valid_until,
            authority=issuer,
            issuer=issuer.snapshot(),
            template_version=template_version(kind),
            verification_code=_new_code(),
            issued_at=issued_at,
            issued_by=acting_user,
            supersedes=supersedes,
        )
        for request, kind, data, issuer in prepared
    ]
    series = [(kind.number_prefix(issuer.number_prefix), year) for _r, kind, _d, issuer in prepared]
    linked = any(
        isinstance(value, str) and value.startswith(NumberOf.MARK) for doc in documents for value in doc.data.values()
    )
    if connection.vendor == "postgresql" and not linked:
        _number_and_insert(documents, series, [(kind, issuer) for _r, kind, _d, issuer in prepared])
    else:  # a document naming another's number: number first, then fill it in and insert
        numbers: dict[str, str] = {}
        sequences = _next_sequences(series)
        for document, (_r, kind, _d, issuer), sequence in zip(documents, prepared, sequences, strict=True):
            document.sequence = sequence
            document.number = kind.format_number(issuer.number_prefix, year, sequence)
            numbers.setdefault(NumberOf(kind.code), document.number)
        for document in documents:
            document.data = {k: numbers.get(v, v) if isinstance(v, str) else v for k, v in document.data.items()}
        IssuedDocument.objects.bulk_create(documents)
    # Rendering waits for the commit: nothing is rendered (nor written to disk) for a
    # transaction that rolls back, and no lock is held while it runs. robust: a broker that
    # cannot be reached must not fail a committed request; the render sweep catches up.
    for document in documents:
        transaction.on_commit(partial(schedule_render, document.pk), robust=True)
    return documents


@step_atomic  # no savepoint inside a step (workflows.concurrency)
def document_issue(
    *,
    kind: str,
    county: County,
    subject: models.Model,
    holder_name: str,
    data: dict[str, Any],
    acting_user: User | None,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
    authority: IssuingAuthority | None = None,
) -> IssuedDocument:
    """Number and store a new document about ``subject``; its PDF is rendered after commit.

    ``authority``: the organ issuing it when that is not the county's assigned one for the kind
    (a correction notice comes from whoever issued the document it corrects)."""
    spec = _kind(kind)
    document = _issue(
        kind=spec,
        county=county,
        subject=subject,
        holder_name=holder_name,
        data=data,
        acting_user=acting_user,
        valid_from=valid_from,
        valid_until=valid_until,
        authority=authority,
    )
    _audit_issue(document, county=county, acting_user=acting_user)
    return document


@step_atomic  # no savepoint inside a step (workflows.concurrency)
def document_issue_many(
    *,
    requests: list[DocumentRequest],
    county: County,
    subject: models.Model,
    acting_user: User | None,
) -> list[IssuedDocument]:
    """Several documents about ``subject`` at once (a decision and its permit): numbered in one
    statement and stored in one INSERT; a ``NumberOf(kind)`` in one's data becomes the number
    the batch's document of that kind received. Each is audited as ``document_issue`` does."""
    documents = _issue_many(requests, county=county, subject=subject, acting_user=acting_user)
    for document in documents:
        _audit_issue(document, county=county, acting_user=acting_user)
    return documents


def _audit_issue(document: IssuedDocument, *, county: County, acting_user: User | None) -> None:
    audit.record(
        actor=acting_user,
        action="document.issue",
        obj=document,
        county=county,
        data={"kind": document.kind, "number": document.number, "issuer": document.issuer["name"]},
    )


def _lock_valid(document: IssuedDocument, reason: str) -> IssuedDocument:
    if _blank(reason):
        raise DocumentDataError(REASON_REQUIRED, ["reason"])
    locked = IssuedDocument.objects.select_for_update().get(pk=document.pk)
    if locked.status != IssuedDocument.Status.VALID:
        raise DocumentStateError(ALREADY_REPLACED)
    return locked


@transaction.atomic
def document_supersede(
    *, document: IssuedDocument, data: dict[str, Any], acting_user: User | None, reason: str
) -> IssuedDocument:
    """Issue a corrected document (new number) and mark ``document`` superseded; both stay."""
    old = _lock_valid(document, reason)
    spec = _kind(old.kind)
    subject = old.subject
    if subject is None:
        raise DocumentStateError(SUBJECT_GONE)
    new = _issue(
        kind=spec,
        county=old.county,
        subject=subject,
        holder_name=data.get("holder_name") or old.holder_name,
        # a correction names what changes; everything else carries over from the old document
        data={**old.data, **{key: value for key, value in data.items() if key != "holder_name"}},
        acting_user=acting_user,
        valid_from=old.valid_from,
        valid_until=old.valid_until,
        supersedes=old,
    )
    old.status = IssuedDocument.Status.SUPERSEDED
    old.status_changed_at = new.issued_at
    old.status_reason = reason
    old.save(update_fields=["status", "status_changed_at", "status_reason"])
    audit.record(
        actor=acting_user,
        action="document.supersede",
        obj=old,
        reason=reason,
        county=old.county,
        data={"number": old.number, "superseded_by": new.number},
    )
    audit.record(
        actor=acting_user,
        action="document.issue",
        obj=new,
        reason=reason,
        county=new.county,
        data={"kind": spec.code, "number": new.number, "issuer": new.issuer["name"], "supersedes": old.number},
    )
    return new


@transaction.atomic
def document_revoke(*, document: IssuedDocument, acting_user: User | None, reason: str) -> IssuedDocument:
    """Mark ``document`` revoked; it stays on the record and its verification says so."""
    locked = _lock_valid(document, reason)
    spec = _kind(locked.kind)
    _check_issuer(spec, acting_user)
    locked.status = IssuedDocument.Status.REVOKED
    locked.status_changed_at = clock.now()
    locked.status_reason = reason
    locked.save(update_fields=["status", "status_changed_at", "status_reason"])
    audit.record(
        actor=acting_user,
        action="document.revoke",
        obj=locked,
        reason=reason,
        county=locked.county,
        data={"number": locked.number},
    )
    return locked


# --- rendering (after commit) ---------------------------------------------------------------


def schedule_render(document_id: int) -> None:
    """Put the render of one document on the queue (called on commit)."""
    from .tasks import render_document_task

    render_document_task.delay(document_id)


def _render_inputs(document: IssuedDocument) -> dict[str, Any]:
    return {
        "kind": KINDS[document.kind],
        "number": document.number,
        "holder_name": document.holder_name,
        "data": document.data,
        "issued_on": timezone.localtime(document.issued_at).date(),
        "verification_code": document.verification_code,
        "verify_url": public_verify_url(document.verification_code),
        "county_name": document.county.name,
        "issuer": document.issuer,
        "valid_from": document.valid_from,
        "valid_until": document.valid_until,
        "supersedes_number": document.supersedes.number if document.supersedes else "",
    }


RENDER_FIELDS = ("pdf", "sha256", "template_version", "rendered_at", "render_attempts", "render_error")


def document_render(*, document_id: int) -> IssuedDocument | None:
    """Render and store the PDF of an issued document; a no-op when it already has one.

    Safe to run twice at once and to be interrupted anywhere: the render happens outside any
    transaction, the file is written, then one short transaction records it unless another
    run recorded one first (then the extra file is removed). A crash between writing and
    recording leaves a file no row names; ``sweep_orphan_document_files`` removes those.
    """
    document = IssuedDocument.objects.select_related("county", "supersedes").filter(pk=document_id).first()
    if document is None or document.is_ready:
        return document
    kind = KINDS[document.kind]
    try:
        pdf = render_document(**_render_inputs(document))
    except Exception as exc:
        IssuedDocument.objects.filter(pk=document.pk).update(
            render_attempts=F("render_attempts") + 1, render_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise
    field = document.pdf.field
    name = field.storage.save(field.generate_filename(document, f"{document.verification_code}.pdf"), ContentFile(pdf))
    recorded = False
    try:
        with transaction.atomic():
            locked = IssuedDocument.objects.select_for_update(no_key=True).get(pk=document.pk)
            if not locked.is_ready:
                locked.pdf.name = name
                locked.sha256 = hashlib.sha256(pdf).hexdigest()
                locked.template_version = template_version(kind)
                locked.rendered_at = clock.now()
                locked.render_attempts += 1
                locked.render_error = ""
                locked.save(update_fields=[*RENDER_FIELDS])
                audit.record(
                    actor=None,
                    action="document.render",
                    obj=locked,
                    county=locked.county,
                    data={"number": locked.number, "sha256": locked.sha256},
                )
                recorded = True
    finally:
        if not recorded:
            field.storage.delete(name)
    return IssuedDocument.objects.select_related("county").get(pk=document.pk)


def document_pdf_bytes(document: IssuedDocument) -> bytes:
    """The stored PDF, rendered now if the worker has not got to it yet (exports need the bytes)."""
    if not document.is_ready:
        rendered = document_render(document_id=document.pk)
        if rendered is None:
            raise DocumentStateError(SUBJECT_GONE)
        document.refresh_from_db()
    with document.pdf.open("rb") as handle:
        return handle.read()


def documents_render_pending(*, limit: int | None = None) -> int:
    """Render, here and now, every document still waiting for its PDF (oldest first).

    For operators after an outage (``manage.py render_pending_documents``) and for tests that
    stand in for the worker; the worker itself renders one document per task.
    """
    pending = IssuedDocument.objects.filter(rendered_at__isnull=True).order_by("issued_at", "id")
    ids = pending.values_list("pk", flat=True)
    count = 0
    for document_id in list(ids[:limit] if limit else ids):
        document_render(document_id=document_id)
        count += 1
    return count


# Files younger than this may belong to a render whose transaction has not committed yet.
ORPHAN_GRACE = dt.timedelta(hours=1)
DOCUMENTS_DIR = "documents"


def documents_sweep_orphan_files(*, older_than: dt.timedelta = ORPHAN_GRACE, dry_run: bool = False) -> list[str]:
    """Remove stored document files that no document row names (e.g. a render that crashed
    between writing its file and recording it). Returns the names removed (or, dry, found)."""
    storage = IssuedDocument._meta.get_field("pdf").storage
    known = set(IssuedDocument.objects.exclude(pdf="").values_list("pdf", flat=True))
    cutoff = clock.now() - older_than
    found: list[str] = []
    pending = [DOCUMENTS_DIR]
    while pending:
        directory = pending.pop()
        try:
            subdirs, files = storage.listdir(directory)
        except FileNotFoundError:
            continue
        pending.extend(f"{directory}/{name}" for name in subdirs)
        for filename in files:
            name = f"{directory}/{filename}"
            if name in known or storage.get_modified_time(name) > cutoff:
                continue
            found.append(name)
            if not dry_run:
                storage.delete(name)
    if found and not dry_run:
        logger.warning("removed %d orphaned document file(s)", len(found))
    return sorted(found)
