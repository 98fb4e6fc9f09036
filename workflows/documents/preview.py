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


def first_page_png(pdf: bytes, *, cache_key: str, scale: float = PREVIEW_SCALE) -> bytes | None:
    """PNG bytes of page one of ``pdf`` (cached under ``cache_key``), or None if it cannot be read."""
    cached = cache.get(cache_key)
    if cached is not None:
        return bytes(cached) or None
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(pdf)
        try:
            page = document[0]
            try:
                image = page.render(scale=scale).to_pil()
            finally:
                page.close()
        finally:
            document.close()
    except (pdfium.PdfiumError, IndexError, ValueError) as exc:  # not a readable PDF: no picture
        logger.warning("no preview for %s: %s", cache_key, exc)
        cache.set(cache_key, b"", PREVIEW_SECONDS)
        return None
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    png = buffer.getvalue()
    cache.set(cache_key, png, PREVIEW_SECONDS)
    return png


def first_page_data_uri(document: IssuedDocument) -> str | None:
    """``data:image/png;base64,…`` of an issued document's page one, or None when its PDF is not there (yet)."""
    if not document.pdf:
        return None
    try:
        with document.pdf.open("rb") as handle:
            data = handle.read()
    except OSError as exc:
        logger.warning("no preview for document %s: %s", document.pk, exc)
        return None
    png = first_page_png(data, cache_key=f"xiuhua:doc-preview:{document.sha256}")
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii") if png else None
