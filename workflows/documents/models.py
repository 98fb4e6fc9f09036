from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from workflows.models import County

from .registry import KINDS


class IssuingAuthority(models.Model):
    """An organ that issues documents: the header and seal on the paper, the 文号 prefix, and
    the bodies its rights notices name. Administrative data, edited in the admin; every issued
    document keeps a copy of these fields as they were when it was issued."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    seal_name = models.CharField(_("name on the seal"), max_length=100)
    number_prefix = models.CharField(
        _("document number prefix"),
        max_length=20,
        unique=True,
        help_text=_("Agency part of the document number, before the kind code, e.g. 鲁住建."),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    review_body = models.CharField(
        _("administrative review body"),
        max_length=100,
        help_text=_("The people's government at the same level as this authority (Administrative Review Law 2023)."),
    )
    court = models.CharField(_("competent court"), max_length=100)
    sms_sign = models.CharField(
        _("SMS signature"), max_length=20, help_text=_("Shown in brackets at the start of text messages.")
    )
    is_default = models.BooleanField(
        _("default authority"),
        default=False,
        help_text=_("Runs this site and issues for every county and kind not assigned to another authority."),
    )

    class Meta:
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="documents_one_default_authority"
            )
        ]
        verbose_name = _("issuing authority")
        verbose_name_plural = _("issuing authorities")

    def __str__(self) -> str:
        return self.name

    # Fields copied into every document at issue time (see ``snapshot``).
    SNAPSHOT_FIELDS = ("name", "seal_name", "number_prefix", "address", "phone", "review_body", "court", "sms_sign")

    def snapshot(self) -> dict[str, Any]:
        return {"id": self.pk, **{name: getattr(self, name) for name in self.SNAPSHOT_FIELDS}}


class AuthorityAssignment(models.Model):
    """Which authority issues documents for a county: for every kind (kind left blank) or for one."""

    county = models.ForeignKey(County, verbose_name=_("county"), on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(
        _("document kind"),
        max_length=40,
        blank=True,
        choices=[("", _("Every kind"))] + [(k.code, k.title) for k in KINDS.values()],
    )
    authority = models.ForeignKey(
        IssuingAuthority, verbose_name=_("issuing authority"), on_delete=models.PROTECT, related_name="assignments"
    )

    class Meta:
        ordering = ["county__order", "kind"]
        constraints = [models.UniqueConstraint(fields=["county", "kind"], name="documents_assignment_unique")]
        verbose_name = _("authority assignment")
        verbose_name_plural = _("authority assignments")

    def __str__(self) -> str:
        return f"{self.county} {self.kind or '*'} → {self.authority}"


class DocumentCounter(models.Model):
    """Last number used per number series (prefix up to the year) and year.

    Keyed by the printed prefix, not by county and kind, so two counties that share an
    authority share its series and a number can never be printed twice.
    """

    prefix = models.CharField(max_length=40)
    year = models.PositiveSmallIntegerField()
    last_sequence = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="documents_counter_series_unique")]

    def __str__(self) -> str:
        return f"{self.prefix} {self.year}: {self.last_sequence}"


class IssuedDocument(models.Model):
    """One issued document: numbered and stored with its data in the issuing transaction; its
    PDF is rendered once after commit (``rendered_at``) and is the record from then on."""

    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        SUPERSEDED = "superseded", _("Superseded")
        REVOKED = "revoked", _("Revoked")

    kind = models.CharField(_("document kind"), max_length=40, choices=[(k.code, k.title) for k in KINDS.values()])
    county = models.ForeignKey(County, verbose_name=_("county"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    number = models.CharField(_("document number"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=60)

    # The subject (application, case, …) is referred to generically so process apps need no
    # foreign key to this app.
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.CharField(max_length=64)
    subject = GenericForeignKey("subject_type", "subject_id")

    holder_name = models.CharField(_("holder"), max_length=200)
    holder_is_person = models.BooleanField(_("holder is a natural person"), default=True)
    data = models.JSONField(_("data"), default=dict)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    # The issuing authority as it was at issue time; the document never follows later edits.
    authority = models.ForeignKey(
        IssuingAuthority,
        verbose_name=_("issuing authority"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issuer = models.JSONField(_("issuer at issue time"), default=dict)

    pdf = models.FileField(_("PDF"), upload_to="documents/%Y/", blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    template_version = models.CharField(_("template version"), max_length=80, blank=True)
    rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True)
    render_attempts = models.PositiveSmallIntegerField(_("render attempts"), default=0)
    render_error = models.TextField(_("last render error"), blank=True)
    verification_code = models.CharField(_("verification code"), max_length=20, unique=True)

    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.VALID)
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("supersedes"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    status_reason = models.TextField(_("reason for the status"), blank=True)

    class Meta:
        ordering = ["issued_at", "id"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"]),
            # the render sweep looks for documents still waiting for their PDF
            models.Index(
                fields=["issued_at"], condition=models.Q(rendered_at__isnull=True), name="documents_unrendered"
            ),
        ]
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_download_url(self) -> str:
        return reverse("documents:download", kwargs={"pk": self.pk})

    def get_verify_url(self) -> str:
        return reverse("documents:verify", kwargs={"code": self.verification_code})

    @property
    def public_verify_url(self) -> str:
        return public_verify_url(self.verification_code)

    @property
    def is_ready(self) -> bool:
        """Whether the PDF has been rendered and stored (until then pages say 生成中)."""
        return self.rendered_at is not None

    @property
    def ready_download_url(self) -> str | None:
        return self.get_download_url() if self.is_ready else None

    @property
    def is_valid(self) -> bool:
        return self.status == self.Status.VALID


def public_verify_url(code: str) -> str:
    return settings.XIUHUA_PUBLIC_BASE_URL.rstrip("/") + reverse("documents:verify", kwargs={"code": code})
