"""Django's model permission backend: a user's permissions and roles (groups) in one query per request."""

from __future__ import annotations

import functools
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router
from django.db.models import CharField, Value
from guardian.models import UserObjectPermission

from .roles import ROLE_MEMO, unwrapped

# On the user object after ``read_access``: the object permissions ("app.codename") granted to
# this person on at least one object (guardian's per-object exceptions). Without any, a list's
# visibility predicate needs no exception branch (``jurisdiction.visibility_q``).
EXCEPTIONS_MEMO = "_xiuhua_exception_perms"


def _access_query(user_id: int) -> Any:
    """The user's group names, permissions (their own and their groups') and kinds of per-object
    exceptions: one UNION ALL; the last column tells an exception row apart."""
    through_groups = Group.objects.filter(user=user_id).values_list(
        "name", "permissions__content_type__app_label", "permissions__codename", Value(False)
    )
    own = Permission.objects.filter(user=user_id).values_list(
        Value(None, output_field=CharField()), "content_type__app_label", "codename", Value(False)
    )
    # One row per kind of object permission the person holds on some object, not per object.
    exceptions = (
        UserObjectPermission.objects.filter(user_id=user_id)
        .values_list(
            Value(None, output_field=CharField()), "content_type__app_label", "permission__codename", Value(True)
        )
        .distinct()
    )
    return through_groups.order_by().union(own.order_by(), exceptions.order_by(), all=True)


_SHAPE_USER_ID = -1  # a user id no row has: it marks the user id's places among the parameters


@functools.cache
def _access_sql() -> tuple[str, tuple[int, ...]]:
    """``_access_query``'s SQL, compiled by the ORM once per process, and where the user id goes.

    Every request reads the permissions of its user; compiling the same UNION of joined tables
    each time cost more than running it. Only the user id varies; the other parameters (the
    constant flags) are kept as compiled.
    """
    sql, params = _access_query(_SHAPE_USER_ID).query.sql_with_params()
    if list(params).count(_SHAPE_USER_ID) != 3:  # pragma: no cover - a Django change
        raise ImproperlyConfigured(f"unexpected parameters of the access query: {params!r}")
    return sql, tuple(params)


def read_access(user_obj: Any) -> None:
    """The user's group names and permissions (their own and their groups') in ONE query.

    Kept on the user object, which lives as long as the request, as Django keeps its permission
    cache: the group names for ``workflows.roles.roles_of`` (``ROLE_MEMO``), the permission set
    for ``get_all_permissions`` (``_perm_cache``; a superuser's, all permissions, is read apart)
    and the kinds of per-object exceptions granted to the user (``EXCEPTIONS_MEMO``).
    A change of groups or permissions is seen by the next request (a new user object), and at
    once by this one after ``user.groups`` changes (``roles.forget_roles``).
    """
    user_obj = unwrapped(user_obj)
    sql, shape = _access_sql()
    params = [user_obj.pk if value == _SHAPE_USER_ID else value for value in shape]
    with connections[router.db_for_read(Group)].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    names: set[str] = set()
    perms: set[str] = set()
    granted: set[str] = set()
    for name, app_label, codename, exception in rows:
        if exception:
            granted.add(f"{app_label}.{codename}")
            continue
        if name is not None:
            names.add(name)
        if codename is not None:
            perms.add(f"{app_label}.{codename}")
    user_obj.__dict__[ROLE_MEMO] = frozenset(names)
    user_obj.__dict__[EXCEPTIONS_MEMO] = frozenset(granted)
    if not user_obj.is_superuser:
        user_obj._perm_cache = perms


class OneQueryModelBackend(ModelBackend):
    """``ModelBackend`` whose permission set (direct and through groups) is one query per user object.

    Django reads the user's own permissions and their groups' in two queries, and the roles
    (``roles_of``) were a third; every request that checks a permission (jurisdiction, menus, task
    queues) paid them. Same answer, same cache attribute (``_perm_cache``), same rules for
    inactive users, anonymous users and superusers; the roles come with it (``read_access``).
    """

    def authenticate(self, request: Any, username: Any = None, password: Any = None, **kwargs: Any) -> None:
        # Logins stay with Django's ModelBackend (listed after this one), so sessions keep naming
        # it and a wrong password is hashed once, not once per backend.
        return None

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                user_obj._perm_cache = {
                    f"{app_label}.{codename}"
                    for app_label, codename in Permission.objects.values_list(
                        "content_type__app_label", "codename"
                    ).order_by()
                }
            else:
                read_access(user_obj)
        return user_obj._perm_cache  # type: ignore[no-any-return]
