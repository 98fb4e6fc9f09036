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

import pydyf
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


# --- compact CJK fonts -------------------------------------------------------------------
# WeasyPrint subsets fonts with HarfBuzz keeping every glyph id up to the highest one used, so
# the embedded Noto CJK subset still lists ~63,000 (empty) glyphs: ~170 KB per face even for a
# one-page notice. Its CFF outlines are CID-keyed, and the PDF selects glyphs by CID, so the
# font can be embedded as bare CID-keyed CFF (FontFile3 /CIDFontType0C, PDF 1.7 §9.9) with only
# the glyphs drawn: each keeps its CID in the charset, readers map CID -> glyph through it, and
# nothing in the page content changes.


class _Unsupported(ValueError):
    """A font this compactor does not handle; it is then embedded as WeasyPrint made it."""


def _index(cff: bytes, pos: int) -> tuple[list[int], int, int]:
    """A CFF INDEX at ``pos``: (absolute start of each item plus the end, unused, next pos)."""
    count = int.from_bytes(cff[pos : pos + 2], "big")
    if count == 0:
        return [], pos + 2, pos + 2
    size = cff[pos + 2]
    table = pos + 3
    base = table + (count + 1) * size - 1
    offsets = [base + int.from_bytes(cff[i : i + size], "big") for i in range(table, table + (count + 1) * size, size)]
    return offsets, table, offsets[-1]


def _build_index(items: list[bytes]) -> bytes:
    if not items:
        return b"\x00\x00"
    ends, total = [1], 1
    for item in items:
        total += len(item)
        ends.append(total)
    return len(items).to_bytes(2, "big") + b"\x04" + b"".join(n.to_bytes(4, "big") for n in ends) + b"".join(items)


def _dict_entries(blob: bytes) -> list[tuple[bytes, bytes, list[int]]]:
    """CFF DICT as (operator, raw operands, integer operands) in order (reals kept raw)."""
    entries: list[tuple[bytes, bytes, list[int]]] = []
    i, start = 0, 0
    ints: list[int] = []
    while i < len(blob):
        b0 = blob[i]
        if b0 <= 21:
            op = blob[i : i + 2] if b0 == 12 else blob[i : i + 1]
            entries.append((op, blob[start:i], ints))
            i += len(op)
            start, ints = i, []
        elif b0 == 28:
            ints.append(int.from_bytes(blob[i + 1 : i + 3], "big", signed=True))
            i += 3
        elif b0 == 29:
            ints.append(int.from_bytes(blob[i + 1 : i + 5], "big", signed=True))
            i += 5
        elif b0 == 30:  # real: nibbles up to the 0xf terminator
            i += 1
            while blob[i] & 0x0F != 0x0F and blob[i] >> 4 != 0x0F:
                i += 1
            i += 1
        elif b0 <= 246:
            ints.append(b0 - 139)
            i += 1
        elif b0 <= 250:
            ints.append((b0 - 247) * 256 + blob[i + 1] + 108)
            i += 2
        elif b0 <= 254:
            ints.append(-(b0 - 251) * 256 - blob[i + 1] - 108)
            i += 2
        else:
            raise _Unsupported("reserved DICT byte")
    return entries


def _long(*numbers: int) -> bytes:
    return b"".join(b"\x1d" + n.to_bytes(4, "big", signed=True) for n in numbers)


CHARSET, CHARSTRINGS, PRIVATE, SUBRS = b"\x0f", b"\x11", b"\x12", b"\x13"
FDARRAY, FDSELECT, ROS = b"\x0c\x24", b"\x0c\x25", b"\x0c\x1e"


def _drawn_glyphs(cff: bytes, pos: int) -> tuple[list[int], list[bytes]]:
    """Glyph ids whose charstring is more than a lone endchar (.notdef always), and those
    charstrings. ``offset[g] - g`` only grows past a drawn glyph, so bisecting the offset table
    finds the few hundred drawn glyphs among ~63,000 without reading every offset."""
    count = int.from_bytes(cff[pos : pos + 2], "big")
    size = cff[pos + 2]
    table = pos + 3
    base = table + (count + 1) * size - 1

    def offset(gid: int) -> int:
        at = table + gid * size
        return int.from_bytes(cff[at : at + size], "big")

    drawn: list[int] = []
    pending = [(0, count)]  # glyphs lo..hi-1, knowing offset(lo) and offset(hi)
    while pending:
        lo, hi = pending.pop()
        if offset(hi) - hi == offset(lo) - lo:  # all of them lone endchars
            continue
        if hi - lo == 1:
            drawn.append(lo)
            continue
        mid = (lo + hi) // 2
        pending += [(mid, hi), (lo, mid)]
    keep = sorted({0, *drawn})
    return keep, [cff[base + offset(g) : base + offset(g + 1)] for g in keep]


def _cids(cff: bytes, pos: int, glyphs: int) -> list[int]:
    fmt, pos = cff[pos], pos + 1
    cids = [0]
    if fmt == 0:
        return cids + [int.from_bytes(cff[p : p + 2], "big") for p in range(pos, pos + 2 * (glyphs - 1), 2)]
    left_size = 1 if fmt == 1 else 2
    while len(cids) < glyphs:
        first = int.from_bytes(cff[pos : pos + 2], "big")
        left = int.from_bytes(cff[pos + 2 : pos + 2 + left_size], "big")
        cids.extend(range(first, first + left + 1))
        pos += 2 + left_size
    return cids[:glyphs]


def _fds(cff: bytes, pos: int, glyphs: int) -> bytes:
    fmt = cff[pos]
    if fmt == 0:
        return cff[pos + 1 : pos + 1 + glyphs]
    if fmt != 3:
        raise _Unsupported("FDSelect format")
    ranges = int.from_bytes(cff[pos + 1 : pos + 3], "big")
    out = bytearray(glyphs)
    for r in range(ranges):
        at = pos + 3 + 3 * r
        first, fd = int.from_bytes(cff[at : at + 2], "big"), cff[at + 2]
        end = int.from_bytes(cff[at + 3 : at + 5], "big")  # next range's first, or the sentinel
        out[first:end] = bytes([fd]) * (end - first)
    return bytes(out)


def _compact_cid_cff(data: bytes) -> bytes | None:
    """Bare CFF of an OpenType CID-keyed font holding only its drawn glyphs (None: leave it).

    Reads the OpenType table directory and the CFF structures directly: fontTools would decode
    all 63,000 entries of the charset, FDSelect and metrics, which costs more than the render.
    HarfBuzz has already desubroutinized the outlines, so no subroutines are carried.
    """
    try:
        return _compact(data)
    except (_Unsupported, IndexError, ValueError):
        return None


def _compact(data: bytes) -> bytes | None:
    if data[:4] != b"OTTO":
        return None
    tables = int.from_bytes(data[4:6], "big")
    cff = b""
    for i in range(tables):
        rec = data[12 + 16 * i : 28 + 16 * i]
        if rec[:4] == b"CFF ":
            offset, length = int.from_bytes(rec[8:12], "big"), int.from_bytes(rec[12:16], "big")
            cff = data[offset : offset + length]
    if not cff:
        return None
    _, _, after_name = _index(cff, cff[2])
    top_offsets, _, after_top = _index(cff, after_name)
    name_index = cff[cff[2] : after_name]
    _, _, after_strings = _index(cff, after_top)
    string_index = cff[after_top:after_strings]
    gsubr_offsets, _, _ = _index(cff, after_strings)
    if len(top_offsets) != 2 or gsubr_offsets:
        raise _Unsupported("not one desubroutinized font")
    top = _dict_entries(cff[top_offsets[0] : top_offsets[1]])
    ops = {op: ints for op, _, ints in top}
    if ROS not in ops or not {CHARSET, CHARSTRINGS, FDARRAY, FDSELECT} <= ops.keys():
        return None
    keep, charstrings = _drawn_glyphs(cff, ops[CHARSTRINGS][0])
    glyphs = int.from_bytes(cff[ops[CHARSTRINGS][0] : ops[CHARSTRINGS][0] + 2], "big")
    cids = _cids(cff, ops[CHARSET][0], glyphs)
    fds = _fds(cff, ops[FDSELECT][0], glyphs)
    fd_offsets, _, _ = _index(cff, ops[FDARRAY][0])
    font_dicts: list[list[tuple[bytes, bytes]]] = []
    privates: list[bytes] = []
    for k in range(len(fd_offsets) - 1):
        entries = _dict_entries(cff[fd_offsets[k] : fd_offsets[k + 1]])
        private = next((ints for op, _, ints in entries if op == PRIVATE), None)
        if private is None:
            raise _Unsupported("Font DICT without Private")
        blob = cff[private[1] : private[1] + private[0]]
        if any(op == SUBRS for op, _, _ in _dict_entries(blob)):
            raise _Unsupported("local subroutines")
        font_dicts.append([(op, raw) for op, raw, _ in entries if op != PRIVATE])
        privates.append(blob)

    # Layout: every offset is written as a 5-byte integer, so sizes never depend on values.
    offset_ops = (CHARSET, CHARSTRINGS, FDARRAY, FDSELECT)
    kept_top = b"".join(raw + op for op, raw, _ in top if op not in offset_ops)
    top_size = len(kept_top) + sum(5 + len(op) for op in offset_ops)
    head = b"\x01\x00\x04\x04"
    pos = len(head) + len(name_index) + len(_build_index([b"x" * top_size])) + len(string_index)
    gsubrs = b"\x00\x00"
    pos += len(gsubrs)
    charset = b"\x00" + b"".join(cid.to_bytes(2, "big") for cid in (cids[g] for g in keep[1:]))
    charset_at, pos = pos, pos + len(charset)
    fdselect = b"\x00" + bytes(fds[g] for g in keep)
    fdselect_at, pos = pos, pos + len(fdselect)
    cs_index = _build_index(charstrings)
    charstrings_at, pos = pos, pos + len(cs_index)
    fdarray_at = pos
    fd_index_size = len(_build_index([b""] * len(font_dicts))) + sum(
        sum(len(raw) + len(op) for op, raw in kept) + 11 for kept in font_dicts
    )
    private_at = fdarray_at + fd_index_size
    fd_items = []
    for kept, blob in zip(font_dicts, privates, strict=True):
        fd_items.append(b"".join(raw + op for op, raw in kept) + _long(len(blob), private_at) + PRIVATE)
        private_at += len(blob)
    top_dict = (
        kept_top
        + _long(charset_at) + CHARSET
        + _long(fdselect_at) + FDSELECT
        + _long(charstrings_at) + CHARSTRINGS
        + _long(fdarray_at) + FDARRAY
    )
    if len(top_dict) != top_size:
        raise _Unsupported("layout")
    return b"".join(
        [head, name_index, _build_index([top_dict]), string_index, gsubrs, charset, fdselect, cs_index,
         _build_index(fd_items), *privates]
    )


def compact_fonts(document: object, pdf: pydyf.PDF) -> None:
    """WeasyPrint finisher: replace every OpenType CID font stream by its compact bare CFF."""
    for obj in pdf.objects:
        if isinstance(obj, pydyf.Stream) and obj.extra.get("Subtype") == "/OpenType":
            font_file = b"".join(part if isinstance(part, bytes) else bytes(part) for part in obj.stream)
            compact = _compact_cid_cff(font_file)
            if compact is not None:
                obj.stream = [compact]
                obj.extra["Subtype"] = "/CIDFontType0C"


def render(html: str, memory_assets: dict[str, bytes]) -> tuple[bytes, list[str]]:
    """The PDF bytes of ``html`` and the URLs the fetcher refused along the way."""
    fetcher = SafeURLFetcher(memory_assets)
    document = HTML(string=html, base_url=None, url_fetcher=fetcher)
    pdf = document.write_pdf(font_config=FontConfiguration(), uncompressed_pdf=False, finisher=compact_fonts)
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
