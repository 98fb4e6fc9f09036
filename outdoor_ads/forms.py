from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from workflows.models import County, User
from workflows.uploads import MATERIALS, SURVEY_PHOTOS, CheckedUpload, MultipleUploadField, UploadPolicy

from .models import FacilityType, MaterialRequirement, PermitApplication, Rating
from .services import NEIGHBOURS_REQUIRED

USCC_INVALID = _("A unified social credit code has 18 characters: digits and capital letters.")
ID_NUMBER_INVALID = _("Enter a valid 18-digit resident ID number.")
PHONE_INVALID = _("Enter an 11-digit mobile phone number.")
USERNAME_TAKEN = _("This username is already taken.")
PERIOD_INVALID = _("The requested period must end after it starts.")
SIZE_INVALID = _("Width and height must be greater than zero.")
LOOKUP_NOT_FOUND = _("No application matches this number and lookup code.")

USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
ID_RE = re.compile(r"^\d{17}[\dX]$")
PHONE_RE = re.compile(r"^1\d{10}$")


def upload_help(policy: UploadPolicy) -> Any:
    """What an applicant may upload, said before they try (the checks are the policy's)."""
    return format_lazy(
        _("JPEG, PNG or PDF; up to {files} files of at most {mb} MB each."),
        files=policy.max_files,
        mb=policy.max_bytes // (1024 * 1024),
    )


UPLOAD_HELP = upload_help(MATERIALS)


class MultipleFileField(MultipleUploadField):
    """Permit materials and supplements: several files under the materials policy."""

    def __init__(self, *args: Any, policy: UploadPolicy = MATERIALS, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", upload_help(policy))
        super().__init__(*args, policy=policy, **kwargs)


def _files_of(files: Any, name: str) -> list[Any]:
    if files is None:
        return []
    if hasattr(files, "getlist"):
        return files.getlist(name)
    value = files.get(name)
    return value if isinstance(value, list) else ([value] if value else [])


class ChecklistMixin:
    """Adds one upload field per checklist item of a facility type (the checklist is data)."""

    def add_checklist(self, facility_type: FacilityType, *, all_optional: bool = False) -> None:
        self.requirements = list(MaterialRequirement.objects.filter(facility_type=facility_type))
        for requirement in self.requirements:
            self.fields[f"material_{requirement.code}"] = MultipleFileField(  # type: ignore[attr-defined]
                label=requirement.title, required=requirement.required and not all_optional
            )

    def checked_uploads(self) -> list[tuple[str, CheckedUpload]]:
        result = []
        for requirement in self.requirements:
            for checked in self.cleaned_data.get(f"material_{requirement.code}") or []:  # type: ignore[attr-defined]
                result.append((requirement.code, checked))
        return result


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
        phone = self.cleaned_data["contact_phone"].strip()
        if not PHONE_RE.match(phone):
            raise ValidationError(PHONE_INVALID)
        return phone

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_from"), data.get("period_until")
        if start and end and end <= start:
            self.add_error("period_until", PERIOD_INVALID)
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


class SupplementAnswerForm(ChecklistMixin, forms.Form):
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Anything the clerk should know about these materials."),
    )

    def __init__(self, *args: Any, application: PermitApplication, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        facility = application.facility
        missing = set(application.supplement_items)
        self.requirements = (
            [r for r in MaterialRequirement.objects.filter(facility_type=facility) if r.code in missing]
            if facility
            else []
        )
        for requirement in self.requirements:
            self.fields[f"material_{requirement.code}"] = MultipleFileField(label=requirement.title, required=True)
        if "other" in missing or not self.requirements:
            self.fields["material_other"] = MultipleFileField(
                label=_("Other materials"), required=not self.requirements
            )

    def checked_uploads(self) -> list[tuple[str, CheckedUpload]]:
        result = super().checked_uploads()
        for checked in self.cleaned_data.get("material_other") or []:
            result.append(("other", checked))
        return result


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RatingForm(forms.Form):
    score = forms.ChoiceField(label=_("Rating"), choices=Rating.Score.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class FollowUpForm(forms.Form):
    note = forms.CharField(label=_("Follow-up note"), widget=forms.Textarea(attrs={"rows": 3}))


class LookupForm(forms.Form):
    number = forms.CharField(
        label=_("Application number"), max_length=32, help_text=_("As shown after you applied.")
    )
    code = forms.CharField(
        label=_("Lookup code"), max_length=12, help_text=_("The code given with the application number.")
    )


class RenewalForm(forms.Form):
    requested_until = forms.DateField(label=_("Renew until"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ChangeForm(forms.Form):
    content = forms.CharField(label=_("Advertising content"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    material = forms.CharField(label=_("Material"), max_length=100, required=False)
    lighting = forms.ChoiceField(
        label=_("Lighting"), choices=[("", "---------"), *PermitApplication.Lighting.choices], required=False
    )
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RequestDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("grant", _("Grant")), ("refuse", _("Refuse"))])
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}))


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


# --- Step forms: form_class(data, files, task=task, user=user); shared by the web and the API ---


class StepForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, data: Any = None, files: Any = None, *, task: Any = None, user: Any = None, **kwargs: Any):
        super().__init__(data, files, **kwargs)
        self.task = task
        self.user = user
        self.application: PermitApplication | None = task.process.coerced.application if task is not None else None


class AcceptanceForm(StepForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("accept", _("Accept")),
            ("supplement", _("Request supplementary materials (one-time notice)")),
            ("refuse", _("Refuse to accept")),
        ],
        widget=forms.RadioSelect,
    )
    missing_items = forms.MultipleChoiceField(
        label=_("Missing items"), required=False, widget=forms.CheckboxSelectMultiple
    )
    supplement_note = forms.CharField(
        label=_("What exactly is missing or wrong"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    competent_authority = forms.CharField(label=_("Where to apply instead"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, Any]] = []
        if self.application is not None:
            choices = list(
                MaterialRequirement.objects.filter(facility_type__code=self.application.facility_type).values_list(
                    "code", "title"
                )
            )
            if self.application.supplement_requested_at is not None:
                field = self.fields["decision"]
                field.choices = [c for c in field.choices if c[0] != "supplement"]  # type: ignore[attr-defined]
        self.fields["missing_items"].choices = [*choices, ("other", _("Other (see the note)"))]  # type: ignore[attr-defined]
        self.fieldsets = [
            (_("Decision"), ["decision"]),
            (
                _("Supplement notice (one-time)"),
                ["missing_items", "supplement_note"],
                {"key": "supplement", "show_when": "decision=supplement",
                 "intro": _("Name every missing item at once: the applicant is told only once.")},
            ),
            (_("Not accepted"), ["competent_authority"], {"key": "refuse", "show_when": "decision=refuse"}),
            (_("Comment"), ["comment"]),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # Fields of the other decisions may still hold what was typed before switching: drop them.
        if data.get("decision") != "supplement":
            data["missing_items"], data["supplement_note"] = [], ""
        if data.get("decision") != "refuse":
            data["competent_authority"] = ""
        return data


NEIGHBOUR_LINE_INVALID = _("Line %(line)s: enter name, address and phone separated by commas.")
NEIGHBOUR_PHONE_INVALID = _("Line %(line)s: enter a mobile (11 digits) or landline phone number.")
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
NEIGHBOUR_SEPARATORS = re.compile(r"[,，;；\t]")


def parse_neighbours(text: str) -> list[dict[str, str]]:
    """One neighbour a line: name, address, phone; the address may itself contain commas."""
    neighbours = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in NEIGHBOUR_SEPARATORS.split(line)]
        if len(parts) < 3 or not parts[0] or not parts[-1] or not "".join(parts[1:-1]):
            raise ValidationError(NEIGHBOUR_LINE_INVALID, params={"line": number})
        phone = parts[-1].replace(" ", "")
        if not (PHONE_RE.match(phone) or LANDLINE_RE.match(phone)):
            raise ValidationError(NEIGHBOUR_PHONE_INVALID, params={"line": number})
        neighbours.append({"name": parts[0], "address": "，".join(p for p in parts[1:-1] if p), "phone": phone})
    return neighbours


class ReviewForm(StepForm):
    decision = forms.ChoiceField(
        label=_("Review opinion"),
        choices=[("recommend_grant", _("Recommend granting")), ("recommend_refuse", _("Recommend refusing"))],
        widget=forms.RadioSelect,
    )
    hearing_flag = forms.BooleanField(
        label=_("Directly affects neighbours' major interests or the public interest (hearing)"), required=False
    )
    neighbours_affected = forms.BooleanField(
        label=_("Directly affects neighbours' major interests: notify them and hear their statements"), required=False
    )
    neighbours = forms.CharField(
        label=_("Neighbours (one a line: name, address, phone)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    comment = forms.CharField(label=_("Review opinion text"), widget=forms.Textarea(attrs={"rows": 4}))

    def clean_neighbours(self) -> list[dict[str, str]]:
        return parse_neighbours(self.cleaned_data.get("neighbours") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("neighbours_affected") and not data.get("neighbours") and "neighbours" not in self.errors:
            already = self.application is not None and self.application.affected_parties.filter(kind="neighbour")
            if not already or not already.exists():
                self.add_error("neighbours", NEIGHBOURS_REQUIRED)
        return data


class StatementForm(forms.Form):
    statement = forms.CharField(label=_("Statement"), widget=forms.Textarea(attrs={"rows": 3}))


class CountersignForm(StepForm):
    decision = forms.ChoiceField(
        label=_("Countersign"),
        choices=[("agree", _("Agree with the review")), ("disagree", _("Disagree: back to review"))],
        widget=forms.RadioSelect,
    )


class SurveyForm(StepForm):
    decision = forms.ChoiceField(
        label=_("Survey result"),
        choices=[("conforms", _("Site conforms to the application")), ("deviates", _("Site deviates (see comment)"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("Survey record"), widget=forms.Textarea(attrs={"rows": 4}))
    photos = MultipleFileField(label=_("Site photos"), required=True, policy=SURVEY_PHOTOS)


class HearingScheduleForm(StepForm):
    decision = forms.ChoiceField(
        label=_("Hearing"),
        choices=[("scheduled", _("Schedule the hearing")), ("waived", _("Applicant waived the hearing"))],
        widget=forms.RadioSelect,
    )
    hearing_date = forms.DateField(
        label=_("Hearing date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    place = forms.CharField(label=_("Hearing place"), max_length=200, required=False)
    notice_sent_on = forms.DateField(
        label=_("Notice of time and place sent on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class HearingForm(StepForm):
    decision = forms.ChoiceField(
        label=_("Hearing"),
        choices=[("held", _("Hearing held")), ("waived", _("Applicant waived the hearing"))],
        widget=forms.RadioSelect,
    )
    held_on = forms.DateField(label=_("Held on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    comment = forms.CharField(label=_("Hearing record"), widget=forms.Textarea(attrs={"rows": 4}))


class DecisionForm(StepForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("grant", _("Grant the permit")), ("refuse", _("Refuse"))],
        widget=forms.RadioSelect,
    )
    valid_until = forms.DateField(
        label=_("Valid until (optional; capped by the facility type)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    comment = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 4}))
    conditions = forms.CharField(
        label=_("Conditions attached to the permit (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DeliveryForm(StepForm):
    decision = forms.ChoiceField(
        label=_("Delivered by"),
        choices=[("online", _("Online download")), ("post", _("Post")), ("counter", _("At the counter"))],
        widget=forms.RadioSelect,
    )


# The step forms whose decisions are stored as codes (outdoor_ads.labels names them for pages).
STEP_FORMS: tuple[type[StepForm], ...] = (
    AcceptanceForm,
    ReviewForm,
    CountersignForm,
    SurveyForm,
    HearingScheduleForm,
    HearingForm,
    DecisionForm,
    DeliveryForm,
)
