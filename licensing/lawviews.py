"""The application page's ALL art. 45 special procedures: thin views over the action registry.

Every type whose spec names a pause notice (``DocumentKinds.pause_notice``) gets the section on
its application page and ``/<prefix>/applications/<pk>/law/<name>/``; the API runs the same
registered actions (licensing.actions.register_pause_actions).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views import generic

from workflows.actions import action_for
from workflows.jurisdiction import get_visible_or_404

from . import forms
from .actions import PAUSE_ACTIONS, PAUSE_START, PAUSE_STOP
from .services import pauses
from .views import DONE, LicenceViewMixin, add_errors


def refusals_not_shown(bound: dict[str, Any], shown: dict[str, bool]) -> list[Any]:
    """A refusal of an action whose form is not on the page now still shows, with its article."""
    return [
        error for name, form in bound.items() if name in shown and not shown[name] for error in form.non_field_errors()
    ]


def pause_context(*, application: Any, user: Any, bound: dict[str, Any]) -> dict[str, Any]:
    """What the application page shows of the special procedures (bound: the refused forms by action)."""
    may_pause = pauses.may_pause(user, application)
    running = pauses.running_pause(application)
    is_open = application.is_open and application.accepted_at is not None
    # Which forms the page shows now (the template's conditions); those show their own errors.
    shown = {
        PAUSE_START: may_pause and is_open and running is None,
        PAUSE_STOP: may_pause and is_open and running is not None,
    }
    return {
        "pause_actions": True,
        "law_errors": refusals_not_shown(bound, shown),
        "review_pauses": list(application.review_pauses.select_related("clock_pause")),
        "running_pause": running,
        "may_pause": may_pause,
        "pause_start_form": bound.get(PAUSE_START) or forms.PauseStartForm(),
        "pause_stop_form": bound.get(PAUSE_STOP) or forms.PauseStopForm(),
    }


class LawActionView(LicenceViewMixin, generic.View):
    """POST one registered action from the application page; a refusal shows the page again (400)."""

    collection = ""
    names: tuple[str, ...] = PAUSE_ACTIONS
    detail_view: Any = None

    def post(self, request: HttpRequest, pk: int, name: str) -> HttpResponse:
        application = get_visible_or_404(request.user, self.spec.application_model, pk=pk)
        action = action_for(self.collection, name) if name in self.names else None
        if action is None or not action.allowed(subject=application, user=request.user):
            raise Http404
        form = action.form(request.POST, request.FILES, subject=application, user=request.user)
        if form.is_valid():
            try:
                with transaction.atomic():
                    action.perform(subject=application, acting_user=request.user, data=form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, DONE)
                return HttpResponseRedirect(self.application_url(application))
        view = self.detail_view(app_label=self.app_label, namespace=self.namespace)
        view.setup(request, pk=application.pk)
        context = view.get_context_data(pk=application.pk, law_forms={name: form})
        return render(request, view.get_template_names()[0], context, status=400)
