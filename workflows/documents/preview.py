"""A picture of a document's first page for the public verify page (PDFium via pypdfium2).

Rendered from the stored PDF, so it shows exactly what was issued; cached by the PDF's SHA-256
(the file never changes under the same hash).
"""

from __future__ import annotations

import base64
import io
import logging

from django.core.cache import cache

from .models import IssuedDocument

logger = logging.getLogger(__name__)
PREVIEW_SCALE = 1.25  # 90 dpi: readable on a phone, ~100 kB
PREVIEW_SECONDS = 24 * 3600


def first_page_data_uri(document: IssuedDocument) -> str | None:
    """``data:image/png;base64,…`` of page one, or None when the PDF is not there (yet)."""
    key = f"xiuhua:doc-preview:{document.sha256}"
    cached = cache.get(key)
    if cached is not None:
        return str(cached) or None
    if not document.pdf:
        return None
    try:
        import pypdfium2 as pdfium

        with document.pdf.open("rb") as handle:
            pdf = pdfium.PdfDocument(handle.read())
        try:
            image = pdf[0].render(scale=PREVIEW_SCALE).to_pil()
        finally:
            pdf.close()
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=True)
    except (OSError, ValueError, pdfium.PdfiumError) as exc:  # a missing or unreadable file: no picture
        logger.warning("no preview for document %s: %s", document.pk, exc)
        return None
    uri = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
    cache.set(key, uri, PREVIEW_SECONDS)
    return uri
