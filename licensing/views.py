"""Pages of the licensing kernel: the application and permit pages and their POST actions, files, follow-up.

A permit app subclasses each view with its ``app_label`` (the spec), ``namespace`` (its URL
names) and templates; the view validates, calls one kernel service and redirects.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import generic
from viewflow.workflow.models import Task

from workflows.flowviews import TaskConflict, claim_task
from workflows.jurisdiction import get_visible_or_404
from workflows.security import same_origin_preview

from . import forms, selectors
from .services import acceptance, decision, extension, hearing, parties, rating, registry
from .services.messages import NO_SUPPLEMENT_PENDING, STATEMENT_REQUIRED
from .spec import LicenceSpec, spec_for

DONE = _("Done.")


def add_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


class LicenceViewMixin:
    """Which permit type a view serves: its spec and the namespace of its URL names."""

    app_label = ""
    namespace = ""

    @property
    def spec(self) -> LicenceSpec:
        return spec_for(self.app_label)

    def application_url(self, application: Any) -> str:
        return reverse(f"{self.namespace}:application_detail", kwargs={"pk": application.pk})

    def permit_url(self, permit_pk: int) -> str:
        return reverse(f"{self.namespace}:permit_detail", kwargs={"pk": permit_pk})

    def supplement_form(self, application: Any, data: Any = None, files: Any = None) -> Any:
        raise NotImplementedError

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)  # type: ignore[misc]
        context.update(self.spec.page_names())
        return context


class ApplicationDetailView(LicenceViewMixin, generic.TemplateView):
    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        application = get_visible_or_404(self.request.user, self.spec.application_model, pk=kwargs["pk"])
        context.update(selectors.application_context(application=application, user=self.request.user))
        user = self.request.user
        context["may_decide"] = decision.may_decide(user, application)
        context["may_extend"] = extension.may_extend(user, application)
        if context["is_owner"]:
            context["may_waive_hearing"] = hearing.may_waive_hearing(application)
            context["waive_form"] = kwargs.get("waive_form") or forms.ReasonForm()
        context["my_steps"] = [
            task
            for task in context["open_tasks"]
            if task.flow_task_type == "HUMAN"
            and (task.owner_id == user.pk or (task.owner_id is None and task.flow_task.can_assign(user, task)))
        ]
        if context["is_owner"] and application.status == application.Status.SUPPLEMENT:
            context["supplement_form"] = kwargs.get("supplement_form") or self.supplement_form(application)
        context["rating_form"] = kwargs.get("rating_form") or forms.RatingForm()
        context["withdraw_form"] = forms.OptionalReasonForm()
        context["extend_form"] = kwargs.get("extend_form") or forms.ReasonForm()
        if self.spec.documents.pause_notice:
            from .lawviews import pause_context

            context.update(pause_context(application=application, user=user, bound=kwargs.get("law_forms") or {}))
        return context


class ApplicationActionView(LicenceViewMixin, generic.View):
    """POST-only actions on an application page; each calls one service."""

    action = ""
    detail_view: type[ApplicationDetailView] = ApplicationDetailView

    def supplement_form(self, application: Any, data: Any = None, files: Any = None) -> Any:
        return self.detail_view(app_label=self.app_label, namespace=self.namespace).supplement_form(
            application, data, files
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        application = get_visible_or_404(request.user, self.spec.application_model, pk=pk)
        user: Any = request.user
        try:
            if self.action == "supplement":
                if application.status != application.Status.SUPPLEMENT:
                    raise ValidationError(NO_SUPPLEMENT_PENDING)
                form: Any = self.supplement_form(application, request.POST, request.FILES)
                if not form.is_valid():
                    return self._again(request, application, supplement_form=form)
                acceptance.application_supplement_answer(
                    application=application,
                    acting_user=user,
                    uploads=form.checked_uploads(),
                    note=form.cleaned_data.get("note", ""),
                )
            elif self.action == "withdraw":
                form = forms.OptionalReasonForm(request.POST)
                form.is_valid()
                decision.application_withdraw(
                    application=application, acting_user=user, reason=form.cleaned_data.get("reason", "")
                )
            elif self.action == "hearing":
                hearing.application_request_hearing(application=application, acting_user=user)
            elif self.action == "rate":
                form = forms.RatingForm(request.POST)
                if not form.is_valid():
                    return self._again(request, application, rating_form=form)
                rating.application_rate(
                    application=application,
                    acting_user=user,
                    score=form.cleaned_data["score"],
                    comment=form.cleaned_data["comment"],
                )
            elif self.action == "hearing_waive":
                form = forms.ReasonForm(request.POST)
                if not form.is_valid():
                    return self._again(request, application, waive_form=form)
                hearing.application_hearing_waive(
                    application=application, acting_user=user, statement=form.cleaned_data["reason"]
                )
            elif self.action == "extend":
                form = forms.ReasonForm(request.POST)
                if not form.is_valid():
                    return self._again(request, application, extend_form=form)
                extension.application_extend(
                    application=application, acting_user=user, reason=form.cleaned_data["reason"]
                )
            else:
                raise Http404
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return HttpResponseRedirect(self.application_url(application))
        messages.success(request, DONE)
        return HttpResponseRedirect(self.application_url(application))

    def _again(self, request: HttpRequest, application: Any, **forms_: Any) -> HttpResponse:
        view = self.detail_view(app_label=self.app_label, namespace=self.namespace)
        view.setup(request, pk=application.pk)
        context = view.get_context_data(pk=application.pk, **forms_)
        return render(request, view.get_template_names()[0], context, status=400)


class PartyStatementView(LicenceViewMixin, generic.View):
    """The applicant's own statement, or a reviewer recording a neighbour's (ALL art. 36)."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        party = get_object_or_404(self.spec.model("AffectedParty"), pk=pk)
        application = get_visible_or_404(request.user, self.spec.application_model, pk=party.application_id)
        url = self.application_url(application)
        form = forms.StatementForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(STATEMENT_REQUIRED)
            parties.party_statement_record(
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


class TaskTakeView(LicenceViewMixin, generic.View):
    """ "Handle this step" on an application page: claim the task (or keep it) and open its form."""

    def post(self, request: HttpRequest, task_pk: int) -> HttpResponse:
        # Only a person's step of this type can be taken; a gateway, job or start node is not a task (404).
        processes = self.spec.process_model.objects.values("pk")
        task = get_object_or_404(Task, pk=task_pk, process_id__in=processes, flow_task_type="HUMAN")
        application_pk = task.process.coerced.application_id  # type: ignore[union-attr]
        application = get_visible_or_404(request.user, self.spec.application_model, pk=application_pk)
        try:
            claim_task(task=task, acting_user=request.user)
        except TaskConflict as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(self.application_url(application))
        return HttpResponseRedirect(task.reverse("execute"))


@method_decorator(same_origin_preview, name="dispatch")
class AttachmentView(LicenceViewMixin, generic.View):
    """Streams an upload after checking that the user may see its application (inline preview).

    The application page previews PDFs in a frame of this same site, so this one view allows
    same-origin framing; every other page keeps the site-wide refusal.
    """

    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        attachment = get_object_or_404(self.spec.model("Attachment"), pk=pk)
        get_visible_or_404(request.user, self.spec.application_model, pk=attachment.application_id)
        response = FileResponse(attachment.file.open("rb"), content_type=attachment.mime_type)
        response["Content-Disposition"] = f'inline; filename="attachment-{attachment.pk}.{attachment.extension}"'
        response["X-Content-Type-Options"] = "nosniff"
        return response


class AttachmentPreviewView(LicenceViewMixin, generic.View):
    """A picture of a PDF upload's first page: phones and some browsers show no PDF inside a page."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        from workflows.documents.preview import first_page_png

        attachment = get_object_or_404(self.spec.model("Attachment"), pk=pk, mime_type="application/pdf")
        get_visible_or_404(request.user, self.spec.application_model, pk=attachment.application_id)
        with attachment.file.open("rb") as handle:
            png = first_page_png(handle.read(), cache_key=f"xiuhua:upload-preview:{attachment.sha256}")
        if png is None:
            raise Http404
        response = HttpResponse(png, content_type="image/png")
        response["Cache-Control"] = "private, max-age=3600"
        response["X-Content-Type-Options"] = "nosniff"
        return response


class PermitDetailView(LicenceViewMixin, generic.TemplateView):
    change_form_class: type[Any] = forms.ReasonForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        permit = get_visible_or_404(self.request.user, self.spec.model("Permit"), pk=kwargs["pk"])
        user: Any = self.request.user
        context.update(
            {
                "permit": permit,
                "application": permit.application,
                "requests": permit.requests.all(),
                "is_holder": permit.holder_id == user.pk,
                "may_decide": decision.may_decide(user, permit.application),
                "renewal_form": kwargs.get("renewal_form") or forms.RenewalForm(),
                "change_form": kwargs.get("change_form") or self.change_form_class(),
                "cancel_form": kwargs.get("cancel_form") or forms.ReasonForm(),
                "decision_form": forms.RequestDecisionForm(),
            }
        )
        return context


class PermitActionView(LicenceViewMixin, generic.View):
    action = ""
    detail_view: type[PermitDetailView] = PermitDetailView
    # The facts of the permit its holder may ask to change (ALL art. 49), read from the change form.
    change_fields: tuple[str, ...] = ()

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        permit = get_visible_or_404(request.user, self.spec.model("Permit"), pk=pk)
        user: Any = request.user
        url = self.permit_url(permit.pk)
        try:
            if self.action == "renew":
                form: Any = forms.RenewalForm(request.POST)
                if not form.is_valid():
                    return self._again(request, permit, renewal_form=form)
                registry.permit_request_renewal(
                    permit=permit,
                    acting_user=user,
                    requested_until=form.cleaned_data["requested_until"],
                    reason=form.cleaned_data["reason"],
                )
            elif self.action == "change":
                form = self.detail_view.change_form_class(request.POST)
                if not form.is_valid():
                    return self._again(request, permit, change_form=form)
                changes = {k: form.cleaned_data[k] for k in self.change_fields}
                registry.permit_request_change(
                    permit=permit, acting_user=user, changes=changes, reason=form.cleaned_data["reason"]
                )
            elif self.action == "cancel":
                form = forms.ReasonForm(request.POST)
                if not form.is_valid():
                    return self._again(request, permit, cancel_form=form)
                registry.permit_cancel(permit=permit, acting_user=user, reason=form.cleaned_data["reason"])
            else:
                raise Http404
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return HttpResponseRedirect(url)
        messages.success(request, DONE)
        return HttpResponseRedirect(url)

    def _again(self, request: HttpRequest, permit: Any, **forms_: Any) -> HttpResponse:
        view = self.detail_view(app_label=self.app_label, namespace=self.namespace)
        view.setup(request, pk=permit.pk)
        context = view.get_context_data(pk=permit.pk, **forms_)
        return render(request, view.get_template_names()[0], context, status=400)


class PermitRequestDecideView(LicenceViewMixin, generic.View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        permit_request = get_visible_or_404(request.user, self.spec.model("PermitRequest"), pk=pk)
        url = self.permit_url(permit_request.permit_id)
        form = forms.RequestDecisionForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, str(error))
            return HttpResponseRedirect(url)
        try:
            registry.permit_request_decide(
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


class FollowUpView(LicenceViewMixin, generic.FormView):
    form_class = forms.FollowUpForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.follow_up = get_visible_or_404(request.user, self.spec.model("FollowUp"), pk=kwargs["pk"])
        if not request.user.has_perm(self.spec.perm("resolve_followup")):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["follow_up"] = self.follow_up
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        user: Any = self.request.user
        rating.followup_resolve(follow_up=self.follow_up, acting_user=user, note=form.cleaned_data["note"])
        messages.success(self.request, DONE)
        return HttpResponseRedirect("/")
