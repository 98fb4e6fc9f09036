"""Role and county scoping, the public pages with masked personal data, the API and the export."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from illegal_building.models import Case, Disclosure, EvidenceFile
from workflows.jurisdiction import staff_place
from workflows.models import County

from .helpers import Driver, open_task, png_bytes, task_base_url
from .test_case_paths import to_decision

pytestmark = pytest.mark.django_db

ID_NUMBER = "530602198805123456"


def foreign_officer(demo_users: dict[str, Any]) -> Any:
    """An enforcement officer of 鲁甸县."""
    user = demo_users["reviewer_ludian"]
    user.groups.add(Group.objects.get(name="role:officer"))
    user.certificate_number = "云530621-20001"
    user.save()
    staff_place(user, County.objects.get(name="鲁甸县"))
    return user


def test_other_county_gets_404_everywhere(reported: Driver, demo_users: dict[str, Any]) -> None:
    foreign_officer(demo_users)
    client = reported.client("reviewer_ludian")
    case = reported.case
    task = open_task(case, "verify")
    evidence = EvidenceFile.objects.get(case=case)
    for url in [
        f"/cases/cases/{case.pk}/",
        f"/cases/cases/{case.pk}/export/",
        f"/cases/cases/{case.pk}/export/?part=evidence",
        f"/cases/cases/{case.pk}/evidence/{evidence.pk}/",
        task_base_url(task),
        task_base_url(task) + "assign/",
        f"/api/cases/{case.pk}/",
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(task_base_url(task) + "assign/").status_code == 404
    assert client.post(f"/cases/cases/{case.pk}/records/inquiry/", {}).status_code == 404
    assert client.get("/api/cases/").json()["count"] == 0
    open_task(case, "verify").refresh_from_db()
    assert open_task(case, "verify").owner_id is None


def test_roles_cannot_take_other_roles_steps(reported: Driver) -> None:
    task = open_task(reported.case, "verify")
    for username in ("patrol", "legal", "chief"):
        response = reported.client(username).post(task_base_url(task) + "assign/")
        assert response.status_code == 403, username
    task.refresh_from_db()
    assert task.owner_id is None


def test_task_of_another_process_or_node_in_the_url_is_404(reported: Driver, client_as: Any,
                                                           demo_users: dict[str, Any]) -> None:
    d = reported
    other = Driver(client_as, demo_users, Case.objects.get(pk=d.case.pk))
    task = d.take("officer", "verify")
    # Another case, then use the first case's task id under the second case's process.
    response = d.client("patrol").post(
        "/cases/cases/report/",
        {"county": demo_users["patrol"].county_id, "address": "另一处", "description": "另一起"},
    )
    assert response.status_code == 302
    second = Case.objects.exclude(pk=d.case.pk).get()
    assert other.case.pk != second.pk
    url = f"/cases/{second.process.pk}/verify/{task.pk}/execute/"
    assert d.client("officer").get(url).status_code == 404
    url = f"/cases/{task.process_id}/approve_filing/{task.pk}/execute/"
    assert d.client("officer").get(url).status_code == 404


def test_public_disclosure_masks_personal_data(reported: Driver, client: Client) -> None:
    d = reported
    to_decision(d)
    d.disclose(summary=f"当事人甄有才（身份证号{ID_NUMBER}）擅自搭建，责令限期拆除")
    disclosure = Disclosure.objects.get()
    html = client.get(f"/public/disclosures/{disclosure.pk}/").content.decode()
    assert "530602********3456" in html
    assert ID_NUMBER not in html
    assert "甄有才" not in html
    assert "甄**" in html
    listing = client.get("/public/disclosures/").content.decode()
    assert d.case.case_number in listing
    assert ID_NUMBER not in listing
    # Staff pages and the API show the ID number masked too.
    assert ID_NUMBER not in d.client("officer").get(f"/cases/cases/{d.case.pk}/").content.decode()
    assert ID_NUMBER not in d.client("officer").get(f"/api/cases/{d.case.pk}/").content.decode()


def test_citizen_reports_anonymously_and_stays_protected(client: Client, demo_users: dict[str, Any],
                                                        client_as: Any) -> None:
    county = County.objects.get(name="昭阳区")
    response = client.post(
        "/public/cases/report/",
        {"county": county.pk, "address": "昭阳区海楼路5号", "description": "院内新建二层砖房",
         "reporter_name": "钱多多", "reporter_phone": "13912345678"},
    )
    assert response.status_code == 200
    case = Case.objects.get()
    assert case.source == Case.Source.CITIZEN
    assert case.report_number in response.content.decode()
    page = client_as("officer").get(f"/cases/cases/{case.pk}/").content.decode()
    assert "钱多多" not in page and "13912345678" not in page
    bad = client.post("/public/cases/report/", {"county": county.pk, "address": "", "description": "x",
                                                 "reporter_phone": "123"})
    assert bad.status_code == 200
    assert Case.objects.count() == 1


def test_api_field_report_list_and_detail(demo_users: dict[str, Any], client_as: Any, monday: None,
                                          settings: Any) -> None:
    client = client_as("patrol")
    response = client.post(
        "/api/cases/",
        {
            "address": "昭阳区学院路3号",
            "latitude": "27.33",
            "longitude": "103.71",
            "description": "违法加层",
            "photos": [SimpleUploadedFile("a.png", png_bytes(), content_type="image/png")],
            "photo_meta": json.dumps([{"captured_at": "2026-03-02T09:00:00+08:00", "latitude": "27.33",
                                       "longitude": "103.71", "device": "手机"}]),
        },
    )
    assert response.status_code == 201, response.content
    case_id = response.json()["id"]
    listing = client_as("officer").get("/api/cases/").json()
    assert [c["id"] for c in listing["results"]] == [case_id]
    detail = client_as("officer").get(f"/api/cases/{case_id}/").json()
    assert detail["tasks"][0]["node"] == "verify"
    assert detail["evidence"][0]["sha256"] == hashlib.sha256(png_bytes()).hexdigest()
    assert detail["evidence"][0]["device"] == "手机"
    assert [e["kind"] for e in detail["timeline"]] == ["report", "evidence"]
    bad = client.post("/api/cases/", {"address": "", "description": ""})
    assert bad.status_code == 400
    assert set(bad.json()) >= {"address", "description"}
    assert client_as("legal").post("/api/cases/", {"address": "a", "description": "b"}).status_code == 403


def test_export_dossier_pdf_and_evidence_zip_with_manifest(reported: Driver) -> None:
    d = reported
    d.verify()
    client = d.client("officer")
    pdf = client.get(f"/cases/cases/{d.case.pk}/export/?part=dossier")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    zipped = client.get(f"/cases/cases/{d.case.pk}/export/?part=evidence")
    archive = zipfile.ZipFile(io.BytesIO(zipped.content))
    manifest = json.loads(archive.read("manifest.json"))
    (entry,) = [item for item in manifest["files"] if "document" not in item]
    (document,) = [item for item in manifest["files"] if "document" in item]
    assert document["sha256_at_upload"] == hashlib.sha256(archive.read(document["file"])).hexdigest()
    assert entry["sha256_at_upload"] == hashlib.sha256(archive.read(entry["file"])).hexdigest()
    assert entry["sha256_now"] == entry["sha256_at_upload"]
    assert entry["device"] == "巡查终端 HW-07"


def test_staff_without_an_enforcement_role_see_no_case(reported: Driver) -> None:
    """A permit reviewer of the same county is county staff, but cases are not their business."""
    client = reported.client("reviewer")
    assert client.get(f"/api/cases/{reported.case.pk}/").status_code == 404
    assert client.get("/api/cases/").json()["count"] == 0
    assert client.get(f"/cases/cases/{reported.case.pk}/").status_code in (403, 404)
    assert reported.client("supervisor").get(f"/api/cases/{reported.case.pk}/").status_code == 200


def test_viewflow_lists_show_only_cases_of_the_users_county(reported: Driver, demo_users: dict[str, Any]) -> None:
    foreign_officer(demo_users)
    queue = reported.client("officer").get("/cases/queue/").content.decode()
    assert f"/cases/{reported.case.process.pk}/verify/" in queue
    foreign = reported.client("reviewer_ludian").get("/cases/queue/").content.decode()
    assert f"/cases/{reported.case.process.pk}/verify/" not in foreign
