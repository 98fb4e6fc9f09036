"""The waste disposal application form: its own facts and the checklist; every other form is the kernel's."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from licensing import forms as kernel_forms
from workflows.models import County

from .licence import CHECKLIST
from .models import WasteKind

ITEMS = [kernel_forms.ChecklistItem(code, title, required) for code, title, required in CHECKLIST]
# The facts of an approval its holder may ask to change (ALL art. 49): who carries it, how and where to.
CHANGE_FIELDS = ("transport_company", "vehicles", "route", "disposal_site")


class ApplicationForm(kernel_forms.ChecklistMixin, forms.Form):
    county = forms.ModelChoiceField(label=_("County"), queryset=County.objects.all())
    project_name = forms.CharField(label=_("Project name"), max_length=200)
    project_address = forms.CharField(label=_("Project address"), max_length=200)
    waste_kind = forms.ChoiceField(label=_("Waste kind"), choices=WasteKind.choices)
    volume_m3 = forms.DecimalField(
        label=_("Volume (m³)"), max_digits=10, decimal_places=1, min_value=Decimal("0.1")
    )
    transport_company = forms.CharField(label=_("Transport company"), max_length=200)
    vehicles = forms.CharField(
        label=_("Vehicles (plate numbers)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One plate number a line."),
    )
    route = forms.CharField(label=_("Transport route"), widget=forms.Textarea(attrs={"rows": 2}))
    disposal_site = forms.CharField(label=_("Disposal site"), max_length=200)
    period_from = forms.DateField(label=_("Requested from"), widget=forms.DateInput(attrs={"type": "date"}))
    period_until = forms.DateField(label=_("Requested until"), widget=forms.DateInput(attrs={"type": "date"}))
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, help_text=_("11-digit mobile number."))
    hearing_requested = forms.BooleanField(label=_("I request a hearing"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_items(ITEMS)
        self.fieldsets = [
            (_("The project"), ["county", "project_name", "project_address"], {"key": "project"}),
            (
                _("The waste and its transport"),
                ["waste_kind", "volume_m3", "transport_company", "vehicles", "route", "disposal_site"],
                {"key": "waste"},
            ),
            (_("Period and contact"), ["period_from", "period_until", "contact_phone", "hearing_requested"]),
            (_("Materials"), [f"material_{item.code}" for item in ITEMS], {"key": "materials"}),
        ]

    def clean_contact_phone(self) -> str:
        return kernel_forms.clean_phone(self.cleaned_data["contact_phone"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kernel_forms.check_period(self, data)
        return data

    def service_kwargs(self) -> dict[str, Any]:
        kwargs = {name: self.cleaned_data.get(name) for name in self.fields if not name.startswith("material_")}
        kwargs["uploads"] = self.checked_uploads()
        return kwargs


class SupplementAnswerForm(kernel_forms.SupplementAnswerForm):
    def __init__(self, *args: Any, application: Any, **kwargs: Any) -> None:
        super().__init__(*args, application=application, items=ITEMS, **kwargs)


class ChangeForm(forms.Form):
    transport_company = forms.CharField(label=_("Transport company"), max_length=200, required=False)
    vehicles = forms.CharField(
        label=_("Vehicles (plate numbers)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    route = forms.CharField(label=_("Transport route"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    disposal_site = forms.CharField(label=_("Disposal site"), max_length=200, required=False)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
