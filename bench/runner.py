"""One `make bench` run: floors, the peer, the engine at several sizes, the sweep, concurrency, PDFs.

Every figure is measured in this run on this machine; targets are ratios to floors measured
here or fixed budgets from issue 12, reported as met / not met with the reason, never asserted.
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from viewflow.workflow.models import Task

ROOT = Path(__file__).resolve().parent.parent
STEP_BUDGET_MS = 300
QUERIES_PER_STEP_MAX = 25
PEER_RATIO_MIN = 0.25
SPEEDUP_MIN = 1.3
SWEEP_SECONDS_MAX = 60


@dataclass
class Config:
    sizes: list[int] = field(default_factory=lambda: [100, 1000])
    closed: int = 0
    lifecycles: int = 4
    rounds: int = 3  # of ``lifecycles`` permits each, peer and engine alternating
    list_repeats: int = 5
    list_budget_s: float = 30.0
    sweep_open: int = 100_000
    sweep_due: int = 10_000
    concurrent_lifecycles: int = 3
    pdf_renders: int = 10
    parts: set[str] = field(default_factory=lambda: {"floor", "peer", "engine", "sizes", "sweep", "concurrency", "pdf"})

    @classmethod
    def from_env(cls) -> Config:
        env = os.environ.get
        c = cls()
        if env("BENCH_SIZES"):
            c.sizes = [int(s) for s in env("BENCH_SIZES", "").split(",") if s.strip()]
        c.closed = int(env("BENCH_CLOSED", c.closed))
        c.lifecycles = int(env("BENCH_LIFECYCLES", c.lifecycles))
        c.rounds = int(env("BENCH_ROUNDS", c.rounds))
        c.list_repeats = int(env("BENCH_LIST_REPEATS", c.list_repeats))
        c.list_budget_s = float(env("BENCH_LIST_BUDGET_S", c.list_budget_s))
        c.sweep_open = int(env("BENCH_SWEEP_OPEN", c.sweep_open))
        c.sweep_due = int(env("BENCH_SWEEP_DUE", c.sweep_due))
        c.concurrent_lifecycles = int(env("BENCH_CONCURRENT_LIFECYCLES", c.concurrent_lifecycles))
        c.pdf_renders = int(env("BENCH_PDF_RENDERS", c.pdf_renders))
        if env("BENCH_PARTS"):
            c.parts = {p.strip() for p in env("BENCH_PARTS", "").split(",") if p.strip()}
        return c


class Queries:
    """Counts every query run inside it (no 9,000-query cap like CaptureQueriesContext)."""

    def __init__(self) -> None:
        self.count = 0
        self.statements: list[str] = []  # the first characters of each, to name a count's extra query
        self._wrapper: Any = None

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        self.statements.append(" ".join(sql.split())[:120])
        return execute(sql, params, many, context)

    def __enter__(self) -> Queries:
        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._wrapper.__exit__(*exc)


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


# --- the PostgreSQL floor ---------------------------------------------------------------


def floor(n: int = 2000) -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_floor")
        cursor.execute("CREATE TABLE bench_floor (id bigserial PRIMARY KEY, v integer NOT NULL, note text)")
        started = time.perf_counter()
        for i in range(n):  # autocommit: every INSERT is its own transaction
            cursor.execute("INSERT INTO bench_floor (v, note) VALUES (%s, %s)", [i, "floor"])
        insert_s = time.perf_counter() - started
    started = time.perf_counter()
    for i in range(n):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT v FROM bench_floor WHERE id = %s FOR UPDATE", [1 + i % 100])
            cursor.execute("UPDATE bench_floor SET v = v + 1 WHERE id = %s", [1 + i % 100])
    update_s = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_floor")
    return {"insert_commit_per_s": round(n / insert_s), "for_update_update_per_s": round(n / update_s), "n": n}


# --- the peer: bare viewflow ------------------------------------------------------------

PEER_STEPS = [
    ("accept", {"acceptance": "accept"}),
    ("review", {}),
    ("countersign", {"countersigned": True}),
    ("decide", {"granted": True}),
    ("deliver", {}),
]


def peer_lifecycle(user: Any) -> list[tuple[float, int]]:
    """One permit through bare viewflow's nodes: (seconds, queries) per step."""
    from .flows import PeerPermitFlow

    samples = []
    process = PeerPermitFlow.start.run()
    for name, data in PEER_STEPS:
        node = getattr(PeerPermitFlow, name)
        task = Task.objects.get(process_id=process.pk, flow_task=node, status="NEW")
        with Queries() as captured:
            started = time.perf_counter()
            with transaction.atomic(), PeerPermitFlow.lock(process.pk):
                task = Task.objects.get(pk=task.pk)
                activation = node.activation_class(task)
                activation.assign(user)
                activation = node.activation_class(task)
                activation.start(None)
                activation.process.data.update(data)
                activation.process.save(update_fields=["data"])
                activation.execute()
            seconds = time.perf_counter() - started
        samples.append((seconds, captured.count))
    return samples


def summarize_peer(samples: list[tuple[float, int]], warmup: list[tuple[float, int]]) -> dict[str, Any]:
    latencies = [seconds for seconds, _ in samples]
    return {
        "steps": len(latencies),
        "steps_per_s": round(len(latencies) / sum(latencies), 2),
        "queries_per_step": round(statistics.mean(count for _, count in samples), 1),
        "latency_ms_p50": ms(pct(latencies, 0.5)),
        "latency_ms_p95": ms(pct(latencies, 0.95)),
        "warmup_ms": [ms(seconds) for seconds, _ in warmup],
    }


def peer(lifecycles: int) -> dict[str, Any]:
    """Bare viewflow's steps/s over ``lifecycles`` permits, after one untimed warm-up permit.

    The warm-up (as for the engine) keeps one-time costs of a fresh process out of the rate:
    first imports and connections, paid once per worker process in production, not per step.
    """
    from workflows.models import User

    user = User.objects.get(username="clerk")
    warmup = peer_lifecycle(user)
    return summarize_peer([step for _ in range(lifecycles) for step in peer_lifecycle(user)], warmup)


def peer_and_engine(lifecycles: int, rounds: int) -> dict[str, dict[str, Any]]:
    """The peer's and the engine's steps in alternating rounds of ``lifecycles`` permits each.

    Their ratio is the target. Measured one after the other, a burst of the host's noise (this is
    a shared 2-core VM) lands on one side only and a 20-step sample swung the ratio from 0.24 to
    0.33 between identical runs; alternating rounds spreads it over both sides alike.
    """
    from workflows.models import User

    user = User.objects.get(username="clerk")
    clients = Clients()
    peer_warmup = peer_lifecycle(user)
    engine_warmup = engine_lifecycle(clients, f"base-warmup-{time.time_ns()}")
    peer_samples: list[tuple[float, int]] = []
    engine_samples: list[StepSample] = []
    for round_ in range(rounds):
        for _ in range(lifecycles):
            peer_samples += peer_lifecycle(user)
        for i in range(lifecycles):
            engine_samples += engine_lifecycle(clients, f"base-{round_}-{i}-{time.time_ns()}")
    return {
        "peer": summarize_peer(peer_samples, peer_warmup),
        "engine": engine_summary(engine_samples, engine_warmup),
    }


# --- the engine: the permit flow through the task API -----------------------------------

ENGINE_STEPS = [
    ("accept", "clerk", {"decision": "accept"}),
    ("review", "reviewer", {"decision": "recommend_grant", "comment": "材料齐全，符合设置规划。"}),
    ("countersign", "reviewer2", {"decision": "agree"}),
    ("decide", "chief", {"decision": "grant", "comment": "符合规定。"}),
    ("deliver", "clerk", {"decision": "online"}),
]


class Clients:
    def __init__(self) -> None:
        self._clients: dict[str, Client] = {}

    def __call__(self, username: str) -> Client:
        from workflows.models import User

        if username not in self._clients:
            client = Client()  # a server error raises here and is reported with its exception
            client.force_login(User.objects.get(username=username))
            self._clients[username] = client
        return self._clients[username]


@dataclass
class StepSample:
    step: str
    seconds: float
    queries: int
    status: int
    error: str = ""


def engine_lifecycle(clients: Clients, label: str) -> list[StepSample]:
    from outdoor_ads.flows import PermitFlow
    from outdoor_ads.services import application_submit
    from workflows import clock
    from workflows.models import County, User

    samples = []
    with Queries() as captured:
        started = time.perf_counter()
        try:
            app = application_submit(
                acting_user=User.objects.get(username="applicant"),
                county=County.objects.get(name="昭阳区"),
                facility_type="wall_sign",
                address=f"昭阳区基准路{label}号",
                width_m=Decimal("4"),
                height_m=Decimal("1.2"),
                height_above_ground_m=Decimal("3.5"),
                material="铝塑板",
                lighting="internal",
                content="企业形象标识",
                period_from=clock.today(),
                period_until=clock.today() + dt.timedelta(days=700),
                contact_phone="13812345678",
            )
        except Exception as exc:  # e.g. a deadlock on the county's numbering: a result, not a crash
            samples.append(
                StepSample("submit", time.perf_counter() - started, captured.count, 500, f"{type(exc).__name__}: {exc}")
            )
            return samples
        samples.append(StepSample("submit", time.perf_counter() - started, captured.count, 200))
    for name, username, data in ENGINE_STEPS:
        task = (
            Task.objects.filter(process__permitprocess__application=app, flow_task=getattr(PermitFlow, name))
            .exclude(status__in=["DONE", "CANCELED"])
            .first()
        )
        if task is None:
            samples.append(StepSample(name, 0.0, 0, 0, "no open task (an earlier step failed)"))
            break
        client = clients(username)
        with Queries() as captured:
            started = time.perf_counter()
            error = ""
            try:
                response = client.post(f"/api/tasks/{task.pk}/complete/", data, content_type="application/json")
                status = response.status_code
                if status != 200:
                    error = response.content.decode(errors="replace")[:200]
            except Exception as exc:  # a deadlock or timeout is a result to report, not a crash
                status, error = 500, f"{type(exc).__name__}: {exc}"[:200]
            samples.append(StepSample(name, time.perf_counter() - started, captured.count, status, error))
        if status != 200:
            break
    return samples


def summarize_steps(samples: list[StepSample]) -> dict[str, Any]:
    human = [s for s in samples if s.step != "submit"]
    ok = [s for s in human if s.status == 200]
    seconds = [s.seconds for s in ok]
    per_step: dict[str, Any] = {}
    for name, _u, _d in ENGINE_STEPS:
        mine = [s for s in ok if s.step == name]
        if mine:
            per_step[name] = {
                "latency_ms_p50": ms(pct([s.seconds for s in mine], 0.5)),
                "queries": max(s.queries for s in mine),
            }
    submit = [s for s in samples if s.step == "submit"]
    return {
        "steps": len(ok),
        "errors": [s.error for s in human if s.status != 200],
        "steps_per_s": round(len(ok) / sum(seconds), 2) if seconds else 0.0,
        "queries_per_step": round(statistics.mean(s.queries for s in ok), 1) if ok else None,
        "latency_ms_p50": ms(pct(seconds, 0.5)),
        "latency_ms_p95": ms(pct(seconds, 0.95)),
        "per_step": per_step,
        "submit_ms_p50": ms(pct([s.seconds for s in submit], 0.5)),
        "submit_queries": max((s.queries for s in submit), default=None),
    }


def engine(lifecycles: int, tag: str) -> dict[str, Any]:
    """The engine's steps over ``lifecycles`` permits, after one untimed warm-up permit.

    As for the peer: the first request of a fresh process imports the URL configuration and
    every view, and opens the Celery broker connection (~0.2-0.3 s once per worker process in
    production); the warm-up's step times are reported apart (``warmup_ms``), not hidden.
    """
    clients = Clients()
    warmup = engine_lifecycle(clients, f"{tag}-warmup-{time.time_ns()}")
    samples: list[StepSample] = []
    for i in range(lifecycles):
        samples += engine_lifecycle(clients, f"{tag}-{i}-{time.time_ns()}")
    return engine_summary(samples, warmup)


def engine_summary(samples: list[StepSample], warmup: list[StepSample]) -> dict[str, Any]:
    """``summarize_steps`` with the warm-up permit's step times (and errors) reported apart."""
    summary = summarize_steps(samples)
    summary["warmup_ms"] = {s.step: ms(s.seconds) for s in warmup}
    summary["errors"] += [f"warm-up {s.step}: {s.error}" for s in warmup if s.status != 200 and s.step != "submit"]
    return summary


# --- work lists ---------------------------------------------------------------------------

LISTS = [
    ("GET /api/tasks/ (clerk)", "clerk", "/api/tasks/"),
    ("GET /api/tasks/ (chief)", "chief", "/api/tasks/"),
    ("GET /api/permits/ (clerk)", "clerk", "/api/permits/"),
    ("/permit/queue/ (clerk)", "clerk", "/permit/queue/"),
    ("/permit/inbox/ (clerk)", "clerk", "/permit/inbox/"),
    ("/permit/queue/ (chief)", "chief", "/permit/queue/"),
    ("/ads/applications/ (clerk)", "clerk", "/ads/"),
    ("/sla/ dashboard (chief)", "chief", "/sla/"),
]


# The table each list's own query reads FROM: its longest SELECT on that table is explained.
LIST_TABLES = {
    "/api/tasks/": "viewflow_task",
    "/api/permits/": "outdoor_ads_permitapplication",
    "/permit/queue/": "viewflow_task",
    "/permit/inbox/": "viewflow_task",
    "/ads/": "outdoor_ads_permitapplication",
    "/sla/": "sla_clock",
}


class Slowest:
    """Keeps the list's own query run inside it, with its parameters.

    That is the longest SELECT reading FROM ``table`` (the page of rows, not its COUNT); without
    a table, or when none reads it, the slowest SELECT.
    """

    def __init__(self, table: str = "") -> None:
        self.table = table
        self.sql = ""
        self.params: Any = None
        self.seconds = -1.0
        self._own = False
        self._wrapper: Any = None

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            took = time.perf_counter() - started
            if not many and sql.lstrip().upper().startswith("SELECT"):
                own = bool(self.table) and f'FROM "{self.table}"' in sql
                if own and (not self._own or len(sql) > len(self.sql)):
                    self.sql, self.params, self.seconds, self._own = sql, params, took, True
                elif not self._own and took > self.seconds:
                    self.sql, self.params, self.seconds = sql, params, took

    def __enter__(self) -> Slowest:
        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._wrapper.__exit__(*exc)


def explain(client: Client, url: str) -> dict[str, Any]:
    """EXPLAIN (ANALYZE, BUFFERS) of the list's own query in one request of ``url``."""
    with Slowest(LIST_TABLES.get(url, "")) as slowest:
        client.get(url)
    if not slowest.sql:
        return {}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest.sql, slowest.params)
        plan = [row[0] for row in cursor.fetchall()]
        transaction.set_rollback(True)  # ANALYZE runs the statement: leave nothing behind
    scans = [line.strip() for line in plan if "Scan" in line]
    return {
        "sql": slowest.sql[:2000],
        "plan": plan,
        "seq_scans": [line for line in scans if "Seq Scan" in line],
        "indexes": sorted(
            {line.split(" using ")[1].split(" ")[0] for line in scans if " using " in line}
            | {
                line.split("Bitmap Index Scan on ")[1].split(" ")[0]
                for line in scans
                if "Bitmap Index Scan on " in line
            }
        ),
        "execution_ms": next(
            (float(line.split(":")[1].split()[0]) for line in plan if line.startswith("Execution Time")), None
        ),
    }


def work_lists(repeats: int, budget_s: float) -> dict[str, Any]:
    clients = Clients()
    result = {}
    for label, username, url in LISTS:
        client = clients(username)
        times: list[float] = []
        counts: list[int] = []
        statements: list[list[str]] = []
        status = 0
        error = ""
        # One unmeasured request first, as tests/querycounts.py does: per-process caches (calendar,
        # counties, permissions, compiled templates) fill on a list's first request in this
        # process, so the first size measured would otherwise count one or two queries more.
        try:
            client.get(url)
        except Exception as exc:  # the measured requests below report it again
            error = f"{type(exc).__name__}: {exc}"[:200]
        for _ in range(repeats):
            with Queries() as captured:
                started = time.perf_counter()
                try:
                    status = client.get(url).status_code
                except Exception as exc:  # statement timeout: reported
                    status, error = 500, f"{type(exc).__name__}: {exc}"[:200]
                times.append(time.perf_counter() - started)
            counts.append(captured.count)
            statements.append(captured.statements)
            if status != 200 or sum(times) > budget_s:
                break
        result[label] = {
            "url": url,
            "status": status,
            "samples": len(times),
            "p50_ms": ms(pct(times, 0.5)),
            "p95_ms": ms(pct(times, 0.95)),
            # What the request costs: the count most requests had. A per-process cache that expires
            # by time (the calendar overlay reloads every calendar.OVERLAY_TTL_SECONDS) adds its
            # query to whichever request comes then; that request's extra statements are reported
            # (``queries_extra``), not counted as the list's cost.
            "queries": usual_count(counts),
            "queries_max": max(counts, default=0),
            "queries_extra": extra_statements(counts, statements),
            "error": error,
        }
        if status == 200:
            try:
                result[label]["explain"] = explain(client, url)
            except Exception as exc:  # reported, never fatal
                result[label]["explain"] = {"error": f"{type(exc).__name__}: {exc}"[:300]}
    return result


def usual_count(counts: list[int]) -> int:
    """The most frequent count (the higher one on a tie): a list's query count per request."""
    if not counts:
        return 0
    tally = collections.Counter(counts)
    return max(tally, key=lambda count: (tally[count], count))


def extra_statements(counts: list[int], statements: list[list[str]]) -> list[str]:
    """The statements of requests that ran more queries than the usual count, beyond the usual ones."""
    if not counts:
        return []
    usual = usual_count(counts)
    typical = next(found for count, found in zip(counts, statements, strict=True) if count == usual)
    extra: list[str] = []
    for count, found in zip(counts, statements, strict=True):
        if count > usual:
            remaining = collections.Counter(typical)
            for statement in found:
                if remaining[statement] > 0:
                    remaining[statement] -= 1
                else:
                    extra.append(statement)
    return extra


# --- the sweep ----------------------------------------------------------------------------


def sweep(open_clocks: int, due: int) -> dict[str, Any]:
    """``due`` overdue step clocks among ``open_clocks`` open ones, then one sweep."""
    from django.contrib.contenttypes.models import ContentType

    from outdoor_ads.models import PermitApplication
    from workflows import clock
    from workflows.models import County, User
    from workflows.sla import firing
    from workflows.sla.models import Clock, ClockRule

    rule = ClockRule.objects.get(code="outdoor_ads.PermitFlow.accept")
    ct = ContentType.objects.get_for_model(PermitApplication)
    from .data import SWEEP_LABEL, TEMPLATE_PREFIX

    app_ids = list(
        PermitApplication.objects.exclude(address__startswith=TEMPLATE_PREFIX)
        .order_by("pk")
        .values_list("pk", flat=True)[:50_000]
    )
    clerk = User.objects.get(username="clerk")
    county_ids = list(County.objects.values_list("pk", flat=True))
    today = clock.today()
    # What earlier beats would have fired: the cloned permits' own due clocks (at 100k open tens
    # of thousands are yellow). Swept first, unmeasured but reported, so the measured sweep is
    # the ``due`` synthetic ones among ``open_clocks``.
    started = time.perf_counter()
    backlog = firing.sweep_clocks()
    backlog_s = time.perf_counter() - started
    existing_open = Clock.objects.filter(stopped_at__isnull=True).count()
    to_make = max(0, open_clocks - existing_open)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")
        cursor.execute(
            f"""INSERT INTO {Clock._meta.db_table} (object_id, subject_label, subject_url, process_code, step_code,
                started_at, start_date, due_date, statutory_due_date, yellow_date, provisional, paused_on,
                paused_working_days, paused_calendar_days, extension_days, extension_reason, stopped_at, stopped_on,
                days_used, assignee_id, content_type_id, county_id, task_id, rule_id)
            SELECT (%(apps)s::bigint[])[1 + g %% %(napps)s]::text, %(label)s || ' ' || g, '', 'outdoor_ads', 'accept',
                now(), %(start)s, CASE WHEN g <= %(due)s THEN %(past)s ELSE %(future)s END, NULL,
                CASE WHEN g <= %(due)s THEN %(past)s - 2 ELSE %(future)s - 5 END, false, NULL, 0, 0, 0, '', NULL,
                NULL, NULL, %(clerk)s, %(ct)s, (%(counties)s::bigint[])[1 + g %% %(ncounties)s], NULL, %(rule)s
            FROM generate_series(1, %(n)s) AS g""",  # noqa: S608 - table name from the model
            {
                "apps": app_ids,
                "napps": len(app_ids),
                "start": today - dt.timedelta(days=20),
                "due": due,
                "past": today - dt.timedelta(days=1),
                "future": today + dt.timedelta(days=40),
                "clerk": clerk.pk,
                "ct": ct.pk,
                "counties": county_ids,
                "ncounties": len(county_ids),
                "rule": rule.pk,
                "label": SWEEP_LABEL,
                "n": max(to_make, due),
            },
        )
        cursor.execute(f"ANALYZE {Clock._meta.db_table}")  # noqa: S608
    built = time.perf_counter() - started
    open_now = Clock.objects.filter(stopped_at__isnull=True).count()
    due_now = firing.due_for("red").count() + firing.due_for("yellow").count()
    with Queries() as captured:
        started = time.perf_counter()
        result = firing.sweep_clocks()
        seconds = time.perf_counter() - started
    batches = -(-due_now // firing.batch_size())
    return {
        "open_clocks": open_now,
        "due": due_now,
        "fired": result,
        "seconds": round(seconds, 2),
        "queries": captured.count,
        "batch_size": firing.batch_size(),
        "batches": batches,
        "build_seconds": round(built, 1),
        "backlog": {"fired": backlog, "seconds": round(backlog_s, 2)},
    }


# --- concurrency ------------------------------------------------------------------------------


def concurrency(lifecycles: int) -> dict[str, Any]:
    """1, 2 and 4 engine processes, each completing its own permits through the task API."""
    out: dict[str, Any] = {}
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    for procs in (1, 2, 4):
        started = time.perf_counter()
        children = [
            subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py
                [sys.executable, str(ROOT / "manage.py"), "bench_run", "--worker", str(lifecycles), f"w{procs}-{i}"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            for i in range(procs)
        ]
        reports: list[dict[str, Any]] = []
        for child in children:
            stdout, stderr = child.communicate(timeout=3600)
            lines = [line for line in stdout.decode().splitlines() if line.startswith("{")]
            if lines:
                reports.append(json.loads(lines[-1]))
            else:
                last = (stderr.decode(errors="replace").strip().splitlines() or [""])[-1]
                reports.append({"steps": 0, "errors": [f"worker crashed: {last[:200]}"], "seconds": 0})
        wall = time.perf_counter() - started
        steps = sum(r["steps"] for r in reports)
        errors = [e for r in reports for e in r["errors"]]
        out[str(procs)] = {
            "processes": procs,
            "steps": steps,
            "errors": len(errors),
            "deadlocks": sum(1 for e in errors if "deadlock" in e.lower()),
            "error_samples": errors[:3],
            "wall_s": round(wall, 1),
            "steps_per_s": round(steps / max(r["seconds"] for r in reports), 2) if steps else 0.0,
        }
    base = out["1"]["steps_per_s"] or float("nan")
    for key in ("2", "4"):
        out[key]["speedup"] = round(out[key]["steps_per_s"] / base, 2)
    return out


def worker(lifecycles: int, tag: str) -> dict[str, Any]:
    clients = Clients()
    samples: list[StepSample] = []
    started = time.perf_counter()
    for i in range(lifecycles):
        samples += engine_lifecycle(clients, f"{tag}-{i}-{time.time_ns()}")
    seconds = time.perf_counter() - started
    human = [s for s in samples if s.step != "submit"]
    return {
        "steps": sum(1 for s in human if s.status == 200),
        "errors": [f"{s.step} {s.status} {s.error}" for s in samples if s.status != 200],
        "seconds": round(seconds, 2),
    }


# --- PDFs ---------------------------------------------------------------------------------------


def pdf(renders: int) -> dict[str, Any]:
    from workflows.documents.registry import KINDS
    from workflows.documents.rendering import render_document
    from workflows.documents.samples import SAMPLES
    from workflows.models import County

    out = {}
    county = County(code="530602", name="昭阳区")
    # The issuer is normally a snapshot of admin data (IssuedDocument.issuer); here a fixed one.
    issuer = {"name": "昭通市住房和城乡建设局", "seal_name": "昭通市住房和城乡建设局", "number_prefix": "昭住建",
              "review_body": "昭通市人民政府", "court": "昭阳区人民法院"}
    for code in ("ad_acceptance", "ad_permit"):
        kind, sample = KINDS[code], SAMPLES[code]

        def once(i: int, kind: Any = kind, sample: Any = sample) -> tuple[float, int]:
            started = time.perf_counter()
            data = render_document(
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
            return time.perf_counter() - started, len(data)

        cold, size = once(0)
        for i in range(2):
            once(i)
        timings = [once(i)[0] for i in range(renders)]
        out[code] = {"cold_ms": ms(cold), "warm_ms_p50": ms(statistics.median(timings)), "bytes": size}
    return out


# --- the run ------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    return {"cores": os.cpu_count(), "loadavg": [round(x, 2) for x in os.getloadavg()]}


def run(config: Config, log: Callable[[str], None] = print) -> dict[str, Any]:
    from . import data

    report: dict[str, Any] = {
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine_before": machine(),
        "config": {k: sorted(v) if isinstance(v, set) else v for k, v in config.__dict__.items()},
        "postgres": _postgres_version(),
    }
    data.ensure_accounts()

    def part(name: str, func: Callable[[], Any], wanted: bool | None = None) -> None:
        if not (name in config.parts if wanted is None else wanted):
            return
        log(f"bench: {name} …")
        started = time.perf_counter()
        try:
            report[name] = func()
        except Exception as exc:  # one broken part must not hide the others
            report[name] = {"error": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc()[-2000:]}
        log(f"bench: {name} done in {time.perf_counter() - started:.0f} s")
        write(report)  # a run stopped later still leaves what it measured

    part("floor", floor)
    if {"peer", "engine"} <= config.parts:
        # Together, in alternating rounds (``peer_and_engine``): their ratio is a target.
        part("peer_engine", lambda: peer_and_engine(config.lifecycles, config.rounds), wanted=True)
        both = report.pop("peer_engine", {})
        for name in ("peer", "engine"):
            report[name] = both.get(name, both)  # a failed part's error shows on both sides
    else:
        part("peer", lambda: peer(config.lifecycles))
        part("engine", lambda: engine(config.lifecycles, "base"))

    def sizes() -> dict[str, Any]:
        out = {}
        for size in config.sizes:
            built = data.build(open_count=size, closed_count=config.closed, log=log)
            log(f"bench: {size:,} open — steps and lists")
            out[str(size)] = {
                "open": data.open_population(),
                "closed": data.closed_population(),
                "build_seconds": built["seconds"],
                "steps": engine(config.lifecycles, f"n{size}"),
                "lists": work_lists(config.list_repeats, config.list_budget_s),
            }
        return out

    part("sizes", sizes)
    part("concurrency", lambda: concurrency(config.concurrent_lifecycles))
    part("sweep", lambda: sweep(config.sweep_open, config.sweep_due))
    part("pdf", lambda: pdf(config.pdf_renders))
    report["machine_after"] = machine()
    report["ratios"] = ratios(report)
    report["targets"] = targets(report, config)
    return report


def _postgres_version() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return str(cursor.fetchone()[0])


def ratios(report: dict[str, Any]) -> dict[str, Any]:
    engine_r, peer_r, floor_r = report.get("engine", {}), report.get("peer", {}), report.get("floor", {})
    out: dict[str, Any] = {}
    if engine_r.get("steps_per_s") and peer_r.get("steps_per_s"):
        out["engine_vs_peer_steps_per_s"] = round(engine_r["steps_per_s"] / peer_r["steps_per_s"], 3)
    engine_warmup = [v for k, v in (engine_r.get("warmup_ms") or {}).items() if k != "submit"]
    with_first = _with_warmup(engine_r, engine_warmup)
    peer_with_first = _with_warmup(peer_r, peer_r.get("warmup_ms") or [])
    if with_first and peer_with_first:
        # The same ratio with the warm-up permit's steps counted (as before the warm-up existed).
        out["engine_vs_peer_steps_per_s_incl_first_permit"] = round(with_first / peer_with_first, 3)
    if peer_r.get("steps_per_s") and floor_r.get("for_update_update_per_s"):
        out["peer_vs_floor_for_update"] = round(peer_r["steps_per_s"] / floor_r["for_update_update_per_s"], 3)
    if engine_r.get("steps_per_s") and floor_r.get("for_update_update_per_s"):
        out["engine_vs_floor_for_update"] = round(engine_r["steps_per_s"] / floor_r["for_update_update_per_s"], 4)
    if engine_r.get("queries_per_step") and peer_r.get("queries_per_step"):
        out["engine_vs_peer_queries_per_step"] = round(engine_r["queries_per_step"] / peer_r["queries_per_step"], 1)
    return out


def _with_warmup(part: dict[str, Any], warmup_ms: list[float]) -> float | None:
    """Steps/s of ``part`` with its untimed warm-up steps (``warmup_ms``) counted in."""
    if not part.get("steps_per_s") or not warmup_ms:
        return None
    seconds = part["steps"] / part["steps_per_s"] + sum(warmup_ms) / 1000
    return (part["steps"] + len(warmup_ms)) / seconds


def _target(name: str, goal: str, measured: str, met: bool | None, reason: str = "") -> dict[str, Any]:
    return {"target": name, "goal": goal, "measured": measured, "met": met, "reason": reason}


def targets(report: dict[str, Any], config: Config) -> list[dict[str, Any]]:
    out = []
    engine_r = report.get("engine", {})
    qps = engine_r.get("queries_per_step")
    per_step: dict[str, Any] = engine_r.get("per_step", {})
    worst: tuple[str, Any] = max(per_step.items(), key=lambda kv: kv[1]["queries"], default=("", {}))
    if "steps_per_s" in engine_r:  # targets of parts not run are not reported
        out.append(
            _target(
                "queries per step",
                f"<= {QUERIES_PER_STEP_MAX}",
                f"{qps} mean" + (f", {worst[0]} {worst[1]['queries']}" if worst[0] else ""),
                qps is not None and qps <= QUERIES_PER_STEP_MAX,
                ""
                if qps is not None and qps <= QUERIES_PER_STEP_MAX
                else "per step: " + ", ".join(f"{k} {v['queries']}" for k, v in per_step.items()) + ";"
                f" bare viewflow {report.get('peer', {}).get('queries_per_step')}",
            )
        )
        ratio = report.get("ratios", {}).get("engine_vs_peer_steps_per_s")
        first = report.get("ratios", {}).get("engine_vs_peer_steps_per_s_incl_first_permit")
        out.append(
            _target(
                "steps/s vs bare viewflow",
                f">= {PEER_RATIO_MIN}x",
                (f"{ratio}x (after a warm-up permit; {first}x with it counted)" if first is not None else f"{ratio}x")
                if ratio is not None
                else "n/a",
                ratio is not None and ratio >= PEER_RATIO_MIN,
                ""
                if ratio is not None and ratio >= PEER_RATIO_MIN
                else f"engine {engine_r['steps_per_s']} steps/s, bare viewflow"
                f" {report.get('peer', {}).get('steps_per_s')} steps/s; slowest step"
                f" {max(per_step.items(), key=lambda kv: kv[1]['latency_ms_p50'])[0] if per_step else '-'}",
            )
        )
    sizes = report.get("sizes", {})
    if isinstance(sizes, dict) and "error" not in sizes and sizes:
        largest = max(sizes, key=int)
        at = sizes[largest]
        p95s = {"step": at["steps"]["latency_ms_p95"], **{k: v["p95_ms"] for k, v in at["lists"].items()}}
        slow = {k: v for k, v in p95s.items() if not v <= STEP_BUDGET_MS}
        failed = {k: v["status"] for k, v in at["lists"].items() if v["status"] != 200}
        scale_note = "" if int(largest) >= 100_000 else f" (largest size measured: {int(largest):,} open; 100k not run)"
        out.append(
            _target(
                "step and list p95 at 100k open",
                f"<= {STEP_BUDGET_MS} ms",
                f"worst {max(p95s, key=lambda k: p95s[k])} {max(p95s.values())} ms at {int(largest):,}",
                not slow and not failed and int(largest) >= 100_000,
                (
                    "; ".join(f"{k} {v} ms" for k, v in list(slow.items())[:4])
                    + scale_note
                    + (f"; failed: {failed}" if failed else "")
                ).strip("; "),
            )
        )
        if len(sizes) >= 2:
            small, large = sizes[min(sizes, key=int)], at
            changed = {
                k: (small["lists"][k]["queries"], large["lists"][k]["queries"])
                for k in large["lists"]
                if small["lists"][k]["queries"] != large["lists"][k]["queries"]
            }
            step_q = {
                k: (small["steps"]["per_step"].get(k, {}).get("queries"), v["queries"])
                for k, v in large["steps"]["per_step"].items()
                if small["steps"]["per_step"].get(k, {}).get("queries") != v["queries"]
            }
            out.append(
                _target(
                    "query counts independent of N",
                    "equal at every size",
                    f"{len(changed)} lists and {len(step_q)} steps change between {min(sizes, key=int)} and {largest}",
                    not changed and not step_q,
                    "; ".join(f"{k}: {a}->{b}" for k, (a, b) in list({**changed, **step_q}.items())[:5]),
                )
            )
    conc = report.get("concurrency", {})
    if isinstance(conc, dict) and "2" in conc:
        errors = conc["2"]["errors"] + conc["4"]["errors"]
        out.append(
            _target(
                "concurrent processes: errors",
                "0 deadlocks or errors",
                f"{errors} errors ({conc['2']['deadlocks'] + conc['4']['deadlocks']} deadlocks)",
                errors == 0,
                "; ".join((conc["2"]["error_samples"] + conc["4"]["error_samples"])[:2]) if errors else "",
            )
        )
        speed = conc["2"].get("speedup")
        out.append(
            _target(
                "2 processes vs 1",
                f">= {SPEEDUP_MIN}x",
                f"{speed}x (4: {conc['4'].get('speedup')}x)",
                speed is not None and speed >= SPEEDUP_MIN,
                ""
                if speed is not None and speed >= SPEEDUP_MIN
                else f"1 process {conc['1']['steps_per_s']} steps/s, 2 processes {conc['2']['steps_per_s']} steps/s;"
                f" {conc['2']['deadlocks'] + conc['4']['deadlocks']} deadlocks;"
                f" load {report['machine_before']['loadavg']}",
            )
        )
    sw = report.get("sweep", {})
    if isinstance(sw, dict) and "seconds" in sw:
        enough = sw["open_clocks"] >= 1_000_000 and sw["due"] >= 10_000
        fast = sw["seconds"] <= SWEEP_SECONDS_MAX
        out.append(
            _target(
                "sweep: 10k due among 1M open",
                f"<= {SWEEP_SECONDS_MAX} s",
                f"{sw['fired']['red'] + sw['fired']['yellow']:,} fired among {sw['open_clocks']:,} open"
                f" in {sw['seconds']} s",
                fast and enough,
                ""
                if fast and enough
                else (
                    "too slow"
                    if not fast
                    else f"measured among {sw['open_clocks']:,} open clocks, not 1M (BENCH_SWEEP_OPEN)"
                ),
            )
        )
    pdf_r = report.get("pdf", {})
    if isinstance(pdf_r, dict) and "ad_acceptance" in pdf_r:
        notice = pdf_r["ad_acceptance"]
        ok = notice["warm_ms_p50"] <= 200 and notice["bytes"] <= 60_000
        out.append(
            _target(
                "one-page notice PDF",
                "warm median <= 200 ms, <= 60 KB",
                f"{notice['warm_ms_p50']} ms, {notice['bytes'] // 1024} KB",
                ok,
                "" if ok else "over the time or size goal",
            )
        )
    return out


# --- output -----------------------------------------------------------------------------------------


def table(report: dict[str, Any]) -> str:
    lines = []
    m0, m1 = report["machine_before"], report.get("machine_after", {})
    lines.append(
        f"Xiuhua bench {report['started']} · {m0['cores']} cores · load {m0['loadavg']} -> {m1.get('loadavg')}"
        f" · PostgreSQL {report['postgres']}"
    )
    f = report.get("floor", {})
    if "insert_commit_per_s" in f:
        lines.append(
            f"floor        INSERT+COMMIT {f['insert_commit_per_s']:>8,}/s"
            f"   FOR UPDATE+UPDATE {f['for_update_update_per_s']:>8,}/s"
        )
    for name in ("peer", "engine"):
        r = report.get(name, {})
        if "steps_per_s" in r:
            lines.append(
                f"{name:<12} {r['steps_per_s']:>7} steps/s  {r['queries_per_step']:>6} queries/step  "
                f"p50 {r['latency_ms_p50']} ms  p95 {r['latency_ms_p95']} ms"
            )
        elif r:
            lines.append(f"{name:<12} ERROR {r.get('error')}")
    if report.get("engine", {}).get("per_step"):
        lines.append(
            "  engine per step: "
            + ", ".join(
                f"{k} {v['latency_ms_p50']} ms/{v['queries']} q" for k, v in report["engine"]["per_step"].items()
            )
        )
    warm = {name: report.get(name, {}).get("warmup_ms") for name in ("peer", "engine")}
    if warm["peer"] or warm["engine"]:
        peer_warm = warm["peer"] or []
        engine_warm = warm["engine"] or {}
        lines.append(
            "  untimed warm-up permit (first steps of the process): "
            f"peer {', '.join(str(x) for x in peer_warm)} ms; engine "
            + ", ".join(f"{k} {v} ms" for k, v in engine_warm.items())
        )
    for k, v in report.get("ratios", {}).items():
        lines.append(f"ratio        {k} = {v}")
    sizes = report.get("sizes", {})
    if isinstance(sizes, dict) and "error" not in sizes:
        for size, at in sizes.items():
            s = at["steps"]
            lines.append(
                f"-- {int(size):,} open / {at['closed']:,} closed: "
                f"step p50 {s['latency_ms_p50']} ms p95 {s['latency_ms_p95']} ms, "
                f"{s['queries_per_step']} q/step, errors {len(s['errors'])}"
            )
            for label, li in at["lists"].items():
                lines.append(
                    f"   {label:<30} p50 {li['p50_ms']:>9} ms  p95 {li['p95_ms']:>9} ms  {li['queries']:>6} queries"
                    f"  (n={li['samples']}, HTTP {li['status']})"
                )
                if li.get("queries_extra"):
                    extra = "; ".join(li["queries_extra"])
                    lines.append(f"      one request ran {li['queries_max']}; its extra: {extra}")
            for label, li in at["lists"].items():
                ex = li.get("explain") or {}
                if ex.get("plan"):
                    lines.append(
                        f"   EXPLAIN {label}: {ex['execution_ms']} ms, indexes {', '.join(ex['indexes']) or '-'};"
                        f" seq scans: {'; '.join(ex['seq_scans']) or 'none'}"
                    )
                    lines.extend(f"      {row}" for row in ex["plan"])
                elif ex.get("error"):
                    lines.append(f"   EXPLAIN {label}: ERROR {ex['error']}")
    elif sizes:
        lines.append(f"sizes ERROR {sizes.get('error')}")
    conc = report.get("concurrency", {})
    for procs in ("1", "2", "4"):
        if procs in conc:
            c = conc[procs]
            lines.append(
                f"concurrency  {procs} process(es): {c['steps_per_s']} steps/s, speedup {c.get('speedup', 1.0)}x, "
                f"errors {c['errors']} (deadlocks {c['deadlocks']})"
            )
    sw = report.get("sweep", {})
    if "seconds" in sw:
        lines.append(
            f"sweep        {sw['fired']['red'] + sw['fired']['yellow']:,} fired"
            f" among {sw['open_clocks']:,} open clocks in "
            f"{sw['seconds']} s, {sw['queries']} queries, {sw['batches']} batches of {sw['batch_size']}"
        )
        if sw.get("backlog"):
            b = sw["backlog"]
            before = b["fired"]["red"] + b["fired"]["yellow"]
            lines.append(
                f"             (before it, the clones' own due clocks: {before:,} fired"
                f" in {b['seconds']} s; {sw['build_seconds']} s to add the synthetic clocks)"
            )
    elif sw:
        lines.append(f"sweep ERROR {sw.get('error')}")
    if "error" in report.get("pdf", {}):
        lines.append(f"pdf ERROR {report['pdf']['error']}")
    for code, p in report.get("pdf", {}).items():
        if isinstance(p, dict):
            lines.append(
                f"pdf          {code}: cold {p['cold_ms']} ms, warm median {p['warm_ms_p50']} ms, {p['bytes']:,} bytes"
            )
    lines.append("targets:")
    for t in report.get("targets", []):
        mark = "met" if t["met"] else "NOT MET"
        reason = f" — {t['reason']}" if t["reason"] and not t["met"] else ""
        lines.append(f"  [{mark:^7}] {t['target']} ({t['goal']}): {t['measured']}{reason}")
    return "\n".join(lines)


def write(report: dict[str, Any]) -> Path:
    out_dir = Path(settings.VAR_DIR) / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = report["started"].replace(":", "").replace("-", "")
    path = out_dir / f"bench-{stamp}.json"
    text = json.dumps(report, ensure_ascii=False, indent=2, default=str)
    path.write_text(text)
    (out_dir / "latest.json").write_text(text)
    return path
