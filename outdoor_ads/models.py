from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from workflows import clock
from workflows.jurisdiction import Jurisdictional


class PermitApplication(Jurisdictional):
    """An application for an outdoor-advertising facility permit (domain §2)."""

    number = models.CharField(_("application number"), max_length=32, unique=True)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("applicant"), on_delete=models.PROTECT, related_name="+"
    )
    facility_type = models.CharField(_("facility type"), max_length=40)
    address = models.CharField(_("address"), max_length=200)
    submitted_at = models.DateTimeField(_("submitted at"), default=clock.now)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("permit application")
        verbose_name_plural = _("permit applications")

    def __str__(self) -> str:
        return self.number
