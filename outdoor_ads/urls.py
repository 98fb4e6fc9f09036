"""URLs of the permit app: the staff/applicant application in the site menu, and public pages."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow.urls import Application

from workflows.flowviews import JurisdictionFlowAppViewset

from . import lawviews, views
from .flows import PermitFlow


class PermitsApp(Application):
    title = _("Outdoor advertising")
    icon = "campaign"
    app_name = "ads"
    menu_template_name = None
    index_path = path("", views.PermitListView.as_view(), name="index")
    application_detail_path = path(
        "applications/<int:pk>/", views.ApplicationDetailView.as_view(), name="application_detail"
    )
    supplement_path = path(
        "applications/<int:pk>/supplement/",
        views.ApplicationActionView.as_view(action="supplement"),
        name="application_supplement",
    )
    withdraw_path = path(
        "applications/<int:pk>/withdraw/",
        views.ApplicationActionView.as_view(action="withdraw"),
        name="application_withdraw",
    )
    hearing_path = path(
        "applications/<int:pk>/hearing/",
        views.ApplicationActionView.as_view(action="hearing"),
        name="application_hearing",
    )
    hearing_waive_path = path(
        "applications/<int:pk>/hearing/waive/",
        views.ApplicationActionView.as_view(action="hearing_waive"),
        name="application_hearing_waive",
    )
    rate_path = path(
        "applications/<int:pk>/rate/", views.ApplicationActionView.as_view(action="rate"), name="application_rate"
    )
    extend_path = path(
        "applications/<int:pk>/extend/",
        views.ApplicationActionView.as_view(action="extend"),
        name="application_extend",
    )
    law_action_path = path(
        "applications/<int:pk>/law/<slug:name>/", lawviews.LawActionView.as_view(), name="application_law_action"
    )
    party_statement_path = path(
        "parties/<int:pk>/statement/", views.PartyStatementView.as_view(), name="party_statement"
    )
    task_take_path = path("tasks/<int:task_pk>/take/", views.TaskTakeView.as_view(), name="task_take")
    apply_path = path("apply/", views.ApplyChooseView.as_view(), name="apply")
    apply_type_path = path("apply/<slug:code>/", views.ApplyView.as_view(), name="apply_type")
    attachment_path = path("attachments/<int:pk>/", views.AttachmentView.as_view(), name="attachment")
    attachment_preview_path = path(
        "attachments/<int:pk>/preview.png", views.AttachmentPreviewView.as_view(), name="attachment_preview"
    )
    permits_path = path("permits/", views.PermitListView.as_view(), name="permit_list")
    permit_export_path = path("permits/export.csv", views.PermitExportView.as_view(), name="permit_export")
    permit_detail_path = path("permits/<int:pk>/", views.PermitDetailView.as_view(), name="permit_detail")
    permit_renew_path = path(
        "permits/<int:pk>/renew/", views.PermitActionView.as_view(action="renew"), name="permit_renew"
    )
    permit_change_path = path(
        "permits/<int:pk>/change/", views.PermitActionView.as_view(action="change"), name="permit_change"
    )
    permit_cancel_path = path(
        "permits/<int:pk>/cancel/", views.PermitActionView.as_view(action="cancel"), name="permit_cancel"
    )
    permit_request_decide_path = path(
        "permit-requests/<int:pk>/decide/", views.PermitRequestDecideView.as_view(), name="permit_request_decide"
    )
    followup_path = path("followups/<int:pk>/", views.FollowUpView.as_view(), name="followup")


def permit_flow_viewset() -> JurisdictionFlowAppViewset:
    return JurisdictionFlowAppViewset(PermitFlow, icon="assignment")


public_urlpatterns = [
    path("lookup/", views.PublicLookupView.as_view(), name="ads-public-lookup"),
    path("materials/", views.PublicMaterialsView.as_view(), name="ads-public-materials"),
    path("register/", views.RegisterView.as_view(), name="public-register"),
]
