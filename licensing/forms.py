"""Forms of the licensing kernel: every step of the law, the applicant's and the bureau's actions.

Step forms take ``(data, files, task=task, user=user)`` and serve the web step and the task
API alike. Checklist choices come from the permit type's spec, never from one app's models.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from workflows.uploads import MATERIALS, SURVEY_PHOTOS, MultipleUploadField, UploadPolicy

from .models import LicenceRating, LicenceReviewPause
from .services.messages import NEIGHBOURS_REQUIRED
from .services.pauses import MAX_EXPECTED_WORKING_DAYS
from .spec import spec_for

PHONE_INVALID = _("Enter an 11-digit mobile phone number.")
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


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RatingForm(forms.Form):
    score = forms.ChoiceField(label=_("Rating"), choices=LicenceRating.Score.choices, widget=forms.RadioSelect)
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


class RequestDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("grant", _("Grant")), ("refuse", _("Refuse"))])
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}))


# --- Step forms: form_class(data, files, task=task, user=user); shared by the web and the API ---


class StepForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, data: Any = None, files: Any = None, *, task: Any = None, user: Any = None, **kwargs: Any):
        super().__init__(data, files, **kwargs)
        self.task = task
        self.user = user
        self.application: Any = task.process.coerced.application if task is not None else None


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
            choices = list(spec_for(self.application).requirement_titles(self.application).items())
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


# The step forms whose decisions are stored as codes (the permit apps' labels name them for pages).
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


# --- The applicant's materials: one upload field per checklist item (the checklist is the type's data) ---

PERIOD_INVALID = _("The requested period must end after it starts.")


class ChecklistItem:
    """What the forms need of a checklist item (a model row or the type's declared tuple)."""

    def __init__(self, code: str, title: str, required: bool = True) -> None:
        self.code, self.title, self.required = code, title, required


class ChecklistMixin:
    """Adds one upload field per checklist item; ``checked_uploads`` pairs each file with its item code."""

    requirements: list[Any]

    def add_items(self, items: list[Any], *, all_optional: bool = False) -> None:
        self.requirements = list(items)
        for requirement in self.requirements:
            self.fields[f"material_{requirement.code}"] = MultipleFileField(  # type: ignore[attr-defined]
                label=requirement.title, required=requirement.required and not all_optional
            )

    def checked_uploads(self) -> list[tuple[str, Any]]:
        result = []
        for requirement in self.requirements:
            for checked in self.cleaned_data.get(f"material_{requirement.code}") or []:  # type: ignore[attr-defined]
                result.append((requirement.code, checked))
        for checked in self.cleaned_data.get("material_other") or []:  # type: ignore[attr-defined]
            result.append(("other", checked))
        return result


class SupplementAnswerForm(ChecklistMixin, forms.Form):
    """The applicant's answer to the one-time supplement notice: a file for each item named in it."""

    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Anything the clerk should know about these materials."),
    )

    def __init__(self, *args: Any, application: Any, items: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        missing = set(application.supplement_items)
        self.requirements = [r for r in items if r.code in missing]
        for requirement in self.requirements:
            self.fields[f"material_{requirement.code}"] = MultipleFileField(label=requirement.title, required=True)
        if "other" in missing or not self.requirements:
            self.fields["material_other"] = MultipleFileField(
                label=_("Other materials"), required=not self.requirements
            )


def clean_phone(value: str) -> str:
    phone = value.strip()
    if not PHONE_RE.match(phone):
        raise ValidationError(PHONE_INVALID)
    return phone


def check_period(form: forms.Form, data: dict[str, Any]) -> None:
    start, end = data.get("period_from"), data.get("period_until")
    if start and end and end <= start:
        form.add_error("period_until", PERIOD_INVALID)


class PauseStartForm(forms.Form):
    """An ALL art. 45 special procedure: what, why (printed in the notice) and how long."""

    kind = forms.ChoiceField(label=_("Procedure (ALL art. 45)"), choices=LicenceReviewPause.Kind.choices)
    reason = forms.CharField(
        label=_("Reason (printed in the notice to the applicant)"), widget=forms.Textarea(attrs={"rows": 3})
    )
    expected_working_days = forms.IntegerField(
        label=_("Expected length (working days)"), min_value=1, max_value=MAX_EXPECTED_WORKING_DAYS
    )


class PauseStopForm(forms.Form):
    outcome = forms.CharField(label=_("Outcome of the procedure"), widget=forms.Textarea(attrs={"rows": 3}))
