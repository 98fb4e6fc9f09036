"""The cases application inside the viewflow site: the flow's task views and lists (scoped to the
user's jurisdiction) plus the case pages."""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils.translation import gettext_lazy as _

from workflows.flowviews import JurisdictionFlowAppViewset

from . import selectors, views
from .flows import CaseFlow


class CasesApp(JurisdictionFlowAppViewset):
    app_name = "cases"
    title = _("Illegal construction")
    icon = "domain_disabled"

    case_list_path = path("cases/", views.CaseListView.as_view(), name="case_list")
    report_path = path("cases/report/", views.ReportView.as_view(), name="report")
    ad_facility_path = path(
        "cases/from-permit/<int:permit_pk>/", views.AdFacilityCaseView.as_view(), name="case_from_permit"
    )
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
        return selectors.works_on_cases(user)
