"""Abstract models of an administrative licence (行政许可法): application, its records, the permit.

A permit app subclasses each of them in its own models.py under the same class names
(``PermitApplication``, ``Attachment``, ``AffectedParty``, ``Opinion``, ``Hearing``,
``Permit``, ``PermitRequest``, ``Rating``, ``FollowUp``) and adds its own fields. Relations
here name those models relatively ("PermitApplication"), so Django resolves them in the
concrete model's app: each permit type has its own tables, and the kernel's services reach
them through the type's spec (licensing.spec).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from workflows import clock
from workflows.flowviews import SubjectProcessMixin
from workflows.jurisdiction import Jurisdictional
from workflows.masking import mask_name


class LicenceApplication(Jurisdictional):
    """What every licence application records for the law: acceptance, supplement, extension, decision."""

    owner_field = "applicant"
    worklist_related: ClassVar[tuple[str, ...]] = ("applicant",)

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
    submitted_at = models.DateTimeField(_("submitted at"), default=clock.now)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    # Public progress lookup: the number plus this code, given only to the applicant.
    lookup_code = models.CharField(_("lookup code"), max_length=12, blank=True)
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
    # The supplement period's due date is not stored here: it lives in its clock (licensing.clocks).
    supplement_answered_at = models.DateTimeField(_("supplement answered at"), null=True, blank=True)
    refusal_reason = models.TextField(_("reason"), blank=True)
    competent_authority = models.CharField(_("where to apply instead"), max_length=200, blank=True)
    extension_reason = models.TextField(_("extension reason"), blank=True)
    extended_at = models.DateTimeField(_("extended at"), null=True, blank=True)
    # ALL art. 36: a matter that directly affects others' major interests → they and the applicant are heard.
    neighbours_affected = models.BooleanField(_("directly affects neighbours' major interests"), default=False)
    statement_period_until = models.DateField(_("statements accepted until"), null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.number

    def worklist_summary_for(self, user: Any) -> str:
        """Who and where for the work lists: an individual's name is personal data, masked but for its owner."""
        applicant = self.applicant
        name = applicant.display_name
        if applicant.kind != applicant.Kind.COMPANY and applicant.pk != getattr(user, "pk", None):
            name = mask_name(name)
        return f"{name} · {getattr(self, 'address', '')}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_final(self) -> bool:
        return self.status in self.FINAL_STATUSES


def attachment_path(instance: Any, filename: str) -> str:
    # The stored name never reuses the uploaded one: names are attacker-controlled.
    folder = getattr(instance, "storage_folder", instance._meta.app_label)
    stamp = f"{clock.now():%Y%m%d%H%M%S%f}"
    return f"{folder}/{instance.application_id}/{instance.sha256[:16]}-{stamp}.{instance.extension}"


class LicenceAttachment(models.Model):
    """An uploaded material, survey photo or hearing record; checked by content before it is kept."""

    class Purpose(models.TextChoices):
        MATERIAL = "material", _("Application material")
        SUPPLEMENT = "supplement", _("Supplementary material")
        SURVEY = "survey", _("Site survey photo")
        HEARING = "hearing", _("Hearing record")

    application = models.ForeignKey(  # type: ignore[misc]  # resolved in the concrete app
        "PermitApplication", verbose_name=_("application"), on_delete=models.CASCADE, related_name="attachments"
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices, default=Purpose.MATERIAL)
    requirement = models.CharField(_("checklist item"), max_length=40, blank=True)
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
        abstract = True
        ordering = ["uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.mime_type.startswith("image/")


class LicenceAffectedParty(models.Model):
    """The applicant or a neighbour (利害关系人) told of a matter that affects them, and what they said."""

    class Kind(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        NEIGHBOUR = "neighbour", _("Neighbour")

    application = models.ForeignKey(  # type: ignore[misc]  # resolved in the concrete app
        "PermitApplication", verbose_name=_("application"), on_delete=models.CASCADE, related_name="affected_parties"
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
        abstract = True
        ordering = ["kind", "id"]
        verbose_name = _("affected party")
        verbose_name_plural = _("affected parties")

    def __str__(self) -> str:
        return self.name


class LicenceOpinion(models.Model):
    """A recorded step result: review, countersign, survey, hearing, decision (who, what, why)."""

    class Step(models.TextChoices):
        ACCEPTANCE = "acceptance", _("Acceptance")
        REVIEW = "review", _("Review")
        COUNTERSIGN = "countersign", _("Countersign")
        SURVEY = "survey", _("Site survey")
        HEARING = "hearing", _("Hearing")
        DECISION = "decision", _("Decision")
        DELIVERY = "delivery", _("Delivery")

    application = models.ForeignKey(  # type: ignore[misc]  # resolved in the concrete app
        "PermitApplication", verbose_name=_("application"), on_delete=models.CASCADE, related_name="opinions"
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
        abstract = True
        ordering = ["at", "id"]
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")

    def __str__(self) -> str:
        return f"{self.application} {self.step} {self.decision}"


class LicenceProcess(SubjectProcessMixin, models.Model):
    """Fields and routing conditions of a licence's viewflow process (mixed in before ``Process``)."""

    subject_field = "application"

    class Acceptance(models.TextChoices):
        ACCEPT = "accept", _("Accept")
        SUPPLEMENT = "supplement", _("Request supplementary materials (one-time notice)")
        REFUSE = "refuse", _("Refuse to accept")

    application = models.OneToOneField(  # type: ignore[misc]  # resolved in the concrete app
        "PermitApplication", verbose_name=_("application"), on_delete=models.PROTECT, related_name="process"
    )
    acceptance = models.CharField(_("acceptance decision"), max_length=20, blank=True, choices=Acceptance.choices)
    supplement_answered = models.BooleanField(_("supplement answered"), default=False)
    countersigned = models.BooleanField(_("countersigned"), default=False)
    hearing_flagged = models.BooleanField(_("major public interest (hearing)"), default=False)
    granted = models.BooleanField(_("granted"), null=True)

    class Meta:
        abstract = True

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
        from .spec import spec_for

        return spec_for(self).survey_required(self.application)

    @property
    def hearing_required(self) -> bool:
        from .spec import spec_for

        application = self.application
        return bool(application.hearing_requested or self.hearing_flagged or spec_for(self).hearing_by_law(application))

    @property
    def is_hearing_scheduled(self) -> bool:
        hearing = getattr(self.application, "hearing", None) if self.application_id else None
        return bool(hearing and hearing.scheduled_for)

    @property
    def is_granted(self) -> bool:
        return bool(self.granted)


class LicenceHearing(models.Model):
    """The hearing of one application (ALL art. 47-48): who was told when, and when and where it sits.

    The party may request a hearing within 5 working days of the hearing notice (听证告知书);
    the hearing is held within 20 working days of the request; the time and place are notified
    at least 7 working days before. ALL art. 82 counts these periods in working days.
    """

    application = models.OneToOneField(  # type: ignore[misc]  # resolved in the concrete app
        "PermitApplication", verbose_name=_("application"), on_delete=models.CASCADE, related_name="hearing"
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
        abstract = True
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")

    def __str__(self) -> str:
        return f"{self.application} {self.scheduled_for or ''}"

    @property
    def window_start(self) -> Any:
        return self.requested_on or self.informed_on


class LicencePermit(Jurisdictional):
    """A granted permit in the registry; the permit app adds the facts printed on it."""

    owner_field = "holder"

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        CANCELLED = "cancelled", _("Cancelled")

    number = models.CharField(_("permit number"), max_length=40, unique=True)
    application = models.OneToOneField(  # type: ignore[misc]  # resolved in the concrete app
        "PermitApplication", verbose_name=_("application"), on_delete=models.PROTECT, related_name="permit"
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("holder"), on_delete=models.PROTECT, related_name="+"
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    delivery_method = models.CharField(_("delivery method"), max_length=20, blank=True)
    reminder_sent_for = models.DateField(_("expiry reminder sent for"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.TextField(_("cancellation reason"), blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.number

    def is_expired(self, today: Any = None) -> bool:
        return self.valid_until < (today or clock.today())


class LicencePermitRequest(Jurisdictional):
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

    permit = models.ForeignKey(  # type: ignore[misc]  # resolved in the concrete app
        "Permit", verbose_name=_("permit"), on_delete=models.PROTECT, related_name="requests"
    )
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
        abstract = True
        ordering = ["-requested_at", "-id"]
        verbose_name = _("permit request")
        verbose_name_plural = _("permit requests")

    def __str__(self) -> str:
        return f"{self.permit} {self.kind}"


class LicenceRating(models.Model):
    """The applicant's rating of a completed application (好差评)."""

    class Score(models.TextChoices):
        # The national 好差评 scale, best first; the two lowest are followed up by the chief.
        VERY_SATISFIED = "very_satisfied", _("Very satisfied")
        SATISFIED = "satisfied", _("Satisfied")
        BASIC = "basic", _("Basically satisfied")
        UNSATISFIED = "unsatisfied", _("Unsatisfied")
        VERY_UNSATISFIED = "very_unsatisfied", _("Very unsatisfied")

    FOLLOW_UP_SCORES = frozenset({Score.UNSATISFIED, Score.VERY_UNSATISFIED})

    application = models.OneToOneField(  # type: ignore[misc]  # resolved in the concrete app
        "PermitApplication", verbose_name=_("application"), on_delete=models.CASCADE, related_name="rating"
    )
    score = models.CharField(_("rating"), max_length=20, choices=Score.choices)
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(_("time"), default=clock.now)

    class Meta:
        abstract = True
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")

    def __str__(self) -> str:
        return f"{self.application} {self.score}"


class LicenceFollowUp(Jurisdictional):
    """An unsatisfied rating must be followed up by the chief."""

    rating = models.OneToOneField(  # type: ignore[misc]  # resolved in the concrete app
        "Rating", verbose_name=_("rating"), on_delete=models.CASCADE, related_name="follow_up"
    )
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
        abstract = True
        ordering = ["resolved_at", "-created_at"]
        verbose_name = _("rating follow-up")
        verbose_name_plural = _("rating follow-ups")

    def __str__(self) -> str:
        return f"{self.rating}"


class LicenceReviewPause(models.Model):
    """One ALL art. 45 procedure (招标、拍卖、检验、检测、检疫、鉴定、专家评审) whose time the limit excludes.

    It pauses the application's decision clock (workflows.sla ClockPause); the applicant gets a
    written notice (特别程序告知书) with the reason and the expected length.
    """

    class Kind(models.TextChoices):
        TENDER = "tender", _("Tender (招标)")
        AUCTION = "auction", _("Auction (拍卖)")
        INSPECTION = "inspection", _("Inspection (检验)")
        TESTING = "testing", _("Testing (检测)")
        QUARANTINE = "quarantine", _("Quarantine (检疫)")
        APPRAISAL = "appraisal", _("Appraisal (鉴定)")
        EXPERT = "expert", _("Expert review (专家评审)")

    application = models.ForeignKey(  # type: ignore[misc]  # resolved in the concrete app
        "PermitApplication",
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="review_pauses",
    )
    kind = models.CharField(_("procedure"), max_length=20, choices=Kind.choices)
    reason = models.TextField(_("reason"))
    expected_working_days = models.PositiveSmallIntegerField(_("expected length (working days)"))
    started_at = models.DateTimeField(_("started at"), default=clock.now)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ended by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    outcome = models.TextField(_("outcome"), blank=True)
    # The clock's own record of the pause: the dates and working days not counted live there.
    clock_pause = models.ForeignKey(
        "sla.ClockPause", verbose_name=_("clock pause"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True
        ordering = ["started_at", "id"]
        # Each concrete model adds its one-running-pause constraint (its name is the app's).
        verbose_name = _("special procedure (ALL art. 45)")
        verbose_name_plural = _("special procedures (ALL art. 45)")

    def __str__(self) -> str:
        return f"{self.application} {self.get_kind_display()}"

    @property
    def is_running(self) -> bool:
        return self.ended_at is None
