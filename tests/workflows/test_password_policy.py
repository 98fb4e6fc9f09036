"""AUTH_PASSWORD_VALIDATORS on every password form, with the reasons in Chinese at the field."""

from __future__ import annotations

import pytest
from django.test import Client

from workflows.models import User

pytestmark = pytest.mark.django_db

TOO_COMMON = "这个密码太常见了。"
NUMERIC = "密码只包含数字。"
LIKE_USERNAME = "密码跟 用户名 太相似了。"


def register(password: str, username: str = "wangwu88") -> str:
    response = Client().post(
        "/public/ads/register/",
        {
            "kind": "person",
            "username": username,
            "password": password,
            "real_name": "王五",
            "phone": "13900003333",
            "id_number": "53060219900307123X",
        },
    )
    assert response.status_code == 200, "a weak password must not create the account"
    assert not User.objects.filter(username=username).exists()
    return response.content.decode()


@pytest.mark.parametrize(
    ("password", "messages"),
    [
        ("12345678", [TOO_COMMON, NUMERIC]),
        ("password", [TOO_COMMON]),
        ("aaaaaaaa", [TOO_COMMON]),
        ("wangwu881", [LIKE_USERNAME]),
    ],
)
def test_registration_refuses_weak_passwords(demo_users, password, messages):
    html = register(password)
    for message in messages:
        assert message in html


def test_registration_accepts_a_strong_password(demo_users):
    response = Client().post(
        "/public/ads/register/",
        {
            "kind": "person",
            "username": "wangwu88",
            "password": "Qiao-lin-7419",
            "real_name": "王五",
            "phone": "13900003333",
            "id_number": "53060219900307123X",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="wangwu88").check_password("Qiao-lin-7419")


@pytest.mark.parametrize("password", ["12345678", "password", "aaaaaaaa", "clerk2026"])
def test_password_change_form_applies_the_validators(client_as, password):
    client = client_as("clerk")
    response = client.post(
        "/accounts/password_change/",
        {"old_password": "zhaotong-demo", "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert TOO_COMMON in html or NUMERIC in html or LIKE_USERNAME in html
    assert User.objects.get(username="clerk").check_password("zhaotong-demo")
