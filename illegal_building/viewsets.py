"""The cases application inside the viewflow site: the flow's task views plus the case pages."""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.flow import FlowAppViewset

from workflows.roles import ROLES

from . import views
from .flows import CaseFlow


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
