import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from workflows.models import User
from workflows.roles import ROLES, roles_of

pytestmark = pytest.mark.django_db


def test_id_number_is_encrypted_at_rest(demo_users):
    user = demo_users["applicant"]
    user.id_number = "53060219900307123X"
    user.save()
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM workflows_user WHERE id = %s", [user.pk])
        raw = cursor.fetchone()[0]
    assert "53060219900307123X" not in raw
    assert User.objects.get(pk=user.pk).id_number == "53060219900307123X"
    assert User.objects.get(pk=user.pk).masked_id_number == "530602********123X"


def test_seed_demo_is_idempotent_and_gives_each_account_its_role(db):
    call_command("seed_demo")
    counts = (User.objects.count(), User.groups.through.objects.count())
    call_command("seed_demo")
    assert (User.objects.count(), User.groups.through.objects.count()) == counts
    assert [r.code for r in roles_of(User.objects.get(username="squadlead"))] == ["squadlead"]
    assert User.objects.get(username="reviewer_ludian").county.name == "鲁甸县"
    assert User.objects.get(username="supervisor").county is None
    assert User.objects.get(username="officer").certificate_number


def test_seed_demo_is_refused_in_production(db, settings):
    settings.XIUHUA_ENVIRONMENT = "production"
    with pytest.raises(CommandError, match="refused under production"):
        call_command("seed_demo")
    assert not User.objects.filter(username="applicant").exists()


def test_sync_roles_creates_one_group_per_role(db):
    from django.contrib.auth.models import Group

    call_command("sync_roles")
    for role in ROLES.values():
        assert Group.objects.filter(name=role.group_name).exists()
    supervisor = Group.objects.get(name=ROLES["supervisor"].group_name)
    assert set(supervisor.permissions.values_list("codename", flat=True)) == {"view_supervision", "view_auditentry"}
