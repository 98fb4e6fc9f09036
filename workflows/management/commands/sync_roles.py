from typing import Any

from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError

from workflows.counties import ensure_counties
from workflows.jurisdiction import county_group, jurisdictional_models, view_perm
from workflows.models import County
from workflows.roles import CITYWIDE_GROUP, ROLES


def _permission(dotted: str) -> Permission:
    app_label, codename = dotted.split(".", 1)
    try:
        return Permission.objects.get(content_type__app_label=app_label, codename=codename)
    except Permission.DoesNotExist as exc:
        raise CommandError(f"role mapping names an unknown permission: {dotted}") from exc


def sync_roles() -> None:
    """Make groups and their permissions match workflows.roles.ROLES exactly."""
    ensure_counties()
    from workflows.documents.authorities import ensure_authorities

    ensure_authorities()
    for role in ROLES.values():
        group, _ = Group.objects.get_or_create(name=role.group_name)
        group.permissions.set([_permission(p) for p in role.permissions])
    citywide, _ = Group.objects.get_or_create(name=CITYWIDE_GROUP)
    citywide.permissions.set([_permission(view_perm(m)) for m in jurisdictional_models()])
    for county in County.objects.all():
        county_group(county)


class Command(BaseCommand):
    help = "Create or update the role and jurisdiction groups from workflows.roles."

    def handle(self, *args: Any, **options: Any) -> None:
        sync_roles()
        self.stdout.write(self.style.SUCCESS(f"{len(ROLES)} roles synced."))
