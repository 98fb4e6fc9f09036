"""PDFs are rendered after the issuing transaction commits, by a Celery task, idempotently;
until then pages say 生成中 and the download says "not ready yet"; a rolled-back transaction
leaves no file behind, and a sweep removes files no document names."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, transaction

from workflows import audit
from workflows.documents import rendering
from workflows.documents.models import DocumentCounter, IssuedDocument
from workflows.documents.services import documents_sweep_orphan_files
from workflows.documents.tasks import render_document_task

from .conftest import issue_sample, pdf_bytes, pdf_text

pytestmark = pytest.mark.django_db


def document_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT) / "documents"
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


def test_issuing_stores_the_number_and_data_and_queues_the_render_for_after_commit(
    application, zhaoyang, demo_users, django_capture_on_commit_callbacks, celery_eager, client_as
):
    before = document_files()
    with django_capture_on_commit_callbacks() as callbacks:
        document = issue_sample(
            "ad_acceptance", subject=application, county=zhaoyang, demo_users=demo_users, render=False
        )
        # inside the transaction: numbered and on record, nothing rendered or written
        assert document.number.endswith(f"〔{document.year}〕1号")
        assert not document.is_ready and not document.pdf and document_files() == before
    assert len(callbacks) == 1
    # pages and the download say it is being generated, not an error
    assert client_as("clerk").get(f"/ads/applications/{application.pk}/").status_code == 200
    pending = client_as("clerk").get(document.get_download_url())
    assert pending.status_code == 202 and pending["Retry-After"] == "3"
    assert "本文书的PDF正在生成中" in pending.content.decode() and document.number in pending.content.decode()
    from django.template.loader import render_to_string

    assert "生成中" in render_to_string("documents/_list.html", {"documents": [document]})

    callbacks[0]()  # the commit: Celery (eager here) runs the render task
    document.refresh_from_db()
    assert document.is_ready
    body = pdf_bytes(document)
    assert hashlib.sha256(body).hexdigest() == document.sha256 and document.number in pdf_text(body)
    response = client_as("clerk").get(document.get_download_url())
    assert response.status_code == 200 and b"".join(response.streaming_content) == body


def test_rendering_twice_is_a_no_op(application, zhaoyang, demo_users):
    document = issue_sample("ad_acceptance", subject=application, county=zhaoyang, demo_users=demo_users)
    name, digest, files = document.pdf.name, document.sha256, document_files()
    render_document_task(document.pk)  # a redelivered task (acks_late) or a second queueing
    document.refresh_from_db()
    assert (document.pdf.name, document.sha256, document.render_attempts) == (name, digest, 1)
    assert document_files() == files
    assert [e.action for e in audit.history(document)].count("document.render") == 1
    render_document_task(document.pk + 10_000)  # a document that no longer exists: nothing to do


def test_a_rolled_back_transaction_leaves_no_document_number_nor_file(application, zhaoyang, demo_users):
    before = document_files()

    class Crash(Exception):
        pass

    with pytest.raises(Crash), transaction.atomic():
        issue_sample("ad_acceptance", subject=application, county=zhaoyang, demo_users=demo_users, render=False)
        raise Crash
    assert not IssuedDocument.objects.exists()
    assert not DocumentCounter.objects.filter(last_sequence__gt=0).exists()
    assert document_files() == before
    # the next document gets the number the rolled-back one would have had
    document = issue_sample("ad_acceptance", subject=application, county=zhaoyang, demo_users=demo_users)
    assert document.sequence == 1


def test_the_sweep_removes_document_files_no_row_names(application, zhaoyang, demo_users):
    kept = issue_sample("ad_acceptance", subject=application, county=zhaoyang, demo_users=demo_users)
    root = Path(settings.MEDIA_ROOT) / "documents" / "2026"
    root.mkdir(parents=True, exist_ok=True)
    orphan, fresh = root / "ORPHANORPHANORPH.pdf", root / "FRESHFRESHFRESHF.pdf"
    orphan.write_bytes(b"%PDF-1.7 left behind by a crashed render")
    fresh.write_bytes(b"%PDF-1.7 a render that is about to record its file")
    hour_ago = time.time() - 2 * 3600
    os.utime(orphan, (hour_ago, hour_ago))
    os.utime(Path(kept.pdf.path), (hour_ago, hour_ago))
    removed = documents_sweep_orphan_files()
    assert removed == ["documents/2026/ORPHANORPHANORPH.pdf"]
    assert not orphan.exists() and fresh.exists() and Path(kept.pdf.path).exists()
    fresh.unlink()


def test_no_transaction_is_open_while_the_pdf_renders(application, zhaoyang, demo_users, monkeypatch):
    document = issue_sample("ad_acceptance", subject=application, county=zhaoyang, demo_users=demo_users, render=False)
    seen: list[int] = []
    real = rendering.render_html_to_pdf

    def observed(*args: Any, **kwargs: Any) -> Any:
        # savepoints inside the test's own wrapping transaction count the render's atomic blocks
        seen.append(len(connection.savepoint_ids))
        return real(*args, **kwargs)

    monkeypatch.setattr(rendering, "render_html_to_pdf", observed)
    outer = len(connection.savepoint_ids)
    render_document_task(document.pk)
    assert seen == [outer]
