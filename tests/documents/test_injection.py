"""User text is text: no markup, no file read, no request, whatever an applicant types."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import override_settings

from workflows.documents import pdfworker
from workflows.documents.models import IssuedDocument
from workflows.documents.rendering import DocumentRenderError, render_html_to_pdf
from workflows.documents.tasks import render_document_task

from .conftest import issue_sample, pdf_bytes, pdf_image_count, pdf_text, squash

pytestmark = pytest.mark.django_db


@pytest.fixture
def canary() -> Iterator[socket.socket]:
    """A listening socket on loopback: any connection the renderer makes queues up here."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.setblocking(False)
    yield listener
    listener.close()


def assert_no_connection(listener: socket.socket) -> None:
    with pytest.raises(BlockingIOError):
        connection, _ = listener.accept()
        connection.close()


@pytest.fixture
def secret_png(tmp_path: Path) -> Path:
    """A real image on disk: if the renderer read it, the PDF would contain an extra image."""
    import io

    from PIL import Image

    path = tmp_path / "secret.png"
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), (255, 0, 0)).save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return path


def test_hostile_user_text_appears_literally_and_reaches_nothing(application, zhaoyang, demo_users, canary, secret_png):
    port = canary.getsockname()[1]
    hostile = {
        "facts": f'<img src="file://{secret_png}"><img src="file:///etc/passwd">',
        "address": f"@import url(http://127.0.0.1:{port}/a.css); 珠泉路",
        "legal_basis": f"<style>body{{background:url(file://{secret_png})}}</style><b>粗体</b>",
        "case_number": f'<link rel="stylesheet" href="http://127.0.0.1:{port}/b.css">',
    }
    huge = '<div style="width:99999999999px;height:1e308px;font-size:99999px">巨</div>'
    document = issue_sample(
        "case_stop_order",
        subject=application,
        county=zhaoyang,
        demo_users=demo_users,
        holder_name=huge,
        data=hostile,
    )
    pdf = pdf_bytes(document)
    text = pdf_text(pdf)
    for value in [huge, *hostile.values()]:
        assert squash(value) in text, value
    assert "root:x:0:0" not in text
    # only our own QR code (the seal area is vector): nothing loaded from the injected URLs
    assert pdf_image_count(pdf) == 1
    assert_no_connection(canary)
    assert IssuedDocument.objects.count() == 1


def test_renderer_refuses_every_url_but_bundled_assets_even_in_raw_html(canary, secret_png, tmp_path):
    port = canary.getsockname()[1]
    html = f"""<html><head>
    <link rel="stylesheet" href="http://127.0.0.1:{port}/link.css">
    <link rel="stylesheet" href="file://{tmp_path}/x.css">
    <style>
      @import url(http://127.0.0.1:{port}/import.css);
      @import url(file:///etc/passwd);
      @font-face {{ font-family: evil; src: url(http://127.0.0.1:{port}/font.woff); }}
      body {{ background: url(file://{secret_png}); font-family: evil; }}
    </style></head><body>
    <p>正文</p>
    <img src="file://{secret_png}">
    <img src="http://127.0.0.1:{port}/img.png">
    <img src="https://127.0.0.1:{port}/img.png">
    <img src="data:image/png;base64,iVBORw0KGgo=">
    <img src="ftp://127.0.0.1:{port}/x.png">
    <img src="{pdfworker.ASSET_SCHEME}:../pdfworker.py">
    <img src="{pdfworker.ASSET_SCHEME}:/etc/passwd">
    <img src="{pdfworker.ASSET_SCHEME}:seal-area.svg">
    </body></html>"""
    pdf, refused = render_html_to_pdf(html)
    assert pdf.startswith(b"%PDF-")
    assert_no_connection(canary)
    for url in (
        f"http://127.0.0.1:{port}/link.css",
        f"http://127.0.0.1:{port}/import.css",
        "file:///etc/passwd",
        f"http://127.0.0.1:{port}/font.woff",
        f"file://{secret_png}",
        f"http://127.0.0.1:{port}/img.png",
        f"https://127.0.0.1:{port}/img.png",
        f"ftp://127.0.0.1:{port}/x.png",
        f"{pdfworker.ASSET_SCHEME}:../pdfworker.py",
        f"{pdfworker.ASSET_SCHEME}:/etc/passwd",
    ):
        assert url in refused, url
    assert any(url.startswith("data:") for url in refused)
    # the bundled seal area is vector; no raster image got in
    assert pdf_image_count(pdf) == 0


def test_fetcher_serves_bundled_and_in_memory_assets_only():
    fetcher = pdfworker.SafeURLFetcher({"qr.png": b"\x89PNG"})
    assert fetcher(f"{pdfworker.ASSET_SCHEME}:official.css").read().startswith(b"/*")
    assert fetcher(f"{pdfworker.ASSET_SCHEME}:qr.png").read() == b"\x89PNG"
    for url in (
        "file:///etc/passwd",
        "http://127.0.0.1/",
        f"{pdfworker.ASSET_SCHEME}:../../approvals/settings/base.py",
        f"{pdfworker.ASSET_SCHEME}:missing.css",
        f"{pdfworker.ASSET_SCHEME}:OFFICIAL.CSS",
    ):
        with pytest.raises(pdfworker.AssetRefused):
            fetcher(url)
    with pytest.raises(pdfworker.AssetRefused):
        fetcher.open("http://127.0.0.1/")


def test_a_render_over_the_time_limit_is_killed_recorded_and_retried(application, zhaoyang, demo_users, client_as):
    document = issue_sample("ad_acceptance", subject=application, county=zhaoyang, demo_users=demo_users, render=False)
    with override_settings(XIUHUA_DOCUMENT_RENDER_TIMEOUT=0.01), pytest.raises(DocumentRenderError):
        render_document_task(document.pk)
    # the document stays issued under its number; the failure is on record and nothing is stored
    document.refresh_from_db()
    assert not document.is_ready and not document.pdf and document.sha256 == ""
    assert document.render_attempts == 1 and "DocumentRenderError" in document.render_error
    assert client_as("clerk").get(document.get_download_url()).status_code == 202
    # the renderer recovers and the retry stores the PDF
    render_document_task(document.pk)
    document.refresh_from_db()
    assert document.is_ready and document.render_error == "" and document.render_attempts == 2
    assert pdf_bytes(document).startswith(b"%PDF-")
