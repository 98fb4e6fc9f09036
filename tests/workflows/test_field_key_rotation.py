"""ID numbers are keyed by XIUHUA_FIELD_KEY, survive SECRET_KEY rotation and field-key rotation."""

from __future__ import annotations

import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from workflows.models import User

pytestmark = pytest.mark.django_db

ID_NUMBER = "53060219900307123X"
K1 = Fernet.generate_key().decode()
K2 = Fernet.generate_key().decode()


def stored_token(username: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM workflows_user WHERE username = %s", [username])
        return cursor.fetchone()[0]


def read_id(username: str) -> str:
    return User.objects.get(username=username).id_number


def test_the_key_comes_from_xiuhua_field_key_not_secret_key(settings):
    settings.XIUHUA_FIELD_KEY = K1
    User.objects.create(username="zhang", id_number=ID_NUMBER)
    token = stored_token("zhang")
    assert ID_NUMBER not in token
    assert Fernet(K1.encode()).decrypt(token.encode()).decode() == ID_NUMBER
    settings.SECRET_KEY = "a-completely-different-secret-key-after-rotation-0123456789"
    assert read_id("zhang") == ID_NUMBER


def test_rotation_keeps_old_id_numbers_readable_and_rewrites_them_under_the_new_key(settings):
    settings.XIUHUA_FIELD_KEY = K1
    User.objects.create(username="zhang", id_number=ID_NUMBER)
    User.objects.create(username="li", id_number="530602198001011234")
    User.objects.create(username="staff_without_id")

    # New key first, old key still accepted: old values read, new values written under K2.
    settings.XIUHUA_FIELD_KEY = K2
    settings.XIUHUA_FIELD_KEY_OLD = [K1]
    assert read_id("zhang") == ID_NUMBER
    User.objects.create(username="wang", id_number="530602197702021111")
    Fernet(K2.encode()).decrypt(stored_token("wang").encode())

    out = io.StringIO()
    call_command("rotate_field_key", "--dry-run", stdout=out)
    assert "workflows.User.id_number: 2 re-encrypted" in out.getvalue()
    with pytest.raises(Exception):  # noqa: B017 - dry run changed nothing: K1 is still needed
        Fernet(K2.encode()).decrypt(stored_token("zhang").encode())

    out = io.StringIO()
    call_command("rotate_field_key", stdout=out)
    assert "workflows.User.id_number: 2 re-encrypted" in out.getvalue()
    assert Fernet(K2.encode()).decrypt(stored_token("zhang").encode()).decode() == ID_NUMBER

    # The old key can go: everything reads under K2 alone, and a second run finds nothing to do.
    settings.XIUHUA_FIELD_KEY_OLD = []
    assert read_id("zhang") == ID_NUMBER
    assert read_id("li") == "530602198001011234"
    assert read_id("wang") == "530602197702021111"
    assert read_id("staff_without_id") == ""
    out = io.StringIO()
    call_command("rotate_field_key", stdout=out)
    assert "0 values re-encrypted" in out.getvalue()


def test_without_the_old_key_values_are_unreadable(settings):
    settings.XIUHUA_FIELD_KEY = K1
    User.objects.create(username="zhang", id_number=ID_NUMBER)
    settings.XIUHUA_FIELD_KEY = K2
    with pytest.raises(ValueError, match="none of the configured field keys fits"):
        read_id("zhang")


def test_values_written_before_the_field_key_was_read_migrate_with_the_old_secret_key(settings):
    # Before this change the key derived from SECRET_KEY; the old secret is listed as an old key once.
    settings.XIUHUA_FIELD_KEY = ""
    old_secret = settings.SECRET_KEY
    User.objects.create(username="zhang", id_number=ID_NUMBER)
    settings.XIUHUA_FIELD_KEY = K2
    settings.SECRET_KEY = "the-new-django-secret-key-that-has-nothing-to-do-with-fields"
    settings.XIUHUA_FIELD_KEY_OLD = [old_secret]
    assert read_id("zhang") == ID_NUMBER
    call_command("rotate_field_key", stdout=io.StringIO())
    settings.XIUHUA_FIELD_KEY_OLD = []
    assert read_id("zhang") == ID_NUMBER
