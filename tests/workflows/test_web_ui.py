"""The web UI speaks Simplified Chinese by default, English on request, and each role has a home."""

import pytest

from workflows.demo import DEMO_ACCOUNTS

pytestmark = pytest.mark.django_db


def test_login_page_is_chinese_by_default(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "登录" in html
    assert '<html lang="zh-hans"' in html or 'lang="zh-hans"' in html


def test_browser_language_does_not_override_chinese(client):
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "登录" in html


def test_english_can_be_selected(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    html = client.get("/accounts/login/").content.decode()
    assert "Log in" in html
    assert "登录" not in html


def test_login_with_demo_password_lands_on_home(client, demo_users):
    response = client.post("/accounts/login/", {"username": "applicant", "password": "zhaotong-demo"}, follow=True)
    assert response.status_code == 200
    assert "周晓岚" in response.content.decode() or "昭通星辰广告传媒有限公司" in response.content.decode()


def test_wrong_password_is_refused_with_a_chinese_message(client, demo_users):
    response = client.post("/accounts/login/", {"username": "applicant", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


@pytest.mark.parametrize("username", [a.username for a in DEMO_ACCOUNTS])
def test_every_role_has_a_home(client_as, username):
    response = client_as(username).get("/", follow=True)
    assert response.status_code == 200
    assert 'data-testid="home-greeting"' in response.content.decode()


def test_home_names_the_role_and_jurisdiction(client_as):
    html = client_as("reviewer_ludian").get("/", follow=True).content.decode()
    assert "审查员" in html
    assert "鲁甸县" in html
    html = client_as("supervisor").get("/", follow=True).content.decode()
    assert "全市" in html
