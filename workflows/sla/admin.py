from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from .models import Clock, ClockRule, HolidaySchedule
from .services import holiday_schedule_save, parse_schedule_lines


class HolidayScheduleForm(forms.ModelForm):
    class Meta:
        model = HolidaySchedule
        fields = ["year", "notice", "holidays", "workdays"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        year = data.get("year")
        if year:
            for field in ("holidays", "workdays"):
                try:
                    parse_schedule_lines(year=year, text=data.get(field) or "", field=field)
                except ValidationError as exc:
                    self.add_error(None, exc)
        return data


@admin.register(HolidaySchedule)
class HolidayScheduleAdmin(admin.ModelAdmin):
    form = HolidayScheduleForm
    list_display = ["year", "notice", "updated_at", "updated_by"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("workflows.manage_calendar") or super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("workflows.manage_calendar") or super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("workflows.manage_calendar")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("workflows.manage_calendar")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: HolidaySchedule, form: Any, change: bool) -> None:
        # The service recomputes every open clock; admin must not save the row behind its back.
        saved = holiday_schedule_save(
            year=obj.year,
            holidays=obj.holidays,
            workdays=obj.workdays,
            notice=obj.notice,
            acting_user=request.user,  # type: ignore[arg-type]
        )
        obj.pk = saved.pk


@admin.register(ClockRule)
class ClockRuleAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "unit", "limit", "months", "statutory_limit", "escalate_to"]
    readonly_fields = ["code", "process_code", "step_code"]


@admin.register(Clock)
class ClockAdmin(admin.ModelAdmin):
    list_display = [
        "subject_label",
        "rule",
        "county",
        "assignee",
        "start_date",
        "due_date",
        "provisional",
        "stopped_at",
    ]
    list_filter = ["provisional", "county"]
    list_select_related = ["rule", "county", "assignee"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
