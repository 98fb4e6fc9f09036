from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import generic
from viewflow.workflow.models import Task

from workflows import clock
from workflows.flowviews import TaskConflict, claim_task
from workflows.jurisdiction import get_visible_or_404
from workflows.security import same_origin_preview, throttle_post

from . import forms, selectors, services
from .models import AffectedParty, Attachment, FacilityType, FollowUp, Permit, PermitApplication, PermitRequest

DONE = _("Done.")


def _add_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


class ApplicationDetailView(generic.TemplateView):
    template_name = "outdoor_ads/application_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        application = get_visible_or_404(self.request.user, PermitApplication, pk=kwargs["pk"])
        context.update(selectors.application_context(application=application, user=self.request.user))
        user = self.request.user
        context["may_decide"] = services.may_decide(user, application)
        context["may_extend"] = services.may_extend(user, application)
        if context["is_owner"]:
            context["may_waive_hearing"] = services.may_waive_hearing(application)
            context["waive_form"] = kwargs.get("waive_form") or forms.ReasonForm()
        context["my_steps"] = [
            task
            for task in context["open_tasks"]
            if task.flow_task_type == "HUMAN"
            and (task.owner_id == user.pk or (task.owner_id is None and task.flow_task.can_assign(user, task)))
        ]
        if context["is_owner"] and application.status == PermitApplication.Status.SUPPLEMENT:
            context["supplement_form"] = kwargs.get("supplement_form") or forms.SupplementAnswerForm(
                application=application
            )
        context["rating_form"] = kwargs.get("rating_form") or forms.RatingForm()
        context["withdraw_form"] = forms.OptionalReasonForm()
        context["extend_form"] = kwargs.get("extend_form") or forms.ReasonForm()
        from .lawviews import law_context

        context.update(law_context(application=application, user=user, bound=kwargs.get("law_forms") or {}))
        return context


class ApplicationActionView(generic.View):
    """POST-only actions on an application page; each calls one service."""

    action = ""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        application = get_visible_or_404(request.user, PermitApplication, pk=pk)
        user: Any = request.user
        try:
            if self.action == "supplement":
                if application.status != PermitApplication.Status.SUPPLEMENT:
                    raise ValidationError(services.NO_SUPPLEMENT_PENDING)
                form: Any = forms.SupplementAnswerForm(request.POST, request.FILES, application=application)
                if not form.is_valid():
                    return self._again(request, application, supplement_form=form)
                services.application_supplement_answer(
                    application=application,
                    acting_user=user,
                    uploads=form.checked_uploads(),
                    note=form.cleaned_data.get("note", ""),
                )
            elif self.action == "withdraw":
                form = forms.OptionalReasonForm(request.POST)
                form.is_valid()
                services.application_withdraw(
                    application=application, acting_user=user, reason=form.cleaned_data.get("reason", "")
                )
            elif self.action == "hearing":
                services.application_request_hearing(application=application, acting_user=user)
            elif self.action == "rate":
                form = forms.RatingForm(request.POST)
                if not form.is_valid():
                    return self._again(request, application, rating_form=form)
                services.application_rate(
                    application=application,
                    acting_user=user,
                    score=form.cleaned_data["score"],
                    comment=form.cleaned_data["comment"],
                )
            elif self.action == "hearing_waive":
                form = forms.ReasonForm(request.POST)
                if not form.is_valid():
                    return self._again(request, application, waive_form=form)
                services.application_hearing_waive(
                    application=application, acting_user=user, statement=form.cleaned_data["reason"]
                )
            elif self.action == "extend":
                form = forms.ReasonForm(request.POST)
                if not form.is_valid():
                    return self._again(request, application, extend_form=form)
                services.application_extend(
                    application=application, acting_user=user, reason=form.cleaned_data["reason"]
                )
            else:
                raise Http404
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return HttpResponseRedirect(self._url(application))
        messages.success(request, DONE)
        return HttpResponseRedirect(self._url(application))

    def _url(self, application: PermitApplication) -> str:
        return reverse("ads:application_detail", kwargs={"pk": application.pk})

    def _again(self, request: HttpRequest, application: PermitApplication, **forms_: Any) -> HttpResponse:
        view = ApplicationDetailView()
        view.setup(request, pk=application.pk)
        context = view.get_context_data(pk=application.pk, **forms_)
        return render(request, ApplicationDetailView.template_name, context, status=400)


class PartyStatementView(generic.View):
    """The applicant's own statement, or a reviewer recording a neighbour's (ALL art. 36)."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        party = get_object_or_404(AffectedParty, pk=pk)
        application = get_visible_or_404(request.user, PermitApplication, pk=party.application_id)
        url = reverse("ads:application_detail", kwargs={"pk": application.pk})
        form = forms.StatementForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(services.STATEMENT_REQUIRED)
            services.party_statement_record(
                party=party,
                acting_user=request.user,  # type: ignore[arg-type]
                statement=form.cleaned_data["statement"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return HttpResponseRedirect(url)
        messages.success(request, DONE)
        return HttpResponseRedirect(url)


class TaskTakeView(generic.View):
    """ "Handle this step" on an application page: claim the task (or keep it) and open its form."""

    def post(self, request: HttpRequest, task_pk: int) -> HttpResponse:
        # Only a person's step can be taken; a gateway, job or start node is not a task for anyone (404).
        task = get_object_or_404(Task, pk=task_pk, process__permitprocess__isnull=False, flow_task_type="HUMAN")
        application_pk = task.process.coerced.application_id  # type: ignore[union-attr]
        get_visible_or_404(request.user, PermitApplication, pk=application_pk)
        try:
            claim_task(task=task, acting_user=request.user)
        except TaskConflict as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(reverse("ads:application_detail", kwargs={"pk": application_pk}))
        return HttpResponseRedirect(task.reverse("execute"))


class ApplyChooseView(PermissionRequiredMixin, generic.TemplateView):
    permission_required = "outdoor_ads.add_permitapplication"
    raise_exception = True
    template_name = "outdoor_ads/apply_choose.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["facility_types"] = FacilityType.objects.filter(active=True)
        return context


class ApplyView(PermissionRequiredMixin, generic.FormView):
    permission_required = "outdoor_ads.add_permitapplication"
    raise_exception = True
    template_name = "outdoor_ads/apply.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.facility_type = get_object_or_404(FacilityType, code=kwargs["code"], active=True)
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class: Any = None) -> Any:
        return forms.ApplicationForm(**self.get_form_kwargs(), facility_type=self.facility_type)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["facility_type"] = self.facility_type
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            application = services.application_submit(acting_user=self.request.user, **form.service_kwargs())  # type: ignore[arg-type]
        except ValidationError as exc:
            _add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Application %(number)s submitted. Lookup code: %(code)s")
            % {"number": application.number, "code": application.lookup_code},
        )
        return HttpResponseRedirect(reverse("ads:application_detail", kwargs={"pk": application.pk}))


@method_decorator(same_origin_preview, name="dispatch")
class AttachmentView(generic.View):
    """Streams an upload after checking that the user may see its application (inline preview).

    The application page previews PDFs in a frame of this same site, so this one view allows
    same-origin framing; every other page keeps the site-wide refusal.
    """

    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        attachment = get_object_or_404(Attachment, pk=pk)
        get_visible_or_404(request.user, PermitApplication, pk=attachment.application_id)
        response = FileResponse(attachment.file.open("rb"), content_type=attachment.mime_type)
        response["Content-Disposition"] = f'inline; filename="attachment-{attachment.pk}.{attachment.extension}"'
        response["X-Content-Type-Options"] = "nosniff"
        return response


class AttachmentPreviewView(generic.View):
    """A picture of a PDF upload's first page: phones and some browsers show no PDF inside a page."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        from workflows.documents.preview import first_page_png

        attachment = get_object_or_404(Attachment, pk=pk, mime_type="application/pdf")
        get_visible_or_404(request.user, PermitApplication, pk=attachment.application_id)
        with attachment.file.open("rb") as handle:
            png = first_page_png(handle.read(), cache_key=f"xiuhua:upload-preview:{attachment.sha256}")
        if png is None:
            raise Http404
        response = HttpResponse(png, content_type="image/png")
        response["Cache-Control"] = "private, max-age=3600"
        response["X-Content-Type-Options"] = "nosniff"
        return response


class PermitListView(generic.TemplateView):
    template_name = "outdoor_ads/permit_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        show = self.request.GET.get("show", "active")
        user = self.request.user
        if show in ("expired", "expiring"):
            permits = selectors.permit_registry(user=user, show=show)
        elif show == "all":
            permits = selectors.permit_list(user=user)
        else:
            permits = selectors.permit_list(user=user).filter(status=Permit.Status.ACTIVE)
        context.update({"permits": permits, "show": show})
        return context


EXPORT_SHOWS = ("active", "expiring", "expired")
CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    # A cell starting like a formula would run in a spreadsheet (CSV injection).
    return "'" + text if text.startswith(CSV_FORMULA_START) else text


class PermitExportView(PermissionRequiredMixin, generic.View):
    """The permit registry as CSV for staff, scoped to the user's county like every list."""

    # Bureau staff of the process and the (read-only) supervisors; never applicants.
    permission_required = ("outdoor_ads.view_permitprocess", "workflows.view_supervision")
    raise_exception = True

    def has_permission(self) -> bool:
        user = self.request.user
        return any(user.has_perm(perm) for perm in self.get_permission_required())

    def get(self, request: HttpRequest) -> HttpResponse:
        show = request.GET.get("show", "active")
        if show not in EXPORT_SHOWS:
            raise Http404
        today = clock.today()
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="permits-{show}-{today.isoformat()}.csv"'
        response.write("\ufeff")  # Excel opens UTF-8 CSV correctly only with a BOM
        writer = csv.writer(response)
        writer.writerow(
            [
                str(h)
                for h in (
                    _("Permit number"),
                    _("Permit holder"),
                    _("County"),
                    _("Facility type"),
                    _("Address"),
                    _("Valid from"),
                    _("Valid until"),
                    _("Days left"),
                    _("Status"),
                )
            ]
        )
        for permit in selectors.permit_registry(user=request.user, show=show):
            application = permit.application
            writer.writerow(
                [
                    _csv_cell(v)
                    for v in (
                        permit.number,
                        permit.holder.display_name,
                        permit.county.name,
                        application.facility_name,
                        application.address,
                        permit.valid_from.isoformat(),
                        permit.valid_until.isoformat(),
                        (permit.valid_until - today).days,
                        permit.get_status_display(),
                    )
                ]
            )
        return response


class PermitDetailView(generic.TemplateView):
    template_name = "outdoor_ads/permit_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        permit = get_visible_or_404(self.request.user, Permit, pk=kwargs["pk"])
        user: Any = self.request.user
        context.update(
            {
                "permit": permit,
                "application": permit.application,
                "requests": permit.requests.all(),
                "is_holder": permit.holder_id == user.pk,
                "may_decide": services.may_decide(user, permit.application),
                "renewal_form": kwargs.get("renewal_form") or forms.RenewalForm(),
                "change_form": kwargs.get("change_form") or forms.ChangeForm(),
                "cancel_form": kwargs.get("cancel_form") or forms.ReasonForm(),
                "decision_form": forms.RequestDecisionForm(),
            }
        )
        return context


class PermitActionView(generic.View):
    action = ""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        permit = get_visible_or_404(request.user, Permit, pk=pk)
        user: Any = request.user
        url = reverse("ads:permit_detail", kwargs={"pk": permit.pk})
        try:
            if self.action == "renew":
                form: Any = forms.RenewalForm(request.POST)
                if not form.is_valid():
                    return self._again(request, permit, renewal_form=form)
                services.permit_request_renewal(
                    permit=permit,
                    acting_user=user,
                    requested_until=form.cleaned_data["requested_until"],
                    reason=form.cleaned_data["reason"],
                )
            elif self.action == "change":
                form = forms.ChangeForm(request.POST)
                if not form.is_valid():
                    return self._again(request, permit, change_form=form)
                changes = {k: form.cleaned_data[k] for k in ("content", "material", "lighting")}
                services.permit_request_change(
                    permit=permit, acting_user=user, changes=changes, reason=form.cleaned_data["reason"]
                )
            elif self.action == "cancel":
                form = forms.ReasonForm(request.POST)
                if not form.is_valid():
                    return self._again(request, permit, cancel_form=form)
                services.permit_cancel(permit=permit, acting_user=user, reason=form.cleaned_data["reason"])
            else:
                raise Http404
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return HttpResponseRedirect(url)
        messages.success(request, DONE)
        return HttpResponseRedirect(url)

    def _again(self, request: HttpRequest, permit: Permit, **forms_: Any) -> HttpResponse:
        view = PermitDetailView()
        view.setup(request, pk=permit.pk)
        context = view.get_context_data(pk=permit.pk, **forms_)
        return render(request, PermitDetailView.template_name, context, status=400)


class PermitRequestDecideView(generic.View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        permit_request = get_visible_or_404(request.user, PermitRequest, pk=pk)
        url = reverse("ads:permit_detail", kwargs={"pk": permit_request.permit_id})
        form = forms.RequestDecisionForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, str(error))
            return HttpResponseRedirect(url)
        try:
            services.permit_request_decide(
                request=permit_request,
                acting_user=request.user,  # type: ignore[arg-type]
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return HttpResponseRedirect(url)
        messages.success(request, DONE)
        return HttpResponseRedirect(url)


class FollowUpView(generic.FormView):
    template_name = "outdoor_ads/followup.html"
    form_class = forms.FollowUpForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.follow_up = get_visible_or_404(request.user, FollowUp, pk=kwargs["pk"])
        if not request.user.has_perm("outdoor_ads.resolve_followup"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["follow_up"] = self.follow_up
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        user: Any = self.request.user
        services.followup_resolve(follow_up=self.follow_up, acting_user=user, note=form.cleaned_data["note"])
        messages.success(self.request, DONE)
        return HttpResponseRedirect("/")


# --- Public pages (no login) ----------------------------------------------------------------


@method_decorator(throttle_post("XIUHUA_RATE_PUBLIC_LOOKUP"), name="dispatch")
class PublicLookupView(generic.FormView):
    template_name = "outdoor_ads/public_lookup.html"
    form_class = forms.LookupForm

    def form_valid(self, form: Any) -> HttpResponse:
        application = selectors.lookup(number=form.cleaned_data["number"], code=form.cleaned_data["code"])
        if application is None:
            form.add_error(None, forms.LOOKUP_NOT_FOUND)
            return self.form_invalid(form)
        context = self.get_context_data(form=form)
        context.update(
            {
                "found": application,
                "timeline": selectors.timeline(application),
                "current_step": selectors.current_step(application),
                "clock": selectors.overall_clock_of(application),
            }
        )
        return self.render_to_response(context)


class PublicMaterialsView(generic.TemplateView):
    """一次性告知 before login: per facility type, the materials to bring and the conditions that apply."""

    template_name = "outdoor_ads/public_materials.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        from workflows.sla.models import ClockRule

        from .clocks import OVERALL

        context = super().get_context_data(**kwargs)
        context.update(
            facility_types=FacilityType.objects.filter(active=True).prefetch_related("requirements"),
            upload_help=forms.UPLOAD_HELP,
            # The promise is the clock rule's (editable in the admin), never a copy of it.
            overall_rule=ClockRule.objects.filter(code=OVERALL).first(),
        )
        return context


@method_decorator(throttle_post("XIUHUA_RATE_REGISTER"), name="dispatch")
class RegisterView(generic.FormView):
    template_name = "outdoor_ads/register.html"
    form_class = forms.RegistrationForm

    def form_valid(self, form: Any) -> HttpResponse:
        data = form.cleaned_data
        user = services.applicant_register(
            username=data["username"],
            password=data["password"],
            kind=data["kind"],
            real_name=data["real_name"],
            phone=data["phone"],
            company_name=data.get("company_name", ""),
            credit_code=data.get("credit_code", ""),
            id_number=data.get("id_number", ""),
        )
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        return HttpResponseRedirect("/")
