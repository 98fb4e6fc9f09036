import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_token_auth_round_trip(demo_users):
    api = APIClient()
    response = api.post("/api/auth/token/", {"username": "clerk", "password": "zhaotong-demo"}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/schema/").status_code == 200


def test_bad_credentials_are_a_field_level_400(demo_users):
    response = APIClient().post("/api/auth/token/", {"username": "clerk", "password": "x"}, format="json")
    assert response.status_code == 400
    assert "detail" in response.json()  # non-field errors under `detail` (workflows.apiconv)


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
