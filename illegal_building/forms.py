"""Forms of the case steps and records. They validate input; the services decide legality."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from workflows import clock
from workflows.models import County, User
from workflows.uploads import PUBLIC_REPORT, STAFF_EVIDENCE, UploadField

from .models import Act, Case, Challenge, EvidenceFile, ServiceRecord

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _local_now() -> str:
    from django.utils import timezone

    return timezone.localtime(clock.now()).strftime("%Y-%m-%dT%H:%M")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"


class CaseForm(forms.Form):
    """A form about one case, filled in by one user: for a step (``task``) or a record (``case``)."""

    def __init__(self, *args: Any, user: User, case: Case | None = None, task: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if case is None:
            from .models import CaseProcess

            case = CaseProcess.objects.select_related("case__county").get(pk=task.process_id).case
        self.case = case
        self.user = user
        staff = User.objects.filter(kind=User.Kind.STAFF, is_active=True, county=case.county).order_by("username")
        for name in ("officer2", "chair"):
            if name in self.fields:
                field = self.fields[name]
                assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
                field.queryset = staff
        for name, field in self.fields.items():
            if isinstance(field.widget, DateTimeInput) and name not in self.initial:
                self.initial[name] = _local_now()


def _staff_field(label: Any) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(label=label, queryset=User.objects.none())


class ServiceFields(CaseForm):
    """送达回证 fields for acts served on the party."""

    service_method = forms.ChoiceField(label=_("Method of service"), choices=ServiceRecord.Method.choices)
    served_at = forms.DateTimeField(
        label=_("Served at"), widget=DateTimeInput(),
        help_text=_("Signed (direct), left (lodged), date on the return receipt (post), reached the party "
                    "(electronic), published (announcement: deemed served 30 days later)."),
    )
    recipient = forms.CharField(label=_("Recipient"), max_length=100)
    witnesses = forms.CharField(label=_("Witnesses (lodged service)"), max_length=200, required=False)
    evidence = forms.ModelChoiceField(
        label=_("Photo or video of the service"), queryset=EvidenceFile.objects.none(), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["evidence"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = EvidenceFile.objects.filter(case=self.case)

    def clean_served_at(self) -> Any:
        served_at = self.cleaned_data["served_at"]
        if served_at > clock.now():
            raise forms.ValidationError(_("The time of service cannot be in the future."))
        return served_at


class ReportForm(forms.Form):
    """A field or citizen report."""

    county = forms.ModelChoiceField(label=_("County"), queryset=County.objects.all())
    address = forms.CharField(label=_("Address"), max_length=200)
    latitude = forms.DecimalField(label=_("Latitude"), max_digits=9, decimal_places=6, required=False,
                                  min_value=-90, max_value=90)
    longitude = forms.DecimalField(label=_("Longitude"), max_digits=9, decimal_places=6, required=False,
                                   min_value=-180, max_value=180)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea)
    photo = UploadField(label=_("Photo or video"), required=False, policy=STAFF_EVIDENCE)
    captured_at = forms.DateTimeField(label=_("Captured at"), required=False, widget=DateTimeInput())
    device = forms.CharField(label=_("Device"), max_length=100, required=False)


class CitizenReportForm(ReportForm):
    # Anonymous: photos only, smaller and fewer pixels than staff evidence.
    photo = UploadField(label=_("Photo"), required=False, policy=PUBLIC_REPORT)
    reporter_name = forms.CharField(label=_("Your name"), max_length=50, required=False)
    reporter_phone = forms.RegexField(
        label=_("Your phone"), regex=r"^1\d{10}$", required=False,
        error_messages={"invalid": _("Enter an 11-digit mobile number.")},
    )


class VerifyForm(CaseForm):
    officer2 = _staff_field(_("Second officer"))
    inspected_at = forms.DateTimeField(label=_("Inspected at"), widget=DateTimeInput())
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea)
    illegal = forms.ChoiceField(label=_("Illegal construction?"), choices=YES_NO, widget=forms.RadioSelect)
    party_name = forms.CharField(label=_("Party name"), max_length=200, required=False)
    party_is_person = forms.BooleanField(label=_("Party is a natural person"), required=False, initial=True)
    party_id_number = forms.RegexField(
        label=_("Party ID number"), regex=r"^(\d{17}[\dXx]|[0-9A-Z]{18})$", required=False,
        error_messages={"invalid": _("Enter an 18-character ID number or credit code.")},
    )
    party_address = forms.CharField(label=_("Party address"), max_length=200, required=False)


class ApproveForm(CaseForm):
    approve = forms.ChoiceField(label=_("Approve?"), choices=YES_NO, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("approve") == "no" and not data.get("comment"):
            self.add_error("comment", _("Give the reason for not approving."))
        return data


class StopOrderForm(ServiceFields):
    content = forms.CharField(label=_("Facts and order"), widget=forms.Textarea)
    legal_basis = forms.CharField(label=_("Legal basis"), initial="《中华人民共和国城乡规划法》第六十四条")


class InvestigateForm(CaseForm):
    is_major = forms.BooleanField(label=_("Major or complex case (collective discussion needed)"), required=False)
    proposed_fine = forms.DecimalField(
        label=_("Proposed fine (yuan)"), max_digits=12, decimal_places=2, required=False, min_value=0,
        help_text=_("A fine is a penalty: prior notice, defence, hearing and legal review come first."),
    )
    summary = forms.CharField(label=_("Investigation summary"), widget=forms.Textarea)


class ServeForm(ServiceFields):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea, required=False)


class CorrectionDecisionForm(CaseForm):
    content = forms.CharField(label=_("Decision"), widget=forms.Textarea)
    legal_basis = forms.CharField(label=_("Legal basis"), initial="《中华人民共和国城乡规划法》第六十四条")
    fine_amount = forms.DecimalField(label=_("Fine (yuan)"), max_digits=12, decimal_places=2, required=False,
                                     min_value=0)


class SiteCheckForm(CaseForm):
    officer2 = _staff_field(_("Second officer"))
    inspected_at = forms.DateTimeField(label=_("Inspected at"), widget=DateTimeInput())
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea)
    complied = forms.ChoiceField(label=_("Has the party complied?"), choices=YES_NO, widget=forms.RadioSelect)


class PriorNoticeForm(ServiceFields):
    content = forms.CharField(label=_("Proposed decision, facts and reasons"), widget=forms.Textarea)
    legal_basis = forms.CharField(label=_("Legal basis"), initial="《中华人民共和国城乡规划法》第六十四条")
    hearing_right = forms.BooleanField(label=_("Party has the right to request a hearing"), required=False,
                                       initial=True)
    fine_amount = forms.DecimalField(label=_("Proposed fine (yuan)"), max_digits=12, decimal_places=2,
                                     required=False, min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.case.proposed_fine:
            self.initial.setdefault("fine_amount", self.case.proposed_fine)


class DefenceForm(CaseForm):
    statement = forms.CharField(label=_("Party's statement and defence"), widget=forms.Textarea, required=False)
    hearing_requested = forms.BooleanField(label=_("Party requested a hearing"), required=False)


class HearingRequestForm(CaseForm):
    statement = forms.CharField(label=_("The party's request for a hearing"), widget=forms.Textarea)


class HearingForm(CaseForm):
    chair = _staff_field(_("Chair of the hearing"))
    notified_on = forms.DateField(label=_("Time and place notified to the party on"), widget=DateInput())
    held_at = forms.DateTimeField(label=_("Held at"), widget=DateTimeInput())
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea)


class HearingStepForm(HearingForm):
    """The hearing step: held, or the party withdrew its request (then the minutes say how)."""

    withdrawn = forms.BooleanField(label=_("The party withdrew its request for a hearing"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("chair", "notified_on", "held_at"):
            self.fields[name].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("withdrawn"):
            for name in ("chair", "notified_on", "held_at"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, forms.Field.default_error_messages["required"])
        return data


class HearingWithdrawalForm(CaseForm):
    statement = forms.CharField(label=_("The party's withdrawal of its hearing request"), widget=forms.Textarea)


class LegalReviewForm(CaseForm):
    approved = forms.ChoiceField(label=_("Legal review result"), choices=[
        ("yes", _("Approve the proposed decision")), ("no", _("Return for further investigation"))
    ], widget=forms.RadioSelect)
    opinion = forms.CharField(label=_("Opinion"), widget=forms.Textarea)


class CollectiveForm(CaseForm):
    held_at = forms.DateTimeField(label=_("Held at"), widget=DateTimeInput())
    participants = forms.CharField(label=_("Participants"), max_length=500)
    conclusion = forms.CharField(label=_("Conclusion"), widget=forms.Textarea)


class DecisionForm(CaseForm):
    content = forms.CharField(label=_("Decision"), widget=forms.Textarea)
    legal_basis = forms.CharField(label=_("Legal basis"), initial="《中华人民共和国城乡规划法》第六十四条")


class DiscloseForm(CaseForm):
    summary = forms.CharField(label=_("Public summary"), widget=forms.Textarea)


class ReminderForm(ServiceFields):
    content = forms.CharField(label=_("Reminder"), widget=forms.Textarea)


class CoerciveDecisionForm(CaseForm):
    content = forms.CharField(label=_("Coercive decision"), widget=forms.Textarea)
    legal_basis = forms.CharField(label=_("Legal basis"), initial="《中华人民共和国行政强制法》第三十七条、第四十四条")
    defence_considered = forms.CharField(label=_("Party's defence after the reminder and how it was considered"),
                                         widget=forms.Textarea, required=False)
    announcement = forms.CharField(label=_("Announcement"), widget=forms.Textarea)
    final_deadline = forms.DateField(label=_("Last day for the party to demolish"), widget=DateInput())
    execution_date = forms.DateField(label=_("Planned execution date"), widget=DateInput())
    execution_start = forms.TimeField(label=_("Planned start"), initial="09:00",
                                      widget=forms.TimeInput(attrs={"type": "time"}))
    execution_end = forms.TimeField(label=_("Planned end"), initial="17:00",
                                    widget=forms.TimeInput(attrs={"type": "time"}))
    emergency_reason = forms.CharField(
        label=_("Emergency (only then at night or on a holiday; your signature approves it)"),
        widget=forms.Textarea, required=False,
    )


class ExecuteForm(CaseForm):
    officer2 = _staff_field(_("Second officer"))
    executed_at = forms.DateTimeField(label=_("Executed at"), widget=DateTimeInput())
    plan = forms.CharField(label=_("Execution plan"), widget=forms.Textarea)
    record = forms.CharField(label=_("On-site record"), widget=forms.Textarea)
    inventory = forms.CharField(label=_("Inventory of belongings"), widget=forms.Textarea)
    witnesses = forms.CharField(label=_("Witnesses"), max_length=200)


class ClosingReportForm(CaseForm):
    summary = forms.CharField(label=_("Closing report"), widget=forms.Textarea)


# --- Records added from the case page ---------------------------------------------------


class InquiryForm(CaseForm):
    officer2 = _staff_field(_("Second officer"))
    interviewee = forms.CharField(label=_("Interviewee"), max_length=100)
    asked_at = forms.DateTimeField(label=_("Asked at"), widget=DateTimeInput())
    content = forms.CharField(label=_("Questions and answers"), widget=forms.Textarea)


class MeasurementForm(CaseForm):
    area_m2 = forms.DecimalField(label=_("Area (m²)"), max_digits=10, decimal_places=2, min_value=0)
    height_m = forms.DecimalField(label=_("Height (m)"), max_digits=6, decimal_places=2, min_value=0)
    floors = forms.IntegerField(label=_("Floors"), min_value=0, max_value=200, initial=1)
    construction_cost = forms.DecimalField(label=_("Construction cost (yuan)"), max_digits=12, decimal_places=2,
                                           min_value=0, required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea, required=False)


class PlanningOpinionForm(CaseForm):
    authority = forms.CharField(label=_("Planning authority"), max_length=100)
    correctable = forms.ChoiceField(label=_("Can the construction be corrected?"), choices=YES_NO,
                                    widget=forms.RadioSelect)
    opinion = forms.CharField(label=_("Opinion"), widget=forms.Textarea)
    received_on = forms.DateField(label=_("Received on"), widget=DateInput())


class EvidenceForm(CaseForm):
    file = UploadField(label=_("Photo, video or scan"), policy=STAFF_EVIDENCE)
    captured_at = forms.DateTimeField(label=_("Captured at"), required=False, widget=DateTimeInput())
    latitude = forms.DecimalField(label=_("Latitude"), max_digits=9, decimal_places=6, required=False,
                                  min_value=-90, max_value=90)
    longitude = forms.DecimalField(label=_("Longitude"), max_digits=9, decimal_places=6, required=False,
                                   min_value=-180, max_value=180)
    device = forms.CharField(label=_("Device"), max_length=100, required=False)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)


class ChallengeForm(CaseForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Challenge.Kind.choices)
    filed_on = forms.DateField(label=_("Filed on"), widget=DateInput())
    body = forms.CharField(label=_("Review body or court"), max_length=100)


class ChallengeOutcomeForm(CaseForm):
    challenge = forms.ModelChoiceField(label=_("Challenge"), queryset=Challenge.objects.none())
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[c for c in Challenge.Outcome.choices if c[0] != Challenge.Outcome.PENDING]
    )
    outcome_on = forms.DateField(label=_("Outcome on"), widget=DateInput())
    outcome_served_on = forms.DateField(label=_("Review decision or judgment served on"), widget=DateInput(),
                                        required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["challenge"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = Challenge.objects.filter(case=self.case, outcome=Challenge.Outcome.PENDING)


class AppraisalForm(CaseForm):
    started = forms.ChoiceField(
        label=_("Appraisal or testing"),
        choices=[("yes", _("Started: pause the 90 days")), ("no", _("Finished: resume the 90 days"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("What is appraised, by whom"), max_length=300)


class ServiceAttemptForm(CaseForm):
    act_kind = forms.ChoiceField(label=_("Document"), choices=Act.Kind.choices)
    method = forms.ChoiceField(
        label=_("Method tried"),
        choices=[c for c in ServiceRecord.Method.choices if c[0] != ServiceRecord.Method.PUBLIC],
    )
    attempted_at = forms.DateTimeField(label=_("Attempted at"), widget=DateTimeInput())
    reason = forms.CharField(label=_("Why it failed"), widget=forms.Textarea)


class ServiceConsentForm(CaseForm):
    channel = forms.CharField(label=_("Electronic address (e-mail, phone, platform)"), max_length=200)
    consented_on = forms.DateField(label=_("Consented on"), widget=DateInput())


class GovernmentOrderForm(CaseForm):
    issuer = forms.CharField(label=_("Issuing government"), max_length=100)
    number = forms.CharField(label=_("Document number"), max_length=60)
    issued_on = forms.DateField(label=_("Issued on"), widget=DateInput())
    scan = forms.FileField(label=_("Scan of the order"))


class AdFacilityForm(forms.Form):
    description = forms.CharField(label=_("Description"), widget=forms.Textarea)
