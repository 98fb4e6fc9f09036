"""The pages every permit type has, as viewflow ``*_path`` attributes of its site application."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from django.urls import path


def licence_paths(views: ModuleType) -> dict[str, Any]:
    """Application, permit and follow-up pages, bound to the permit app's view subclasses in ``views``."""
    action = views.ApplicationActionView.as_view
    permit_action = views.PermitActionView.as_view
    law = {}
    if hasattr(views, "LawActionView"):
        # ALL art. 45 special procedures (and any further registered page actions of the type).
        law["law_action_path"] = path(
            "applications/<int:pk>/law/<slug:name>/", views.LawActionView.as_view(), name="application_law_action"
        )
    return {
        **law,
        "application_detail_path": path(
            "applications/<int:pk>/", views.ApplicationDetailView.as_view(), name="application_detail"
        ),
        "supplement_path": path(
            "applications/<int:pk>/supplement/", action(action="supplement"), name="application_supplement"
        ),
        "withdraw_path": path(
            "applications/<int:pk>/withdraw/", action(action="withdraw"), name="application_withdraw"
        ),
        "hearing_path": path("applications/<int:pk>/hearing/", action(action="hearing"), name="application_hearing"),
        "hearing_waive_path": path(
            "applications/<int:pk>/hearing/waive/", action(action="hearing_waive"), name="application_hearing_waive"
        ),
        "rate_path": path("applications/<int:pk>/rate/", action(action="rate"), name="application_rate"),
        "extend_path": path("applications/<int:pk>/extend/", action(action="extend"), name="application_extend"),
        "party_statement_path": path(
            "parties/<int:pk>/statement/", views.PartyStatementView.as_view(), name="party_statement"
        ),
        "task_take_path": path("tasks/<int:task_pk>/take/", views.TaskTakeView.as_view(), name="task_take"),
        "attachment_path": path("attachments/<int:pk>/", views.AttachmentView.as_view(), name="attachment"),
        "attachment_preview_path": path(
            "attachments/<int:pk>/preview.png", views.AttachmentPreviewView.as_view(), name="attachment_preview"
        ),
        "permit_detail_path": path("permits/<int:pk>/", views.PermitDetailView.as_view(), name="permit_detail"),
        "permit_renew_path": path("permits/<int:pk>/renew/", permit_action(action="renew"), name="permit_renew"),
        "permit_change_path": path("permits/<int:pk>/change/", permit_action(action="change"), name="permit_change"),
        "permit_cancel_path": path("permits/<int:pk>/cancel/", permit_action(action="cancel"), name="permit_cancel"),
        "permit_request_decide_path": path(
            "permit-requests/<int:pk>/decide/", views.PermitRequestDecideView.as_view(), name="permit_request_decide"
        ),
        "followup_path": path("followups/<int:pk>/", views.FollowUpView.as_view(), name="followup"),
    }
