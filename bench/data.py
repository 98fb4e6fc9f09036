"""Realistic volume quickly: real template permits, cloned set-based into every table they touched.

A handful of applications go through the real services (submit, accept, review, countersign,
decide, deliver) with the clock moved back; those rows — application, viewflow process and
tasks with their links, step and overall clocks, issued documents, opinions, permit,
attachments, guardian rows, notifications and audit entries with their outbox rows — are then
copied per chunk of 20,000 clones by one ``INSERT … SELECT`` per table (template rows × the
clones' values), with new ids, numbers, counties and dates and each audit row's own MAC. What a
real process writes is therefore what the clones hold (tests/bench checks the links and MACs).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from guardian.models import GroupObjectPermission, UserObjectPermission
from viewflow.workflow.models import Process, Task

from outdoor_ads import services
from outdoor_ads.demo import _uploads
from outdoor_ads.flows import PermitFlow
from outdoor_ads.models import Attachment, Opinion, Permit, PermitApplication, PermitProcess
from workflows import calendar, clock
from workflows.documents.authorities import authority_for
from workflows.documents.models import DocumentCounter, IssuedDocument, IssuingAuthority
from workflows.documents.registry import KINDS
from workflows.jurisdiction import county_group
from workflows.models import AuditEntry, AuditPending, County, User
from workflows.sla import rollup
from workflows.sla.models import Clock, Notification

CHUNK = 20_000  # clones per transaction: each table one INSERT … SELECT per chunk
TEMPLATE_PREFIX = "BENCH-TEMPLATE "
SWEEP_LABEL = "BENCH-SWEEP"  # bench.runner.sweep's synthetic clocks
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
# Seconds spent per table by the clones' INSERT … SELECT statements (bench_data reports them).
TIMINGS: dict[str, float] = defaultdict(float)


def _open_task(application: PermitApplication, node: Any) -> Task:
    return Task.objects.get(process__permitprocess__application=application, flow_task=node, status__in=["NEW"])


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _accept(app: PermitApplication) -> None:
    services.application_accept_decide(
        task=_open_task(app, PermitFlow.accept), acting_user=_user("clerk"), decision="accept"
    )


def _review(app: PermitApplication) -> None:
    _accept(app)
    services.application_review(
        task=_open_task(app, PermitFlow.review),
        acting_user=_user("reviewer"),
        decision="recommend_grant",
        comment="材料齐全，设置位置符合户外广告设置规划。",
    )
    services.application_countersign(
        task=_open_task(app, PermitFlow.countersign), acting_user=_user("reviewer2"), decision="agree", comment=""
    )


def _deliver(app: PermitApplication) -> None:
    _review(app)
    services.application_decide(
        task=_open_task(app, PermitFlow.decide), acting_user=_user("chief"), decision="grant", comment="符合规定。"
    )
    services.application_deliver(task=_open_task(app, PermitFlow.deliver), acting_user=_user("clerk"), method="online")


def _refuse(app: PermitApplication) -> None:
    _review(app)
    services.application_decide(
        task=_open_task(app, PermitFlow.decide),
        acting_user=_user("chief"),
        decision="refuse",
        comment="设置位置位于历史文化街区核心保护范围内。",
    )


# name, what happens after submission, share of the open (or closed) population
OPEN_TEMPLATES: list[tuple[str, Callable[[PermitApplication], None] | None, float]] = [
    ("open-accept", None, 0.4),  # in the clerks' queue
    ("open-review", _accept, 0.2),  # in the reviewers' queue
    ("open-decide", _review, 0.4),  # in the chiefs' queue
]
CLOSED_TEMPLATES: list[tuple[str, Callable[[PermitApplication], None] | None, float]] = [
    ("closed-granted", _deliver, 0.8),
    ("closed-refused", _refuse, 0.2),
]


def template(name: str, then: Callable[[PermitApplication], None] | None) -> PermitApplication:
    """The template application ``name``, created through the real services the first time."""
    address = f"{TEMPLATE_PREFIX}{name}"
    found = PermitApplication.objects.filter(address=address).first()
    if found is not None:
        return found
    started = timezone.make_aware(dt.datetime.combine(calendar.add_working_days(clock.today(), -3), dt.time(9, 30)))
    with clock.travel(started):
        app = services.application_submit(
            acting_user=_user("applicant"),
            county=County.objects.get(name="昭阳区"),
            facility_type="wall_sign",
            address=address,
            width_m=Decimal("4"),
            height_m=Decimal("1.2"),
            height_above_ground_m=Decimal("3.5"),
            material="铝塑板",
            lighting=PermitApplication.Lighting.INTERNAL,
            content="企业形象标识",
            period_from=clock.today(),
            period_until=clock.today() + dt.timedelta(days=700),
            contact_phone="13812345678",
            uploads=_uploads("wall_sign"),
        )
        if then is not None:
            then(app)
    return app


@dataclass
class Numbers:
    """Next sequence per (year, county) for application numbers and per (kind, county, year) for documents."""

    applications: dict[tuple[int, int], int]

    @classmethod
    def load(cls) -> Numbers:
        seqs: dict[tuple[int, int], int] = defaultdict(int)
        codes = {c.pk: c.code for c in County.objects.all()}
        for county_id, code in codes.items():
            for year in range(2014, clock.today().year + 1):
                prefix = f"GG{year}{code}"
                last = (
                    PermitApplication.objects.filter(number__startswith=prefix)
                    .order_by("-number")
                    .values_list("number", flat=True)
                    .first()
                )
                seqs[(year, county_id)] = int(last[len(prefix) :]) if last else 0
        return cls(seqs)

    def next_application(self, year: int, county: County) -> str:
        key = (year, county.pk)
        self.applications[key] += 1
        return f"GG{year}{county.code}{self.applications[key]:05d}"


def _doc_sequences(prefix: str, year: int, count: int) -> range:
    DocumentCounter.objects.bulk_create([DocumentCounter(prefix=prefix, year=year)], ignore_conflicts=True)
    counter = DocumentCounter.objects.select_for_update().get(prefix=prefix, year=year)
    first = counter.last_sequence + 1
    counter.last_sequence += count
    counter.save(update_fields=["last_sequence"])
    return range(first, first + count)


class Template:
    """Every row one real application left behind, ready to be copied."""

    def __init__(self, app: PermitApplication) -> None:
        app = PermitApplication.objects.get(pk=app.pk)  # as the services left it
        self.app = app
        self.process = PermitProcess.objects.get(application=app)
        self.tasks = list(Task.objects.filter(process_id=self.process.pk).order_by("pk"))
        through = Task.previous.through
        self.link_ids = list(
            through.objects.filter(to_task__process_id=self.process.pk).order_by("pk").values_list("pk", flat=True)
        )
        app_ct = ContentType.objects.get_for_model(PermitApplication)
        self.app_ct = app_ct
        # The sweep bench's synthetic clocks (and what firing them wrote) are no part of a template.
        self.clocks = list(
            Clock.objects.filter(content_type=app_ct, object_id=str(app.pk))
            .exclude(subject_label__startswith=SWEEP_LABEL)
            .order_by("pk")
        )
        self.documents = list(IssuedDocument.objects.filter(subject_type=app_ct, subject_id=str(app.pk)).order_by("pk"))
        self.opinions = list(Opinion.objects.filter(application=app).order_by("pk"))
        self.attachments = list(Attachment.objects.filter(application=app).order_by("pk"))
        self.permit = Permit.objects.filter(application=app).first()
        self.group_perms = list(GroupObjectPermission.objects.filter(content_type=app_ct, object_pk=str(app.pk)))
        self.user_perms = list(UserObjectPermission.objects.filter(content_type=app_ct, object_pk=str(app.pk)))
        self.notifications = list(
            Notification.objects.filter(content_type=app_ct, object_id=str(app.pk)).exclude(title__contains=SWEEP_LABEL)
        )
        self.audit = list(
            AuditEntry.objects.filter(object_type=app._meta.label_lower, object_id=str(app.pk))
            .exclude(action__startswith="sla.fired_")
            .select_related("actor")
            .order_by("pk")
        )


def _chunks(total: int) -> Iterator[int]:
    while total > 0:
        size = min(CHUNK, total)
        yield size
        total -= size


def clone(
    tpl: Template,
    count: int,
    *,
    numbers: Numbers,
    counties: Sequence[County],
    years: Sequence[int],
    spread: bool = False,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Copy ``tpl`` ``count`` times across ``counties`` and (for closed ones) ``years``.

    ``spread``: each clone also moves back a random number of days within its year, as permits
    closed over the year are (not all on the template's day, which would put a tenth of the
    history into the dashboard's current period).
    """
    county_cycle = itertools.cycle(counties)
    year_cycle = itertools.cycle(years)
    done = 0
    for size in _chunks(count):
        with transaction.atomic():
            _bulk_load_mode()
            _clone_chunk(
                tpl, size, numbers=numbers, county_cycle=county_cycle, year_cycle=year_cycle, spread=spread
            )
        done += size
        if progress:
            progress(done)
    return done


def _bulk_load_mode() -> None:
    """Inside the chunk's transaction: no trigger fires, as in a ``pg_dump --disable-triggers`` load.

    Django's foreign keys are checked at COMMIT by one trigger call per row and key: with ~45
    rows per closed permit that was half of the build. The rows are copies of a template with
    their references remapped inside the same chunk, and tests/bench checks each clone's links.
    The one trigger of ours (the audit outbox, ``workflows_auditentry_enqueue``) is replaced by
    the same INSERT in ``_clone_audit``. Needs a superuser (the bench's throwaway server);
    elsewhere the triggers stay on and the build is merely slower.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if cursor.fetchone()[0]:
            cursor.execute("SET LOCAL session_replication_role = replica")


def _triggers_off() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        return str(cursor.fetchone()[0]) == "replica"


def _reserve_ids(model: Any, count: int) -> int:
    """The first of ``count`` consecutive ids taken from ``model``'s sequence (as inserts would)."""
    if not count:
        return 0
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_serial_sequence(%s, %s)", [table, model._meta.pk.column]
        )
        sequence = cursor.fetchone()[0]
        # One statement: nextval gives the first id, setval moves the sequence past the block.
        cursor.execute("SELECT setval(%s, nextval(%s) + %s - 1) - %s + 1", [sequence, sequence, count, count])
        return int(cursor.fetchone()[0])


@dataclass
class _Chunk:
    """The clones of one chunk: clone ``i`` is application ``app0 + i`` and process ``proc0 + i``."""

    tpl: Template
    size: int
    app0: int
    proc0: int
    task0: int
    params: dict[str, Any]

    @property
    def task_ids(self) -> list[int]:
        return [t.pk for t in self.tpl.tasks]


# The clones' own values, one array element per clone (``c.i`` is the clone's index).
_CLONES = (
    "unnest(%(c_i)s::int[], %(c_county)s::bigint[], %(c_shift)s::int[], %(c_year)s::int[], %(c_number)s::text[], "
    "%(c_lookup)s::text[], %(c_address)s::text[], %(c_group)s::int[], %(c_permit)s::text[]) "
    "AS c(i, county_id, shift, year, number, lookup, address, grp, permit)"
)


def _expressions(
    model: Any, ch: _Chunk, overrides: dict[str, str], *, own_id: str | None
) -> tuple[list[str], list[str]]:
    """Column list and SELECT expressions copying ``tpl`` rows of ``model`` into clone ``c``.

    Foreign keys to the template's application, process, tasks and county follow the clone; every
    date and time moves back by the clone's year shift; ``overrides`` replace any column.
    """
    from django.db import models as m

    tpl = ch.tpl
    quote = connection.ops.quote_name
    columns, exprs = [], []
    for f in model._meta.local_concrete_fields:
        col = f.column
        ref = f"tpl.{quote(col)}"
        if col in overrides:
            expr = overrides[col]
        elif f.primary_key and not f.is_relation:
            if own_id is None:
                continue  # from the table's sequence
            expr = own_id
        elif f.is_relation and f.related_model is Task:
            expr = f"%(task0)s + c.i * %(ntasks)s + array_position(%(task_ids)s::bigint[], {ref}) - 1"
        elif f.is_relation and issubclass(f.related_model, Process):
            expr = f"CASE WHEN {ref} = %(tproc)s THEN %(proc0)s + c.i ELSE {ref} END"
        elif f.is_relation and f.related_model is PermitApplication:
            expr = f"CASE WHEN {ref} = %(tapp)s THEN %(app0)s + c.i ELSE {ref} END"
        elif f.is_relation and f.related_model is County:
            expr = "c.county_id"
        elif isinstance(f, m.DateTimeField):
            expr = f"{ref} - make_interval(days => c.shift)"
        elif isinstance(f, m.DateField):
            expr = f"{ref} - c.shift"
        else:
            expr = ref
        columns.append(quote(col))
        exprs.append(expr)
    ch.params.update(
        {"task0": ch.task0, "ntasks": len(tpl.tasks), "task_ids": ch.task_ids, "tproc": tpl.process.pk,
         "proc0": ch.proc0, "tapp": tpl.app.pk, "app0": ch.app0}
    )
    return columns, exprs


def _insert_select(
    model: Any,
    ch: _Chunk,
    template_ids: Sequence[int],
    *,
    overrides: dict[str, str] | None = None,
    own_id: str | None = None,
    extra_params: dict[str, Any] | None = None,
    tpl_join: str = "",
    clones: str = _CLONES,
    where: str = "",
) -> None:
    """One INSERT … SELECT: every template row of ``model`` copied once per clone of the chunk."""
    if not template_ids:
        return
    columns, exprs = _expressions(model, ch, overrides or {}, own_id=own_id)
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(model._meta.pk.column)
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(exprs)} "  # noqa: S608 - names from the model
        f"FROM (SELECT t.*, (row_number() OVER (ORDER BY t.{pk}) - 1)::int AS k FROM {table} t "
        f"WHERE t.{pk} = ANY(%(tpl_ids)s)) tpl {tpl_join} CROSS JOIN {clones} {f'WHERE {where}' if where else ''}"
    )
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, {**ch.params, **(extra_params or {}), "tpl_ids": list(template_ids)})
    TIMINGS[model._meta.db_table] += time.perf_counter() - started


def _clone_chunk(
    tpl: Template,
    size: int,
    *,
    numbers: Numbers,
    county_cycle: Iterator[County],
    year_cycle: Iterator[int],
    spread: bool = False,
) -> None:
    """``size`` clones of ``tpl``: one INSERT … SELECT per table (COPY for the audit rows)."""
    app0 = tpl.app
    this_year = clock.today().year
    placed = [(next(county_cycle), next(year_cycle)) for _ in range(size)]
    rng = random.Random()  # noqa: S311 - bench data, not secrets
    # Days back within the year, keeping every date in the clone's year (its numbers carry it;
    # the template started a few working days before today, hence the margin).
    days_in = max(0, (clock.today() - dt.date(this_year, 1, 1)).days - 14) if spread else 0
    shift_days = [365 * (this_year - year) + (rng.randrange(days_in) if days_in else 0) for _c, year in placed]
    app_numbers = [numbers.next_application(year, county) for county, year in placed]
    template_group = county_group(app0.county).pk
    group_of = {c.pk: county_group(c).pk for c in {c for c, _y in placed}}
    params: dict[str, Any] = {
        "c_i": list(range(size)),
        "c_county": [c.pk for c, _y in placed],
        "c_shift": shift_days,
        "c_year": [y for _c, y in placed],
        "c_number": app_numbers,
        "c_lookup": ["".join(rng.choices(CODE_ALPHABET, k=8)) for _ in range(size)],
        "c_address": [f"昭通市{county.name}示范路{i + 1}号" for i, (county, _y) in enumerate(placed)],
        # the county's group (guardian rows) and the permit's number (the clone's ad_permit document)
        "c_group": [group_of[c.pk] for c, _y in placed],
        "c_permit": [""] * size,
    }
    ch = _Chunk(
        tpl=tpl,
        size=size,
        app0=_reserve_ids(PermitApplication, size),
        proc0=_reserve_ids(Process, size),
        task0=_reserve_ids(Task, size * len(tpl.tasks)),
        params=params,
    )
    _insert_select(
        PermitApplication,
        ch,
        [app0.pk],
        own_id="%(app0)s + c.i",
        overrides={"number": "c.number", "lookup_code": "c.lookup", "address": "c.address"},
    )
    _insert_select(Process, ch, [tpl.process.pk], own_id="%(proc0)s + c.i")
    _insert_select(PermitProcess, ch, [tpl.process.pk])  # process_ptr and application follow the clone
    _insert_select(Task, ch, [t.pk for t in tpl.tasks], own_id="%(task0)s + c.i * %(ntasks)s + tpl.k")
    _insert_select(Task.previous.through, ch, tpl.link_ids)
    app_ref = "(%(app0)s + c.i)::text"
    old_path = f"/{app0.pk}/"
    new_path = "'/' || (%(app0)s + c.i) || '/'"
    _insert_select(
        Clock,
        ch,
        [c.pk for c in tpl.clocks],
        overrides={
            "object_id": app_ref,
            "subject_label": "c.number",
            "subject_url": f"replace(tpl.subject_url, %(old_path)s, {new_path})",
        },
        extra_params={"old_path": old_path},
    )
    _clone_documents(ch, placed)
    _insert_select(Opinion, ch, [o.pk for o in tpl.opinions])
    _insert_select(Attachment, ch, [a.pk for a in tpl.attachments])
    if tpl.permit is not None:
        has_document = any(d.kind == "ad_permit" for d in tpl.documents)
        _insert_select(
            Permit, ch, [tpl.permit.pk], overrides={"number": "c.permit" if has_document else "c.number || '-P'"}
        )
    # Visibility rows as the services write them (guardian, per object), the county's group followed.
    _insert_select(
        GroupObjectPermission,
        ch,
        [g.pk for g in tpl.group_perms],
        overrides={
            "object_pk": app_ref,
            "group_id": "CASE WHEN tpl.group_id = %(tgroup)s THEN c.grp ELSE tpl.group_id END",
        },
        extra_params={"tgroup": template_group},
    )
    _insert_select(UserObjectPermission, ch, [u.pk for u in tpl.user_perms], overrides={"object_pk": app_ref})
    _insert_select(
        Notification,
        ch,
        [n.pk for n in tpl.notifications],
        overrides={
            "object_id": app_ref,
            "url": f"replace(tpl.url, %(old_path)s, {new_path})",
            "title": "replace(tpl.title, %(old_number)s, c.number)",
        },
        extra_params={"old_path": old_path, "old_number": app0.number},
    )
    _clone_audit(ch)


def _clone_documents(ch: _Chunk, placed: Sequence[tuple[County, int]]) -> None:
    """Issued documents: numbers from each (prefix, year) counter, the county's authority and issuer."""
    tpl = ch.tpl
    if not tpl.documents:
        return
    # Counters are per printed prefix and year: counties that share an issuing authority share one.
    authorities: dict[tuple[str, int], IssuingAuthority] = {}
    for county in {c for c, _y in placed}:
        for doc in tpl.documents:
            if (doc.kind, county.pk) not in authorities:
                authorities[(doc.kind, county.pk)] = authority_for(county=county, kind=doc.kind)
    by_key: dict[tuple[str, int], list[int]] = defaultdict(list)
    per = len(tpl.documents)
    for i, (county, year) in enumerate(placed):
        for k, doc in enumerate(tpl.documents):
            prefix = KINDS[doc.kind].number_prefix(authorities[(doc.kind, county.pk)].number_prefix)
            by_key[(prefix, year)].append(i * per + k)
    sequences: dict[int, int] = {}
    for (prefix, year), slots in by_key.items():
        for slot, seq in zip(slots, _doc_sequences(prefix, year, len(slots)), strict=True):
            sequences[slot] = seq
    rng = random.Random()  # noqa: S311 - bench data, not secrets
    issuers = {key: json.dumps(a.snapshot(), ensure_ascii=False) for key, a in authorities.items()}
    slot_i, slot_k, slot_seq, slot_number, slot_code, slot_authority, slot_issuer = [], [], [], [], [], [], []
    for i, (county, year) in enumerate(placed):
        for k, doc in enumerate(tpl.documents):
            seq = sequences[i * per + k]
            authority = authorities[(doc.kind, county.pk)]
            slot_i.append(i)
            slot_k.append(k)
            slot_seq.append(seq)
            slot_number.append(KINDS[doc.kind].format_number(authority.number_prefix, year, seq))
            slot_code.append("".join(rng.choices(CODE_ALPHABET, k=16)))
            slot_authority.append(authority.pk)
            slot_issuer.append(issuers[(doc.kind, county.pk)])
            if doc.kind == "ad_permit":
                ch.params["c_permit"][i] = slot_number[-1]
    _insert_select(
        IssuedDocument,
        ch,
        [d.pk for d in tpl.documents],
        overrides={
            "year": "c.year",
            "authority_id": "c.authority",
            "issuer": "c.issuer::jsonb",
            "sequence": "c.seq",
            "number": "c.dnumber",
            "subject_id": "(%(app0)s + c.i)::text",
            "verification_code": "c.code",
            "data": "tpl.data || jsonb_build_object('application_number', c.number, 'address', c.address)",
            "supersedes_id": "NULL",
        },
        # One row per document slot (the clone's values repeated for each of its documents), so
        # the template row is picked by ``k`` with no join of two unnests (which the planner,
        # blind to their sizes, ran as a nested loop: 60k x 60k per chunk).
        clones=(
            "unnest(%(d_i)s::int[], %(d_county)s::bigint[], %(d_shift)s::int[], %(d_year)s::int[], "
            "%(d_number)s::text[], %(d_address)s::text[], %(s_k)s::int[], %(s_seq)s::int[], %(s_number)s::text[], "
            "%(s_code)s::text[], %(s_authority)s::bigint[], %(s_issuer)s::text[]) "
            "AS c(i, county_id, shift, year, number, address, k, seq, dnumber, code, authority, issuer)"
        ),
        where="tpl.k = c.k",
        extra_params={
            **{f"d_{key}": [ch.params[f"c_{key}"][i] for i in slot_i] for key in ("i", "county", "shift", "year",
                                                                                   "number", "address")},
            "s_k": slot_k,
            "s_seq": slot_seq,
            "s_number": slot_number,
            "s_code": slot_code,
            "s_authority": slot_authority,
            "s_issuer": slot_issuer,
        },
    )


def _clone_audit(ch: _Chunk) -> None:
    """The template's audit rows for every clone, each with its own MAC, in one INSERT … SELECT.

    The MAC is ``audit.entry_mac``'s HMAC-SHA256 over the row's canonical JSON, computed by
    PostgreSQL's ``sha256()``: the JSON of each template row is fixed but for the clone's time,
    county, id and number, which are spliced in. The rows are left for the sealing task to chain,
    like any rows written without a lock (tests/bench checks every cloned MAC with entry_mac).
    """
    entries = ch.tpl.audit
    if not entries:
        return
    marks = {"at": "@@AT@@", "county": "@@COUNTY@@", "object_id": "@@ID@@", "object_repr": "@@REPR@@"}
    pieces: list[list[str]] = [[], [], [], [], []]
    for e in entries:
        payload = {
            "v": 2,
            "actor": e.actor_id,
            "actor_name": e.actor_name,
            "action": e.action,
            "object_type": e.object_type,
            "reason": e.reason,
            "data": e.data,
            **marks,
        }
        blob = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        rest = blob
        for n, mark in enumerate(marks.values()):  # sorted keys: at, county, object_id, object_repr
            head, rest = rest.split(json.dumps(mark), 1)
            pieces[n].append(head)
        pieces[4].append(rest)
    key = str(settings.XIUHUA_AUDIT_KEY).encode()
    if len(key) > 64:  # HMAC (RFC 2104): a long key is hashed first, then padded to the block
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\0")
    at = "(tpl.at - make_interval(days => c.shift))"
    message = (
        "a.p0 || '\"' || to_char(" + at + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') || '\"' "
        "|| a.p1 || c.county_id::text || a.p2 || to_json((%(app0)s + c.i)::text)::text || a.p3 "
        "|| to_json(c.number)::text || a.p4"
    )
    entry0 = _reserve_ids(AuditEntry, ch.size * len(entries))
    _insert_select(
        AuditEntry,
        ch,
        [e.pk for e in entries],
        own_id=f"{entry0} + c.i * {len(entries)} + tpl.k",
        overrides={
            "object_id": "(%(app0)s + c.i)::text",
            "object_repr": "c.number",
            "mac": "encode(sha256(%(opad)s::bytea || sha256(%(ipad)s::bytea || convert_to(" + message + ", 'UTF8'))), "
            "'hex')",
        },
        tpl_join=(  # each template row's JSON pieces, joined before the clones multiply the rows
            "JOIN unnest(%(a_p0)s::text[], %(a_p1)s::text[], %(a_p2)s::text[], %(a_p3)s::text[], %(a_p4)s::text[]) "
            "WITH ORDINALITY AS a(p0, p1, p2, p3, p4, n) ON a.n = tpl.k + 1"
        ),
        extra_params={
            "ipad": bytes(b ^ 0x36 for b in key),
            "opad": bytes(b ^ 0x5C for b in key),
            **{f"a_p{n}": piece for n, piece in enumerate(pieces)},
        },
    )
    if _triggers_off():  # what workflows_auditentry_enqueue writes for each new row: the sealing outbox
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {AuditPending._meta.db_table} (entry_id) SELECT generate_series(%s::bigint, %s)",  # noqa: S608
                [entry0, entry0 + ch.size * len(entries) - 1],
            )


def counts() -> dict[str, int]:
    from django.apps import apps

    names = [
        "outdoor_ads.PermitApplication",
        "viewflow.Process",
        "viewflow.Task",
        "sla.Clock",
        "documents.IssuedDocument",
        "workflows.AuditEntry",
        "outdoor_ads.Opinion",
        "outdoor_ads.Permit",
        "guardian.GroupObjectPermission",
        "sla.Notification",
    ]
    result = {}
    with connection.cursor() as cursor:
        for name in names:
            table = apps.get_model(name)._meta.db_table
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - table names from the models
            result[name] = int(cursor.fetchone()[0])
    return result


def open_population() -> int:
    return (
        PermitApplication.objects.filter(status__in=PermitApplication.OPEN_STATUSES)
        .exclude(address__startswith=TEMPLATE_PREFIX)
        .count()
    )


def closed_population() -> int:
    return (
        PermitApplication.objects.filter(status__in=PermitApplication.FINAL_STATUSES)
        .exclude(address__startswith=TEMPLATE_PREFIX)
        .count()
    )


def ensure_accounts() -> None:
    from workflows.demo import seed_accounts
    from workflows.management.commands.sync_roles import sync_roles

    sync_roles()
    if not User.objects.filter(username="clerk").exists():
        seed_accounts()


# From this many clones on, the big tables' plain indexes are dropped for the load and built
# again afterwards (one sort per index instead of millions of insertions into it).
LARGE_LOAD = 200_000
CLONED_MODELS = [AuditEntry, AuditPending, Task, Task.previous.through, Clock, IssuedDocument, Opinion, Notification,
                 Process, PermitProcess, PermitApplication, Attachment, Permit]


@contextmanager
def _indexes_rebuilt_after(models: Sequence[Any], *, enabled: bool, log: Callable[[str], None]) -> Iterator[None]:
    """Drop the plain (non-constraint) indexes of ``models``' tables; build them again on the way out.

    Primary keys and unique constraints stay: the load is still checked against them.
    """
    if not enabled:
        yield
        return
    tables = [m._meta.db_table for m in models]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            [tables],
        )
        dropped = cursor.fetchall()
        for name, _definition in dropped:
            cursor.execute(f"DROP INDEX {name}")
    log(f"bench_data: {len(dropped)} indexes dropped for the load")
    try:
        yield
    finally:
        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            # Inside an outer transaction (the tests) deferred foreign-key checks must run first.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET maintenance_work_mem = '512MB'")
            for _name, definition in dropped:
                cursor.execute(definition)
        TIMINGS["indexes rebuilt"] += time.perf_counter() - t0
        log(f"bench_data: {len(dropped)} indexes built again in {time.perf_counter() - t0:.0f} s")


def build(*, open_count: int, closed_count: int, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Grow the database to at least ``open_count`` open and ``closed_count`` closed applications."""
    started = time.perf_counter()
    TIMINGS.clear()
    ensure_accounts()
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")
    counties = list(County.objects.order_by("pk"))
    templates_made = {name: template(name, then) for name, then, _share in OPEN_TEMPLATES + CLOSED_TEMPLATES}
    numbers = Numbers.load()  # after the templates took their numbers
    # Read while the indexes exist: the templates' rows are found through them.
    templates_read = {name: Template(app) for name, app in templates_made.items()}
    made = {"open": 0, "closed": 0}
    large = max(0, open_count - open_population()) + max(0, closed_count - closed_population()) >= LARGE_LOAD
    with _indexes_rebuilt_after(CLONED_MODELS, enabled=large, log=log):
        _grow(numbers=numbers, counties=counties, templates_read=templates_read, made=made, open_count=open_count,
              closed_count=closed_count, log=log)
    t0 = time.perf_counter()
    # What the beat does each day, for the whole loaded history at once (its stop days are past).
    rollup.clock_days_roll_up(from_scratch=True)
    TIMINGS["clock day totals"] += time.perf_counter() - t0
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    TIMINGS["ANALYZE"] += time.perf_counter() - t0
    return {
        "created": made,
        "seconds": round(time.perf_counter() - started, 1),
        "seconds_per_table": {k: round(v, 1) for k, v in sorted(TIMINGS.items(), key=lambda kv: -kv[1])},
        "rows": counts(),
    }


def _grow(
    *,
    numbers: Numbers,
    counties: list[County],
    templates_read: dict[str, Template],
    made: dict[str, int],
    open_count: int,
    closed_count: int,
    log: Callable[[str], None],
) -> None:
    this_year = clock.today().year
    for kind, templates, target, have, years in (
        ("open", OPEN_TEMPLATES, open_count, open_population(), [this_year]),
        ("closed", CLOSED_TEMPLATES, closed_count, closed_population(), list(range(this_year - 9, this_year + 1))),
    ):
        missing = max(0, target - have)
        if not missing:
            continue
        remaining = missing
        for index, (name, _then, share) in enumerate(templates):
            n = remaining if index == len(templates) - 1 else int(missing * share)
            remaining -= n
            tpl = templates_read[name]
            t0 = time.perf_counter()

            def progress(done: int, n: int = n, name: str = name, t0: float = t0) -> None:
                log(f"bench_data:   {done:,}/{n:,} {name} ({time.perf_counter() - t0:.0f} s)")

            clone(tpl, n, numbers=numbers, counties=counties, years=years, spread=kind == "closed", progress=progress)
            log(f"bench_data: {n:,} {kind} like {name} in {time.perf_counter() - t0:.1f} s")
        made[kind] = missing
