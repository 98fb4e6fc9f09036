"""Forms of the neighbours' hearing records (the web page and the API share them)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AffectedParty, PermitApplication

# The ALL art. 45 forms are the kernel's (licensing.forms.PauseStartForm, PauseStopForm).
DATE = forms.DateInput(attrs={"type": "date"})


class NeighbourHearingForm(forms.Form):
    party = forms.ModelChoiceField(label=_("Neighbour"), queryset=AffectedParty.objects.none())
    decision = forms.ChoiceField(
        label=_("The neighbour's written statement"),
        choices=[("request", _("Asks for a hearing")), ("waive", _("Waives the hearing"))],
        widget=forms.RadioSelect,
    )
    statement = forms.CharField(
        label=_("Their written words"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    received_on = forms.DateField(label=_("Received on"), widget=DATE)

    def __init__(self, *args: Any, application: PermitApplication, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = application.affected_parties.filter(kind=AffectedParty.Kind.NEIGHBOUR)  # type: ignore[attr-defined]


class HearingRescheduleForm(forms.Form):
    hearing_date = forms.DateField(label=_("New hearing date"), widget=DATE)
    place = forms.CharField(label=_("Hearing place"), max_length=200)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
