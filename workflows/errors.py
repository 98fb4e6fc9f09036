"""Error pages in the product's language and look.

A 403 for a signed-in user names the roles that would open the page, so a clerk who follows an
old link knows whom to ask instead of seeing a bare refusal. Anonymous users never get here:
LoginRequiredMiddleware sends them to the login page first, and this handler does the same for
any view that refuses them itself.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.template import loader

from .roles import ROLES, Role, roles_of


class RoleRequired(PermissionDenied):
    """A refusal that knows which roles would have been allowed (their codes in ROLES)."""

    def __init__(self, *codes: str) -> None:
        super().__init__()
        self.codes = codes


class _RoleProbe:
    """Stands in for a user who holds exactly one role's permissions, to ask viewflow's
    `has_view_permission` which roles an application or flow opens to."""

    is_authenticated = True
    is_active = True
    is_anonymous = False
    is_superuser = False
    is_staff = False

    def __init__(self, role: Role, county_id: int | None) -> None:
        self.role = role
        self.county_id = county_id
        self.pk = None

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        return perm in self.role.permissions

    def has_perms(self, perms: Any, obj: Any = None) -> bool:
        return all(self.has_perm(perm, obj) for perm in perms)


def required_roles(request: HttpRequest, exception: BaseException | None = None) -> list[Role]:
    """The roles that would open the refused page, best effort; [] when we cannot tell."""
    if isinstance(exception, RoleRequired):
        return [ROLES[code] for code in exception.codes if code in ROLES]
    match = getattr(request, "resolver_match", None)
    extra = getattr(getattr(match, "url_name", None), "extra", None) or {}
    # The innermost guard first: a flow viewset inside the site, then its application.
    guards = [extra.get(key) for key in ("viewset", "app")]
    county_id = getattr(request.user, "county_id", None)
    for guard in guards:
        check = getattr(guard, "has_view_permission", None)
        if check is None:
            continue
        try:
            allowed = [role for role in ROLES.values() if check(_RoleProbe(role, county_id))]
        except Exception:  # noqa: S112 - a guard that needs a real user tells us nothing
            continue
        if allowed and len(allowed) < len(ROLES):
            return allowed
    return []


def permission_denied(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    context = {
        "required_roles": required_roles(request, exception),
        "user_roles": roles_of(request.user),
    }
    return HttpResponseForbidden(loader.render_to_string("403.html", context, request))
