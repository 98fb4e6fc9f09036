"""Roles (domain §0): one declared mapping from role to Django group to permissions.

``manage.py sync_roles`` makes the database match this mapping. Process apps add the
permissions of their steps here, so who-may-do-what is read in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from django.utils.functional import LazyObject, Promise, empty
from django.utils.translation import gettext_lazy as _

# Staff in a county are in that county's group; city-wide staff are in this one.
CITYWIDE_GROUP = "jurisdiction:citywide"
COUNTY_GROUP_PREFIX = "jurisdiction:"


@dataclass(frozen=True)
class Role:
    code: str
    label: str | Promise
    description: str | Promise
    staff: bool = True
    permissions: tuple[str, ...] = field(default=())

    @property
    def group_name(self) -> str:
        return f"role:{self.code}"


ROLES: dict[str, Role] = {
    role.code: role
    for role in [
        Role(
            "applicant",
            _("Applicant"),
            _("Companies and citizens who apply for permits"),
            staff=False,
            permissions=("outdoor_ads.add_permitapplication",),
        ),
        Role(
            "clerk",
            _("Acceptance clerk"),
            _("Decides whether an application is accepted"),
            permissions=("outdoor_ads.view_permitprocess", "outdoor_ads.accept_permit", "outdoor_ads.deliver_permit"),
        ),
        Role(
            "reviewer",
            _("Reviewer"),
            _("Reviews accepted applications"),
            permissions=("outdoor_ads.view_permitprocess", "outdoor_ads.review_permit"),
        ),
        Role(
            "surveyor",
            _("Site surveyor"),
            _("Surveys the site of a facility"),
            permissions=("outdoor_ads.view_permitprocess", "outdoor_ads.survey_permit"),
        ),
        Role(
            "chief",
            _("Section chief"),
            _("Decides permits and cases; receives escalations"),
            permissions=(
                "workflows.view_supervision",
                "outdoor_ads.view_permitprocess",
                "outdoor_ads.decide_permit",
                "outdoor_ads.hear_permit",
                "outdoor_ads.resolve_followup",
                "illegal_building.decide_case",
            ),
        ),
        Role(
            "patrol",
            _("Patrol / grid officer"),
            _("Reports illegal construction from the field"),
            permissions=("illegal_building.report_case",),
        ),
        Role(
            "officer",
            _("Enforcement officer"),
            _("Investigates and enforces cases"),
            permissions=("illegal_building.report_case", "illegal_building.investigate_case"),
        ),
        Role(
            "squadlead",
            _("Squad leader"),
            _("Approves filing and closing of cases; receives escalations"),
            permissions=(
                "workflows.view_supervision",
                "illegal_building.approve_case",
                "illegal_building.investigate_case",
            ),
        ),
        Role(
            "legal",
            _("Legal reviewer"),
            _("Reviews the legality of major decisions"),
            permissions=("illegal_building.review_case",),
        ),
        Role(
            "leader",
            _("Bureau leader"),
            _("Signs coercive decisions"),
            permissions=("workflows.view_supervision", "illegal_building.sign_coercive_case"),
        ),
        Role(
            "supervisor",
            _("Supervisor"),
            _("Watches deadlines and lights, read-only"),
            permissions=("workflows.view_supervision", "workflows.view_auditentry"),
        ),
        Role(
            "admin",
            _("Administrator"),
            _("Maintains accounts, calendars and configuration"),
            permissions=(
                "workflows.view_auditentry",
                "workflows.view_supervision",
                # time engine: the holiday schedule of each year and the editable time limits
                "workflows.manage_calendar",
                "sla.view_clockrule",
                "sla.change_clockrule",
                "sla.view_clock",
            ),
        ),
    ]
}


ROLE_MEMO = "_xiuhua_role_groups"


def register_role(role: Role) -> Role:
    """A process app's own role (AppConfig.ready); ``sync_roles`` makes its group."""
    ROLES[role.code] = role
    return role


def add_role_permissions(code: str, *permissions: str) -> None:
    """A process app gives an existing role the permissions of its steps (AppConfig.ready)."""
    role = ROLES[code]
    missing = tuple(p for p in permissions if p not in role.permissions)
    ROLES[code] = replace(role, permissions=(*role.permissions, *missing))


def unwrapped(user: Any) -> Any:
    """The user object behind ``request.user`` (a lazy proxy): what is read is kept on the user itself."""
    if isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        return user._wrapped
    return user


def roles_of(user: object) -> list[Role]:
    """The roles a user holds, in declaration order."""
    if not getattr(user, "is_authenticated", False):
        return []
    # Read once per user object (one request), like Django's permission cache, and in the same
    # query as the permissions (``backends.read_access``); asked for several times per step
    # (issuers, reviewers, menus).
    user = unwrapped(user)
    names = user.__dict__.get(ROLE_MEMO)
    if names is None:
        from .backends import read_access

        read_access(user)
        names = user.__dict__[ROLE_MEMO]
    return [role for role in ROLES.values() if role.group_name in names]


def forget_roles(sender: object, instance: object, action: str, **kwargs: object) -> None:
    """``m2m_changed`` of ``User.groups``: drop what was read for this user object."""
    if action.startswith("post_") and hasattr(instance, "__dict__"):
        for name in (ROLE_MEMO, "_perm_cache", "_user_perm_cache", "_group_perm_cache"):
            instance.__dict__.pop(name, None)


def has_role(user: object, code: str) -> bool:
    return any(role.code == code for role in roles_of(user))
