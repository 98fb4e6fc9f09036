"""Illegal-construction cases (domain §3): the case, its formal acts, records and evidence.

Every record is written once by a service and never edited: a correction is a new record,
so the file shows what was known and done at each moment (APL art. 47).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process

from workflows import clock
from workflows.crypto import EncryptedCharField
from workflows.flowviews import SubjectProcessMixin
from workflows.jurisdiction import Jurisdictional
from workflows.masking import mask_id_number, mask_name

USER = settings.AUTH_USER_MODEL


class Case(Jurisdictional):
    # A citizen who reported with an account follows their own report; staff see by county.
    owner_field = "reported_by"
    worklist_search = ("report_number", "case_number", "address", "party_name")

    class Source(models.TextChoices):
        PATROL = "patrol", _("Patrol or grid officer")
        CITIZEN = "citizen", _("Citizen report")
        HOTLINE = "hotline", _("12345 hotline")
        DRONE = "drone", _("Drone or satellite comparison")
        AD_FACILITY = "ad_facility", _("Unpermitted or expired advertising facility")

    class Stage(models.TextChoices):
        REPORTED = "reported", _("Reported, awaiting on-site verification")
        VERIFIED = "verified", _("Verified, awaiting filing")
        FILED = "filed", _("Filed, awaiting stop order")
        INVESTIGATING = "investigating", _("Under investigation")
        CORRECTION = "correction", _("Ordered to correct")
        PRIOR_NOTICE = "prior_notice", _("Prior notice served, defence window")
        HEARING = "hearing", _("Hearing")
        LEGAL_REVIEW = "legal_review", _("Legal review")
        DECISION = "decision", _("Awaiting decision")
        DECIDED = "decided", _("Decided, self-demolition period")
        REMINDED = "reminded", _("Reminder served")
        COERCIVE = "coercive", _("Coercive decision, waiting periods")
        EXECUTED = "executed", _("Executed")
        CLOSING = "closing", _("Closing report")
        CLOSED = "closed", _("Closed")
        ARCHIVED = "archived", _("Archived")

    report_number = models.CharField(_("report number"), max_length=32, unique=True)
    case_number = models.CharField(_("case number"), max_length=40, unique=True, null=True, blank=True)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.REPORTED)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    permit_application = models.ForeignKey(
        "outdoor_ads.PermitApplication",
        verbose_name=_("advertising permit record"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    address = models.CharField(_("address"), max_length=200)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    description = models.TextField(_("description"))
    reported_at = models.DateTimeField(_("reported at"), default=clock.now)
    reported_by = models.ForeignKey(
        USER, verbose_name=_("reported by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A citizen reporter's identity is protected: stored encrypted, shown to nobody on the case page.
    reporter_name = EncryptedCharField(_("reporter name"), blank=True, default="")
    reporter_phone = EncryptedCharField(_("reporter phone"), blank=True, default="")
    party_name = models.CharField(_("party name"), max_length=200, blank=True)
    party_is_person = models.BooleanField(_("party is a natural person"), default=True)
    party_id_number = EncryptedCharField(_("party ID number"), blank=True, default="")
    party_address = models.CharField(_("party address"), max_length=200, blank=True)
    is_major = models.BooleanField(_("major case"), default=False)
    correctable = models.BooleanField(_("correctable"), null=True, blank=True)
    # A fine proposed at the end of the investigation makes the case a penalty case: the prior
    # notice, defence, hearing and legal review come first, whatever the path (APL arts. 44–62).
    proposed_fine = models.DecimalField(
        _("proposed fine (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    filed_at = models.DateTimeField(_("filed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    close_reason = models.TextField(_("reason for closing"), blank=True)

    class Meta:
        ordering = ["-reported_at"]
        indexes = [models.Index(fields=["county", "-reported_at"], name="case_county_reported")]
        permissions = [
            ("report_case", _("Can report illegal construction")),
            ("investigate_case", _("Can verify, investigate and enforce cases")),
            ("approve_case", _("Can approve filing and closing of cases")),
            ("review_case", _("Can carry out the legal review of cases")),
            ("decide_case", _("Can decide cases")),
            ("sign_coercive_case", _("Can sign coercive demolition decisions")),
        ]
        verbose_name = _("illegal-construction case")
        verbose_name_plural = _("illegal-construction cases")

    def __str__(self) -> str:
        return self.case_number or self.report_number

    def worklist_summary_for(self, user: Any) -> str:
        # The party is never the account that owns the case (its reporter): masked for everyone.
        return " · ".join(part for part in (self.public_party_name, self.address) if part)

    @property
    def masked_party_id_number(self) -> str:
        return mask_id_number(self.party_id_number)

    @property
    def public_party_name(self) -> str:
        """Natural persons' names are partly masked in public; companies are named in full."""
        return mask_name(self.party_name) if self.party_is_person else self.party_name


class Record(models.Model):
    """Common columns of everything written on a case's file."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), default=clock.now)
    created_by = models.ForeignKey(USER, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} · {self.case_id} · {self.created_at:%Y-%m-%d %H:%M}"


class SiteInspection(Record):
    """现场检查笔录: always two officers with their certificate numbers."""

    class Purpose(models.TextChoices):
        VERIFICATION = "verification", _("On-site verification")
        COMPLIANCE = "compliance", _("Compliance check after the deadline")

    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    inspected_at = models.DateTimeField(_("inspected at"))
    officer1 = models.ForeignKey(USER, verbose_name=_("first officer"), on_delete=models.PROTECT, related_name="+")
    officer1_certificate = models.CharField(_("first officer's certificate"), max_length=40)
    officer2 = models.ForeignKey(USER, verbose_name=_("second officer"), on_delete=models.PROTECT, related_name="+")
    officer2_certificate = models.CharField(_("second officer's certificate"), max_length=40)
    findings = models.TextField(_("findings"))
    # verification: is it illegal construction; compliance: has the party complied.
    outcome = models.BooleanField(_("outcome"))

    class Meta(Record.Meta):
        verbose_name = _("site inspection record")


class InquiryRecord(Record):
    """询问笔录."""

    interviewee = models.CharField(_("interviewee"), max_length=100)
    asked_at = models.DateTimeField(_("asked at"))
    officer1 = models.ForeignKey(USER, verbose_name=_("first officer"), on_delete=models.PROTECT, related_name="+")
    officer2 = models.ForeignKey(USER, verbose_name=_("second officer"), on_delete=models.PROTECT, related_name="+")
    content = models.TextField(_("content"))

    class Meta(Record.Meta):
        verbose_name = _("inquiry record")


class Measurement(Record):
    area_m2 = models.DecimalField(_("area (m²)"), max_digits=10, decimal_places=2)
    height_m = models.DecimalField(_("height (m)"), max_digits=6, decimal_places=2)
    floors = models.PositiveSmallIntegerField(_("floors"), default=1)
    construction_cost = models.DecimalField(
        _("construction cost (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    note = models.TextField(_("note"), blank=True)

    class Meta(Record.Meta):
        verbose_name = _("measurement")


class PlanningOpinion(Record):
    authority = models.CharField(_("planning authority"), max_length=100)
    correctable = models.BooleanField(_("can be corrected"))
    opinion = models.TextField(_("opinion"))
    received_on = models.DateField(_("received on"))

    class Meta(Record.Meta):
        verbose_name = _("planning opinion")


class Act(Record):
    """A formal act of the bureau on the case: an order, notice or decision."""

    class Kind(models.TextChoices):
        STOP_ORDER = "stop_order", _("Order to stop the illegal act")
        CORRECTION_DECISION = "correction_decision", _("Decision to correct within a deadline")
        PRIOR_NOTICE = "prior_notice", _("Prior notice of administrative penalty")
        DEMOLITION_DECISION = "demolition_decision", _("Decision to demolish within a deadline")
        REMINDER = "reminder", _("Reminder")
        COERCIVE_DECISION = "coercive_decision", _("Coercive demolition decision")
        ANNOUNCEMENT = "announcement", _("Public announcement of forced demolition")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    content = models.TextField(_("content"))
    legal_basis = models.TextField(_("legal basis"), blank=True)
    fine_amount = models.DecimalField(_("fine (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    # Working days the party has (to comply, to defend, to produce permits), counted from service;
    # the date they end is the due date of the case's clock for that period (periods.py), never copied here.
    period_days = models.PositiveSmallIntegerField(_("period (working days)"), null=True, blank=True)
    hearing_right = models.BooleanField(_("right to a hearing"), default=False)
    signed_by = models.ForeignKey(
        USER, verbose_name=_("signed by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The deemed date of service (for service by announcement: 30 days after publication).
    served_at = models.DateTimeField(_("served at"), null=True, blank=True)
    # History only: rows written before deadlines were read from their clocks. Never read for a decision.
    deadline = models.DateField(_("deadline (historical copy)"), null=True, blank=True)
    # What the act itself states (not a copy of a clock): the announcement's last day for the party,
    # the coercive decision's planned execution window and a recorded emergency (ACL arts. 43–44).
    last_day = models.DateField(_("last day stated"), null=True, blank=True)
    planned_start = models.DateTimeField(_("planned execution start"), null=True, blank=True)
    planned_end = models.DateTimeField(_("planned execution end"), null=True, blank=True)
    emergency_reason = models.TextField(_("emergency reason"), blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoke_reason = models.TextField(_("reason for revocation"), blank=True)
    # The 文号 of the official document issued for this act (workflows.documents).
    document_number = models.CharField(_("document number"), max_length=60, blank=True)

    class Meta(Record.Meta):
        verbose_name = _("act")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.case})"


class ServiceRecord(Record):
    """送达回证: deadlines run from the proven service, never from the issuing date."""

    class Method(models.TextChoices):
        DIRECT = "direct", _("Direct delivery")
        LEFT = "left", _("Left at the residence (留置送达)")
        POST = "post", _("Registered post")
        ELECTRONIC = "electronic", _("Electronic delivery with consent")
        PUBLIC = "public", _("Public announcement (公告送达)")

    act = models.ForeignKey(Act, verbose_name=_("act"), on_delete=models.PROTECT, related_name="services")
    method = models.CharField(_("method of service"), max_length=20, choices=Method.choices)
    # What the method proves: signed (direct), left (lodged), the receipt's date (post), the day it
    # reached the party (electronic), the day of publication (announcement).
    served_at = models.DateTimeField(_("served at"))
    # When service takes effect; every party period runs from it (民事诉讼法 art. 95: +30 days).
    deemed_served_at = models.DateTimeField(_("deemed served at"), null=True, blank=True)
    recipient = models.CharField(_("recipient"), max_length=100)
    witnesses = models.CharField(_("witnesses"), max_length=200, blank=True)
    evidence = models.ForeignKey(
        "EvidenceFile", verbose_name=_("photo or video of the service"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    note = models.TextField(_("note"), blank=True)

    class Meta(Record.Meta):
        verbose_name = _("record of service")

    @property
    def effective_at(self) -> dt.datetime:
        return self.deemed_served_at or self.served_at


class ServiceAttempt(Record):
    """A failed attempt to serve: service by announcement is lawful only after such attempts."""

    # The kind of act it was for: acts served on the spot are written with their service, after the attempts.
    act_kind = models.CharField(_("act"), max_length=30, choices=Act.Kind.choices)
    method = models.CharField(_("method tried"), max_length=20, choices=ServiceRecord.Method.choices)
    attempted_at = models.DateTimeField(_("attempted at"))
    reason = models.TextField(_("why it failed"))

    class Meta(Record.Meta):
        verbose_name = _("failed attempt at service")


class ServiceConsent(Record):
    """The party's consent to electronic service (民事诉讼法 art. 90), with the address it gave."""

    channel = models.CharField(_("electronic address (e-mail, phone, platform)"), max_length=200)
    consented_on = models.DateField(_("consented on"))

    class Meta(Record.Meta):
        verbose_name = _("consent to electronic service")


class Defence(Record):
    """The party's statement and defence (陈述申辩), and whether it asked for a hearing."""

    statement = models.TextField(_("statement"), blank=True)
    hearing_requested = models.BooleanField(_("hearing requested"), default=False)

    class Meta(Record.Meta):
        verbose_name = _("statement and defence")


class HearingWithdrawal(Record):
    """The party withdrew its request for a hearing (APL art. 65)."""

    statement = models.TextField(_("statement"))

    class Meta(Record.Meta):
        verbose_name = _("withdrawal of the hearing request")


class Hearing(Record):
    # The day the party was told the time and place (APL art. 64: at least 7 working days before).
    notified_on = models.DateField(_("notice of the hearing given on"), null=True, blank=True)
    held_at = models.DateTimeField(_("held at"))
    chair = models.ForeignKey(USER, verbose_name=_("chair"), on_delete=models.PROTECT, related_name="+")
    minutes = models.TextField(_("minutes"))

    class Meta(Record.Meta):
        verbose_name = _("hearing")


class LegalReview(Record):
    """法制审核: by someone who did not investigate the case."""

    approved = models.BooleanField(_("approved"))
    opinion = models.TextField(_("opinion"))

    class Meta(Record.Meta):
        verbose_name = _("legal review")


class CollectiveDiscussion(Record):
    held_at = models.DateTimeField(_("held at"))
    participants = models.TextField(_("participants"))
    conclusion = models.TextField(_("conclusion"))

    class Meta(Record.Meta):
        verbose_name = _("collective discussion")


class Disclosure(Record):
    """行政执法公示 of a decision, with personal data masked; withdrawn if the decision is revoked."""

    act = models.OneToOneField(Act, verbose_name=_("decision"), on_delete=models.PROTECT, related_name="disclosure")
    published_at = models.DateTimeField(_("published at"))
    due_date = models.DateField(_("due date"))
    party_display = models.CharField(_("party (masked)"), max_length=200)
    party_id_display = models.CharField(_("party ID number (masked)"), max_length=40, blank=True)
    summary = models.TextField(_("summary"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta(Record.Meta):
        verbose_name = _("public disclosure")


class Challenge(Record):
    """行政复议 or 行政诉讼 against a decision; pending ones block execution."""

    class Kind(models.TextChoices):
        REVIEW = "review", _("Administrative review")
        LAWSUIT = "lawsuit", _("Administrative lawsuit")
        APPEAL = "appeal", _("Appeal against the first-instance judgment")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Pending")
        UPHELD = "upheld", _("Decision upheld")
        DISMISSED = "dismissed", _("Challenge dismissed or withdrawn")
        REVOKED = "revoked", _("Decision revoked")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    act = models.ForeignKey(Act, verbose_name=_("decision challenged"), on_delete=models.PROTECT, related_name="+")
    filed_on = models.DateField(_("filed on"))
    body = models.CharField(_("review body or court"), max_length=100)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    outcome_on = models.DateField(_("outcome on"), null=True, blank=True)
    # The review decision or judgment runs its next window (15 days to sue or appeal) from its service.
    outcome_served_on = models.DateField(_("outcome served on"), null=True, blank=True)
    outcome_note = models.TextField(_("outcome note"), blank=True)

    class Meta(Record.Meta):
        verbose_name = _("challenge")

    @property
    def favours_bureau(self) -> bool:
        return self.outcome in {self.Outcome.UPHELD, self.Outcome.DISMISSED}


class GovernmentOrder(Record):
    """责成: the county-level government's order to demolish (UPL art. 68), with its scan."""

    issuer = models.CharField(_("issuing government"), max_length=100)
    number = models.CharField(_("document number"), max_length=60)
    issued_on = models.DateField(_("issued on"))
    scan = models.ForeignKey(
        "EvidenceFile", verbose_name=_("scan"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta(Record.Meta):
        verbose_name = _("county government order")


class FineThreshold(models.Model):
    """The "较大数额" fine from which a party may request a hearing (APL art. 63), per party kind.

    The Penalty Law leaves the amount to provincial or ministerial rules; the defaults are those of
    the Ministry's 住房和城乡建设行政处罚程序规定 (2022) art. 34. Administrators edit the rows.
    """

    class PartyKind(models.TextChoices):
        PERSON = "person", _("Natural person")
        ORGANISATION = "organisation", _("Legal person or other organisation")

    party_kind = models.CharField(_("party kind"), max_length=20, choices=PartyKind.choices, unique=True)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    basis = models.CharField(_("basis"), max_length=200)

    class Meta:
        verbose_name = _("hearing threshold for fines")
        verbose_name_plural = _("hearing thresholds for fines")

    def __str__(self) -> str:
        return f"{self.get_party_kind_display()} ≥ {self.amount}"


class Execution(Record):
    executed_at = models.DateTimeField(_("executed at"))
    plan = models.TextField(_("execution plan"))
    record = models.TextField(_("on-site record"))
    inventory = models.TextField(_("inventory of belongings"))
    witnesses = models.CharField(_("witnesses"), max_length=200)
    officer1 = models.ForeignKey(USER, verbose_name=_("first officer"), on_delete=models.PROTECT, related_name="+")
    officer2 = models.ForeignKey(USER, verbose_name=_("second officer"), on_delete=models.PROTECT, related_name="+")

    class Meta(Record.Meta):
        verbose_name = _("execution record")


class ClosingReport(Record):
    summary = models.TextField(_("summary"))
    approved_by = models.ForeignKey(
        USER, verbose_name=_("approved by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta(Record.Meta):
        verbose_name = _("closing report")


def evidence_path(instance: EvidenceFile, filename: str) -> str:
    return f"cases/{instance.case_id}/evidence/{instance.sha256[:2]}/{instance.sha256}-{filename}"


class EvidenceFile(Record):
    """A photo, video or scan; its SHA-256 is taken at upload and the bytes are never rewritten."""

    file = models.FileField(_("file"), upload_to=evidence_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    captured_at = models.DateTimeField(_("captured at"), null=True, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    device = models.CharField(_("device"), max_length=100, blank=True)
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta(Record.Meta):
        verbose_name = _("evidence file")


def _latest(model: type[models.Model], case_id: int, **filters: object) -> models.Model | None:
    return model._default_manager.filter(case_id=case_id, **filters).order_by("-created_at", "-id").first()


class CaseRouting:
    """Routing conditions of the case flow, read from the records the steps wrote."""

    case_id: int
    case: Case

    @property
    def found_illegal(self) -> bool:
        inspection = _latest(SiteInspection, self.case_id, purpose=SiteInspection.Purpose.VERIFICATION)
        return bool(inspection and inspection.outcome)  # type: ignore[attr-defined]

    @property
    def filing_approved(self) -> bool:
        return bool(Case.objects.filter(pk=self.case_id, case_number__isnull=False).exists())

    @property
    def is_correctable(self) -> bool:
        return bool(Case.objects.filter(pk=self.case_id, correctable=True).exists())

    @property
    def orders_correction_directly(self) -> bool:
        """An order to correct without a fine is an administrative order: no penalty procedure."""
        return bool(
            Case.objects.filter(pk=self.case_id, correctable=True)
            .filter(models.Q(proposed_fine__isnull=True) | models.Q(proposed_fine=0))
            .exists()
        )

    @property
    def decides_correction(self) -> bool:
        """After the penalty procedure: a correctable case not yet ordered to correct gets the
        correction decision (with its fine); otherwise the demolition decision."""
        return self.is_correctable and not Act.objects.filter(
            case_id=self.case_id, kind=Act.Kind.CORRECTION_DECISION
        ).exists()

    @property
    def is_major(self) -> bool:
        return bool(Case.objects.filter(pk=self.case_id, is_major=True).exists())

    @property
    def complied(self) -> bool:
        inspection = _latest(SiteInspection, self.case_id, purpose=SiteInspection.Purpose.COMPLIANCE)
        return bool(inspection and inspection.outcome)  # type: ignore[attr-defined]

    @property
    def hearing_requested(self) -> bool:
        defence = _latest(Defence, self.case_id)
        if not (defence and defence.hearing_requested):  # type: ignore[attr-defined]
            return False
        withdrawn = _latest(HearingWithdrawal, self.case_id)
        return not (withdrawn and withdrawn.created_at >= defence.created_at)  # type: ignore[attr-defined]

    @property
    def legal_approved(self) -> bool:
        review = _latest(LegalReview, self.case_id)
        return bool(review and review.approved)  # type: ignore[attr-defined]

    @property
    def closing_approved(self) -> bool:
        report = _latest(ClosingReport, self.case_id)
        return bool(report and report.approved_at)  # type: ignore[attr-defined]


class CaseProcess(SubjectProcessMixin, CaseRouting, Process):
    """The viewflow process of one case; its subject (for jurisdiction) is the case."""

    subject_field = "case"

    case = models.OneToOneField(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="process")

    class Meta:
        verbose_name = _("case process")
        verbose_name_plural = _("case processes")
