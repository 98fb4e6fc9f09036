from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from licensing import forms as kernel_forms
from licensing.forms import (  # noqa: F401 - the step and action forms live in the kernel; named here too
    PERIOD_INVALID,
    PHONE_INVALID,
    PHONE_RE,
    STEP_FORMS,
    UPLOAD_HELP,
    AcceptanceForm,
    CountersignForm,
    DecisionForm,
    DeliveryForm,
    FollowUpForm,
    HearingForm,
    HearingScheduleForm,
    LookupForm,
    MultipleFileField,
    OptionalReasonForm,
    RatingForm,
    ReasonForm,
    RenewalForm,
    RequestDecisionForm,
    ReviewForm,
    StatementForm,
    StepForm,
    SurveyForm,
    parse_neighbours,
    upload_help,
)
from workflows.models import County, User

from .models import FacilityType, MaterialRequirement, PermitApplication

USCC_INVALID = _("A unified social credit code has 18 characters: digits and capital letters.")
ID_NUMBER_INVALID = _("Enter a valid 18-digit resident ID number.")
USERNAME_TAKEN = _("This username is already taken.")
SIZE_INVALID = _("Width and height must be greater than zero.")
LOOKUP_NOT_FOUND = _("No application matches this number and lookup code.")

USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
ID_RE = re.compile(r"^\d{17}[\dX]$")


class ChecklistMixin(kernel_forms.ChecklistMixin):
    """Adds one upload field per checklist item of a facility type (the checklist is data)."""

    def add_checklist(self, facility_type: FacilityType, *, all_optional: bool = False) -> None:
        self.add_items(list(MaterialRequirement.objects.filter(facility_type=facility_type)), all_optional=all_optional)


class ApplicationForm(ChecklistMixin, forms.Form):
    county = forms.ModelChoiceField(label=_("County"), queryset=County.objects.all())
    address = forms.CharField(
        label=_("Address"), max_length=200, help_text=_("Street and number where the facility stands.")
    )
    longitude = forms.DecimalField(
        label=_("Longitude"), max_digits=9, decimal_places=6, required=False, help_text=_("For example 103.717216")
    )
    latitude = forms.DecimalField(
        label=_("Latitude"), max_digits=9, decimal_places=6, required=False, help_text=_("For example 27.338257")
    )
    width_m = forms.DecimalField(label=_("Width (m)"), max_digits=7, decimal_places=2, min_value=Decimal("0"))
    height_m = forms.DecimalField(label=_("Height (m)"), max_digits=7, decimal_places=2, min_value=Decimal("0"))
    height_above_ground_m = forms.DecimalField(
        label=_("Height above ground (m)"), max_digits=7, decimal_places=2, min_value=Decimal("0")
    )
    material = forms.CharField(label=_("Material"), max_length=100)
    lighting = forms.ChoiceField(label=_("Lighting"), choices=PermitApplication.Lighting.choices)
    content = forms.CharField(label=_("Advertising content"), widget=forms.Textarea(attrs={"rows": 3}))
    period_from = forms.DateField(label=_("Requested from"), widget=forms.DateInput(attrs={"type": "date"}))
    period_until = forms.DateField(label=_("Requested until"), widget=forms.DateInput(attrs={"type": "date"}))
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, help_text=_("11-digit mobile number."))
    hearing_requested = forms.BooleanField(label=_("I request a hearing"), required=False)

    def __init__(self, *args: Any, facility_type: FacilityType, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.facility_type = facility_type
        self.add_checklist(facility_type)
        self.fields["content"].help_text = _("The text and pictures the facility will show.")
        self.fieldsets = [
            (_("Where"), ["county", "address", "longitude", "latitude"], {"key": "where"}),
            (
                _("The facility"),
                ["width_m", "height_m", "height_above_ground_m", "material", "lighting", "content"],
                {"key": "facility"},
            ),
            (_("Period and contact"), ["period_from", "period_until", "contact_phone", "hearing_requested"]),
            (
                _("Materials"),
                [f"material_{r.code}" for r in self.requirements],
                {"key": "materials", "intro": _("Items marked optional may be left out.")},
            ),
        ]

    def clean_contact_phone(self) -> str:
        return kernel_forms.clean_phone(self.cleaned_data["contact_phone"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kernel_forms.check_period(self, data)
        for name in ("width_m", "height_m"):
            value = data.get(name)
            if value is not None and value <= 0:
                self.add_error(name, SIZE_INVALID)
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        keys = [
            "county",
            "address",
            "longitude",
            "latitude",
            "width_m",
            "height_m",
            "height_above_ground_m",
            "material",
            "lighting",
            "content",
            "period_from",
            "period_until",
            "contact_phone",
            "hearing_requested",
        ]
        kwargs = {key: data.get(key) for key in keys}
        kwargs["facility_type"] = self.facility_type.code
        kwargs["uploads"] = self.checked_uploads()
        return kwargs


class SupplementAnswerForm(kernel_forms.SupplementAnswerForm):
    def __init__(self, *args: Any, application: PermitApplication, **kwargs: Any) -> None:
        facility = application.facility
        items = list(MaterialRequirement.objects.filter(facility_type=facility)) if facility else []
        super().__init__(*args, application=application, items=items, **kwargs)


class ChangeForm(forms.Form):
    content = forms.CharField(label=_("Advertising content"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    material = forms.CharField(label=_("Material"), max_length=100, required=False)
    lighting = forms.ChoiceField(
        label=_("Lighting"), choices=[("", "---------"), *PermitApplication.Lighting.choices], required=False
    )
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RegistrationForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Account type"),
        choices=[(User.Kind.COMPANY, User.Kind.COMPANY.label), (User.Kind.PERSON, User.Kind.PERSON.label)],
        widget=forms.RadioSelect,
    )
    username = forms.RegexField(label=_("Username"), regex=r"^[A-Za-z0-9_.@+-]{3,30}$", max_length=30)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)
    real_name = forms.CharField(label=_("Name (contact person)"), max_length=100)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20)
    company_name = forms.CharField(label=_("Company name"), max_length=200, required=False)
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=18, required=False)
    id_number = forms.CharField(label=_("ID number"), max_length=18, required=False)

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(USERNAME_TAKEN)
        return username

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if not PHONE_RE.match(phone):
            raise ValidationError(PHONE_INVALID)
        return phone

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password"):
            # AUTH_PASSWORD_VALIDATORS against the account being created (similarity to its username, name…).
            candidate = User(
                username=data.get("username") or self.data.get("username", ""),
                real_name=data.get("real_name", ""),
                phone=data.get("phone", ""),
                company_name=data.get("company_name", ""),
            )
            try:
                validate_password(data["password"], user=candidate)
            except ValidationError as exc:
                self.add_error("password", exc)
        if data.get("kind") == User.Kind.COMPANY:
            if not data.get("company_name"):
                self.add_error("company_name", _("This field is required."))
            code = (data.get("credit_code") or "").strip().upper()
            if not USCC_RE.match(code):
                self.add_error("credit_code", USCC_INVALID)
            data["credit_code"] = code
        elif data.get("kind") == User.Kind.PERSON:
            number = (data.get("id_number") or "").strip().upper()
            if not ID_RE.match(number):
                self.add_error("id_number", ID_NUMBER_INVALID)
            data["id_number"] = number
        return data


