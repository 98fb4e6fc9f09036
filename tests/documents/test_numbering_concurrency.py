"""Twenty documents issued at the same moment on PostgreSQL get twenty consecutive numbers."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from workflows.documents.models import IssuedDocument
from workflows.documents.samples import SAMPLES
from workflows.documents.services import document_issue

pytestmark = pytest.mark.django_db(transaction=True)

PARALLEL = 20


def test_twenty_parallel_issues_get_distinct_consecutive_numbers(application, zhaoyang, demo_users):
    assert connection.vendor == "postgresql"
    sample = SAMPLES["case_stop_order"]
    barrier = threading.Barrier(PARALLEL)
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def issue() -> None:
        from django.db import connection as thread_connection

        try:
            barrier.wait(timeout=30)
            document = document_issue(
                kind="case_stop_order",
                county=zhaoyang,
                subject=application,
                holder_name=sample.holder_name,
                data=sample.data,
                acting_user=demo_users["officer"],
            )
            with lock:
                numbers.append(document.number)
        except BaseException as exc:  # collected and re-raised in the test thread
            with lock:
                errors.append(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=issue) for _ in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors
    year = IssuedDocument.objects.first().year
    assert sorted(numbers) == sorted(f"昭住建责停〔{year}〕{n}号" for n in range(1, PARALLEL + 1))
    sequences = sorted(IssuedDocument.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, PARALLEL + 1))
    assert IssuedDocument.objects.values("verification_code").distinct().count() == PARALLEL
