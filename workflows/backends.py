"""Django's model permission backend, reading a user's permissions in one query instead of two."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q


class OneQueryModelBackend(ModelBackend):
    """``ModelBackend`` whose permission set (direct and through groups) is one query per user object.

    Django reads the user's own permissions and their groups' in two queries; every request that
    checks a permission (jurisdiction, menus, task queues) paid both. Same answer, same cache
    attribute (``_perm_cache``), same rules for inactive users, anonymous users and superusers.
    """

    def authenticate(self, request: Any, username: Any = None, password: Any = None, **kwargs: Any) -> None:
        # Logins stay with Django's ModelBackend (listed after this one), so sessions keep naming
        # it and a wrong password is hashed once, not once per backend.
        return None

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            perms = Permission.objects.all()
            if not user_obj.is_superuser:
                perms = perms.filter(Q(user=user_obj) | Q(group__user=user_obj))
            user_obj._perm_cache = {
                f"{app_label}.{codename}"
                for app_label, codename in perms.values_list("content_type__app_label", "codename").order_by()
            }
        return user_obj._perm_cache  # type: ignore[no-any-return]
