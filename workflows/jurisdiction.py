"""Who may see which object: an indexed predicate per user, never a per-object permission set.

Every application and case belongs to a county (``Jurisdictional.county``) and may have an owner
(``Jurisdictional.owner_field``: the applicant, the holder, the citizen reporter). Visibility is one
``WHERE`` clause, evaluated by the database in the same query as the list or the object:

- city-wide staff (the model-level view permission of the city-wide group) and superusers: no filter;
- county staff: ``county_id = <the user's county>`` (``User.county``, kept in step with the county
  group by ``staff_place``);
- applicants and citizens (non-staff accounts): ``<owner> = <the user>``;
- plus, for anyone, explicit exceptions granted to that person on one object through
  django-guardian (``grant_exception``: delegation, a second county's reviewer on one case).

One-object checks are a primary-key lookup with the same predicate, so a foreign object is a 404
exactly like a missing one, and the cost does not grow with the number of objects in the table.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Sequence
from typing import Any, ClassVar, TypeVar

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import BigIntegerField, BooleanField, Expression, F, Q, Subquery
from django.db.models.functions import Cast
from django.http import Http404
from guardian.models import UserObjectPermission
from guardian.shortcuts import assign_perm, remove_perm

from .backends import EXCEPTIONS_MEMO
from .models import County, User
from .roles import CITYWIDE_GROUP, COUNTY_GROUP_PREFIX, unwrapped

M = TypeVar("M", bound=models.Model)


class Jurisdictional(models.Model):
    """Base for models that belong to one county; ``owner_field`` names the owning account, if any."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")

    # The foreign key to the account that sees the object as its own (non-staff accounts only).
    owner_field: ClassVar[str | None] = None
    # Work lists (workflows.worklist): relations the summary reads, fields the text search covers.
    worklist_related: ClassVar[tuple[str, ...]] = ()
    worklist_search: ClassVar[tuple[str, ...]] = ()

    class Meta:
        abstract = True

    @property
    def worklist_summary(self) -> str:
        """One line saying who and where, for the work lists, natural persons' names masked."""
        return self.worklist_summary_for(None)

    def worklist_summary_for(self, user: Any) -> str:
        """The summary as ``user`` sees it: personal data in full only for its owner (overridden per subject)."""
        return ""


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
    """No-op kept for older callers: county staff see an object through its ``county_id``."""


def open_to_owner(obj: models.Model, user: User) -> None:
    """No-op kept for older callers: the owner sees an object through ``owner_field``."""


def grant_exception(obj: models.Model, user: User) -> None:
    """Let ``user`` see this one object although it is outside their county (e.g. a second reviewer)."""
    assign_perm(view_perm(obj), user, obj)
    _forget_exceptions(user)


def revoke_exception(obj: models.Model, user: User) -> None:
    remove_perm(view_perm(obj), user, obj)
    _forget_exceptions(user)


def _forget_exceptions(user: Any) -> None:
    user = unwrapped(user)
    for memo in (VISIBLE_MEMO, EXCEPTIONS_MEMO):
        user.__dict__.pop(memo, None)


class _AnyOf(Expression):
    """``lhs = ANY(ARRAY(subquery))``: an OR branch PostgreSQL can answer from an index.

    A plain ``IN (subquery)`` inside an OR becomes a filter evaluated on every row; the array form
    is computed once (an InitPlan) and combined with the other branches as a BitmapOr.
    """

    output_field = BooleanField()

    def __init__(self, lhs: Any, subquery: Any) -> None:
        super().__init__()
        self.lhs = lhs
        self.subquery = subquery

    def get_source_expressions(self) -> list[Any]:
        return [self.lhs, self.subquery]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        self.lhs, self.subquery = exprs

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, tuple[Any, ...]]:
        # Other databases (SQLite for `make run`): the plain, equivalent IN (subquery).
        lhs_sql, lhs_params = compiler.compile(self.lhs)
        sub_sql, sub_params = compiler.compile(self.subquery)
        return f"({lhs_sql} IN {sub_sql})", (*lhs_params, *sub_params)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, tuple[Any, ...]]:
        lhs_sql, lhs_params = compiler.compile(self.lhs)
        sub_sql, sub_params = compiler.compile(self.subquery)
        return f"({lhs_sql} = ANY(ARRAY{sub_sql}))", (*lhs_params, *sub_params)


def _exceptions(user: Any, model: type[models.Model], prefix: str) -> _AnyOf:
    content_type = ContentType.objects.get_for_model(model)  # cached per process
    granted = UserObjectPermission.objects.filter(
        user_id=user.pk,
        content_type_id=content_type.pk,
        permission__content_type_id=content_type.pk,
        permission__codename=f"view_{model._meta.model_name}",
    ).values_list(Cast("object_pk", BigIntegerField()))
    return _AnyOf(F(f"{prefix}pk"), Subquery(granted))


VISIBLE_MEMO = "_xiuhua_visible"


def has_exceptions(user: Any, model: type[models.Model]) -> bool:
    """May ``user`` hold a per-object exception on some ``model`` object?

    Answered from the request's access read (``backends.read_access``: the kinds of object
    permissions the person holds, in the same query as their permissions); when that was not
    read for this user object, yes (the predicate keeps its exception branch).
    """
    granted = unwrapped(user).__dict__.get(EXCEPTIONS_MEMO)
    return granted is None or view_perm(model) in granted


def sees_everything(user: Any, model: type[models.Model]) -> bool:
    """City-wide staff and superusers: the model-level view permission (cached on the user)."""
    return bool(getattr(user, "is_authenticated", False) and user.has_perm(view_perm(model)))


def visibility_q(user: Any, model: type[models.Model], prefix: str = "") -> Q | None:
    """The predicate selecting what ``user`` may see of ``model``; None means no filter.

    ``prefix`` is the lookup path from the queried model to ``model`` (e.g.
    ``"process__permitprocess__application__"`` for viewflow tasks), so lists of tasks and
    processes filter by their subject's county in the same query.
    """
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    if sees_everything(user, model):
        return None
    # Without any exception the predicate is the county (or the owner) alone: an OR with the
    # exceptions' branch keeps PostgreSQL from walking the county's index in a list's order.
    # (and the joins to the subject stay inner joins).
    branches = [Q(_exceptions(user, model, prefix))] if has_exceptions(user, model) else []
    if getattr(user, "kind", None) == User.Kind.STAFF:
        if user.county_id is not None:
            branches.append(Q(**{f"{prefix}county_id": user.county_id}))
    else:
        owner_field = getattr(model, "owner_field", None)
        if owner_field:
            branches.append(Q(**{f"{prefix}{owner_field}_id": user.pk}))
    return functools.reduce(operator.or_, branches) if branches else Q(pk__in=[])


def visible(user: Any, model_or_qs: type[M] | models.QuerySet[M]) -> models.QuerySet[M]:
    """Everything of this model that ``user`` may see (one query, by predicate)."""
    qs = model_or_qs if isinstance(model_or_qs, models.QuerySet) else model_or_qs._default_manager.all()
    q = visibility_q(user, qs.model)
    return qs if q is None else qs.filter(q)


def is_visible(user: Any, model: type[models.Model], pk: Any) -> bool:
    """May ``user`` see the object ``pk`` of ``model``? One primary-key lookup."""
    if pk is None:
        return False
    # Asked several times per request (the URL guard, can_assign, can_execute): the answer is
    # kept on the user object, which lives as long as the request (cleared by staff_place).
    memo = user.__dict__.setdefault(VISIBLE_MEMO, {}) if hasattr(user, "__dict__") else {}
    key = (model._meta.label_lower, str(pk))
    if key not in memo:
        memo[key] = visible(user, model).filter(pk=pk).exists()
    return bool(memo[key])


def remember_visible(user: Any, model: type[models.Model], pk: Any) -> None:
    """A query filtered by ``visibility_q`` for ``user`` found ``pk``: ``is_visible`` answers without one.

    Kept on the user object for the rest of the request, like ``is_visible``'s own answers.
    """
    if pk is not None and hasattr(user, "__dict__"):
        user.__dict__.setdefault(VISIBLE_MEMO, {})[(model._meta.label_lower, str(pk))] = True


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
    # Permissions are cached on the user object; a move takes effect at once.
    for cache in ("_perm_cache", "_user_perm_cache", "_group_perm_cache", VISIBLE_MEMO):
        user.__dict__.pop(cache, None)


# --- Migration support: from per-object rows to the predicate ------------------------------


def _view_rows(apps: Any, app_label: str, model_name: str) -> tuple[Any, Any] | None:
    content_type_model = apps.get_model("contenttypes", "ContentType")
    permission_model = apps.get_model("auth", "Permission")
    content_type = content_type_model.objects.filter(app_label=app_label, model=model_name).first()
    if content_type is None:
        return None  # a fresh database: no rows were ever written
    permission = permission_model.objects.filter(content_type=content_type, codename=f"view_{model_name}").first()
    if permission is None:
        return None
    return content_type, permission


def forget_predicate_rows(apps: Any, app_label: str, owner_fields: dict[str, str | None]) -> None:
    """Delete the guardian rows the predicate now answers: county-group grants and owner grants.

    Any other per-user row stays: it is an exception granted to one person on one object.
    ``owner_fields`` maps each jurisdictional model name of the app to its owner field.
    """
    user_rows = apps.get_model("guardian", "UserObjectPermission").objects
    group_rows = apps.get_model("guardian", "GroupObjectPermission").objects
    for model_name, owner_field in owner_fields.items():
        found = _view_rows(apps, app_label, model_name)
        if found is None:
            continue
        content_type, permission = found
        group_rows.filter(
            content_type=content_type, permission=permission, group__name__startswith=COUNTY_GROUP_PREFIX
        ).exclude(group__name=CITYWIDE_GROUP).delete()
        if owner_field:
            model = apps.get_model(app_label, model_name)
            owned = model.objects.filter(
                pk=Cast(models.OuterRef("object_pk"), BigIntegerField()),
                **{f"{owner_field}_id": models.OuterRef("user_id")},
            )
            user_rows.filter(content_type=content_type, permission=permission).filter(models.Exists(owned)).delete()


def restore_predicate_rows(apps: Any, app_label: str, owner_fields: dict[str, str | None]) -> None:
    """Reverse of ``forget_predicate_rows``: write the per-object rows the old code expected."""
    user_model = apps.get_model("guardian", "UserObjectPermission")
    group_model = apps.get_model("guardian", "GroupObjectPermission")
    groups = {g.name: g for g in apps.get_model("auth", "Group").objects.filter(name__startswith=COUNTY_GROUP_PREFIX)}
    county_codes = dict(apps.get_model("workflows", "County").objects.values_list("pk", "code"))
    for model_name, owner_field in owner_fields.items():
        found = _view_rows(apps, app_label, model_name)
        if found is None:
            continue
        content_type, permission = found
        model = apps.get_model(app_label, model_name)
        fields = ["pk", "county_id", *([f"{owner_field}_id"] if owner_field else [])]
        group_rows, user_rows = [], []
        row = {"permission": permission, "content_type": content_type}
        for pk, county_id, *owner in model.objects.values_list(*fields).iterator():
            group = groups.get(f"{COUNTY_GROUP_PREFIX}{county_codes[county_id]}")
            if group is not None:
                group_rows.append(group_model(group=group, object_pk=str(pk), **row))
            if owner and owner[0] is not None:
                user_rows.append(user_model(user_id=owner[0], object_pk=str(pk), **row))
        group_model.objects.bulk_create(group_rows, ignore_conflicts=True)
        user_model.objects.bulk_create(user_rows, ignore_conflicts=True)
