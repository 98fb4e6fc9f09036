"""A picture of a document's first page for the public verify page (PDFium via pypdfium2).

Rendered from the stored PDF, so it shows exactly what was issued; cached by the PDF's SHA-256
(the file never changes under the same hash).
"""

from __future__ import annotations

import base64
import io
import logging
import threading
from typing import Any

from django.core.cache import cache

from .models import IssuedDocument

logger = logging.getLogger(__name__)
PREVIEW_SCALE = 1.25  # 90 dpi: readable on a phone, ~100 kB
PREVIEW_SECONDS = 24 * 3600
# PDFium is not thread-safe, not even across different documents: two threads of one process
# (threaded gunicorn workers, runserver, the test live server) rendering at once crash the process.
# Every PDFium call — open, render, close — runs under this one process-wide lock.
PDFIUM_LOCK = threading.Lock()


def first_page_png(pdf: bytes, *, cache_key: str, scale: float = PREVIEW_SCALE) -> bytes | None:
    """PNG bytes of page one of ``pdf`` (cached under ``cache_key``), or None if it cannot be read."""
    cached = cache.get(cache_key)
    if cached is not None:
        return bytes(cached) or None
    import pypdfium2 as pdfium

    try:
        with PDFIUM_LOCK:
            png = _render_first_page(pdfium, pdf, scale)
    except (pdfium.PdfiumError, IndexError, ValueError) as exc:  # not a readable PDF: no picture
        logger.warning("no preview for %s: %s", cache_key, exc)
        cache.set(cache_key, b"", PREVIEW_SECONDS)
        return None
    cache.set(cache_key, png, PREVIEW_SECONDS)
    return png


def _render_first_page(pdfium: Any, pdf: bytes, scale: float) -> bytes:
    """Called under PDFIUM_LOCK; every PDFium object is closed before it returns, so no finaliser
    reaches PDFium later from another thread. The PIL image may share the bitmap's buffer: it is
    encoded before the bitmap is closed."""
    document = pdfium.PdfDocument(pdf)
    try:
        page = document[0]
        try:
            bitmap = page.render(scale=scale)
            try:
                buffer = io.BytesIO()
                bitmap.to_pil().save(buffer, format="PNG", optimize=True)
                return buffer.getvalue()
            finally:
                bitmap.close()
        finally:
            page.close()
    finally:
        document.close()


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
