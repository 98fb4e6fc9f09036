"""Turning a document's data into PDF bytes: template -> HTML -> PDF in a worker process.

Rendering runs in a few worker processes (``python -m workflows.documents.pdfworker``) so
that a render running over ``XIUHUA_DOCUMENT_RENDER_TIMEOUT`` seconds can be killed (a
thread cannot be), and a pathological document cannot take the web process's memory with
it. Workers stay warm between renders (fonts loaded once); at most
``XIUHUA_DOCUMENT_RENDER_PROCESSES`` render at a time. Setting it to 0 renders in the
calling process instead, without a time limit.
"""

from __future__ import annotations

import atexit
import base64
import datetime as dt
import hashlib
import io
import json
import logging
import os
import queue
import select
import struct
import subprocess  # noqa: S404  (the renderer is our own module, started with fixed arguments)
import sys
import threading
import time
from functools import lru_cache
from typing import Any

import segno
from django.conf import settings
from django.template.loader import get_template, render_to_string
from django.utils.translation import gettext_lazy as _

from . import pdfworker
from .registry import DocumentKind

logger = logging.getLogger("xiuhua.documents")

BASE_TEMPLATE = "documents/base.html"
PARTIALS = (
    "documents/_seal.html",
    "documents/_ad_application.html",
    "documents/_party.html",
    "documents/_decision_body.html",
)
STYLESHEET = "official.css"

RENDER_TIMEOUT_MESSAGE = _("The document could not be rendered in time; nothing was issued. Try again.")


class DocumentRenderError(RuntimeError):
    pass


class _Worker:
    """One warm renderer process, used by one thread at a time."""

    def __init__(self) -> None:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(settings.BASE_DIR), os.environ.get("PYTHONPATH", "")])}
        self.process = subprocess.Popen(  # noqa: S603  (our own module, fixed arguments)
            [sys.executable, "-m", "workflows.documents.pdfworker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=str(settings.BASE_DIR),
            env=env,
        )
        self.renders = 0

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        if self.alive():
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()

    def _read_exact(self, size: int, deadline: float) -> bytes:
        assert self.process.stdout is not None  # noqa: S101
        fd = self.process.stdout.fileno()
        chunks: list[bytes] = []
        remaining = size
        while remaining:
            wait = deadline - time.monotonic()
            if wait <= 0 or not select.select([fd], [], [], wait)[0]:
                raise TimeoutError
            chunk = os.read(fd, min(remaining, 1 << 20))
            if not chunk:
                raise DocumentRenderError("renderer process exited")
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)

    def _read_frame(self, deadline: float) -> bytes:
        (size,) = _LEN.unpack(self._read_exact(_LEN.size, deadline))
        return self._read_exact(size, deadline)

    def render(self, html: str, assets: dict[str, bytes], timeout: float) -> tuple[bytes, list[str]]:
        assert self.process.stdin is not None  # noqa: S101
        deadline = time.monotonic() + timeout
        request = {"html": html, "assets": {name: base64.b64encode(blob).decode() for name, blob in assets.items()}}
        pdfworker.write_frame(self.process.stdin, json.dumps(request).encode())  # type: ignore[arg-type]
        self.process.stdin.flush()
        meta = json.loads(self._read_frame(deadline))
        pdf = self._read_frame(deadline)
        self.renders += 1
        if not meta["ok"]:
            raise DocumentRenderError(meta["error"])
        return pdf, list(meta["refused"])


_LEN = struct.Struct(">Q")
_idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
_slots: threading.BoundedSemaphore | None = None
_slots_lock = threading.Lock()
_all_workers: set[_Worker] = set()
# A worker is replaced after this many renders, so memory held by fonts and caches stays bounded.
MAX_RENDERS_PER_WORKER = 500


def _render_timeout() -> float:
    return float(getattr(settings, "XIUHUA_DOCUMENT_RENDER_TIMEOUT", 30))


def _processes() -> int:
    return int(getattr(settings, "XIUHUA_DOCUMENT_RENDER_PROCESSES", 2))


def _semaphore() -> threading.BoundedSemaphore:
    global _slots
    with _slots_lock:
        if _slots is None:
            _slots = threading.BoundedSemaphore(_processes())
        return _slots


def _take_worker() -> _Worker:
    while True:
        try:
            worker = _idle.get_nowait()
        except queue.Empty:
            worker = _Worker()
            with _slots_lock:
                _all_workers.add(worker)
            return worker
        if worker.alive():
            return worker
        _retire(worker)


def _retire(worker: _Worker) -> None:
    worker.kill()
    with _slots_lock:
        _all_workers.discard(worker)


@atexit.register
def _shutdown_workers() -> None:
    for worker in list(_all_workers):
        worker.kill()


def render_html_to_pdf(html: str, memory_assets: dict[str, bytes] | None = None) -> tuple[bytes, list[str]]:
    """PDF bytes and refused URLs; raises DocumentRenderError past the time limit."""
    assets = memory_assets or {}
    if _processes() <= 0:
        return pdfworker.render(html, assets)
    timeout = _render_timeout()
    slots = _semaphore()
    if not slots.acquire(timeout=timeout):
        raise DocumentRenderError(str(RENDER_TIMEOUT_MESSAGE))
    try:
        worker = _take_worker()
        try:
            result = worker.render(html, assets, timeout)
        except TimeoutError as exc:
            logger.error("document render exceeded %ss; renderer process killed", timeout)
            _retire(worker)
            raise DocumentRenderError(str(RENDER_TIMEOUT_MESSAGE)) from exc
        except BaseException:
            _retire(worker)
            raise
        if worker.renders >= MAX_RENDERS_PER_WORKER:
            _retire(worker)
        else:
            _idle.put(worker)
        return result
    finally:
        slots.release()


def qr_png(url: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=6, border=1)
    return buffer.getvalue()


@lru_cache(maxsize=64)
def template_version(kind: DocumentKind) -> str:
    """Digest of everything that shapes the page, so a stored PDF names the layout it came from."""
    digest = hashlib.sha256()
    for name in (BASE_TEMPLATE, *PARTIALS, kind.template):
        digest.update(get_template(name).template.source.encode())  # type: ignore[attr-defined]
    digest.update((pdfworker.ASSET_DIR / STYLESHEET).read_bytes())
    return f"{kind.code}@{digest.hexdigest()[:16]}"


def build_html(
    *,
    kind: DocumentKind,
    number: str,
    holder_name: str,
    data: dict[str, Any],
    issued_on: dt.date,
    verification_code: str,
    verify_url: str,
    county_name: str,
    issuer: dict[str, Any],
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
    supersedes_number: str = "",
    sample: bool = False,
) -> str:
    context = {
        "kind": kind,
        "title": kind.title,
        "number": number,
        "holder_name": holder_name,
        "data": data,
        "issued_on": issued_on,
        "valid_from": valid_from,
        "valid_until": valid_until,
        "code": verification_code,
        "verify_url": verify_url,
        "county_name": county_name,
        # The issuing authority as snapshotted at issue time: header, signature, seal, and the
        # review body and court named in the rights notice.
        "issuer": issuer,
        "bureau_name": issuer["name"],
        "supersedes_number": supersedes_number,
        "sample": sample,
        "asset": pdfworker.ASSET_SCHEME + ":",
    }
    # Official documents are Chinese whatever the requester's UI language.
    from django.utils import translation

    with translation.override("zh-hans"):
        return render_to_string(kind.template, context)


def render_document(**kwargs: Any) -> bytes:
    html = build_html(**kwargs)
    pdf, refused = render_html_to_pdf(html, {"qr.png": qr_png(kwargs["verify_url"])})
    if refused:
        # Our own templates reference only bundled assets; anything refused is worth a look.
        logger.warning("document renderer refused %d URL(s): %s", len(refused), refused[:5])
    return pdf
