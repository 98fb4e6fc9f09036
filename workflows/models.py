from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import clock
from .crypto import EncryptedCharField
from .masking import mask_id_number, mask_phone


class County(models.Model):
    """One of the city's 11 county-level jurisdictions (seeded by a migration)."""

    code = models.CharField(_("division code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=20, unique=True)
    short_name = models.CharField(_("short name"), max_length=10)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order"]
        verbose_name = _("county")
        verbose_name_plural = _("counties")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    class Kind(models.TextChoices):
        STAFF = "staff", _("Bureau staff")
        COMPANY = "company", _("Company applicant")
        PERSON = "person", _("Individual applicant")

    kind = models.CharField(_("account type"), max_length=10, choices=Kind.choices, default=Kind.PERSON)
    real_name = models.CharField(_("name"), max_length=100, blank=True)
    # None means city-wide staff; applicants have no county.
    county = models.ForeignKey(
        County, verbose_name=_("county"), null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    id_number = EncryptedCharField(_("ID number"), blank=True, default="")
    company_name = models.CharField(_("company name"), max_length=200, blank=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    certificate_number = models.CharField(_("law-enforcement certificate number"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.kind == self.Kind.COMPANY and self.company_name:
            return self.company_name
        return self.real_name or self.username

    def get_full_name(self) -> str:
        return self.display_name

    @property
    def is_citywide(self) -> bool:
        return self.kind == self.Kind.STAFF and self.county_id is None

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class AuditEntry(models.Model):
    """One append-only row of the audit trail, written by ``workflows.audit.record``.

    ``mac`` is an HMAC of the row's content under ``XIUHUA_AUDIT_KEY`` (kept outside the
    database), computed when the row is written, so a row edited behind the application's back
    no longer matches. Writers take no lock: the sealing task chains committed rows into
    ``AuditSeal`` afterwards. On PostgreSQL triggers refuse UPDATE and DELETE and queue every
    new row in ``AuditPending`` (migrations 0002 and audit_0003).
    """

    at = models.DateTimeField(_("time"), default=clock.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, blank=True, on_delete=models.PROTECT
    )
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    county = models.ForeignKey(County, verbose_name=_("county"), null=True, blank=True, on_delete=models.PROTECT)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    mac = models.CharField(_("content MAC"), max_length=64)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"


class AuditPending(models.Model):
    """An audit row not yet chained: the outbox of the sealing task (filled by a database trigger)."""

    entry = models.OneToOneField(AuditEntry, primary_key=True, on_delete=models.DO_NOTHING, related_name="+")

    def __str__(self) -> str:
        return f"pending {self.entry_id}"


class AuditSeal(models.Model):
    """Position ``seq`` of the audit chain: an entry's MAC keyed to the seal before (append-only).

    Only the sealing task writes here, one batch at a time, so writers of audit rows never wait
    for each other; the newest seal is the chain's head and is anchored outside the database.
    """

    seq = models.PositiveBigIntegerField(primary_key=True)
    entry = models.OneToOneField(AuditEntry, on_delete=models.PROTECT, related_name="seal")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    sealed_at = models.DateTimeField()

    class Meta:
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"


class Capability(models.Model):
    """Holds product-wide permissions that belong to no single table (no table is created)."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_supervision", _("Can view the supervision dashboard")),
            ("manage_calendar", _("Can enter the holiday schedule of a year")),
        ]

    def __str__(self) -> str:
        return "capability"


class ServiceHeartbeat(models.Model):
    """Last time a background service (the beat sweep) ran, shown on the health page."""

    name = models.CharField(max_length=40, unique=True)
    last_seen = models.DateTimeField()
    count = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_seen:%Y-%m-%d %H:%M:%S}"


class WorkerProbe(models.Model):
    """A health-check task's footprint: proves a worker took a task and finished it once."""

    token = models.CharField(max_length=64, unique=True)
    attempts = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.token


class NumberCounter(models.Model):
    """The last sequence number used for one series (e.g. applications of a county in a year).

    Taken with one ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` (workflows.numbering): a row lock
    on this series only, never on the county row that foreign keys point to.
    """

    series = models.CharField(max_length=60)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["series", "year"], name="workflows_number_series_year")]

    def __str__(self) -> str:
        return f"{self.series} {self.year}: {self.last}"


class IdempotencyKey(models.Model):
    """A creating API request already answered: its key, caller, body hash and response (replayed)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    path = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True)
    created = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_per_user")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"


class Event(models.Model):
    """An outbox row for platforms mirroring progress: written in the transaction of the act."""

    kind = models.CharField(max_length=50, db_index=True)
    subject_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    county = models.ForeignKey(County, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    data = models.JSONField(default=dict)
    created = models.DateTimeField(default=clock.now)

    class Meta:
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="event_subject")]

    def __str__(self) -> str:
        return f"{self.pk} {self.kind}"


class Webhook(models.Model):
    """Where events are pushed (POST, JSON, ``X-Xiuhua-Signature: sha256=<HMAC of the body>``)."""

    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(_("secret"), max_length=200)
    kinds = models.CharField(_("event kinds"), max_length=500, blank=True, help_text=_("Comma-separated; empty: all"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self) -> str:
        return self.url

    def wants(self, kind: str) -> bool:
        wanted = [k.strip() for k in self.kinds.split(",") if k.strip()]
        return not wanted or kind in wanted
