from __future__ import annotations

from decimal import Decimal

from django.db import models
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
)
from workflows import clock
from workflows.requestcache import memo


class FacilityType(models.Model):
    """A kind of facility; its rules (validity, survey threshold, hearing) are data, editable in the admin."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    max_validity_days = models.PositiveIntegerField(_("maximum validity (days)"), default=3 * 365)
    # A site survey is needed for every facility of this type, or only from this face area up.
    survey_always = models.BooleanField(_("site survey always required"), default=False)
    survey_min_area = models.DecimalField(
        _("site survey required from area (m²)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    survey_min_height = models.DecimalField(
        _("site survey required from height above ground (m)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    hearing_required = models.BooleanField(_("hearing required by law"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("facility type")
        verbose_name_plural = _("facility types")

    def __str__(self) -> str:
        return self.name

    def requires_survey(self, *, area: Decimal, height_above_ground: Decimal) -> bool:
        if self.survey_always:
            return True
        if self.survey_min_area is not None and area >= self.survey_min_area:
            return True
        return self.survey_min_height is not None and height_above_ground >= self.survey_min_height


class MaterialRequirement(models.Model):
    """One item of the materials checklist of a facility type (configurable)."""

    facility_type = models.ForeignKey(
        FacilityType, verbose_name=_("facility type"), on_delete=models.CASCADE, related_name="requirements"
    )
    code = models.SlugField(_("code"), max_length=40)
    title = models.CharField(_("title"), max_length=100)
    required = models.BooleanField(_("required"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        unique_together = [("facility_type", "code")]
        verbose_name = _("required material")
        verbose_name_plural = _("materials checklist")

    def __str__(self) -> str:
        return self.title


class PermitApplication(LicenceApplication):
    """An application for an outdoor-advertising facility permit (domain §2)."""

    worklist_search = ("number", "address")

    class Lighting(models.TextChoices):
        NONE = "none", _("No lighting")
        INTERNAL = "internal", _("Internally lit")
        EXTERNAL = "external", _("Floodlit")
        SELF_LUMINOUS = "self_luminous", _("Self-luminous (LED)")

    facility_type = models.CharField(_("facility type"), max_length=40)
    address = models.CharField(_("address"), max_length=200)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    width_m = models.DecimalField(_("width (m)"), max_digits=7, decimal_places=2, default=Decimal("0"))
    height_m = models.DecimalField(_("height (m)"), max_digits=7, decimal_places=2, default=Decimal("0"))
    height_above_ground_m = models.DecimalField(
        _("height above ground (m)"), max_digits=7, decimal_places=2, default=Decimal("0")
    )
    material = models.CharField(_("material"), max_length=100, blank=True)
    lighting = models.CharField(_("lighting"), max_length=20, choices=Lighting.choices, default=Lighting.NONE)
    content = models.TextField(_("advertising content"), blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        # The list's filters (county staff, the applicant) in the list's order.
        indexes = [
            # With the id: newest first is (submitted_at, id) descending, walked for one page.
            models.Index(fields=["county", "-submitted_at", "-id"], name="listcost_ads_county_newest"),
            models.Index(fields=["applicant", "-submitted_at"], name="ads_app_owner_submitted"),
        ]
        verbose_name = _("permit application")
        verbose_name_plural = _("permit applications")

    def __str__(self) -> str:
        return self.number

    @property
    def area(self) -> Decimal:
        return (self.width_m or Decimal("0")) * (self.height_m or Decimal("0"))

    @property
    def facility(self) -> FacilityType | None:
        code = self.facility_type  # reference data: read once per request (workflows.requestcache)
        return memo(("ads.facility", code), lambda: FacilityType.objects.filter(code=code).first())

    @property
    def facility_name(self) -> str:
        facility = self.facility
        return facility.name if facility else self.facility_type


def attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name never reuses the uploaded one: names are attacker-controlled.
    return f"ads/{instance.application_id}/{instance.sha256[:16]}-{clock.now():%Y%m%d%H%M%S%f}.{instance.extension}"


class Attachment(LicenceAttachment):
    """An uploaded material, survey photo or hearing record; checked by content before it is kept."""

    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)

    class Meta(LicenceAttachment.Meta):
        pass


class AffectedParty(LicenceAffectedParty):
    class Meta(LicenceAffectedParty.Meta):
        pass


class Opinion(LicenceOpinion):
    class Meta(LicenceOpinion.Meta):
        pass


class PermitProcess(LicenceProcess, Process):  # type: ignore[django-manager-missing]
    """The viewflow process of one application; routing conditions are named properties."""

    class Meta:
        ordering = ["-created"]
        verbose_name = _("permit process")
        verbose_name_plural = _("permit processes")
        permissions = [
            ("accept_permit", _("Can decide on acceptance of a permit application")),
            ("review_permit", _("Can review a permit application")),
            ("survey_permit", _("Can survey the site of a facility")),
            ("hear_permit", _("Can chair a permit hearing")),
            ("decide_permit", _("Can decide a permit application")),
            ("deliver_permit", _("Can deliver a permit")),
        ]


class Hearing(LicenceHearing):
    class Meta(LicenceHearing.Meta):
        pass


class Permit(LicencePermit):
    """A granted permit in the registry (户外广告设施设置许可证)."""

    content = models.TextField(_("advertising content"), blank=True)
    material = models.CharField(_("material"), max_length=100, blank=True)
    lighting = models.CharField(_("lighting"), max_length=20, blank=True)

    class Meta:
        ordering = ["valid_until", "id"]
        indexes = [models.Index(fields=["county", "valid_until", "id"], name="ads_permit_county_until")]
        verbose_name = _("permit")
        verbose_name_plural = _("permit registry")


class PermitRequest(LicencePermitRequest):
    class Meta(LicencePermitRequest.Meta):
        pass


class Rating(LicenceRating):
    class Meta(LicenceRating.Meta):
        pass


class FollowUp(LicenceFollowUp):
    class Meta(LicenceFollowUp.Meta):
        permissions = [("resolve_followup", _("Can resolve a rating follow-up"))]


# ALL art. 45 procedures and neighbours' own hearing rights (kept in their own module).
from .lawmodels import NeighbourHearingRight, ReviewPause  # noqa: E402, F401
