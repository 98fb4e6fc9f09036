from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import generic

from licensing import views as kernel
from licensing.views import DONE, add_errors  # noqa: F401
from workflows import clock
from workflows.security import throttle_post

from . import forms, selectors, services
from .actions import CHANGE_FIELDS
from .models import FacilityType, Permit


class AdsView(kernel.LicenceViewMixin):
    app_label = "outdoor_ads"
    namespace = "ads"


class ApplicationDetailView(AdsView, kernel.ApplicationDetailView):
    template_name = "licensing/application_detail.html"

    def supplement_form(self, application: Any, data: Any = None, files: Any = None) -> Any:
        return forms.SupplementAnswerForm(data, files, application=application)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        from .lawviews import law_context

        context = super().get_context_data(**kwargs)
        context.update(
            law_context(
                application=context["application"],
                user=self.request.user,
                law_errors=context.get("law_errors", []),
                bound=kwargs.get("law_forms") or {},
            )
        )
        # The neighbours' hearing records of this type (outdoor_ads.lawviews); the pauses are the kernel's.
        context["extra_template"] = "outdoor_ads/includes/alllaw.html"
        return context


class ApplicationActionView(AdsView, kernel.ApplicationActionView):
    detail_view = ApplicationDetailView


class PartyStatementView(AdsView, kernel.PartyStatementView):
    pass


class TaskTakeView(AdsView, kernel.TaskTakeView):
    pass


class AttachmentView(AdsView, kernel.AttachmentView):
    pass


class AttachmentPreviewView(AdsView, kernel.AttachmentPreviewView):
    pass


class PermitDetailView(AdsView, kernel.PermitDetailView):
    template_name = "licensing/permit_detail.html"
    change_form_class = forms.ChangeForm


class PermitActionView(AdsView, kernel.PermitActionView):
    detail_view = PermitDetailView
    change_fields = CHANGE_FIELDS


class PermitRequestDecideView(AdsView, kernel.PermitRequestDecideView):
    pass


class FollowUpView(AdsView, kernel.FollowUpView):
    template_name = "licensing/followup.html"


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
            add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Application %(number)s submitted. Lookup code: %(code)s")
            % {"number": application.number, "code": application.lookup_code},
        )
        return HttpResponseRedirect(reverse("ads:application_detail", kwargs={"pk": application.pk}))


class PermitListView(generic.ListView):
    """The registry, a page at a time: a county holds tens of thousands of permits over the years."""

    template_name = "outdoor_ads/permit_list.html"
    context_object_name = "permits"
    paginate_by = 50

    def get_queryset(self) -> Any:
        show = self.request.GET.get("show", "active")
        user = self.request.user
        if show in ("expired", "expiring"):
            return selectors.permit_registry(user=user, show=show)
        if show == "all":
            return selectors.permit_list(user=user)
        return selectors.permit_list(user=user).filter(status=Permit.Status.ACTIVE)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["show"] = self.request.GET.get("show", "active")
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
