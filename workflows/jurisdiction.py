"""Who may see which object: per-county object permissions through django-guardian.

Every application and case belongs to a county. When one is created, the service calls
``open_to_county`` (and ``open_to_owner`` for the applicant or reporter). County staff see
it through their county group's object permission; city-wide staff through the model-level
view permission of the city-wide group. Anything else is a 404, exactly like a missing object.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib.auth.models import Group
from django.db import models
from django.http import Http404
from guardian.shortcuts import assign_perm, get_objects_for_user

from .models import County, User
from .roles import CITYWIDE_GROUP, COUNTY_GROUP_PREFIX

M = TypeVar("M", bound=models.Model)


class Jurisdictional(models.Model):
    """Base for models that belong to one county and are seen through guardian."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True


def jurisdictional_models() -> list[type[models.Model]]:
    from django.apps import apps

    return [m for m in apps.get_models() if issubclass(m, Jurisdictional)]


def view_perm(model: type[models.Model] | models.Model) -> str:
    meta = model._meta
    return f"{meta.app_label}.view_{meta.model_name}"


def county_group_name(county: County) -> str:
    return f"{COUNTY_GROUP_PREFIX}{county.code}"


def county_group(county: County) -> Group:
    group, _ = Group.objects.get_or_create(name=county_group_name(county))
    return group


def open_to_county(obj: Jurisdictional) -> None:
    assign_perm(view_perm(obj), county_group(obj.county), obj)


def open_to_owner(obj: models.Model, user: User) -> None:
    assign_perm(view_perm(obj), user, obj)


def visible(user: Any, model_or_qs: type[M] | models.QuerySet[M]) -> models.QuerySet[M]:
    """Everything of this model that ``user`` may see."""
    qs = model_or_qs if isinstance(model_or_qs, models.QuerySet) else model_or_qs._default_manager.all()
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    return get_objects_for_user(user, view_perm(qs.model), klass=qs, accept_global_perms=True)


def get_visible_or_404(user: Any, model_or_qs: type[M] | models.QuerySet[M], **lookup: Any) -> M:
    """The object if ``user`` may see it; a 404 otherwise, the same as a missing object."""
    try:
        return visible(user, model_or_qs).get(**lookup)
    except (models.ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def staff_place(user: User, county: County | None) -> None:
    """Put a staff member in ``county`` (None = city-wide) and its jurisdiction group."""
    groups = Group.objects.filter(name__startswith=COUNTY_GROUP_PREFIX)
    user.groups.remove(*groups)
    user.county = county
    user.save(update_fields=["county"])
    if county is None:
        user.groups.add(Group.objects.get_or_create(name=CITYWIDE_GROUP)[0])
    else:
        user.groups.add(county_group(county))
