"""Download only for those who may see the subject; public verification shows only what it must."""

from __future__ import annotations

import hashlib

import pytest
from django.urls import reverse

from workflows.documents.services import document_revoke, document_supersede

from .conftest import issue_sample

pytestmark = pytest.mark.django_db


@pytest.fixture
def grant(application, zhaoyang, demo_users):
    return issue_sample("ad_grant", subject=application, county=zhaoyang, demo_users=demo_users)


@pytest.mark.parametrize("username", ["applicant", "chief", "reviewer", "supervisor"])
def test_owner_county_staff_and_citywide_staff_download_the_stored_pdf(client_as, grant, username):
    response = client_as(username).get(grant.get_download_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == grant.sha256


@pytest.mark.parametrize("username", ["applicant2", "reviewer_ludian"])
def test_other_applicant_and_other_county_get_404(client_as, grant, username):
    assert client_as(username).get(grant.get_download_url()).status_code == 404


def test_missing_document_is_the_same_404(client_as, grant):
    assert client_as("chief").get(reverse("documents:download", kwargs={"pk": grant.pk + 1000})).status_code == 404


def test_anonymous_download_goes_to_login(client, grant):
    response = client.get(grant.get_download_url())
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_media_is_not_served_by_url(client_as, grant):
    assert client_as("applicant").get("/media/" + grant.pdf.name).status_code == 404


def test_verify_page_of_a_valid_company_document(client, grant):
    response = client.get(grant.get_verify_url())
    assert response.status_code == 200
    html = response.content.decode()
    for shown in ("准予行政许可决定书", grant.number, grant.sha256, "昭通星辰广告传媒有限公司", "有效", "2029-03-19"):
        assert shown in html
    # A permit is checked as a permit: where the facility stands is shown (issue 15) …
    assert "许可证核验" in html and grant.data["address"] in html
    # … but not the rest of the body of the document
    for hidden in (grant.data["application_number"], grant.data["content"]):
        assert hidden not in html


def test_verify_page_masks_a_persons_name_and_shows_nothing_else(client, application, zhaoyang, demo_users):
    document = issue_sample("case_stop_order", subject=application, county=zhaoyang, demo_users=demo_users)
    html = client.get(document.get_verify_url()).content.decode()
    assert "覃**" in html
    assert "覃永福" not in html
    assert "执法文书核验" in html
    assert "data:image/png" not in html  # the paper carries the person's full name: no picture of it
    for hidden in (document.data["address"], document.data["case_number"], document.data["facts"], "执法证号"):
        assert hidden not in html
    # no validity period for a kind that has none
    assert "有效期" not in html


def test_verify_page_of_a_superseded_and_a_revoked_document(client, grant, demo_users):
    new = document_supersede(
        document=grant, data={"content": "星辰传媒"}, acting_user=demo_users["chief"], reason="更正"
    )
    html = client.get(grant.get_verify_url()).content.decode()
    assert "已被替代" in html and grant.number in html
    document_revoke(document=new, acting_user=demo_users["chief"], reason="依法撤销")
    html = client.get(new.get_verify_url()).content.decode()
    assert "已撤销" in html and new.number in html


def test_verify_code_is_forgiving_about_case_and_dashes(client, grant):
    code = grant.verification_code
    loose = f"{code[:4].lower()}-{code[4:8]}-{code[8:]}"
    assert client.get(reverse("documents:verify", kwargs={"code": loose})).status_code == 200


def test_unknown_code_is_a_chinese_404_page(client, grant):
    response = client.get(reverse("documents:verify", kwargs={"code": "ABCDEFGHJKMNPQRS"}))
    assert response.status_code == 404
    html = response.content.decode()
    assert "未找到该文书" in html
    assert grant.number not in html


def test_subject_page_include_lists_documents_with_download_links(grant, demo_users):
    from django.template.loader import render_to_string

    from workflows.documents.selectors import documents_for

    html = render_to_string("documents/_list.html", {"documents": documents_for(grant.subject)})
    assert grant.number in html and grant.get_download_url() in html
    assert "尚未签发文书" in render_to_string("documents/_list.html", {"documents": []})


def test_admin_shows_documents_read_only_without_a_media_link(client_as, grant):
    admin = client_as("admin")
    page = admin.get(reverse("admin:documents_issueddocument_change", args=[grant.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert grant.number in html and grant.get_download_url() in html
    assert grant.pdf.name not in html
    assert admin.get(reverse("admin:documents_issueddocument_add")).status_code == 403
