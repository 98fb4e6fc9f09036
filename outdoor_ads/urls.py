"""URLs of the permit app: the staff/applicant application in the site menu, and public pages."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow.urls import Application

from licensing.urls import licence_paths
from workflows.flowviews import JurisdictionFlowAppViewset

from . import lawviews, views
from .flows import PermitFlow

PermitsApp = type(
    "PermitsApp",
    (Application,),
    {
        "title": _("Outdoor advertising"),
        "icon": "campaign",
        "app_name": "ads",
        "menu_template_name": None,
        "index_path": path("", views.PermitListView.as_view(), name="index"),
        **licence_paths(views),
        "law_action_path": path(
            "applications/<int:pk>/law/<slug:name>/", lawviews.LawActionView.as_view(), name="application_law_action"
        ),
        "apply_path": path("apply/", views.ApplyChooseView.as_view(), name="apply"),
        "apply_type_path": path("apply/<slug:code>/", views.ApplyView.as_view(), name="apply_type"),
        "permits_path": path("permits/", views.PermitListView.as_view(), name="permit_list"),
        "permit_export_path": path("permits/export.csv", views.PermitExportView.as_view(), name="permit_export"),
    },
)


def permit_flow_viewset() -> JurisdictionFlowAppViewset:
    return JurisdictionFlowAppViewset(PermitFlow, icon="assignment")


public_urlpatterns = [
    path("lookup/", views.PublicLookupView.as_view(), name="ads-public-lookup"),
    path("materials/", views.PublicMaterialsView.as_view(), name="ads-public-materials"),
    path("register/", views.RegisterView.as_view(), name="public-register"),
]
