import pytest

from tests.browser_support import browser, login

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_login_page_is_chinese_and_applicant_lands_on_home(live_server, demo_users, tmp_path):
    with browser() as chromium:
        page = chromium.new_page(locale="zh-CN")
        page.goto(f"{live_server.url}/accounts/login/")
        assert page.locator("html").get_attribute("lang") == "zh-hans"
        assert "登录" in page.content()
        page.screenshot(path=str(tmp_path / "login.png"))
        login(page, live_server.url, "applicant")
        greeting = page.locator('[data-testid="home-greeting"]')
        greeting.wait_for()
        assert "昭通星辰广告传媒有限公司" in greeting.inner_text()
        assert "申请人" in greeting.inner_text()
        assert page.url.startswith(f"{live_server.url}/workbench/")
