"""Export of the case file: one PDF dossier of every act and record followed by the issued
documents themselves, and the evidence as a zip with a manifest of the SHA-256 taken at upload
(so anyone can check nothing was altered)."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

from django.template.loader import render_to_string
from django.utils import timezone

from workflows import audit, clock
from workflows.documents.authorities import authority_for
from workflows.documents.selectors import documents_for
from workflows.documents.services import document_pdf_bytes

from . import selectors
from .models import Case


def dossier_pdf(case: Case) -> bytes:
    """The records first, then every issued document's stored PDF, in the order of issue.

    The stored bytes are appended as they are (never re-rendered), so the dossier shows exactly
    what was served on the party, with its number and verification code.
    """
    from pypdf import PdfReader, PdfWriter
    from weasyprint import HTML

    # A document the render worker has not reached yet is rendered now: the dossier needs its bytes.
    documents = list(documents_for(case))
    pdfs = {document.pk: document_pdf_bytes(document) for document in documents}
    html = render_to_string(
        "illegal_building/dossier.html",
        {
            "case": case,
            "bureau": authority_for(county=case.county).name,
            "timeline": selectors.timeline(case),
            "records": selectors.records_for(case),
            "evidence": selectors.evidence_for(case),
            "history": audit.history(case),
            "documents": documents,
            "exported_at": timezone.localtime(clock.now()),
        },
    )
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(HTML(string=html).write_pdf())))
    for document in documents:
        writer.append(PdfReader(io.BytesIO(pdfs[document.pk])), outline_item=f"{document.title} {document.number}")
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def evidence_zip(case: Case) -> bytes:
    buffer = io.BytesIO()
    manifest = []
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for evidence in selectors.evidence_for(case):
            with evidence.file.open("rb") as handle:
                data = handle.read()
            name = f"{evidence.pk:05d}-{evidence.original_name}"
            archive.writestr(name, data)
            manifest.append(
                {
                    "file": name,
                    "sha256_at_upload": evidence.sha256,
                    "sha256_now": hashlib.sha256(data).hexdigest(),
                    "size": evidence.size,
                    "captured_at": evidence.captured_at.isoformat() if evidence.captured_at else None,
                    "latitude": str(evidence.latitude) if evidence.latitude is not None else None,
                    "longitude": str(evidence.longitude) if evidence.longitude is not None else None,
                    "device": evidence.device,
                    "uploaded_by": evidence.created_by.display_name,
                    "uploaded_at": evidence.created_at.isoformat(),
                }
            )
        for document in documents_for(case):
            data = document_pdf_bytes(document)
            name = f"documents/{document.number}.pdf"
            archive.writestr(name, data)
            manifest.append(
                {
                    "file": name,
                    "sha256_at_upload": document.sha256,
                    "sha256_now": hashlib.sha256(data).hexdigest(),
                    "size": len(data),
                    "document": document.title,
                    "status": document.status,
                    "uploaded_by": document.issued_by.display_name if document.issued_by else "",
                    "uploaded_at": document.issued_at.isoformat(),
                }
            )
        archive.writestr(
            "manifest.json",
            json.dumps({"case": str(case), "files": manifest}, ensure_ascii=False, indent=2),
        )
        archive.writestr(
            "SHA256SUMS",
            "".join(f"{item['sha256_at_upload']}  {item['file']}\n" for item in manifest),
        )
    return buffer.getvalue()
