"""An API-only applicant starts from nothing: POST /api/auth/register/, then a token."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from outdoor_ads.forms import ID_NUMBER_INVALID, PHONE_INVALID, USCC_INVALID, USERNAME_TAKEN
from workflows.models import User
from workflows.roles import has_role
from workflows.security import TOO_MANY_REQUESTS

pytestmark = pytest.mark.django_db

PERSON = {
    "kind": "person",
    "username": "zhao_api",
    "password": "Qingshan-Lu-2026!",
    "real_name": "赵示例",
    "phone": "13800001234",
    "id_number": "53060219800101123X",
}


def register(data: dict[str, Any], address: str = "10.9.0.1") -> Any:
    return APIClient(REMOTE_ADDR=address).post("/api/auth/register/", data, format="json")


def test_an_applicant_registers_and_logs_in_over_the_api(demo_users):
    created = register(PERSON)
    assert created.status_code == 201, created.content
    assert created.json() == {"username": "zhao_api", "kind": "person"}
    user = User.objects.get(username="zhao_api")
    assert has_role(user, "applicant") and user.id_number == PERSON["id_number"]
    token = APIClient().post(
        "/api/auth/token/", {"username": "zhao_api", "password": PERSON["password"]}, format="json"
    )
    assert token.status_code == 200
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    assert client.get("/api/me/").json()["roles"] == ["applicant"]


def test_registration_errors_are_field_level_and_in_chinese(demo_users):
    before = User.objects.count()
    bad = register({**PERSON, "phone": "12", "id_number": "1", "password": "zhao_api"})
    assert bad.status_code == 400
    errors = bad.json()
    assert errors["phone"] == [str(PHONE_INVALID)] and errors["id_number"] == [str(ID_NUMBER_INVALID)]
    # AUTH_PASSWORD_VALIDATORS, as on the web sign-up: too similar to the username, too short.
    assert any("用户名" in message for message in errors["password"]), errors["password"]
    assert all("\u4e00" <= message[0] <= "\u9fff" for message in errors["password"]), errors["password"]
    company = register({**PERSON, "kind": "company", "credit_code": "x"})
    assert company.status_code == 400
    assert company.json()["credit_code"] == [str(USCC_INVALID)]
    assert company.json()["company_name"] == ["这个字段是必填项。"]
    taken = register({**PERSON, "username": "applicant"})
    assert taken.json() == {"username": [str(USERNAME_TAKEN)]}
    assert "\u4e00" <= str(USERNAME_TAKEN)[0] <= "\u9fff"  # the Chinese catalogue, not the msgid
    not_an_object = APIClient().post("/api/auth/register/", [1, 2], format="json")
    assert not_an_object.status_code == 400 and "detail" in not_an_object.json()
    assert User.objects.count() == before  # nothing half-saved


def test_registration_is_throttled_per_address_with_the_web_counter(demo_users, settings):
    settings.XIUHUA_RATE_REGISTER = "2/h"
    assert register({"kind": "person"}, "10.9.0.7").status_code == 400
    # The web sign-up and the API count against the same allowance per address.
    from django.test import Client

    assert Client(REMOTE_ADDR="10.9.0.7").post("/public/ads/register/", {"kind": "person"}).status_code == 200
    refused = register(PERSON, "10.9.0.7")
    assert refused.status_code == 429
    assert refused.json() == {"detail": str(TOO_MANY_REQUESTS)}
    assert "请求过于频繁" in refused.json()["detail"]
    assert not User.objects.filter(username="zhao_api").exists()
    assert register(PERSON, "10.9.0.8").status_code == 201
