from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class ConstructionWasteConfig(AppConfig):
    """Construction-waste disposal approval (城市建筑垃圾处置核准) on the licensing kernel."""

    name = "construction_waste"
    verbose_name = _("Construction-waste disposal approvals")

    def ready(self) -> None:
        from licensing.actions import register_actions
        from licensing.spec import register
        from licensing.steps import register_steps
        from workflows.demo import DEMO_ACCOUNTS, ZHAOYANG, DemoAccount
        from workflows.roles import Role, add_role_permissions, register_role

        from . import steps
        from .forms import CHANGE_FIELDS, ChangeForm
        from .licence import SPEC

        register(SPEC)
        register_steps(
            steps.flow(), template_name="licensing/step.html", context=steps.context, success_url=steps.application_url
        )
        register_actions("waste-permits", spec=SPEC, change_form=ChangeForm, change_fields=CHANGE_FIELDS)

        # Who may do what: the clerk accepts and delivers, a waste reviewer of this app reviews, the chief decides.
        view = "construction_waste.view_wasteprocess"
        register_role(
            Role(
                "waste_reviewer",
                _("Construction-waste reviewer"),
                _("Reviews construction-waste disposal applications: transport, route and disposal site"),
                permissions=(view, "construction_waste.review_permit"),
            )
        )
        add_role_permissions("applicant", "construction_waste.add_permitapplication")
        add_role_permissions("clerk", view, "construction_waste.accept_permit", "construction_waste.deliver_permit")
        add_role_permissions(
            "chief",
            view,
            "construction_waste.decide_permit",
            "construction_waste.hear_permit",
            "construction_waste.resolve_followup",
        )
        if not any(account.username == "waste_reviewer" for account in DEMO_ACCOUNTS):
            DEMO_ACCOUNTS.append(DemoAccount("waste_reviewer", "waste_reviewer", "沙砾川", ZHAOYANG))

    def home_sections(self, request: HttpRequest, role_codes: set[str]) -> list[dict[str, Any]]:
        from .selectors import home_sections

        return home_sections(user=request.user, role_codes=role_codes)

    def seed_demo(self) -> None:
        from .demo import seed

        seed()
