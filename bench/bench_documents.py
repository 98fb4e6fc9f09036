"""Warm render time of a one-page decision (target: median <= 300 ms). Reported, never asserted.

Runs without a database: it renders through the same worker processes as document_issue.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "approvals.settings.test")

RUNS = int(os.environ.get("BENCH_RUNS", "20"))
KIND = os.environ.get("BENCH_KIND", "ad_acceptance")


def main() -> None:
    import django

    django.setup()
    from workflows.documents.registry import KINDS
    from workflows.documents.rendering import render_document
    from workflows.documents.samples import SAMPLES
    from workflows.models import County

    kind = KINDS[KIND]
    sample = SAMPLES[KIND]
    county = County(code="530602", name="昭阳区")
    # The issuer is normally a snapshot of admin data; the benchmark runs without a database.
    issuer = {"name": "昭通市住房和城乡建设局", "seal_name": "昭通市住房和城乡建设局", "number_prefix": "昭住建",
              "review_body": "昭通市人民政府", "court": "昭阳区人民法院"}

    def once(i: int) -> float:
        started = time.perf_counter()
        pdf = render_document(
            kind=kind,
            number=kind.format_number(issuer["number_prefix"], 2026, i + 1),
            holder_name=sample.holder_name,
            data=sample.data,
            issued_on=dt.date(2026, 3, 20),
            verification_code=f"BENCH{i:011d}",
            verify_url=f"http://127.0.0.1:8000/verify/BENCH{i:011d}/",
            county_name=county.name,
            issuer=issuer,
            valid_from=sample.valid_from,
            valid_until=sample.valid_until,
        )
        assert pdf.startswith(b"%PDF-")
        return time.perf_counter() - started

    cold = once(0)
    for i in range(3):  # warm every worker process
        once(i)
    timings = [once(i) for i in range(RUNS)]
    median = statistics.median(timings) * 1000
    print(
        f"documents: {kind.code} cold {cold * 1000:.0f} ms; warm median {median:.0f} ms over {RUNS} renders "
        f"(min {min(timings) * 1000:.0f}, max {max(timings) * 1000:.0f}); target <= 300 ms"
    )


if __name__ == "__main__":
    main()
