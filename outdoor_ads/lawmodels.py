"""Records of the Licensing Law's special procedures and per-neighbour hearing rights (ALL arts. 45, 47).

Kept apart from models.py so the licensing kernel can take them over whole; models.py imports them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from workflows import clock


class ReviewPause(models.Model):
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

    application = models.ForeignKey(
        "outdoor_ads.PermitApplication",
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
        ordering = ["started_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"], condition=Q(ended_at__isnull=True), name="ads_one_running_pause"
            )
        ]
        verbose_name = _("special procedure (ALL art. 45)")
        verbose_name_plural = _("special procedures (ALL art. 45)")

    def __str__(self) -> str:
        return f"{self.application} {self.get_kind_display()}"

    @property
    def is_running(self) -> bool:
        return self.ended_at is None


class NeighbourHearingRight(models.Model):
    """A 利害关系人's own hearing right (ALL art. 47): told in writing, 5 working days to ask.

    Only the neighbour's own written request or waiver, recorded here as received, or the
    lapsed window settles it; staff cannot waive it for them.
    """

    party = models.OneToOneField(
        "outdoor_ads.AffectedParty", verbose_name=_("party"), on_delete=models.CASCADE, related_name="hearing_right"
    )
    informed_on = models.DateField(_("told of the hearing right on"))
    request_deadline = models.DateField(_("hearing request deadline"))
    requested_on = models.DateField(_("hearing requested on"), null=True, blank=True)
    request_statement = models.TextField(_("written hearing request"), blank=True)
    waived_on = models.DateField(_("hearing waived on"), null=True, blank=True)
    waiver_statement = models.TextField(_("written waiver"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)

    class Meta:
        ordering = ["party_id"]
        verbose_name = _("neighbour's hearing right")
        verbose_name_plural = _("neighbours' hearing rights")

    def __str__(self) -> str:
        return f"{self.party}"

    def is_open(self, today: object = None) -> bool:
        """Still undecided: neither asked nor waived, and the window has not lapsed."""
        day = today or clock.today()
        return self.requested_on is None and self.waived_on is None and day <= self.request_deadline  # type: ignore[operator]

    @property
    def wants_hearing(self) -> bool:
        return self.requested_on is not None and self.waived_on is None
