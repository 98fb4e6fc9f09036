"""Issuing, superseding and revoking official documents.

A document is numbered and rendered inside one transaction that holds the lock on its
counter row, so numbers are consecutive and never skipped: if rendering or storing fails,
the transaction rolls back and the number is still free. The PDF bytes are stored once with
their SHA-256 and never rendered again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from workflows import audit, clock
from workflows.models import County, User
from workflows.roles import has_role

from .models import DocumentCounter, IssuedDocument, public_verify_url
from .registry import KINDS, DocumentKind
from .rendering import render_document, template_version

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


def _next_sequence(kind: DocumentKind, county: County, year: int) -> int:
    # Make sure the row exists without a racy get_or_create, then lock it for this transaction.
    DocumentCounter.objects.bulk_create(
        [DocumentCounter(kind=kind.code, county=county, year=year)], ignore_conflicts=True
    )
    counter = DocumentCounter.objects.select_for_update(no_key=True).get(kind=kind.code, county=county, year=year)
    counter.last_sequence += 1
    counter.save(update_fields=["last_sequence"])
    return counter.last_sequence


def _new_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not IssuedDocument.objects.filter(verification_code=code).exists():
            return code


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
) -> IssuedDocument:
    data = _canonical(data)
    validate(kind, holder_name=holder_name, data=data, valid_from=valid_from, valid_until=valid_until)
    _check_issuer(kind, acting_user)
    issued_at = clock.now()
    issued_on = clock.today()
    year = issued_on.year
    sequence = _next_sequence(kind, county, year)
    number = kind.format_number(county, year, sequence)
    code = _new_code()
    pdf = render_document(
        kind=kind,
        number=number,
        holder_name=holder_name.strip(),
        data=data,
        issued_on=issued_on,
        verification_code=code,
        verify_url=public_verify_url(code),
        county_name=county.name,
        valid_from=valid_from,
        valid_until=valid_until,
        supersedes_number=supersedes.number if supersedes else "",
    )
    document = IssuedDocument(
        kind=kind.code,
        county=county,
        year=year,
        sequence=sequence,
        number=number,
        title=kind.title,
        subject=subject,
        holder_name=holder_name.strip(),
        holder_is_person=holder_is_person(holder_name, data),
        data=data,
        valid_from=valid_from,
        valid_until=valid_until,
        sha256=hashlib.sha256(pdf).hexdigest(),
        template_version=template_version(kind),
        verification_code=code,
        issued_at=issued_at,
        issued_by=acting_user,
        supersedes=supersedes,
    )
    document.pdf.save(f"{code}.pdf", ContentFile(pdf), save=False)
    document.save()
    return document


@transaction.atomic
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
) -> IssuedDocument:
    """Number, render and store a new document about ``subject``."""
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
    )
    audit.record(
        actor=acting_user,
        action="document.issue",
        obj=document,
        county=county,
        data={"kind": spec.code, "number": document.number, "sha256": document.sha256},
    )
    return document


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
        data={"kind": spec.code, "number": new.number, "sha256": new.sha256, "supersedes": old.number},
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
