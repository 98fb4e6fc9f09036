"""Template helpers for the product's own frame around viewflow's pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def in_menu(app: Any, user: Any) -> bool:
    """Whether the site menu lists an application for this user.

    An application can be open to everyone (its notifications) and still only be worth a menu
    entry for some roles: `menu_permission` names the permission its index page needs, so the
    menu never leads a user to a page that would refuse them.
    """
    if not app.has_view_permission(user):
        return False
    permission = getattr(app, "menu_permission", None)
    return permission is None or bool(user.has_perm(permission))


@register.filter
def label(code: Any, namespace: str) -> str:
    """The user's word for a stored code (``{{ entry.action|label:"audit" }}``)."""
    from workflows.labels import label_for

    return label_for(namespace, str(code))
