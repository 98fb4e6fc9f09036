"""Realistic volume quickly: real template permits, cloned in bulk into every table they touched.

A handful of applications go through the real services (submit, accept, review, countersign,
decide, deliver) with the clock moved back; those rows — application, viewflow process and
tasks with their links, step and overall clocks, issued documents, opinions, permit,
attachments, guardian rows, notifications and audit entries — are then copied in bulk
(``bulk_create`` in chunks, audit rows chained by ``audit.record_many``) with new ids,
numbers, counties and dates. What a real process writes is therefore what the clones hold.
"""

from __future__ import annotations

import datetime as dt
import itertools
import secrets
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from guardian.models import GroupObjectPermission, UserObjectPermission
from viewflow.workflow.models import Process, Task

from outdoor_ads import services
from outdoor_ads.demo import _uploads
from outdoor_ads.flows import PermitFlow
from outdoor_ads.models import Attachment, Opinion, Permit, PermitApplication, PermitProcess
from workflows import audit, calendar, clock
from workflows.documents.authorities import authority_for
from workflows.documents.models import DocumentCounter, IssuedDocument, IssuingAuthority
from workflows.documents.registry import KINDS
from workflows.jurisdiction import county_group
from workflows.models import AuditEntry, County, User
from workflows.sla.models import Clock, Notification

CHUNK = 2000
TEMPLATE_PREFIX = "BENCH-TEMPLATE "
SWEEP_LABEL = "BENCH-SWEEP"  # bench.runner.sweep's synthetic clocks
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


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


def _code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(16))


def _copy(obj: Any, **changes: Any) -> Any:
    clone = type(obj)(**{f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields})
    clone.pk = None
    for key, value in changes.items():
        setattr(clone, key, value)
    return clone


class Template:
    """Every row one real application left behind, ready to be copied."""

    def __init__(self, app: PermitApplication) -> None:
        app = PermitApplication.objects.get(pk=app.pk)  # as the services left it
        self.app = app
        self.process = PermitProcess.objects.get(application=app)
        self.tasks = list(Task.objects.filter(process_id=self.process.pk).order_by("pk"))
        through = Task.previous.through
        self.links = list(
            through.objects.filter(to_task__process_id=self.process.pk).values_list("from_task_id", "to_task_id")
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
    progress: Callable[[int], None] | None = None,
) -> int:
    """Copy ``tpl`` ``count`` times across ``counties`` and (for closed ones) ``years``."""
    county_cycle = itertools.cycle(counties)
    year_cycle = itertools.cycle(years)
    done = 0
    for size in _chunks(count):
        with transaction.atomic():
            _clone_chunk(tpl, size, numbers=numbers, county_cycle=county_cycle, year_cycle=year_cycle)
        done += size
        if progress:
            progress(done)
    return done


def _clone_chunk(
    tpl: Template, size: int, *, numbers: Numbers, county_cycle: Iterator[County], year_cycle: Iterator[int]
) -> None:
    app0 = tpl.app
    this_year = clock.today().year
    placed = [(next(county_cycle), next(year_cycle)) for _ in range(size)]
    shift = {i: dt.timedelta(days=365 * (this_year - year)) for i, (_c, year) in enumerate(placed)}
    apps = [
        _copy(
            app0,
            number=numbers.next_application(year, county),
            lookup_code=_code()[:8],
            county_id=county.pk,
            address=f"昭通市{county.name}示范路{i + 1}号",
            submitted_at=app0.submitted_at - shift[i],
        )
        for i, (county, year) in enumerate(placed)
    ]
    PermitApplication.objects.bulk_create(apps)

    # viewflow process rows (multi-table: parent in bulk, child rows in one INSERT … SELECT unnest)
    proc0 = tpl.process
    parents = [
        Process(
            flow_class=proc0.flow_class,
            status=proc0.status,
            created=proc0.created - shift[i],
            finished=proc0.finished - shift[i] if proc0.finished else None,
            data=proc0.data,
        )
        for i in range(size)
    ]
    Process.objects.bulk_create(parents)
    table = PermitProcess._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (process_ptr_id, application_id, acceptance, supplement_answered, "  # noqa: S608
            "countersigned, hearing_flagged, granted) SELECT p, a, %s, %s, %s, %s, %s "
            "FROM unnest(%s::bigint[], %s::bigint[]) AS t(p, a)",
            [
                proc0.acceptance,
                proc0.supplement_answered,
                proc0.countersigned,
                proc0.hearing_flagged,
                proc0.granted,
                [p.pk for p in parents],
                [a.pk for a in apps],
            ],
        )

    tasks = [
        _copy(
            t,
            process_id=parents[i].pk,
            created=t.created - shift[i],
            assigned=t.assigned - shift[i] if t.assigned else None,
            started=t.started - shift[i] if t.started else None,
            finished=t.finished - shift[i] if t.finished else None,
        )
        for i in range(size)
        for t in tpl.tasks
    ]
    Task.objects.bulk_create(tasks)
    per = len(tpl.tasks)
    task_map = [{t.pk: tasks[i * per + k].pk for k, t in enumerate(tpl.tasks)} for i in range(size)]
    through = Task.previous.through
    through.objects.bulk_create(
        [through(from_task_id=task_map[i][a], to_task_id=task_map[i][b]) for i in range(size) for a, b in tpl.links]
    )

    clocks = []
    for i, app in enumerate(apps):
        for c in tpl.clocks:
            d = shift[i]
            clocks.append(
                _copy(
                    c,
                    object_id=str(app.pk),
                    subject_label=app.number,
                    subject_url=c.subject_url.replace(f"/{app0.pk}/", f"/{app.pk}/"),
                    county_id=app.county_id,
                    task_id=task_map[i].get(c.task_id) if c.task_id else None,
                    started_at=c.started_at - d,
                    start_date=c.start_date - d,
                    due_date=c.due_date - d,
                    yellow_date=c.yellow_date - d,
                    statutory_due_date=c.statutory_due_date - d if c.statutory_due_date else None,
                    stopped_at=c.stopped_at - d if c.stopped_at else None,
                    stopped_on=c.stopped_on - d if c.stopped_on else None,
                )
            )
    Clock.objects.bulk_create(clocks)

    documents = []
    # Counters are per printed prefix and year: counties that share an issuing authority share one.
    authorities: dict[tuple[str, int], IssuingAuthority] = {}
    for county, _y in placed:
        for doc in tpl.documents:
            if (doc.kind, county.pk) not in authorities:
                authorities[(doc.kind, county.pk)] = authority_for(county=county, kind=doc.kind)
    by_key: dict[tuple[str, int], list[int]] = defaultdict(list)
    for i, (county, year) in enumerate(placed):
        for k, doc in enumerate(tpl.documents):
            prefix = KINDS[doc.kind].number_prefix(authorities[(doc.kind, county.pk)].number_prefix)
            by_key[(prefix, year)].append(i * len(tpl.documents) + k)
    sequences: dict[int, int] = {}
    for (prefix, year), slots in by_key.items():
        for slot, seq in zip(slots, _doc_sequences(prefix, year, len(slots)), strict=True):
            sequences[slot] = seq
    for i, ((county, year), app) in enumerate(zip(placed, apps, strict=True)):
        for k, doc in enumerate(tpl.documents):
            seq = sequences[i * len(tpl.documents) + k]
            authority = authorities[(doc.kind, county.pk)]
            documents.append(
                _copy(
                    doc,
                    county_id=county.pk,
                    year=year,
                    authority=authority,
                    issuer=authority.snapshot(),
                    sequence=seq,
                    number=KINDS[doc.kind].format_number(authority.number_prefix, year, seq),
                    subject_id=str(app.pk),
                    verification_code=_code(),
                    issued_at=doc.issued_at - shift[i],
                    data={**doc.data, "application_number": app.number, "address": app.address},
                    supersedes_id=None,
                )
            )
    IssuedDocument.objects.bulk_create(documents)

    Opinion.objects.bulk_create(
        [_copy(o, application_id=app.pk, at=o.at - shift[i]) for i, app in enumerate(apps) for o in tpl.opinions]
    )
    Attachment.objects.bulk_create([_copy(a, application_id=app.pk) for app in apps for a in tpl.attachments])
    if tpl.permit is not None:
        permit_docs = [d for d in documents if d.kind == "ad_permit"]
        Permit.objects.bulk_create(
            [
                _copy(
                    tpl.permit,
                    application_id=app.pk,
                    county_id=app.county_id,
                    number=permit_docs[i].number if i < len(permit_docs) else f"{app.number}-P",
                    valid_from=tpl.permit.valid_from - shift[i],
                    valid_until=tpl.permit.valid_until - shift[i],
                    delivered_at=tpl.permit.delivered_at - shift[i] if tpl.permit.delivered_at else None,
                )
                for i, app in enumerate(apps)
            ]
        )
    # Visibility rows as the services write them today (guardian, per object).
    template_group = county_group(app0.county).pk
    groups = {c.pk: county_group(c).pk for c, _y in placed}
    group_rows = []
    for app, (county, _y) in zip(apps, placed, strict=True):
        for gp in tpl.group_perms:
            group_id = groups[county.pk] if gp.group_id == template_group else gp.group_id
            group_rows.append(
                GroupObjectPermission(
                    content_type_id=gp.content_type_id,
                    object_pk=str(app.pk),
                    group_id=group_id,
                    permission_id=gp.permission_id,
                )
            )
    GroupObjectPermission.objects.bulk_create(group_rows)
    UserObjectPermission.objects.bulk_create(
        [
            UserObjectPermission(
                content_type_id=up.content_type_id,
                object_pk=str(app.pk),
                user_id=up.user_id,
                permission_id=up.permission_id,
            )
            for app in apps
            for up in tpl.user_perms
        ]
    )
    Notification.objects.bulk_create(
        [
            _copy(
                n,
                object_id=str(app.pk),
                url=n.url.replace(f"/{app0.pk}/", f"/{app.pk}/"),
                title=n.title.replace(app0.number, app.number),
                created_at=n.created_at - shift[i],
            )
            for i, app in enumerate(apps)
            for n in tpl.notifications
        ]
    )
    audit.record_many(
        [
            audit.Event(actor=e.actor, action=e.action, obj=app, reason=e.reason, data=e.data, county=county)
            for app, (county, _y) in zip(apps, placed, strict=True)
            for e in tpl.audit
        ]
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


def build(*, open_count: int, closed_count: int, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Grow the database to at least ``open_count`` open and ``closed_count`` closed applications."""
    started = time.perf_counter()
    ensure_accounts()
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")
    counties = list(County.objects.order_by("pk"))
    templates_made = {name: template(name, then) for name, then, _share in OPEN_TEMPLATES + CLOSED_TEMPLATES}
    numbers = Numbers.load()  # after the templates took their numbers
    this_year = clock.today().year
    made = {"open": 0, "closed": 0}
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
            tpl = Template(templates_made[name])
            t0 = time.perf_counter()
            clone(tpl, n, numbers=numbers, counties=counties, years=years)
            log(f"bench_data: {n:,} {kind} like {name} in {time.perf_counter() - t0:.1f} s")
        made[kind] = missing
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"created": made, "seconds": round(time.perf_counter() - started, 1), "rows": counts()}
