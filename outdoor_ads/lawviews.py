"""The application page's ALL art. 45 and hearing actions: thin views over the action registry."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import generic

from workflows.actions import action_for
from workflows.jurisdiction import get_visible_or_404

from . import hearings, lawforms, pauses
from .lawactions import HEARING_RESCHEDULE, NAMES, NEIGHBOUR_HEARING, PAUSE_START, PAUSE_STOP
from .models import Hearing, PermitApplication


def law_context(*, application: PermitApplication, user: Any, bound: dict[str, Any]) -> dict[str, Any]:
    """What the application page shows of the special procedures and the parties' hearing rights."""
    hearing = Hearing.objects.filter(application=application).first()
    may_pause = pauses.may_pause(user, application)
    may_record = hearings.may_record_neighbour(user, application)
    may_reschedule = bool(
        hearing
        and hearing.scheduled_for
        and not hearing.held_on
        and application.status == PermitApplication.Status.HEARING
        and hearings.may_reschedule(user, application)
    )
    running = pauses.running_pause(application)
    # Neighbours' names are personal data: only the staff who may record for them see the list.
    rights = hearings.rights_of(application) if may_record else []
    is_open = application.is_open and application.accepted_at is not None
    # Which forms the page shows now (the template's conditions); those show their own errors.
    shown = {
        PAUSE_START: may_pause and is_open and running is None,
        PAUSE_STOP: may_pause and is_open and running is not None,
        NEIGHBOUR_HEARING: bool(rights) and application.status == PermitApplication.Status.HEARING,
        HEARING_RESCHEDULE: may_reschedule,
    }
    return {
        # A refusal of an action whose form is not on the page now still shows, with its article.
        "law_errors": [
            error for name, form in bound.items() if not shown.get(name) for error in form.non_field_errors()
        ],
        "review_pauses": list(application.review_pauses.select_related("clock_pause")),
        "running_pause": running,
        "may_pause": may_pause,
        "pause_start_form": bound.get(PAUSE_START) or lawforms.PauseStartForm(),
        "pause_stop_form": bound.get(PAUSE_STOP) or lawforms.PauseStopForm(),
        "neighbour_rights": rights,
        "may_record_neighbour": may_record and application.status == PermitApplication.Status.HEARING,
        "neighbour_hearing_form": bound.get(NEIGHBOUR_HEARING)
        or lawforms.NeighbourHearingForm(application=application),
        "may_reschedule": may_reschedule,
        "reschedule_form": bound.get(HEARING_RESCHEDULE) or lawforms.HearingRescheduleForm(),
    }


def _add_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


class LawActionView(generic.View):
    """POST one registered action from the application page; a refusal shows the page again (400)."""

    def post(self, request: HttpRequest, pk: int, name: str) -> HttpResponse:
        application = get_visible_or_404(request.user, PermitApplication, pk=pk)
        action = action_for("permits", name) if name in NAMES else None
        if action is None or not action.allowed(subject=application, user=request.user):
            raise Http404
        form = action.form(request.POST, request.FILES, subject=application, user=request.user)
        if form.is_valid():
            try:
                with transaction.atomic():
                    action.perform(subject=application, acting_user=request.user, data=form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                from .views import DONE

                messages.success(request, DONE)
                return HttpResponseRedirect(reverse("ads:application_detail", kwargs={"pk": application.pk}))
        from .views import ApplicationDetailView

        view = ApplicationDetailView()
        view.setup(request, pk=application.pk)
        context = view.get_context_data(pk=application.pk, law_forms={name: form})
        return render(request, ApplicationDetailView.template_name, context, status=400)
