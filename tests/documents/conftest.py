from __future__ import annotations

import io
import re
from typing import Any

import pytest
from pypdf import PdfReader

from outdoor_ads.services import application_submit
from workflows.documents.samples import SAMPLES
from workflows.documents.services import document_issue
from workflows.documents.tasks import render_document_task
from workflows.models import County

# Who issues each kind in the tests: someone holding one of the kind's issuing roles.
ISSUER_BY_ROLE = {
    "clerk": "clerk",
    "reviewer": "reviewer",
    "chief": "chief",
    "officer": "officer",
    "squadlead": "squadlead",
    "legal": "legal",
    "leader": "leader",
    "patrol": "patrol",
}


@pytest.fixture
def zhaoyang() -> County:
    return County.objects.get(name="昭阳区")


@pytest.fixture
def application(demo_users: dict[str, Any], zhaoyang: County) -> Any:
    return application_submit(
        acting_user=demo_users["applicant"], county=zhaoyang, facility_type="wall_sign", address="昭阳区珠泉路88号"
    )


def issuer_for(kind_code: str, demo_users: dict[str, Any]) -> Any:
    from workflows.documents.registry import KINDS

    return demo_users[ISSUER_BY_ROLE[KINDS[kind_code].issuing_roles[0]]]


def rendered(document: Any) -> Any:
    """What the render worker does after the issuing commit, run here (tests roll back instead
    of committing, so on-commit callbacks never fire): the Celery task's body, then a re-read."""
    render_document_task(document.pk)
    document.refresh_from_db()
    return document


def issue_sample(
    kind_code: str, *, subject: Any, county: County, demo_users: dict[str, Any], render: bool = True, **overrides: Any
) -> Any:
    """Issue a kind with its sample data; rendered unless ``render=False``."""
    sample = SAMPLES[kind_code]
    document = document_issue(
        kind=kind_code,
        county=county,
        subject=subject,
        holder_name=overrides.pop("holder_name", sample.holder_name),
        data={**sample.data, **overrides.pop("data", {})},
        acting_user=overrides.pop("acting_user", issuer_for(kind_code, demo_users)),
        valid_from=sample.valid_from,
        valid_until=sample.valid_until,
    )
    return rendered(document) if render else document


def pdf_bytes(document: Any) -> bytes:
    with document.pdf.open("rb") as handle:
        return handle.read()


def pdf_text(pdf: bytes) -> str:
    """All text of the PDF with whitespace removed (line breaks fall anywhere in Chinese)."""
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", "", "".join(page.extract_text() or "" for page in reader.pages))


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_font_names(pdf: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(pdf))
    names: set[str] = set()
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get_object().get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            names.add(str(font.get("/BaseFont", "")))
    return names


def pdf_image_count(pdf: bytes) -> int:
    """Distinct raster images (pages may share one resource dictionary)."""
    reader = PdfReader(io.BytesIO(pdf))
    return len({image.name for page in reader.pages for image in page.images})
