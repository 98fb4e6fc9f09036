"""The exported case file: records, then the issued documents' own PDFs, plus the evidence zip."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest
from pypdf import PdfReader

from .helpers import Driver

pytestmark = pytest.mark.django_db


def _normalise(text: str) -> str:
    return "".join(text.split())


def test_dossier_is_one_pdf_with_records_and_every_issued_document(reported: Driver) -> None:
    d = reported
    d.verify()
    d.file_and_stop()
    client = d.client("officer")
    pending = client.get(f"/api/cases/{d.case.pk}/").json()["documents"]
    # Site inspection record, stop order and its record of service at least.
    assert len(pending) >= 3
    # PDFs are rendered after commit (the test never commits): until then no link and no hash.
    assert all(doc["ready"] is False and doc["download_url"] is None and doc["sha256"] is None for doc in pending)
    # The export needs every PDF now, so it renders the missing ones itself.
    exported = client.get(f"/cases/cases/{d.case.pk}/export/?part=dossier")
    documents = client.get(f"/api/cases/{d.case.pk}/").json()["documents"]
    assert [doc["number"] for doc in documents] == [doc["number"] for doc in pending]
    assert all(doc["ready"] is True and len(doc["sha256"]) == 64 for doc in documents)
    document_pages = []
    for document in documents:
        response = client.get(document["download_url"])
        assert response.status_code == 200
        data = b"".join(response.streaming_content) if response.streaming else response.content
        document_pages.append(len(PdfReader(io.BytesIO(data)).pages))

    assert exported.status_code == 200
    assert exported["Content-Type"] == "application/pdf"
    dossier = PdfReader(io.BytesIO(exported.content))
    records_pages = len(dossier.pages) - sum(document_pages)
    assert records_pages >= 1
    texts = [_normalise(page.extract_text()) for page in dossier.pages]
    # The records come first: the case number is on the first page, which is no issued document.
    assert _normalise(d.case.case_number or "") in texts[0]
    # Then each document, in the order of issue, starting on its own pages.
    position = records_pages
    for document, pages in zip(documents, document_pages, strict=True):
        own = "".join(texts[position : position + pages])
        assert _normalise(document["number"]) in own, document["number"]
        position += pages
    assert position == len(dossier.pages)

    zipped = client.get(f"/cases/cases/{d.case.pk}/export/?part=evidence")
    archive = zipfile.ZipFile(io.BytesIO(zipped.content))
    manifest = json.loads(archive.read("manifest.json"))
    listed = {item["file"]: item["sha256_at_upload"] for item in manifest["files"]}
    for document in documents:
        name = f"documents/{document['number']}.pdf"
        assert listed[name] == document["sha256"] == hashlib.sha256(archive.read(name)).hexdigest()
    sums = archive.read("SHA256SUMS").decode()
    assert all(f"{digest}  {name}" in sums for name, digest in listed.items())
