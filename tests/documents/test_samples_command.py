"""render_sample_documents: one PDF per kind for legal review; --issue makes them verifiable."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from workflows.documents.models import IssuedDocument
from workflows.documents.registry import KINDS

from .conftest import pdf_text

pytestmark = pytest.mark.django_db


def test_renders_every_kind_as_a_watermarked_sample_without_issuing(tmp_path):
    out = io.StringIO()
    call_command("render_sample_documents", "--out", str(tmp_path / "pdfs"), stdout=out)
    for code, kind in KINDS.items():
        pdf = (tmp_path / "pdfs" / f"{code}.pdf").read_bytes()
        text = pdf_text(pdf)
        assert kind.title in text and "样本" in text
    assert not IssuedDocument.objects.exists()
    assert len(out.getvalue().splitlines()) == len(KINDS)


def test_issue_mode_puts_verifiable_documents_on_record(tmp_path, client):
    call_command("render_sample_documents", "--out", str(tmp_path), "--issue", stdout=io.StringIO())
    assert IssuedDocument.objects.count() == len(KINDS)
    document = IssuedDocument.objects.get(kind="ad_permit")
    assert "样本" not in pdf_text((tmp_path / "ad_permit.pdf").read_bytes())
    response = client.get(document.get_verify_url())
    assert response.status_code == 200 and document.number in response.content.decode()


def test_issue_mode_is_refused_in_production(tmp_path):
    with override_settings(XIUHUA_ENVIRONMENT="production"), pytest.raises(CommandError):
        call_command("render_sample_documents", "--out", str(tmp_path), "--issue", stdout=io.StringIO())
    assert not IssuedDocument.objects.exists()
