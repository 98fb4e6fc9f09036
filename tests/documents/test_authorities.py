"""Issuing authorities are data: the county's bureau issues, names its review body and court,
and numbers with its prefix; editing it in the admin changes the next document, never an issued one."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pytest
from django.urls import reverse

from workflows import clock
from workflows.documents.models import AuthorityAssignment, IssuingAuthority
from workflows.models import County

from .conftest import issue_sample, pdf_bytes, pdf_text

pytestmark = pytest.mark.django_db

MARCH = dt.datetime(2026, 3, 20, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def ludian() -> County:
    return County.objects.get(name="鲁甸县")


def _decision(application: Any, county: County, demo_users: dict[str, Any]) -> Any:
    with clock.travel(MARCH):
        return issue_sample("case_demolition_decision", subject=application, county=county, demo_users=demo_users)


def test_seed_has_the_city_bureau_for_the_seat_district_and_a_bureau_per_county():
    city = IssuingAuthority.objects.get(is_default=True)
    assert (city.name, city.number_prefix, city.review_body) == ("昭通市住房和城乡建设局", "昭住建", "昭通市人民政府")
    rows = AuthorityAssignment.objects.select_related("county", "authority")
    assignments = {a.county.name: a.authority.name for a in rows}
    assert len(assignments) == 11
    assert assignments["昭阳区"] == "昭通市住房和城乡建设局"
    assert assignments["鲁甸县"] == "鲁甸县住房和城乡建设局"
    assert assignments["水富市"] == "水富市住房和城乡建设局"
    assert IssuingAuthority.objects.get(name="鲁甸县住房和城乡建设局").review_body == "鲁甸县人民政府"


def test_a_ludian_document_carries_the_county_bureau(application, ludian, demo_users):
    document = _decision(application, ludian, demo_users)
    text = pdf_text(pdf_bytes(document))
    assert document.number == "鲁住建责拆〔2026〕1号"
    assert text.count("鲁甸县住房和城乡建设局") >= 3  # header, signature, seal
    assert "六十日内向鲁甸县人民政府申请行政复议" in text
    assert "依法向鲁甸县人民法院提起行政诉讼" in text
    assert "昭通市住房和城乡建设局" not in text and "昭通市人民政府" not in text
    assert document.issuer["name"] == "鲁甸县住房和城乡建设局"
    assert document.issuer["review_body"] == "鲁甸县人民政府"


def _authority_form(authority: IssuingAuthority, **changes: str) -> dict[str, Any]:
    data: dict[str, Any] = {name: getattr(authority, name) for name in IssuingAuthority.SNAPSHOT_FIELDS}
    data.update(changes)
    if authority.is_default:
        data["is_default"] = "on"
    assignments = list(authority.assignments.all())
    data.update(
        {
            "assignments-TOTAL_FORMS": str(len(assignments)),
            "assignments-INITIAL_FORMS": str(len(assignments)),
            "assignments-MIN_NUM_FORMS": "0",
            "assignments-MAX_NUM_FORMS": "1000",
        }
    )
    for i, assignment in enumerate(assignments):
        data.update(
            {
                f"assignments-{i}-id": str(assignment.pk),
                f"assignments-{i}-authority": str(authority.pk),
                f"assignments-{i}-county": str(assignment.county_id),
                f"assignments-{i}-kind": assignment.kind,
            }
        )
    return data


def test_editing_the_authority_in_the_admin_changes_the_next_document_not_an_issued_one(
    application, ludian, demo_users, client_as, client
):
    issued = _decision(application, ludian, demo_users)
    issued_bytes = pdf_bytes(issued)
    bureau = IssuingAuthority.objects.get(name="鲁甸县住房和城乡建设局")
    response = client_as("admin").post(
        reverse("admin:documents_issuingauthority_change", args=[bureau.pk]),
        _authority_form(
            bureau,
            name="鲁甸县城市管理和综合执法局",
            seal_name="鲁甸县城市管理和综合执法局行政执法专用章",
            number_prefix="鲁城管",
            review_body="鲁甸县人民政府（复议办）",
            court="昭通市中级人民法院",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    following = _decision(application, ludian, demo_users)
    text = pdf_text(pdf_bytes(following))
    assert following.number == "鲁城管责拆〔2026〕1号"  # a new prefix starts its own series
    assert "鲁甸县城市管理和综合执法局行政执法专用章" in text
    assert "六十日内向鲁甸县人民政府（复议办）申请行政复议" in text
    assert "依法向昭通市中级人民法院提起行政诉讼" in text
    assert "鲁甸县住房和城乡建设局" not in text

    issued.refresh_from_db()
    assert issued.issuer["name"] == "鲁甸县住房和城乡建设局"
    assert issued.number == "鲁住建责拆〔2026〕1号"
    assert pdf_bytes(issued) == issued_bytes and hashlib.sha256(issued_bytes).hexdigest() == issued.sha256
    # the public check of the issued document still names the authority that issued it
    assert "鲁甸县住房和城乡建设局" in client.get(issued.get_verify_url()).content.decode()


def test_reassigning_a_county_to_the_city_bureau_in_the_admin(application, zhaoyang, ludian, demo_users, client_as):
    city_first = _decision(application, zhaoyang, demo_users)
    assignment = AuthorityAssignment.objects.get(county=ludian, kind="")
    city = IssuingAuthority.objects.get(is_default=True)
    response = client_as("admin").post(
        reverse("admin:documents_authorityassignment_change", args=[assignment.pk]),
        {"county": str(ludian.pk), "kind": "", "authority": str(city.pk)},
    )
    assert response.status_code == 302
    document = _decision(application, ludian, demo_users)
    # one series per printed prefix: the city bureau's numbers stay unique across its counties
    assert city_first.number == "昭住建责拆〔2026〕1号"
    assert document.number == "昭住建责拆〔2026〕2号"
    assert "六十日内向昭通市人民政府申请行政复议" in pdf_text(pdf_bytes(document))


def test_a_kind_can_be_assigned_to_another_authority_than_the_countys_default(application, ludian, demo_users):
    city = IssuingAuthority.objects.get(is_default=True)
    AuthorityAssignment.objects.create(county=ludian, kind="case_demolition_decision", authority=city)
    assert _decision(application, ludian, demo_users).number.startswith("昭住建责拆")
    with clock.travel(MARCH):
        notice = issue_sample("case_stop_order", subject=application, county=ludian, demo_users=demo_users)
    assert notice.number.startswith("鲁住建责停")


def test_the_site_is_named_after_the_default_authority(client_as, demo_users):
    page = client_as("chief").get("/workbench/")
    assert "昭通市住房和城乡建设局" in page.content.decode()
    city = IssuingAuthority.objects.get(is_default=True)
    response = client_as("admin").post(
        reverse("admin:documents_issuingauthority_change", args=[city.pk]),
        _authority_form(city, name="昭通市住房和城乡建设局（测试更名）"),
    )
    assert response.status_code == 302
    assert "昭通市住房和城乡建设局（测试更名）" in client_as("chief").get("/workbench/").content.decode()
