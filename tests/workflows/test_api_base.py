import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def login(username: str = "clerk") -> tuple[APIClient, dict]:
    api = APIClient()
    response = api.post("/api/auth/token/", {"username": username, "password": "zhaotong-demo"}, format="json")
    assert response.status_code == 200
    body = response.json()
    api.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    return api, body


def test_token_auth_round_trip(demo_users):
    api, body = login()
    assert api.get("/api/schema/").status_code == 200
    assert api.get("/api/me/").json()["username"] == "clerk"


def test_a_token_expires_after_the_configured_lifetime(demo_users, settings):
    assert settings.REST_KNOX["TOKEN_TTL"] == dt.timedelta(hours=8)
    before = timezone.now()
    api, body = login()
    expiry = dt.datetime.fromisoformat(body["expiry"])
    assert before + dt.timedelta(hours=8) <= expiry <= timezone.now() + dt.timedelta(hours=8)
    token = AuthToken.objects.get(user=demo_users["clerk"])
    assert body["token"] not in (token.digest, token.token_key), "only a digest is stored"
    # Eight hours later (the row's expiry passes), the same token is refused and removed.
    AuthToken.objects.filter(pk=token.pk).update(expiry=timezone.now() - dt.timedelta(seconds=1))
    assert api.get("/api/me/").status_code == 401
    assert not AuthToken.objects.filter(pk=token.pk).exists()


def test_logout_revokes_the_token_and_only_that_one(demo_users):
    phone, _ = login()
    laptop, _ = login()
    assert phone.post("/api/auth/logout/").status_code == 204
    assert phone.get("/api/me/").status_code == 401
    assert laptop.get("/api/me/").status_code == 200
    assert laptop.post("/api/auth/logout-all/").status_code == 204
    assert laptop.get("/api/me/").status_code == 401
    assert not AuthToken.objects.filter(user=demo_users["clerk"]).exists()


def test_a_web_session_lasts_eight_hours(demo_users, settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    response = Client().post("/accounts/login/", {"username": "clerk", "password": "zhaotong-demo"})
    assert response.status_code == 302
    assert response.cookies["sessionid"]["max-age"] == 8 * 3600


def test_bad_credentials_are_a_field_level_400(demo_users):
    response = APIClient().post("/api/auth/token/", {"username": "clerk", "password": "x"}, format="json")
    assert response.status_code == 400
    # The common error format: the wrong-credentials message under `detail`, no `non_field_errors`.
    body = response.json()
    assert set(body) == {"detail"} and body["detail"] == "无法使用提供的认证信息登录。"
    missing = APIClient().post("/api/auth/token/", {"username": "clerk"}, format="json")
    assert missing.status_code == 400 and set(missing.json()) == {"password"}


def test_api_without_token_is_401_not_a_login_redirect(demo_users):
    response = APIClient().get("/api/me/")
    assert response.status_code == 401


def test_me_tells_the_caller_who_they_are(demo_users):
    api = APIClient()
    api.force_authenticate(demo_users["reviewer_ludian"])
    body = api.get("/api/me/").json()
    assert body == {
        "username": "reviewer_ludian",
        "name": "籍若水",
        "kind": "staff",
        "county": {"code": "530621", "name": "鲁甸县"},
        "roles": ["reviewer"],
    }


def test_interactive_docs_use_local_assets_only(client_as):
    response = client_as("clerk").get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    assert "cdn" not in html.lower()


def test_schema_is_openapi_3(client_as):
    response = client_as("clerk").get("/api/schema/?format=json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")
