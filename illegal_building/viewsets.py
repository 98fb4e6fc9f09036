"""The cases application inside the viewflow site: the flow's task views plus the case pages."""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.flow import FlowAppViewset

from workflows.jurisdiction import visible
from workflows.roles import ROLES

from . import views
from .flows import CaseFlow
from .models import Case, CaseProcess


def _guard(view: Any, node_name: str | None) -> Any:
    """404 unless the process in the URL is a case the user may see, and the task in the URL is
    a task of that process and of the node the URL names (viewflow only checks the flow)."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        process_pk = kwargs.get("process_pk")
        if process_pk is not None:
            case_id = CaseProcess.objects.filter(pk=process_pk).values_list("case_id", flat=True).first()
            if case_id is None or not visible(request.user, Case).filter(pk=case_id).exists():
                raise Http404
            task_pk = kwargs.get("task_pk")
            if task_pk is not None:
                task = CaseFlow.task_class._default_manager.filter(pk=task_pk, process_id=process_pk).first()
                if task is None or (node_name is not None and task.flow_task.name != node_name):
                    raise Http404
        return view(request, *args, **kwargs)

    return guarded


def _guard_patterns(patterns: list[Any]) -> None:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            _guard_patterns(entry.url_patterns)
        elif isinstance(entry, URLPattern):
            route = str(entry.pattern)
            parts = route.split("/")
            node_name = parts[1] if route.startswith("<int:process_pk>/") and len(parts) > 2 else None
            if node_name is not None and node_name.startswith("<"):
                node_name = None
            entry.callback = _guard(entry.callback, node_name)


class CasesApp(FlowAppViewset):
    app_name = "cases"
    title = _("Illegal construction")
    icon = "domain_disabled"

    case_list_path = path("cases/", views.CaseListView.as_view(), name="case_list")
    report_path = path("cases/report/", views.ReportView.as_view(), name="report")
    case_detail_path = path("cases/<int:pk>/", views.CaseDetailView.as_view(), name="case_detail")
    case_record_path = path("cases/<int:pk>/records/<str:name>/", views.RecordView.as_view(), name="case_record")
    case_export_path = path("cases/<int:pk>/export/", views.ExportView.as_view(), name="case_export")
    evidence_download_path = path(
        "cases/<int:pk>/evidence/<int:evidence_pk>/", views.EvidenceDownloadView.as_view(), name="evidence_download"
    )

    def __init__(self) -> None:
        super().__init__(CaseFlow)

    def has_view_permission(self, user: Any, obj: Any = None) -> bool:
        # Every enforcement role works here; which cases each sees is decided per case (county).
        # Asked for every page's menu: one query per request, remembered on the user object.
        cached = getattr(user, "_xiuhua_works_on_cases", None)
        if cached is None:
            groups = [ROLES[code].group_name for code in views.STAFF_CASE_ROLES]
            cached = bool(user.is_authenticated and user.groups.filter(name__in=groups).exists())
            user._xiuhua_works_on_cases = cached
        return cached

    def _get_urls(self) -> list[Any]:
        patterns = super()._get_urls()
        _guard_patterns(patterns)
        return patterns
