"""Construction-waste disposal approval (城市建筑垃圾处置核准, 《城市建筑垃圾管理规定》 art. 7).

The licensing kernel's abstract models carry everything the Licensing Law needs; this app adds
what is its own: the project, the waste, the transport and the disposal site.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process

from licensing.models import (
    LicenceAffectedParty,
    LicenceApplication,
    LicenceAttachment,
    LicenceFollowUp,
    LicenceHearing,
    LicenceOpinion,
    LicencePermit,
    LicencePermitRequest,
    LicenceProcess,
    LicenceRating,
    LicenceReviewPause,
    attachment_path,
)


class WasteKind(models.TextChoices):
    # 《城市建筑垃圾管理规定》 art. 2: the kinds of construction waste.
    SPOIL = "spoil", _("Excavated soil (渣土)")
    SLURRY = "slurry", _("Engineering slurry")
    CONSTRUCTION = "construction", _("Construction debris")
    DEMOLITION = "demolition", _("Demolition waste")
    RENOVATION = "renovation", _("Renovation waste")


class PermitApplication(LicenceApplication):
    """An application to dispose of the construction waste of one project."""

    worklist_search = ("number", "project_name")

    project_name = models.CharField(_("project name"), max_length=200)
    project_address = models.CharField(_("project address"), max_length=200)
    waste_kind = models.CharField(_("waste kind"), max_length=20, choices=WasteKind.choices)
    volume_m3 = models.DecimalField(_("volume (m³)"), max_digits=10, decimal_places=1, default=Decimal("0"))
    transport_company = models.CharField(_("transport company"), max_length=200)
    vehicles = models.TextField(_("vehicles (plate numbers)"))
    route = models.TextField(_("transport route"))
    disposal_site = models.CharField(_("disposal site"), max_length=200)

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [
            # With the id: newest first is (submitted_at, id) descending, walked for one page.
            models.Index(fields=["county", "-submitted_at", "-id"], name="listcost_waste_county_newest"),
            models.Index(fields=["applicant", "-submitted_at"], name="waste_app_owner_submitted"),
        ]
        verbose_name = _("waste disposal application")
        verbose_name_plural = _("waste disposal applications")

    @property
    def address(self) -> str:
        return self.project_address


class Attachment(LicenceAttachment):
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)

    class Meta(LicenceAttachment.Meta):
        pass


class AffectedParty(LicenceAffectedParty):
    class Meta(LicenceAffectedParty.Meta):
        pass


class Opinion(LicenceOpinion):
    class Meta(LicenceOpinion.Meta):
        pass


class WasteProcess(LicenceProcess, Process):  # type: ignore[django-manager-missing]
    """The viewflow process of one waste disposal application."""

    class Meta:
        ordering = ["-created"]
        verbose_name = _("waste disposal process")
        verbose_name_plural = _("waste disposal processes")
        permissions = [
            ("accept_permit", _("Can decide on acceptance of a waste disposal application")),
            ("review_permit", _("Can review a waste disposal application")),
            ("hear_permit", _("Can chair a waste disposal hearing")),
            ("decide_permit", _("Can decide a waste disposal application")),
            ("deliver_permit", _("Can deliver a waste disposal permit")),
        ]


class Hearing(LicenceHearing):
    class Meta(LicenceHearing.Meta):
        pass


class Permit(LicencePermit):
    """A granted disposal approval (城市建筑垃圾处置核准证)."""

    waste_kind = models.CharField(_("waste kind"), max_length=20, choices=WasteKind.choices)
    volume_m3 = models.DecimalField(_("volume (m³)"), max_digits=10, decimal_places=1, default=Decimal("0"))
    transport_company = models.CharField(_("transport company"), max_length=200)
    vehicles = models.TextField(_("vehicles (plate numbers)"))
    route = models.TextField(_("transport route"))
    disposal_site = models.CharField(_("disposal site"), max_length=200)

    class Meta:
        ordering = ["valid_until", "id"]
        indexes = [models.Index(fields=["county", "valid_until", "id"], name="waste_permit_county_until")]
        verbose_name = _("waste disposal permit")
        verbose_name_plural = _("waste disposal permits")


class PermitRequest(LicencePermitRequest):
    class Meta(LicencePermitRequest.Meta):
        pass


class Rating(LicenceRating):
    class Meta(LicenceRating.Meta):
        pass


class FollowUp(LicenceFollowUp):
    class Meta(LicenceFollowUp.Meta):
        permissions = [("resolve_followup", _("Can resolve a rating follow-up"))]


class ReviewPause(LicenceReviewPause):
    class Meta(LicenceReviewPause.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["application"], condition=Q(ended_at__isnull=True), name="waste_one_running_pause"
            )
        ]
