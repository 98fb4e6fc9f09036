from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process

from workflows import clock
from workflows.flowviews import SubjectProcessMixin
from workflows.jurisdiction import Jurisdictional
from workflows.masking import mask_name


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


class PermitApplication(Jurisdictional):
    """An application for an outdoor-advertising facility permit (domain §2)."""

    owner_field = "applicant"
    worklist_related = ("applicant",)
    worklist_search = ("number", "address")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted, awaiting acceptance")
        SUPPLEMENT = "supplement", _("Awaiting supplementary materials")
        ACCEPTED = "accepted", _("Accepted, under review")
        SURVEY = "survey", _("Site survey")
        HEARING = "hearing", _("Hearing")
        DECIDING = "deciding", _("Awaiting decision")
        GRANTED = "granted", _("Granted, permit being delivered")
        DELIVERED = "delivered", _("Permit delivered")
        REFUSED = "refused", _("Refused")
        NOT_ACCEPTED = "not_accepted", _("Not accepted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Lighting(models.TextChoices):
        NONE = "none", _("No lighting")
        INTERNAL = "internal", _("Internally lit")
        EXTERNAL = "external", _("Floodlit")
        SELF_LUMINOUS = "self_luminous", _("Self-luminous (LED)")

    OPEN_STATUSES = (
        Status.SUBMITTED,
        Status.SUPPLEMENT,
        Status.ACCEPTED,
        Status.SURVEY,
        Status.HEARING,
        Status.DECIDING,
    )
    FINAL_STATUSES = (Status.DELIVERED, Status.REFUSED, Status.NOT_ACCEPTED, Status.WITHDRAWN)

    number = models.CharField(_("application number"), max_length=32, unique=True)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("applicant"), on_delete=models.PROTECT, related_name="+"
    )
    facility_type = models.CharField(_("facility type"), max_length=40)
    address = models.CharField(_("address"), max_length=200)
    submitted_at = models.DateTimeField(_("submitted at"), default=clock.now)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    # Public progress lookup: the number plus this code, given only to the applicant.
    lookup_code = models.CharField(_("lookup code"), max_length=12, blank=True)
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
    period_from = models.DateField(_("requested from"), null=True, blank=True)
    period_until = models.DateField(_("requested until"), null=True, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    hearing_requested = models.BooleanField(_("hearing requested by the applicant"), default=False)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The acceptance notice of one round lists every missing item at once (一次性告知).
    supplement_items = models.JSONField(_("missing items"), default=list, blank=True)
    supplement_note = models.TextField(_("supplement notice"), blank=True)
    supplement_requested_at = models.DateTimeField(_("supplement requested at"), null=True, blank=True)
    supplement_due = models.DateField(_("supplement due"), null=True, blank=True)
    supplement_answered_at = models.DateTimeField(_("supplement answered at"), null=True, blank=True)
    refusal_reason = models.TextField(_("reason"), blank=True)
    competent_authority = models.CharField(_("where to apply instead"), max_length=200, blank=True)
    extension_reason = models.TextField(_("extension reason"), blank=True)
    extended_at = models.DateTimeField(_("extended at"), null=True, blank=True)
    # ALL art. 36: a facility that directly affects neighbours' major interests → they and the applicant are heard.
    neighbours_affected = models.BooleanField(_("directly affects neighbours' major interests"), default=False)
    statement_period_until = models.DateField(_("statements accepted until"), null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        # The list's filters (county staff, the applicant) in the list's order.
        indexes = [
            models.Index(fields=["county", "-submitted_at"], name="ads_app_county_submitted"),
            models.Index(fields=["applicant", "-submitted_at"], name="ads_app_owner_submitted"),
        ]
        verbose_name = _("permit application")
        verbose_name_plural = _("permit applications")

    def __str__(self) -> str:
        return self.number

    def worklist_summary_for(self, user: Any) -> str:
        applicant = self.applicant
        name = applicant.display_name
        if applicant.kind != applicant.Kind.COMPANY and applicant.pk != getattr(user, "pk", None):
            name = mask_name(name)  # an individual's name is personal data
        return f"{name} · {self.address}"

    @property
    def area(self) -> Decimal:
        return (self.width_m or Decimal("0")) * (self.height_m or Decimal("0"))

    @property
    def facility(self) -> FacilityType | None:
        return FacilityType.objects.filter(code=self.facility_type).first()

    @property
    def facility_name(self) -> str:
        facility = self.facility
        return facility.name if facility else self.facility_type

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_final(self) -> bool:
        return self.status in self.FINAL_STATUSES


def attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name never reuses the uploaded one: names are attacker-controlled.
    return f"ads/{instance.application_id}/{instance.sha256[:16]}-{clock.now():%Y%m%d%H%M%S%f}.{instance.extension}"


class Attachment(models.Model):
    """An uploaded material, survey photo or hearing record; checked by content before it is kept."""

    class Purpose(models.TextChoices):
        MATERIAL = "material", _("Application material")
        SUPPLEMENT = "supplement", _("Supplementary material")
        SURVEY = "survey", _("Site survey photo")
        HEARING = "hearing", _("Hearing record")

    application = models.ForeignKey(
        PermitApplication, verbose_name=_("application"), on_delete=models.CASCADE, related_name="attachments"
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices, default=Purpose.MATERIAL)
    requirement = models.CharField(_("checklist item"), max_length=40, blank=True)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    mime_type = models.CharField(_("type"), max_length=60)
    extension = models.CharField(max_length=8)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=clock.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.mime_type.startswith("image/")


class AffectedParty(models.Model):
    """The applicant or a neighbour told of a facility that affects the neighbours, and what they said."""

    class Kind(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        NEIGHBOUR = "neighbour", _("Neighbour")

    application = models.ForeignKey(
        PermitApplication, verbose_name=_("application"), on_delete=models.CASCADE, related_name="affected_parties"
    )
    kind = models.CharField(_("party"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.PROTECT, related_name="+"
    )
    notified_at = models.DateTimeField(_("notified at"), default=clock.now)
    statement = models.TextField(_("statement of the party"), blank=True)
    statement_at = models.DateTimeField(_("statement recorded at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["kind", "id"]
        verbose_name = _("affected party")
        verbose_name_plural = _("affected parties")

    def __str__(self) -> str:
        return self.name


class Opinion(models.Model):
    """A recorded step result: review, countersign, survey, hearing, decision (who, what, why)."""

    class Step(models.TextChoices):
        ACCEPTANCE = "acceptance", _("Acceptance")
        REVIEW = "review", _("Review")
        COUNTERSIGN = "countersign", _("Countersign")
        SURVEY = "survey", _("Site survey")
        HEARING = "hearing", _("Hearing")
        DECISION = "decision", _("Decision")
        DELIVERY = "delivery", _("Delivery")

    application = models.ForeignKey(
        PermitApplication, verbose_name=_("application"), on_delete=models.CASCADE, related_name="opinions"
    )
    step = models.CharField(_("step"), max_length=20, choices=Step.choices)
    decision = models.CharField(_("decision"), max_length=30)
    comment = models.TextField(_("comment"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("time"), default=clock.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")

    def __str__(self) -> str:
        return f"{self.application} {self.step} {self.decision}"


class PermitProcess(SubjectProcessMixin, Process):
    """The viewflow process of one application; routing conditions are named properties."""

    subject_field = "application"

    application = models.OneToOneField(
        PermitApplication, verbose_name=_("application"), on_delete=models.PROTECT, related_name="process"
    )
    class Acceptance(models.TextChoices):
        ACCEPT = "accept", _("Accept")
        SUPPLEMENT = "supplement", _("Request supplementary materials (one-time notice)")
        REFUSE = "refuse", _("Refuse to accept")

    acceptance = models.CharField(_("acceptance decision"), max_length=20, blank=True, choices=Acceptance.choices)
    supplement_answered = models.BooleanField(_("supplement answered"), default=False)
    countersigned = models.BooleanField(_("countersigned"), default=False)
    hearing_flagged = models.BooleanField(_("major public interest (hearing)"), default=False)
    granted = models.BooleanField(_("granted"), null=True)

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

    @property
    def is_accepted(self) -> bool:
        return self.acceptance == "accept"

    @property
    def needs_supplement(self) -> bool:
        return self.acceptance == "supplement"

    @property
    def is_refused_acceptance(self) -> bool:
        return self.acceptance == "refuse"

    @property
    def is_supplement_answered(self) -> bool:
        return self.supplement_answered

    @property
    def is_countersigned(self) -> bool:
        return self.countersigned

    @property
    def survey_required(self) -> bool:
        application = self.application
        facility = application.facility
        return bool(
            facility
            and facility.requires_survey(area=application.area, height_above_ground=application.height_above_ground_m)
        )

    @property
    def hearing_required(self) -> bool:
        application = self.application
        facility = application.facility
        return bool(application.hearing_requested or self.hearing_flagged or (facility and facility.hearing_required))

    @property
    def is_hearing_scheduled(self) -> bool:
        hearing = Hearing.objects.filter(application_id=self.application_id).first()
        return bool(hearing and hearing.scheduled_for)

    @property
    def is_granted(self) -> bool:
        return bool(self.granted)


class Hearing(models.Model):
    """The hearing of one application (ALL art. 47-48): who was told when, and when and where it sits.

    The party may request a hearing within 5 working days of the hearing notice (听证告知书);
    the hearing is held within 20 working days of the request; the time and place are notified
    at least 7 working days before. ALL art. 82 counts these periods in working days.
    """

    application = models.OneToOneField(
        PermitApplication, verbose_name=_("application"), on_delete=models.CASCADE, related_name="hearing"
    )
    informed_on = models.DateField(_("party informed on"))
    request_deadline = models.DateField(_("hearing request deadline"))
    # A request made before the notice counts from the notice day: the 20-day window starts there.
    requested_on = models.DateField(_("hearing requested on"), null=True, blank=True)
    scheduled_for = models.DateField(_("hearing date"), null=True, blank=True)
    place = models.CharField(_("hearing place"), max_length=200, blank=True)
    notice_sent_on = models.DateField(_("notice of time and place sent on"), null=True, blank=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scheduled by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    held_on = models.DateField(_("held on"), null=True, blank=True)
    # ALL art. 47: only the party's own written waiver (or the lapsed request period) ends the right.
    waived_on = models.DateField(_("hearing waived by the applicant on"), null=True, blank=True)
    waiver_statement = models.TextField(_("applicant's written waiver"), blank=True)

    class Meta:
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")

    def __str__(self) -> str:
        return f"{self.application} {self.scheduled_for or ''}"

    @property
    def window_start(self) -> Any:
        return self.requested_on or self.informed_on


class Permit(Jurisdictional):
    """A granted permit in the registry (户外广告设施设置许可证)."""

    owner_field = "holder"

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        CANCELLED = "cancelled", _("Cancelled")

    number = models.CharField(_("permit number"), max_length=40, unique=True)
    application = models.OneToOneField(
        PermitApplication, verbose_name=_("application"), on_delete=models.PROTECT, related_name="permit"
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("holder"), on_delete=models.PROTECT, related_name="+"
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    content = models.TextField(_("advertising content"), blank=True)
    material = models.CharField(_("material"), max_length=100, blank=True)
    lighting = models.CharField(_("lighting"), max_length=20, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    delivery_method = models.CharField(_("delivery method"), max_length=20, blank=True)
    reminder_sent_for = models.DateField(_("expiry reminder sent for"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.TextField(_("cancellation reason"), blank=True)

    class Meta:
        ordering = ["valid_until", "id"]
        indexes = [models.Index(fields=["county", "valid_until", "id"], name="ads_permit_county_until")]
        verbose_name = _("permit")
        verbose_name_plural = _("permit registry")

    def __str__(self) -> str:
        return self.number

    def is_expired(self, today: Any = None) -> bool:
        return self.valid_until < (today or clock.today())


class PermitRequest(Jurisdictional):
    """A holder's request after the grant: renewal (延续), change (变更) or cancellation (注销)."""

    owner_field = "requested_by"

    class Kind(models.TextChoices):
        RENEWAL = "renewal", _("Renewal")
        CHANGE = "change", _("Change")
        CANCELLATION = "cancellation", _("Cancellation")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        GRANTED = "granted", _("Granted")
        DEEMED = "deemed", _("Deemed granted (not decided before expiry)")
        REFUSED = "refused", _("Refused")

    permit = models.ForeignKey(Permit, verbose_name=_("permit"), on_delete=models.PROTECT, related_name="requests")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), default=clock.now)
    requested_until = models.DateField(_("renew until"), null=True, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("permit request")
        verbose_name_plural = _("permit requests")

    def __str__(self) -> str:
        return f"{self.permit} {self.kind}"


class Rating(models.Model):
    """The applicant's rating of a completed application (好差评)."""

    class Score(models.TextChoices):
        # The national 好差评 scale, best first; the two lowest are followed up by the chief.
        VERY_SATISFIED = "very_satisfied", _("Very satisfied")
        SATISFIED = "satisfied", _("Satisfied")
        BASIC = "basic", _("Basically satisfied")
        UNSATISFIED = "unsatisfied", _("Unsatisfied")
        VERY_UNSATISFIED = "very_unsatisfied", _("Very unsatisfied")

    FOLLOW_UP_SCORES = frozenset({Score.UNSATISFIED, Score.VERY_UNSATISFIED})

    application = models.OneToOneField(
        PermitApplication, verbose_name=_("application"), on_delete=models.CASCADE, related_name="rating"
    )
    score = models.CharField(_("rating"), max_length=20, choices=Score.choices)
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(_("time"), default=clock.now)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")

    def __str__(self) -> str:
        return f"{self.application} {self.score}"


class FollowUp(Jurisdictional):
    """An unsatisfied rating must be followed up by the chief."""

    rating = models.OneToOneField(Rating, verbose_name=_("rating"), on_delete=models.CASCADE, related_name="follow_up")
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    note = models.TextField(_("follow-up note"), blank=True)

    class Meta:
        ordering = ["resolved_at", "-created_at"]
        verbose_name = _("rating follow-up")
        verbose_name_plural = _("rating follow-ups")
        permissions = [("resolve_followup", _("Can resolve a rating follow-up"))]

    def __str__(self) -> str:
        return f"{self.rating}"
