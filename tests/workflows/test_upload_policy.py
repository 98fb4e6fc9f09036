"""Every upload path refuses bad files with a field message in Chinese, and stores nothing."""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from PIL import Image
from rest_framework.test import APIClient

from illegal_building.models import Case, EvidenceFile
from outdoor_ads.forms import SurveyForm
from outdoor_ads.models import Attachment, PermitApplication
from tests.illegal_building.conftest import monday, reported  # noqa: F401  (fixtures)
from tests.illegal_building.helpers import Driver
from tests.outdoor_ads.support import WALL_SIGN_MATERIALS, application_data, minimal_pdf, pdf_bytes, png_bytes
from workflows import uploads
from workflows.models import County

pytestmark = pytest.mark.django_db


def zh(message: Any, **params: Any) -> str:
    with translation.override("zh-hans"):
        text = str(message) % params
    with translation.override("en"):
        assert text != str(message) % params, "message must be translated"
    return text


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [Path(d) / f for d, _dirs, files in os.walk(root) for f in files] if root.exists() else []


# --- the bad files -----------------------------------------------------------------------------

SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script></svg>"
)
HTML_PAGE = b"<!DOCTYPE html><html><body><script>fetch('/api/me/')</script></body></html>"


@functools.cache
def png_bomb(width: int = 30000, height: int = 30000) -> bytes:
    """A valid 1-bit PNG of width × height pixels: ~100 KB on disk, 900 million pixels decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\x00" * (1 + (width + 7) // 8)
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(row * 1000) for _ in range(height // 1000)) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
        + chunk(b"IDAT", body)
        + chunk(b"IEND", b"")
    )


def pdf_with_open_action() -> bytes:
    return minimal_pdf(
        b"<</Type/Catalog/Pages 2 0 R/OpenAction 4 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>",
        b"<</Type/Action/S/JavaScript/JS(app.alert\\('x'\\))>>",
    )


def pdf_with_link_javascript() -> bytes:
    # Hidden one level down: a page annotation whose action runs a script, name written with #-escapes.
    return minimal_pdf(
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Annots[4 0 R]>>",
        b"<</Type/Annot/Subtype/Link/Rect[0 0 100 100]/A<</S/J#61vaScript/J#53(x)>>>>",
    )


def big_jpeg_like(megabytes: int = 50) -> bytes:
    return b"\xff\xd8\xff\xe0" + b"\x00" * (megabytes * 1024 * 1024)


# --- permit materials (web form) -----------------------------------------------------------------


def apply_with(client: Client, name: str, content: bytes) -> Any:
    data = application_data()
    for code in WALL_SIGN_MATERIALS:
        data[f"material_{code}"] = [SimpleUploadedFile(f"{code}.pdf", pdf_bytes(code))]
    data[f"material_{WALL_SIGN_MATERIALS[0]}"] = [SimpleUploadedFile(name, content)]
    return client.post("/ads/apply/wall_sign/", data)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("sign.svg", lambda: SVG_WITH_SCRIPT, uploads.UPLOAD_MARKUP),
        ("photo.jpg", lambda: HTML_PAGE, uploads.UPLOAD_MARKUP),
        ("huge.jpg", big_jpeg_like, uploads.UPLOAD_TOO_LARGE),
        ("bomb.png", png_bomb, uploads.UPLOAD_IMAGE_TOO_BIG),
        ("plan.pdf", pdf_with_open_action, uploads.UPLOAD_PDF_ACTIVE),
        ("plan2.pdf", pdf_with_link_javascript, uploads.UPLOAD_PDF_ACTIVE),
        ("video.mp4", lambda: b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64, uploads.UPLOAD_WRONG_TYPE),
    ],
    ids=["svg-script", "html-as-jpg", "50MB", "png-bomb", "pdf-openaction", "pdf-link-js", "mp4-not-material"],
)
def test_permit_materials_refuse_bad_files(client_as, name, content, message):
    before = stored_files()
    response = apply_with(client_as("applicant"), name, content())
    assert response.status_code == 200
    params = {"name": name}
    if message is uploads.UPLOAD_TOO_LARGE:
        params["limit"] = 10
    if message is uploads.UPLOAD_IMAGE_TOO_BIG:
        params["limit"] = 50
    form = response.context["form"]
    assert zh(message, **params) in [str(e) for e in form.errors[f"material_{WALL_SIGN_MATERIALS[0]}"]]
    assert zh(message, **params) in response.content.decode()
    assert not PermitApplication.objects.exists()
    assert not Attachment.objects.exists()
    assert stored_files() == before


def test_a_good_pdf_and_png_still_pass(client_as):
    response = apply_with(client_as("applicant"), "photo.png", png_bytes())
    assert response.status_code == 302
    attachment = Attachment.objects.get(original_name="photo.png")
    assert attachment.mime_type == "image/png"
    assert attachment.sha256 == hashlib.sha256(png_bytes()).hexdigest()


# --- the anonymous citizen report (strictest) ----------------------------------------------------


def citizen_report(name: str, content: bytes) -> Any:
    return Client().post(
        "/public/cases/report/",
        {
            "county": County.objects.get(name="昭阳区").pk,
            "address": "昭阳区海楼路5号",
            "description": "院内新建二层砖房",
            "photo": SimpleUploadedFile(name, content, content_type="image/jpeg"),
        },
    )


@pytest.mark.parametrize(
    ("name", "content", "message", "params"),
    [
        ("x.svg", lambda: SVG_WITH_SCRIPT, uploads.UPLOAD_MARKUP, {}),
        ("x.jpg", lambda: HTML_PAGE, uploads.UPLOAD_MARKUP, {}),
        ("x.jpg", big_jpeg_like, uploads.UPLOAD_TOO_LARGE, {"limit": 8}),
        ("x.png", png_bomb, uploads.UPLOAD_IMAGE_TOO_BIG, {"limit": 25}),
        ("x.pdf", lambda: pdf_bytes("scan"), uploads.UPLOAD_WRONG_TYPE_IMAGE, {}),  # staff may send scans, citizens not
    ],
    ids=["svg-script", "html-as-jpg", "50MB", "png-bomb", "pdf"],
)
def test_citizen_report_refuses_bad_files(demo_users, name, content, message, params):
    before = stored_files()
    response = citizen_report(name, content())
    assert response.status_code == 200
    assert zh(message, name=name, **params) in [str(e) for e in response.context["form"].errors["photo"]]
    assert not Case.objects.exists()
    assert not EvidenceFile.objects.exists()
    assert stored_files() == before


def test_citizen_photo_between_the_public_and_staff_pixel_caps_is_refused(demo_users):
    # 6000 × 5000 = 30 MP: fine for staff evidence (50 MP), too many for the anonymous form (25 MP).
    buffer = io.BytesIO()
    Image.new("1", (6000, 5000)).save(buffer, format="PNG")
    response = citizen_report("big.png", buffer.getvalue())
    assert zh(uploads.UPLOAD_IMAGE_TOO_BIG, name="big.png", limit=25) in response.content.decode()
    assert not Case.objects.exists()


def test_citizen_report_with_a_good_photo_stores_it_under_its_hash(demo_users):
    response = citizen_report("site.png", png_bytes())
    assert response.status_code == 200
    evidence = EvidenceFile.objects.get()
    assert evidence.content_type == "image/png"
    assert evidence.file.name.endswith(f"{evidence.sha256}-evidence.png")


# --- staff evidence (record form) and the field-report API -------------------------------------


def test_case_evidence_refuses_html_renamed_jpg_and_a_pdf_with_javascript(reported: Driver):  # noqa: F811
    before_rows = EvidenceFile.objects.count()
    before = stored_files()
    for name, content, message in [
        ("scene.jpg", HTML_PAGE, uploads.UPLOAD_MARKUP),
        ("scan.pdf", pdf_with_open_action(), uploads.UPLOAD_PDF_ACTIVE),
        ("drawing.svg", SVG_WITH_SCRIPT, uploads.UPLOAD_MARKUP),
    ]:
        response = reported.client("officer").post(
            f"/cases/cases/{reported.case.pk}/records/evidence/",
            {"evidence-file": SimpleUploadedFile(name, content, content_type="image/jpeg")},
            follow=True,
        )
        assert zh(message, name=name) in response.content.decode()
    assert EvidenceFile.objects.count() == before_rows
    assert stored_files() == before


def test_field_report_api_refuses_an_svg_photo(demo_users):
    api = APIClient()
    api.force_authenticate(demo_users["patrol"])
    response = api.post(
        "/api/cases/",
        {
            "address": "昭阳区学院路3号",
            "description": "违法加层",
            "photos": [SimpleUploadedFile("a.svg", SVG_WITH_SCRIPT, content_type="image/svg+xml")],
            "photo_meta": json.dumps([{}]),
        },
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert response.json()["photos"] == [zh(uploads.UPLOAD_MARKUP, name="a.svg")]
    assert not Case.objects.exists()


def test_survey_photos_must_be_images(client_as):
    form_field = SurveyForm.base_fields["photos"]
    assert form_field.policy is uploads.SURVEY_PHOTOS
    with pytest.raises(ValidationError) as refused, translation.override("zh-hans"):
        form_field.clean([SimpleUploadedFile("survey.pdf", pdf_bytes("x"))])
    assert refused.value.messages == [zh(uploads.UPLOAD_WRONG_TYPE_IMAGE, name="survey.pdf")]


def test_hash_is_streamed_not_read_whole():
    class Spy(io.BytesIO):
        sizes: list[int | None] = []

        def read(self, size: int | None = -1) -> bytes:
            self.sizes.append(size)
            return super().read(size)

    # A file on disk (TemporaryUploadedFile) behaves like this File: chunks() reads 64 KB at a time.
    upload = File(Spy(png_bytes()), name="site.png")
    checked = uploads.check_upload(upload, policy=uploads.MATERIALS)
    assert checked.sha256 == hashlib.sha256(png_bytes()).hexdigest()
    assert Spy.sizes and all(size is not None and 0 <= size <= 64 * 1024 for size in Spy.sizes), Spy.sizes
