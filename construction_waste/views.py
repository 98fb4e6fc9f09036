"""Pages of the waste disposal approval: the kernel's pages with this type's spec, and the apply form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import generic

from licensing import lawviews
from licensing import views as kernel

from . import forms, services
from .forms import CHANGE_FIELDS


class WasteView(kernel.LicenceViewMixin):
    app_label = "construction_waste"
    namespace = "waste"


class ApplicationDetailView(WasteView, kernel.ApplicationDetailView):
    template_name = "licensing/application_detail.html"

    def supplement_form(self, application: Any, data: Any = None, files: Any = None) -> Any:
        return forms.SupplementAnswerForm(data, files, application=application)


class ApplicationActionView(WasteView, kernel.ApplicationActionView):
    detail_view = ApplicationDetailView


class LawActionView(WasteView, lawviews.LawActionView):
    collection = "waste-permits"
    detail_view = ApplicationDetailView


class PartyStatementView(WasteView, kernel.PartyStatementView):
    pass


class TaskTakeView(WasteView, kernel.TaskTakeView):
    pass


class AttachmentView(WasteView, kernel.AttachmentView):
    pass


class AttachmentPreviewView(WasteView, kernel.AttachmentPreviewView):
    pass


class PermitDetailView(WasteView, kernel.PermitDetailView):
    template_name = "licensing/permit_detail.html"
    change_form_class = forms.ChangeForm


class PermitActionView(WasteView, kernel.PermitActionView):
    detail_view = PermitDetailView
    change_fields = CHANGE_FIELDS


class PermitRequestDecideView(WasteView, kernel.PermitRequestDecideView):
    pass


class FollowUpView(WasteView, kernel.FollowUpView):
    template_name = "licensing/followup.html"


class ApplicationListView(WasteView, generic.TemplateView):
    template_name = "construction_waste/application_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        from workflows.jurisdiction import visible

        context = super().get_context_data(**kwargs)
        model = self.spec.application_model
        context["applications"] = visible(self.request.user, model).select_related("county")[:50]
        return context


class ApplyView(WasteView, PermissionRequiredMixin, generic.FormView):
    permission_required = "construction_waste.add_permitapplication"
    raise_exception = True
    template_name = "construction_waste/apply.html"
    form_class = forms.ApplicationForm

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            application = services.application_submit(acting_user=self.request.user, **form.service_kwargs())  # type: ignore[arg-type]
        except ValidationError as exc:
            kernel.add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Application %(number)s submitted. Lookup code: %(code)s")
            % {"number": application.number, "code": application.lookup_code},
        )
        return HttpResponseRedirect(reverse("waste:application_detail", kwargs={"pk": application.pk}))
