"""The product's frame as users meet it: error pages, the language switch, menus, the workbench."""

import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client, RequestFactory
from django.utils import translation
from django.views.defaults import server_error

from outdoor_ads.services import application_submit
from workflows.models import County, User

pytestmark = pytest.mark.django_db


def english(client: Client) -> Client:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return client


@pytest.fixture
def zhaoyang_application(demo_users):
    return application_submit(
        acting_user=demo_users["applicant"],
        county=County.objects.get(name="昭阳区"),
        facility_type="wall_sign",
        address="昭阳区珠泉路88号",
    )


def tile_count(html: str, key: str) -> int:
    match = re.search(rf'data-tile="{re.escape(key)}".*?data-testid="tile-count">(\d+)<', html, re.S)
    assert match, f"no tile {key}"
    return int(match.group(1))


# --- error pages --------------------------------------------------------------------------


def test_404_is_chinese_in_the_product_frame(client_as):
    response = client_as("clerk").get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "404 · 页面不存在" in html
    assert "返回工作台" in html and 'href="/"' in html
    assert "绣花城市管理" in html
    assert "Page not found" not in html
    assert 'name="language"' in html  # the switch is on the error page too


def test_404_in_english_when_selected(client_as):
    html = english(client_as("clerk")).get("/no-such-page/").content.decode()
    assert "404 · Page not found" in html
    assert "页面不存在" not in html


def test_403_names_the_roles_that_open_the_page(client_as):
    response = client_as("applicant").get("/permit/inbox/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "403 · 无权访问" in html
    required = re.search(r'data-testid="required-roles">(.*?)</p>', html, re.S).group(1)
    assert set(re.findall(r'data-role="(\w+)"', required)) == {"clerk", "reviewer", "surveyor", "chief"}
    assert "审查员" in required
    mine = re.search(r'data-testid="your-roles">(.*?)</p>', html, re.S).group(1)
    assert re.findall(r'data-role="(\w+)"', mine) == ["applicant"]
    assert "have no rights" not in html


def test_403_in_english(client_as):
    response = english(client_as("patrol")).get("/permit/queue/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Access denied" in html and "Reviewer" in html
    assert "无权访问" not in html


def test_anonymous_user_is_sent_to_login_instead_of_403(client):
    response = client.get("/permit/inbox/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_400_is_chinese(client):
    response = client.get("/accounts/login/", HTTP_HOST="evil.example.invalid")
    assert response.status_code == 400
    html = response.content.decode()
    assert "400 · 请求有误" in html
    assert "Bad Request" not in html


def test_500_page_renders_without_a_request_context():
    # Django renders 500.html with no context at all; the page must still be the product's.
    request = RequestFactory().get("/")
    with translation.override("zh-hans"):
        response = server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert "500 · 系统错误" in html and "绣花城市管理" in html
    with translation.override("en"):
        assert "500 · Server error" in server_error(request).content.decode()


# --- language switch and menus ------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "path"),
    [("clerk", "/"), ("reviewer", "/permit/inbox/"), ("applicant", "/sla/notifications/"), ("supervisor", "/sla/")],
)
def test_language_switch_is_in_the_toolbar_of_every_page(client_as, username, path):
    client = client_as(username)
    html = client.get(path, follow=True).content.decode()
    assert 'data-testid="language-toggle"' in html
    assert 'name="language" value="en"' in html
    client.post("/i18n/setlang/", {"language": "en", "next": path})
    html = client.get(path, follow=True).content.decode()
    assert 'name="language" value="zh-hans"' in html
    assert "中文" in html


def test_viewflow_menus_and_lists_speak_chinese(client_as, zhaoyang_application):
    html = client_as("clerk").get("/permit/queue/").content.decode()
    for text in ("业务导航", "我的待办", "待认领", "已办结", "流程概览"):
        assert text in html
    for text in (">Applications<", ">Inbox<", ">Queue<", ">Archive<"):
        assert text not in html


def test_supervision_menu_entry_only_for_roles_that_supervise(client_as):
    assert 'data-menu="sla"' not in client_as("reviewer").get("/", follow=True).content.decode()
    assert 'data-menu="sla"' in client_as("chief").get("/", follow=True).content.decode()
    # …and its own menu never shows the red "No viewsets found" placeholder.
    assert "No viewsets found" not in client_as("chief").get("/sla/").content.decode()


# --- workbench ----------------------------------------------------------------------------


def test_applicant_workbench_offers_a_new_application_and_no_task_lists(client_as):
    html = client_as("applicant").get("/", follow=True).content.decode()
    assert 'data-tile="new-ads-apply"' in html and 'href="/ads/apply/"' in html
    assert 'data-tile="inbox-' not in html
    assert 'data-tile="supervision"' not in html
    assert tile_count(html, "notifications") == 0


def test_clerk_workbench_counts_the_queue(client_as, zhaoyang_application):
    html = client_as("clerk").get("/", follow=True).content.decode()
    assert tile_count(html, "queue-permit") == 1
    assert tile_count(html, "inbox-permit") == 0
    assert 'href="/permit/queue/"' in html
    assert 'data-tile="new-ads-apply"' not in html


def test_workbench_counts_only_the_users_county(client_as, demo_users, zhaoyang_application):
    ludian = County.objects.get(name="鲁甸县")
    clerk = User.objects.create_user(username="clerk_ludian_test", password="x", kind="staff", county=ludian)
    clerk.groups.add(*Group.objects.filter(name__in=["role:clerk", f"jurisdiction:{ludian.code}"]))
    client = Client()
    client.force_login(clerk)
    html = client.get("/", follow=True).content.decode()
    assert tile_count(html, "queue-permit") == 0


def test_supervisor_workbench_links_the_dashboard(client_as):
    html = client_as("supervisor").get("/", follow=True).content.decode()
    assert 'data-tile="supervision"' in html and 'href="/sla/"' in html
    assert tile_count(html, "escalations") == 0
    assert 'data-section="supervision"' not in html  # the tile replaces the one-link section
