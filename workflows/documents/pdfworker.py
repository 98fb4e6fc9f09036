"""HTML -> PDF in a worker process, with a URL fetcher that serves only our own assets.

This module imports no Django on purpose: it runs as the renderer's worker process
(``python -m workflows.documents.pdfworker``, see ``rendering``), which the issuing process
kills when a render runs over its time limit.

The fetcher is the only way WeasyPrint reaches anything outside the HTML string. It answers
``xiuhua-asset:<name>`` from the files in ``assets/`` next to this module and from the
in-memory assets of the current render (the QR code), and refuses every other URL —
``file:``, ``http(s):``, ``data:``, ``ftp:`` — and any name that could leave that directory.
Fonts come from fontconfig by family name, which is not a URL fetch.
"""

from __future__ import annotations

import base64
import json
import logging
import re
import struct
import sys
from pathlib import Path
from typing import BinaryIO

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

ASSET_SCHEME = "xiuhua-asset"
ASSET_DIR = Path(__file__).resolve().parent / "assets"
_NAME_RE = re.compile(r"[a-z0-9][a-z0-9_-]*\.(css|svg|png)")
_MIME = {"css": "text/css", "svg": "image/svg+xml", "png": "image/png"}


class AssetRefused(ValueError):
    pass


class SafeURLFetcher(URLFetcher):
    """Serves bundled and in-memory assets only; remembers every URL it refused."""

    def __init__(self, memory_assets: dict[str, bytes] | None = None) -> None:
        super().__init__(timeout=1, allowed_protocols=[ASSET_SCHEME], allow_redirects=False, fail_on_errors=False)
        self.memory_assets = dict(memory_assets or {})
        self.refused: list[str] = []

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        prefix = ASSET_SCHEME + ":"
        name = url[len(prefix) :] if url.startswith(prefix) else ""
        match = _NAME_RE.fullmatch(name)
        if match is None:
            self.refused.append(url)
            raise AssetRefused(f"refused URL: {url[:200]}")
        content_type = _MIME[match.group(1)]
        if name in self.memory_assets:
            return URLFetcherResponse(url, body=self.memory_assets[name], headers={"Content-Type": content_type})
        path = (ASSET_DIR / name).resolve()
        if path.parent != ASSET_DIR or not path.is_file():
            self.refused.append(url)
            raise AssetRefused(f"no such asset: {name}")
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})

    def open(self, url: object, data: object = None, timeout: object = None) -> URLFetcherResponse:
        # urllib's opener machinery must never run, whatever WeasyPrint hands us.
        return self.fetch(str(getattr(url, "full_url", url)))

    def __call__(self, url: str) -> URLFetcherResponse:
        return self.fetch(url)


def render(html: str, memory_assets: dict[str, bytes]) -> tuple[bytes, list[str]]:
    """The PDF bytes of ``html`` and the URLs the fetcher refused along the way."""
    fetcher = SafeURLFetcher(memory_assets)
    document = HTML(string=html, base_url=None, url_fetcher=fetcher)
    pdf = document.write_pdf(font_config=FontConfiguration(), uncompressed_pdf=False)
    assert pdf is not None  # noqa: S101  (write_pdf without a target always returns bytes)
    return pdf, fetcher.refused


# --- worker process protocol -------------------------------------------------------------
# The parent (``rendering``) starts ``python -m workflows.documents.pdfworker`` and talks to it
# over stdin/stdout: each message is an 8-byte big-endian length followed by that many bytes.
# Request: JSON {"html": str, "assets": {name: base64}}. Reply: JSON {"ok", "refused", "error"},
# then the PDF bytes (empty on error).

_LEN = struct.Struct(">Q")


def write_frame(stream: BinaryIO, payload: bytes) -> None:
    stream.write(_LEN.pack(len(payload)))
    stream.write(payload)


def read_frame(stream: BinaryIO) -> bytes | None:
    header = stream.read(_LEN.size)
    if len(header) < _LEN.size:
        return None
    (size,) = _LEN.unpack(header)
    payload = stream.read(size)
    if len(payload) < size:
        return None
    return payload


def serve(stdin: BinaryIO, stdout: BinaryIO) -> None:
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    while True:
        frame = read_frame(stdin)
        if frame is None:
            return
        request = json.loads(frame)
        assets = {name: base64.b64decode(blob) for name, blob in request.get("assets", {}).items()}
        try:
            pdf, refused = render(request["html"], assets)
            meta = {"ok": True, "refused": refused, "error": ""}
        except Exception as exc:  # reported to the parent, which raises
            pdf, meta = b"", {"ok": False, "refused": [], "error": f"{type(exc).__name__}: {exc}"}
        write_frame(stdout, json.dumps(meta).encode())
        write_frame(stdout, pdf)
        stdout.flush()


if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
