"""`make bench` still works: bench_data fills every table a permit touches, and a tiny run reports.

Speed is never asserted here (that is `make bench`'s report); only that the tools run, create
consistent rows and produce the report's keys.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Sum
from viewflow.workflow.models import Process, Task

from bench import data, runner
from outdoor_ads.models import Opinion, Permit, PermitApplication, PermitProcess
from workflows import audit, clock
from workflows.documents.models import IssuedDocument
from workflows.models import AuditEntry, AuditPending
from workflows.sla import rollup
from workflows.sla.models import Clock, ClockDayTotal, ClockRollup

pytestmark = pytest.mark.django_db


def test_bench_data_and_a_tiny_bench_run(settings: object, monkeypatch: pytest.MonkeyPatch) -> None:
    # The peer flow's app, as bench.settings installs it (it has no models).
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "bench"]  # type: ignore[attr-defined]
    # As for a large load: the plain indexes dropped during the load and built again after it.
    monkeypatch.setattr(data, "LARGE_LOAD", 1)
    result = data.build(open_count=50, closed_count=50, log=lambda _line: None)
    assert result["created"] == {"open": 50, "closed": 50}
    assert data.open_population() == 50 and data.closed_population() == 50
    clones = PermitApplication.objects.exclude(address__startswith=data.TEMPLATE_PREFIX)
    assert clones.count() == 100
    assert clones.values("county").distinct().count() > 1  # spread over the counties
    assert Process.objects.filter(permitprocess__application__in=clones).count() == 100
    assert Task.objects.filter(process__permitprocess__application__in=clones, status="NEW").count() == 50
    ids = [str(pk) for pk in clones.values_list("pk", flat=True)]
    assert Clock.objects.filter(object_id__in=ids, stopped_at__isnull=True).count() >= 50
    assert IssuedDocument.objects.filter(subject_id__in=ids).count() >= 50
    assert Opinion.objects.filter(application__in=clones).exists()
    assert Permit.objects.filter(application__in=clones).count() == 40  # the granted share of the closed ones
    assert AuditEntry.objects.filter(object_id__in=ids).count() >= 100
    assert audit.verify_chain().ok  # cloned audit rows are chained like any others
    cloned_entries = AuditEntry.objects.filter(object_id__in=ids)
    # each one queued for the sealing task, as the database trigger does for any new row
    assert AuditPending.objects.filter(entry__in=cloned_entries).count() == cloned_entries.count()
    # Each clone's rows point at the clone's own rows, never at the template's or another clone's.
    for app in clones.order_by("?")[:10]:
        process = PermitProcess.objects.get(application=app)
        tasks = set(Task.objects.filter(process_id=process.pk).values_list("pk", flat=True))
        assert tasks
        links = Task.previous.through.objects.filter(to_task_id__in=tasks)
        assert links.exists() and set(links.values_list("from_task_id", flat=True)) <= tasks
        clocks = Clock.objects.filter(object_id=str(app.pk))
        assert clocks.exists()
        assert {c.task_id for c in clocks if c.task_id} <= tasks
        assert {(c.county_id, c.subject_label) for c in clocks} == {(app.county_id, app.number)}
        assert all(f"/{app.pk}/" in c.subject_url for c in clocks if c.subject_url)
        # A closed clone is moved back within its year, never out of it (its number carries it).
        assert {c.start_date.year for c in clocks} | {c.stopped_on.year for c in clocks if c.stopped_on} == {
            int(app.number[2:6])
        }
        entries = AuditEntry.objects.filter(object_id=str(app.pk), object_type="outdoor_ads.permitapplication")
        assert entries.exists()
        for entry in entries:  # every cloned row carries the MAC of its own content
            assert entry.mac == audit.entry_mac(entry), entry.action
            assert (entry.county_id, entry.object_repr) == (app.county_id, app.number)
        for document in IssuedDocument.objects.filter(subject_id=str(app.pk)):
            assert document.county_id == app.county_id and document.data["application_number"] == app.number
            assert document.year == int(app.number[2:6])
        permit = Permit.objects.filter(application=app).first()
        if permit is not None:
            issued = IssuedDocument.objects.filter(subject_id=str(app.pk), kind="ad_permit")
            assert issued.filter(number=permit.number).exists()
    # The closed clones' clocks stopped over many days of their years, not all on the template's,
    # and the loaded history is in the dashboard's daily totals, as the beat leaves it.
    stopped = Clock.objects.filter(object_id__in=ids, stopped_on__isnull=False)
    assert stopped.values("stopped_on").distinct().count() > 10
    through = ClockRollup.objects.get(name=rollup.ROLLUP_NAME).through
    assert through == clock.today() - dt.timedelta(days=rollup.ROLLUP_LAG_DAYS)
    rolled = ClockDayTotal.objects.aggregate(closed=Sum("closed"), used=Sum("days_used_sum"))
    covered = Clock.objects.filter(stopped_on__lte=through)
    assert rolled == {"closed": covered.count(), "used": covered.aggregate(used=Sum("days_used"))["used"]}
    assert rolled["closed"] >= 40

    config = runner.Config(
        sizes=[50],
        lifecycles=1,
        rounds=2,
        list_repeats=1,
        sweep_open=300,
        sweep_due=20,
        pdf_renders=1,
        parts={"floor", "peer", "engine", "sizes", "sweep", "pdf"},
    )
    report = runner.run(config, log=lambda _line: None)
    for key in (
        "machine_before",
        "machine_after",
        "floor",
        "peer",
        "engine",
        "sizes",
        "sweep",
        "pdf",
        "ratios",
        "targets",
    ):
        assert key in report, key
    assert "error" not in report["peer"] and "error" not in report["engine"], (report["peer"], report["engine"])
    # Two alternating rounds of one permit each, on both sides; the warm-up permits are apart.
    assert report["peer"]["steps"] == 10 and report["engine"]["steps"] == 10, report["engine"]["errors"]
    assert len(report["peer"]["warmup_ms"]) == 5 and set(report["engine"]["warmup_ms"]) >= {"accept", "deliver"}
    assert set(report["sizes"]["50"]["lists"]) == {label for label, _u, _url in runner.LISTS}
    for label, measured in report["sizes"]["50"]["lists"].items():
        explained = measured["explain"]  # each list's slowest SELECT, run under EXPLAIN (ANALYZE, BUFFERS)
        assert explained.get("plan") and explained["execution_ms"] is not None, (label, explained)
        assert any("Buffers:" in line for line in explained["plan"]), (label, explained["plan"])
    assert "EXPLAIN GET /api/tasks/ (clerk)" in runner.table(report)
    assert report["sweep"]["fired"]["red"] >= 20
    assert {t["target"] for t in report["targets"]} >= {"queries per step", "steps/s vs bare viewflow"}
    assert "targets:" in runner.table(report)


def test_a_lists_query_count_is_the_usual_one_and_a_time_expired_caches_query_is_named() -> None:
    from bench import runner

    counts = [10, 11, 10, 10]
    statements = [["A", "B"], ["A", "CAL", "B"], ["A", "B"], ["A", "B"]]
    assert runner.usual_count(counts) == 10
    assert runner.extra_statements(counts, statements) == ["CAL"]
    assert runner.usual_count([9, 10]) == 10  # a tie: the higher, never hiding a cost
    assert runner.extra_statements([10, 10], [["A"], ["A"]]) == []
