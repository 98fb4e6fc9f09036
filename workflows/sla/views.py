from __future__ import annotations

import csv
from typing import Any

from django import forms
from django.apps import apps as django_apps
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from workflows.models import County

from .dashboard import LIGHTS, Dashboard, Period, build_dashboard
from .models import Light, Notification
from .notifications import notification_mark_read, notifications_mark_all_read
from .selectors import escalations_for, notifications_of, take_over_possible
from .services import escalation_take_over

PERIOD_REVERSED = gettext_lazy("The end of the period is before its start.")
TAKEN_OVER = gettext_lazy("The task is now assigned to you: it is in your inbox.")


class PeriodForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    county = forms.ModelChoiceField(label=gettext_lazy("County"), queryset=County.objects.all(), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user.county_id is not None:
            # County staff see their own county only; the choice would only mislead.
            del self.fields["county"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", PERIOD_REVERSED)
        return data


class SupervisionMixin:
    request: HttpRequest

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.has_perm("workflows.view_supervision"):
            raise Http404
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def dashboard(self) -> tuple[PeriodForm, Dashboard]:
        form = PeriodForm(self.request.GET or None, user=self.request.user)
        period = Period.default()
        county = None
        if form.is_bound and form.is_valid():
            period = Period(form.cleaned_data.get("start") or period.start, form.cleaned_data.get("end") or period.end)
            county = form.cleaned_data.get("county")
        return form, build_dashboard(user=self.request.user, period=period, county=county)


class DashboardView(SupervisionMixin, generic.TemplateView):
    template_name = "sla/dashboard.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form, board = self.dashboard()
        context.update({"form": form, "board": board, "lights": LIGHTS, "query": self.request.GET.urlencode()})
        # Process apps add their own figures (e.g. 好差评) without the engine importing them.
        context["panels"] = [
            panel
            for app_config in django_apps.get_app_configs()
            if hasattr(app_config, "dashboard_panels")
            for panel in app_config.dashboard_panels(self.request)
        ]
        return context


class DashboardCsvView(SupervisionMixin, generic.View):
    def get(self, request: HttpRequest) -> HttpResponse:
        _form, board = self.dashboard()
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        filename = f"supervision-{board.period.start:%Y%m%d}-{board.period.end:%Y%m%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response.write("\ufeff")  # Excel opens UTF-8 CSV with Chinese text correctly only with a BOM
        writer = csv.writer(response)
        writer.writerow([_("Period"), board.period.start.isoformat(), board.period.end.isoformat()])
        writer.writerow([_("County"), _("Process"), _("Step"), *[Light(light).label for light in LIGHTS], _("Total")])
        for row in board.light_rows:
            writer.writerow(
                [row.county, row.process, row.step or _("Overall"), *[row.counts[light] for light in LIGHTS], row.total]
            )
        writer.writerow([])
        writer.writerow(
            [_("Process"), _("Step"), _("Closed"), _("On time"), _("On-time rate (%)"), _("Average working days")]
        )
        for stat in board.step_stats:
            writer.writerow(
                [
                    stat.process,
                    stat.step or _("Overall"),
                    stat.closed,
                    stat.on_time,
                    "" if stat.on_time_rate is None else stat.on_time_rate,
                    "" if stat.average_days is None else stat.average_days,
                ]
            )
        writer.writerow([])
        writer.writerow([_("Overdue items"), _("County"), _("Due date"), _("Holder")])
        for item in board.red_items:
            writer.writerow(
                [
                    f"{item.rule.display_title} · {item.subject_label}",
                    item.county or "",
                    item.due_date.isoformat(),
                    item.assignee or "",
                ]
            )
        return response


class NotificationListView(generic.ListView):
    template_name = "sla/notifications.html"
    context_object_name = "notifications"
    paginate_by = 50

    def get_queryset(self) -> Any:
        return notifications_of(self.request.user)


class NotificationReadView(generic.View):
    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        if pk is None:
            notifications_mark_all_read(acting_user=request.user)
            return HttpResponseRedirect(reverse("sla:notifications"))
        # Somebody else's notification is as missing as a deleted one.
        note = get_object_or_404(Notification, pk=pk, recipient=request.user)
        notification_mark_read(notification=note, acting_user=request.user)
        return HttpResponseRedirect(note.url or reverse("sla:notifications"))


class EscalationListView(generic.ListView):
    template_name = "sla/escalations.html"
    context_object_name = "escalations"

    def get_queryset(self) -> Any:
        escalations = list(escalations_for(self.request.user).select_related("clock__task"))
        for escalation in escalations:
            escalation.can_take_over = take_over_possible(escalation)  # type: ignore[attr-defined]
        return escalations


class EscalationTakeOverView(generic.View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        # An escalation to somebody else (another role or county) is as missing as none.
        escalation = get_object_or_404(escalations_for(request.user), pk=pk)
        try:
            escalation_take_over(escalation=escalation, acting_user=request.user)  # type: ignore[arg-type]
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, TAKEN_OVER)
        return HttpResponseRedirect(reverse("sla:escalations"))
