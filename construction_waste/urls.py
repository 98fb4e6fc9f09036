"""URLs of the waste disposal approval: the kernel's pages, the list and the apply form."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow.urls import Application

from licensing.urls import licence_paths
from workflows.flowviews import JurisdictionFlowAppViewset

from . import views
from .flows import WasteDisposalFlow

WasteApp = type(
    "WasteApp",
    (Application,),
    {
        "title": _("Construction waste"),
        "icon": "local_shipping",
        "app_name": "waste",
        "menu_template_name": None,
        "index_path": path("", views.ApplicationListView.as_view(), name="index"),
        **licence_paths(views),
        "apply_path": path("apply/", views.ApplyView.as_view(), name="apply"),
    },
)


def waste_flow_viewset() -> JurisdictionFlowAppViewset:
    return JurisdictionFlowAppViewset(WasteDisposalFlow, icon="assignment")
