from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from workflows.models import County

from .registry import KINDS


class DocumentCounter(models.Model):
    """Last number used per kind, county and year; locked by the issuing transaction."""

    kind = models.CharField(max_length=40)
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_sequence = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "county", "year"], name="documents_counter_unique")]

    def __str__(self) -> str:
        return f"{self.kind} {self.county_id} {self.year}: {self.last_sequence}"


class IssuedDocument(models.Model):
    """One issued document: its stored PDF is the record and is never rendered again."""

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

    pdf = models.FileField(_("PDF"), upload_to="documents/%Y/")
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    template_version = models.CharField(_("template version"), max_length=80)
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
        indexes = [models.Index(fields=["subject_type", "subject_id"])]
        constraints = [
            models.UniqueConstraint(fields=["kind", "county", "year", "sequence"], name="documents_sequence_unique")
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
    def is_valid(self) -> bool:
        return self.status == self.Status.VALID


def public_verify_url(code: str) -> str:
    return settings.XIUHUA_PUBLIC_BASE_URL.rstrip("/") + reverse("documents:verify", kwargs={"code": code})
