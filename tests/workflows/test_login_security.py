"""Login lockout per account and per address (web and API), unlock in the admin, public throttles."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import Client
from rest_framework.test import APIClient

from workflows.models import AuditEntry, County
from workflows.security import LOGIN_LOCKED_OUT, TOO_MANY_REQUESTS

pytestmark = pytest.mark.django_db

PASSWORD = "zhaotong-demo"
LOCKED_ZH = str(LOGIN_LOCKED_OUT) % {"minutes": 30}


def web_login(username: str, password: str, *, ip: str = "10.0.0.1") -> int:
    response = Client(REMOTE_ADDR=ip).post("/accounts/login/", {"username": username, "password": password})
    return response.status_code


def test_five_wrong_passwords_lock_the_account_even_with_the_right_one(demo_users, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    # From different addresses: the account count alone locks it.
    codes = [web_login("clerk", "wrong", ip=f"10.0.1.{n}") for n in range(4)]
    assert codes == [200, 200, 200, 200]
    client = Client(REMOTE_ADDR="10.0.1.9")
    locked = client.post("/accounts/login/", {"username": "clerk", "password": "wrong"})
    assert locked.status_code == 429
    assert LOCKED_ZH in locked.content.decode()
    assert web_login("clerk", PASSWORD, ip="10.0.2.1") == 429
    # Another account from a clean address is unaffected.
    assert web_login("officer", PASSWORD, ip="10.0.2.2") == 302
    entry = AuditEntry.objects.get(action="auth.locked_out")
    assert entry.data["username"] == "clerk"
    assert entry.object_id == str(demo_users["clerk"].pk)


def test_one_address_trying_many_accounts_is_locked(demo_users):
    for username in ["clerk", "officer", "chief", "nobody", "reviewer_ludian"]:
        web_login(username, "wrong", ip="10.9.9.9")
    assert web_login("patrol", PASSWORD, ip="10.9.9.9") == 429
    assert web_login("patrol", PASSWORD, ip="10.9.9.10") == 302


def test_api_token_endpoint_counts_and_refuses_locked_accounts(demo_users):
    api = APIClient(REMOTE_ADDR="10.1.1.1")
    for _ in range(4):
        response = api.post("/api/auth/token/", {"username": "clerk", "password": "nope"}, format="json")
        assert response.status_code == 400
    response = api.post("/api/auth/token/", {"username": "clerk", "password": "nope"}, format="json")
    assert response.status_code == 429
    assert response.json() == {"detail": LOCKED_ZH}
    right = APIClient(REMOTE_ADDR="10.1.1.2").post(
        "/api/auth/token/", {"username": "clerk", "password": PASSWORD}, format="json"
    )
    assert right.status_code == 429
    # The web login shares the same count.
    assert web_login("clerk", PASSWORD, ip="10.1.1.3") == 429


def test_an_administrator_unlocks_in_the_admin_and_it_is_audited(demo_users, client_as):
    for n in range(5):
        web_login("clerk", "wrong", ip=f"10.2.0.{n}")
    assert web_login("clerk", PASSWORD, ip="10.2.1.1") == 429
    admin = client_as("admin")
    changelist = admin.get("/admin/axes/accessattempt/?locked_out=yes")
    assert changelist.status_code == 200
    ids = [str(pk) for pk in AccessAttempt.objects.filter(username="clerk").values_list("pk", flat=True)]
    assert ids
    response = admin.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="clerk").exists()
    assert web_login("clerk", PASSWORD, ip="10.2.1.1") == 302
    unlocks = AuditEntry.objects.filter(action="auth.unlocked")
    assert unlocks.count() == len(ids)
    assert {e.actor_id for e in unlocks} == {demo_users["admin"].pk}


def test_a_successful_login_resets_the_count(demo_users):
    for n in range(4):
        web_login("clerk", "wrong", ip=f"10.3.0.{n}")
    assert web_login("clerk", PASSWORD, ip="10.3.1.1") == 302
    assert web_login("clerk", "wrong", ip="10.3.1.2") == 200
    assert web_login("clerk", PASSWORD, ip="10.3.1.3") == 302


def test_forwarded_for_is_ignored_without_a_trusted_proxy(demo_users, settings):
    # A client cannot pick a fresh address per try by sending X-Forwarded-For itself.
    for n in range(5):
        Client(REMOTE_ADDR="10.4.0.1", HTTP_X_FORWARDED_FOR=f"1.2.3.{n}").post(
            "/accounts/login/", {"username": f"ghost{n}", "password": "x"}
        )
    assert web_login("patrol", PASSWORD, ip="10.4.0.1") == 429
    settings.XIUHUA_PROXY_COUNT = 1
    from workflows.security import client_ip

    class Req:
        META = {"REMOTE_ADDR": "10.0.0.5", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.7"}

    assert client_ip(Req()) == "203.0.113.7"


def test_public_registration_is_throttled_per_address(demo_users, settings):
    settings.XIUHUA_RATE_REGISTER = "3/h"
    client = Client(REMOTE_ADDR="10.5.0.1")
    for _ in range(3):
        assert client.post("/public/ads/register/", {"kind": "person"}).status_code == 200
    refused = client.post("/public/ads/register/", {"kind": "person"})
    assert refused.status_code == 429
    assert str(TOO_MANY_REQUESTS) in refused.content.decode()
    assert "请求过于频繁" in refused.content.decode()
    # Reading the form is not counted, another address is unaffected.
    assert client.get("/public/ads/register/").status_code == 200
    assert Client(REMOTE_ADDR="10.5.0.2").post("/public/ads/register/", {"kind": "person"}).status_code == 200


def test_public_report_and_lookup_are_throttled(demo_users, settings):
    settings.XIUHUA_RATE_PUBLIC_REPORT = "2/h"
    settings.XIUHUA_RATE_PUBLIC_LOOKUP = "2/m"
    county = County.objects.first()
    client = Client(REMOTE_ADDR="10.6.0.1")
    data = {"county": county.pk, "address": "", "description": "x"}
    assert [client.post("/public/cases/report/", data).status_code for _ in range(3)] == [200, 200, 429]
    lookup = {"number": "X", "code": "Y"}
    assert [client.post("/public/ads/lookup/", lookup).status_code for _ in range(3)] == [200, 200, 429]
