"""Thin views: validate the form, call one service, show the case. Foreign cases are 404."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import generic

from outdoor_ads.models import Permit
from workflows import audit
from workflows.actions import Action, action_for, action_submit, actions_of
from workflows.documents.selectors import documents_for
from workflows.jurisdiction import get_visible_or_404
from workflows.roles import has_role, roles_of
from workflows.security import throttle_post
from workflows.sla import selectors as sla_selectors

from . import forms, selectors, services
from .gates import GateRefused
from .models import Case, Disclosure, EvidenceFile


def _record_actions(user: Any, case: Case) -> list[Action]:
    """The case's records (workflows.actions, declared in steps.py) this user may add now."""
    return [action for action in actions_of("cases") if action.allowed(subject=case, user=user)]


class CaseListView(generic.TemplateView):
    template_name = "illegal_building/case_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["cases"] = selectors.case_list(user=user)[:200]
        context["can_report"] = has_role(user, "patrol") or has_role(user, "officer")
        if context["can_report"]:
            context["expired_permits"] = selectors.expired_permits_without_case(user=user)
            context["ad_form"] = forms.AdFacilityForm()
        return context


class AdFacilityCaseView(generic.View):
    """Open a case for an expired advertising facility from the permit registry."""

    def post(self, request: HttpRequest, permit_pk: int) -> HttpResponse:
        if not (has_role(request.user, "patrol") or has_role(request.user, "officer")):
            raise Http404
        permit = get_visible_or_404(request.user, Permit, pk=permit_pk)
        form = forms.AdFacilityForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Describe what was found at the facility."))
            return HttpResponseRedirect(reverse("cases:case_list"))
        try:
            case = services.case_report_ad_facility(
                acting_user=request.user,  # type: ignore[arg-type]
                permit=permit,
                description=form.cleaned_data["description"],
            )
        except GateRefused as refused:
            messages.error(request, str(refused.message))
            return HttpResponseRedirect(reverse("cases:case_list"))
        return HttpResponseRedirect(reverse("cases:case_detail", kwargs={"pk": case.pk}))


class CaseDetailView(generic.TemplateView):
    """The case as a timeline of every step, act, record and file; records are added here."""

    template_name = "illegal_building/case_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        case = get_visible_or_404(user, selectors.visible_cases(user), pk=kwargs["pk"])
        record_forms = {
            action.name: (action, action.form(None, None, subject=case, user=user, prefix=action.name))
            for action in _record_actions(user, case)
        }
        tasks = []
        for task in selectors.active_tasks(case):
            node = task.flow_task
            if task.owner_id == user.pk:
                url = node.reverse("execute", args=[task.process_id, task.pk])
                action, kind = _("Open"), "open"
            elif node.can_assign(user, task):
                # After taking the task, go straight to its form.
                execute = node.reverse("execute", args=[task.process_id, task.pk])
                url = f'{node.reverse("assign", args=[task.process_id, task.pk])}?{urlencode({"back": execute})}'
                action, kind = _("Take"), "take"
            else:
                url, action, kind = "", "", ""
            tasks.append({"task": task, "title": node.task_title, "url": url, "action": action, "kind": kind})
        context.update(
            case=case,
            timeline=selectors.timeline(case),
            rule_states=selectors.rule_states(case),
            tasks=tasks,
            record_forms=record_forms,
            evidence=selectors.evidence_for(case),
            clocks=sla_selectors.clocks_for(case).select_related("rule").prefetch_related("pauses"),
            documents=documents_for(case),
            history=audit.history(case),
            role_codes={r.code for r in roles_of(user)},
        )
        return context


class RecordView(generic.View):
    """POST one record (inquiry, measurement, opinion, evidence, challenge) onto a case."""

    def post(self, request: HttpRequest, pk: int, name: str) -> HttpResponse:
        case = get_visible_or_404(request.user, selectors.visible_cases(request.user), pk=pk)
        action = action_for("cases", name)
        if action is None or not action.allowed(subject=case, user=request.user):
            raise Http404  # an unknown record, not this user's, or the case is closed
        form = action.form(request.POST, request.FILES, subject=case, user=request.user, prefix=name)
        if form.is_valid() and action_submit(action=action, form=form, subject=case, acting_user=request.user):
            messages.success(request, _("Saved: %(title)s") % {"title": action.title})
        else:
            for field, errors in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                for error in errors:
                    messages.error(request, f"{label}: {error}" if label else str(error))
        return HttpResponseRedirect(reverse("cases:case_detail", kwargs={"pk": case.pk}))


class ReportView(generic.FormView):
    """A patrol or officer reports from the field (with a photo and its metadata)."""

    template_name = "illegal_building/report.html"
    form_class = forms.ReportForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not (has_role(request.user, "patrol") or has_role(request.user, "officer")):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self) -> dict[str, Any]:
        return {"county": getattr(self.request.user, "county", None)}

    def form_valid(self, form: Any) -> HttpResponse:
        user: Any = self.request.user
        data = form.cleaned_data
        if user.county_id and data["county"].pk != user.county_id:
            form.add_error("county", _("You can only report in your own county."))
            return self.form_invalid(form)
        photos = []
        if data.get("photo"):
            photos.append(
                {
                    "file": data["photo"],
                    "captured_at": data.get("captured_at"),
                    "latitude": data.get("latitude"),
                    "longitude": data.get("longitude"),
                    "device": data.get("device") or "",
                }
            )
        case = services.case_report(
            acting_user=user,
            county=data["county"],
            source=Case.Source.PATROL,
            address=data["address"],
            description=data["description"],
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            photos=photos,
        )
        messages.success(self.request, _("Report registered: %(number)s") % {"number": case.report_number})
        return HttpResponseRedirect(reverse("cases:case_detail", kwargs={"pk": case.pk}))


class EvidenceDownloadView(generic.View):
    def get(self, request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponseBase:
        case = get_visible_or_404(request.user, selectors.visible_cases(request.user), pk=pk)
        evidence = get_object_or_404(EvidenceFile, pk=evidence_pk, case=case)
        return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name,
                            content_type=evidence.content_type)


class ExportView(generic.View):
    """Export the case file: ``?part=dossier`` (one PDF) or ``?part=evidence`` (zip with a manifest)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        from . import export

        case = get_visible_or_404(request.user, selectors.visible_cases(request.user), pk=pk)
        audit.record(actor=request.user, action="case.export", obj=case,  # type: ignore[arg-type]
                     data={"part": request.GET.get("part", "dossier")})
        if request.GET.get("part") == "evidence":
            return HttpResponse(
                export.evidence_zip(case),
                content_type="application/zip",
                headers={"Content-Disposition": f'attachment; filename="case-{case.pk}-evidence.zip"'},
            )
        return HttpResponse(
            export.dossier_pdf(case),
            content_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="case-{case.pk}-dossier.pdf"'},
        )


# --- Public pages (no login) ---------------------------------------------------------------


@method_decorator(throttle_post("XIUHUA_RATE_PUBLIC_REPORT"), name="dispatch")
class PublicReportView(generic.FormView):
    """Citizens report illegal construction; their identity is protected."""

    template_name = "illegal_building/public_report.html"
    form_class = forms.CitizenReportForm

    def form_valid(self, form: Any) -> HttpResponse:
        data = form.cleaned_data
        photos = []
        if data.get("photo"):
            photos.append({"file": data["photo"], "captured_at": data.get("captured_at"),
                           "latitude": data.get("latitude"), "longitude": data.get("longitude"),
                           "device": data.get("device") or ""})
        case = services.case_report(
            acting_user=None,
            county=data["county"],
            source=Case.Source.CITIZEN,
            address=data["address"],
            description=data["description"],
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            reporter_name=data.get("reporter_name") or "",
            reporter_phone=data.get("reporter_phone") or "",
            photos=photos,
        )
        return self.render_to_response(self.get_context_data(form=self.form_class(), done=case.report_number))


class DisclosureListView(generic.ListView):
    template_name = "illegal_building/public_disclosures.html"
    context_object_name = "disclosures"

    def get_queryset(self) -> Any:
        return selectors.public_disclosures()


class DisclosureDetailView(generic.DetailView):
    template_name = "illegal_building/public_disclosure.html"
    context_object_name = "disclosure"

    def get_queryset(self) -> Any:
        return Disclosure.objects.filter(withdrawn_at__isnull=True).select_related("case", "act", "case__county")
