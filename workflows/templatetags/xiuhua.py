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


@register.filter
def fieldsets(form: Any) -> list[dict[str, Any]]:
    """A form's visible fields in groups: ``form.fieldsets`` names them, the rest come last.

    Each entry of ``fieldsets`` is ``(title, [field names])`` or ``(title, [names], options)``
    with options ``intro`` (a sentence under the heading), ``show_when`` ("field=value") and ``key``.
    """
    placed: set[str] = set()
    groups: list[dict[str, Any]] = []
    for entry in getattr(form, "fieldsets", None) or []:
        title, names, *more = entry
        options = more[0] if more else {}
        fields = [form[name] for name in names if name in form.fields and not form[name].is_hidden]
        placed.update(names)
        if fields:
            groups.append({"title": title, "fields": fields, **options})
    rest = [field for field in form.visible_fields() if field.name not in placed]
    if rest:
        groups.append({"title": "", "fields": rest})
    return groups
