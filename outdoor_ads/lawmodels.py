"""Records of the Licensing Law's special procedures and per-neighbour hearing rights (ALL arts. 45, 47).

Kept apart from models.py so the licensing kernel can take them over whole; models.py imports them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from licensing.models import LicenceReviewPause
from workflows import clock


class ReviewPause(LicenceReviewPause):
    class Meta(LicenceReviewPause.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["application"], condition=Q(ended_at__isnull=True), name="ads_one_running_pause"
            )
        ]


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
