"""Issuing every kind: numbered, rendered with CJK fonts, stored once with its SHA-256, audited."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from workflows import audit, clock
from workflows.documents.models import DocumentCounter, IssuedDocument
from workflows.documents.registry import KINDS
from workflows.documents.samples import SAMPLES
from workflows.documents.selectors import documents_for
from workflows.documents.services import (
    MISSING_FIELDS,
    DocumentDataError,
    DocumentRequest,
    DocumentStateError,
    NumberOf,
    _canonical,
    document_issue,
    document_issue_many,
    document_revoke,
    document_supersede,
)
from workflows.models import AuditEntry as AuditEntryModel
from workflows.models import County

from .conftest import issue_sample, pdf_bytes, pdf_font_names, pdf_text, rendered, squash

pytestmark = pytest.mark.django_db

MARCH = dt.datetime(2026, 3, 20, 10, 0, tzinfo=dt.UTC)


def _scalar_values(data: dict) -> list[str]:
    values = []
    for key, value in data.items():
        if key == "fine":
            values.append(f"{value:,}元")
            continue
        items = value if isinstance(value, list) else [value]
        for item in items:
            text = str(item)
            # dates are written the Chinese way in the document; checked separately
            if len(text) >= 10 and text[4] == "-" and text[7] == "-":
                continue
            values.append(text)
    return values


@pytest.mark.parametrize("kind_code", sorted(KINDS))
def test_every_kind_renders_with_its_title_number_fields_and_cjk_fonts(kind_code, application, zhaoyang, demo_users):
    with clock.travel(MARCH):
        document = issue_sample(kind_code, subject=application, county=zhaoyang, demo_users=demo_users)
    kind = KINDS[kind_code]
    pdf = pdf_bytes(document)
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    assert kind.title in text
    assert document.number in text
    assert document.number.startswith(f"昭住建{kind.number_code}〔2026〕")
    assert SAMPLES[kind_code].holder_name in text
    assert document.verification_code in text
    for value in _scalar_values(SAMPLES[kind_code].data):
        assert squash(value) in text, value
    if kind.rights_notice:
        assert (
            f"六十日内向昭通市人民政府申请行政复议，也可以自收到本{kind.title}之日起六个月内依法向昭阳区人民法院提起行政诉讼"
            in text
        )
    else:
        assert "六个月内依法向人民法院提起行政诉讼" not in text
    if kind.has_validity:
        assert "2029年3月19日" in text
    # one CJK face for everything: a second one would double the embedded font data
    fonts = pdf_font_names(pdf)
    assert len(fonts) == 1 and "Noto-Serif-CJK-SC" in fonts.pop(), fonts
    if kind.sealed:
        assert "昭通市住房和城乡建设局" in text.split(document.number, 1)[1]
    assert document.sha256 == hashlib.sha256(pdf).hexdigest()
    assert document.template_version.startswith(f"{kind_code}@")


def test_every_kind_lists_its_required_keys_and_its_template_exists():
    from django.template.loader import get_template

    for kind in KINDS.values():
        assert kind.required, kind.code
        assert set(kind.required) <= set(SAMPLES[kind.code].data)
        get_template(kind.template)


def test_numbers_run_per_kind_county_and_year(application, zhaoyang, demo_users):
    ludian = County.objects.get(name="鲁甸县")
    with clock.travel(MARCH):
        first = issue_sample("ad_acceptance", subject=application, county=zhaoyang, demo_users=demo_users)
        second = issue_sample("ad_acceptance", subject=application, county=zhaoyang, demo_users=demo_users)
        other_kind = issue_sample("ad_supplement", subject=application, county=zhaoyang, demo_users=demo_users)
        other_county = issue_sample("ad_acceptance", subject=application, county=ludian, demo_users=demo_users)
    with clock.travel(dt.datetime(2027, 1, 4, 2, 0, tzinfo=dt.UTC)):
        next_year = issue_sample("ad_acceptance", subject=application, county=zhaoyang, demo_users=demo_users)
    assert first.number == "昭住建广受〔2026〕1号"
    assert second.number == "昭住建广受〔2026〕2号"
    assert other_kind.number == "昭住建广补〔2026〕1号"
    assert other_county.number == "鲁住建广受〔2026〕1号"
    assert next_year.number == "昭住建广受〔2027〕1号"


def test_year_is_the_bureaus_local_year(application, zhaoyang, demo_users):
    # 2026-12-31 17:00 UTC is already 2027-01-01 01:00 in Zhaotong.
    with clock.travel(dt.datetime(2026, 12, 31, 17, 0, tzinfo=dt.UTC)):
        document = issue_sample("ad_acceptance", subject=application, county=zhaoyang, demo_users=demo_users)
    assert document.number == "昭住建广受〔2027〕1号"


def test_missing_fields_are_named_and_nothing_is_issued_nor_a_number_used(application, zhaoyang, demo_users):
    data = dict(SAMPLES["ad_refusal"].data)
    del data["reasons"]
    data["address"] = "  "
    with pytest.raises(DocumentDataError) as excinfo:
        document_issue(
            kind="ad_refusal",
            county=zhaoyang,
            subject=application,
            holder_name="",
            data=data,
            acting_user=demo_users["chief"],
        )
    assert excinfo.value.missing == ["holder_name", "address", "reasons"]
    assert str(excinfo.value) == MISSING_FIELDS % {"fields": "holder_name, address, reasons"}
    assert not IssuedDocument.objects.exists()
    with clock.travel(MARCH):
        document = issue_sample("ad_refusal", subject=application, county=zhaoyang, demo_users=demo_users)
    assert document.sequence == 1


def test_permit_needs_its_validity_period(application, zhaoyang, demo_users):
    sample = SAMPLES["ad_permit"]
    with pytest.raises(DocumentDataError) as excinfo:
        document_issue(
            kind="ad_permit",
            county=zhaoyang,
            subject=application,
            holder_name=sample.holder_name,
            data=sample.data,
            acting_user=demo_users["chief"],
        )
    assert excinfo.value.missing == ["valid_from", "valid_until"]


def test_unknown_kind_is_refused(application, zhaoyang, demo_users):
    with pytest.raises(DocumentDataError):
        document_issue(
            kind="ad_bogus", county=zhaoyang, subject=application, holder_name="x", data={}, acting_user=None
        )


@pytest.mark.parametrize("username", ["applicant", "officer", "reviewer"])
def test_only_the_kinds_issuing_roles_may_issue(application, zhaoyang, demo_users, username):
    with pytest.raises(PermissionDenied):
        issue_sample(
            "ad_grant", subject=application, county=zhaoyang, demo_users=demo_users, acting_user=demo_users[username]
        )
    assert not IssuedDocument.objects.exists()


def test_issue_is_audited_and_listed_for_the_subject(application, zhaoyang, demo_users):
    document = issue_sample("ad_acceptance", subject=application, county=zhaoyang, demo_users=demo_users)
    entries = list(audit.history(document))
    assert [e.action for e in entries] == ["document.issue", "document.render"]
    assert entries[0].actor == demo_users["clerk"]
    assert entries[0].data["issuer"] == "昭通市住房和城乡建设局"
    # the PDF's hash goes on the audit trail when it is rendered, by the system
    assert entries[1].actor is None and entries[1].data["sha256"] == document.sha256
    assert list(documents_for(application)) == [document]
    assert document.subject == application


def test_supersede_issues_a_new_document_and_keeps_the_old_one(application, zhaoyang, demo_users):
    with clock.travel(MARCH):
        old = issue_sample("ad_grant", subject=application, county=zhaoyang, demo_users=demo_users)
        old_bytes = pdf_bytes(old)
        new = rendered(
            document_supersede(
                document=old, data={"size": "宽7.5米 × 高2.5米"}, acting_user=demo_users["chief"], reason="规格笔误更正"
            )
        )
    old.refresh_from_db()
    assert old.status == IssuedDocument.Status.SUPERSEDED
    assert old.status_reason == "规格笔误更正"
    assert pdf_bytes(old) == old_bytes  # never re-rendered
    assert new.status == IssuedDocument.Status.VALID
    assert new.supersedes == old and new.number != old.number
    assert new.data["size"] == "宽7.5米 × 高2.5米" and new.data["content"] == old.data["content"]
    assert (new.valid_from, new.valid_until) == (old.valid_from, old.valid_until)
    text = pdf_text(pdf_bytes(new))
    assert "宽7.5米×高2.5米" in text and old.number in text
    assert [e.action for e in audit.history(old)] == ["document.issue", "document.render", "document.supersede"]
    assert [e.action for e in audit.history(new)] == ["document.issue", "document.render"]
    assert list(documents_for(application)) == [old, new]
    with pytest.raises(DocumentStateError):
        document_supersede(document=old, data={}, acting_user=demo_users["chief"], reason="again")


def test_revoke_marks_the_document_and_audits_it(application, zhaoyang, demo_users):
    document = issue_sample("ad_permit", subject=application, county=zhaoyang, demo_users=demo_users)
    with pytest.raises(DocumentDataError):
        document_revoke(document=document, acting_user=demo_users["chief"], reason=" ")
    revoked = document_revoke(document=document, acting_user=demo_users["chief"], reason="申请人以欺骗手段取得许可")
    assert revoked.status == IssuedDocument.Status.REVOKED
    assert [e.action for e in audit.history(document)] == ["document.issue", "document.render", "document.revoke"]
    with pytest.raises(DocumentStateError):
        document_revoke(document=document, acting_user=demo_users["chief"], reason="again")


@pytest.mark.parametrize(
    ("holder", "data", "person"),
    [
        ("覃永福", {}, True),
        ("欧阳明华", {}, True),
        ("王行", {}, True),
        ("昭通星辰广告传媒有限公司", {}, False),
        ("昭阳区凤凰村经济合作社", {}, False),
        ("昭阳区珠泉路美食店", {}, False),
        ("星辰传媒", {"holder_type": "organisation"}, False),
        ("昭通某某有限公司", {"holder_type": "person"}, True),
    ],
)
def test_who_counts_as_a_natural_person_for_masking(holder, data, person):
    from workflows.documents.services import holder_is_person

    assert holder_is_person(holder, data) is person


def _request(kind_code: str, **data: object) -> DocumentRequest:
    sample = SAMPLES[kind_code]
    data = {**sample.data, **data}
    return DocumentRequest(kind_code, sample.holder_name, data, sample.valid_from, sample.valid_until)


def test_documents_issued_together_are_numbered_in_one_statement_and_name_each_other(
    application, zhaoyang, demo_users, django_capture_on_commit_callbacks
):
    chief = demo_users["chief"]
    with clock.travel(MARCH):
        first = issue_sample("ad_permit", subject=application, county=zhaoyang, demo_users=demo_users, render=False)
        with CaptureQueriesContext(connection) as captured, django_capture_on_commit_callbacks() as callbacks:
            permit, grant, second_permit = document_issue_many(
                requests=[
                    _request("ad_permit"),
                    _request("ad_grant", permit_number=NumberOf("ad_permit")),
                    _request("ad_permit"),
                ],
                county=zhaoyang,
                subject=application,
                acting_user=chief,
            )
    # Numbers continue each series without a gap, in the order asked for.
    assert (first.sequence, permit.sequence, second_permit.sequence, grant.sequence) == (1, 2, 3, 1)
    assert permit.number.endswith("〔2026〕2号") and second_permit.number.endswith("〔2026〕3号")
    assert grant.data["permit_number"] == permit.number
    stored = IssuedDocument.objects.get(pk=grant.pk)
    assert stored.data["permit_number"] == permit.number and stored.issued_by == chief
    # One statement numbers them, one INSERT stores them; each renders after commit.
    writes = [q["sql"] for q in captured if q["sql"].startswith('INSERT INTO "documents_')]
    assert len(writes) == 2, writes
    assert len(callbacks) == 3
    issued = AuditEntryModel.objects.filter(action="document.issue").values_list("data__number", flat=True)
    assert {permit.number, grant.number, second_permit.number} <= set(issued)


def test_a_batch_naming_a_document_it_does_not_issue_is_refused_before_any_number(application, zhaoyang, demo_users):
    with clock.travel(MARCH), pytest.raises(DocumentDataError):
        document_issue_many(
            requests=[_request("ad_grant", permit_number=NumberOf("ad_permit"))],
            county=zhaoyang,
            subject=application,
            acting_user=demo_users["chief"],
        )
    assert not IssuedDocument.objects.exists()
    assert not DocumentCounter.objects.exists()


def test_a_document_is_numbered_and_stored_in_one_statement(application, zhaoyang, demo_users):
    ludian = County.objects.get(name="鲁甸县")
    with clock.travel(MARCH):
        first = issue_sample("ad_acceptance", subject=application, county=zhaoyang, demo_users=demo_users, render=False)
        with CaptureQueriesContext(connection) as captured:
            second, other_kind, third = document_issue_many(
                requests=[_request("ad_acceptance"), _request("ad_supplement"), _request("ad_acceptance")],
                county=zhaoyang,
                subject=application,
                acting_user=demo_users["clerk"],
            )
        elsewhere = issue_sample("ad_acceptance", subject=application, county=ludian, demo_users=demo_users)
    writes = [q["sql"] for q in captured if "documents_" in q["sql"] and not q["sql"].startswith("SELECT")]
    assert len(writes) == 1 and writes[0].startswith("WITH seq AS"), writes
    assert [first.number, second.number, third.number] == [f"昭住建广受〔2026〕{n}号" for n in (1, 2, 3)]
    assert other_kind.number == "昭住建广补〔2026〕1号" and elsewhere.number == "鲁住建广受〔2026〕1号"
    stored = IssuedDocument.objects.get(pk=third.pk)
    assert (stored.number, stored.sequence, stored.data, stored.issuer) == (
        third.number,
        3,
        _canonical(SAMPLES["ad_acceptance"].data),
        third.issuer,
    )
    assert stored.subject == application and stored.authority_id == third.authority_id and not stored.pdf
    assert rendered(stored).sha256  # the stored row renders as any other
