"""In Debian's chromium: the applicant applies for a construction-waste disposal approval with the
checklist's files, the clerk, the waste reviewer and the chief act in their own sessions, the grant is shown."""

import pytest
from playwright.sync_api import expect

from construction_waste.licence import CHECKLIST
from construction_waste.models import PermitApplication
from tests.browser_support import browser, login
from tests.outdoor_ads.support import pdf_bytes

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def act(chromium, base_url, username, application_url, step, fill):
    context = chromium.new_context(locale="zh-CN")
    page = context.new_page()
    login(page, base_url, username)
    page.goto(application_url)
    page.click(f'[data-testid="handle-{step}"]')
    expect(page.locator('[data-testid="step-form"]')).to_be_visible()
    fill(page)
    page.click('[data-testid="step-submit"]')
    page.wait_for_load_state("networkidle")
    assert page.url.startswith(application_url), page.url
    context.close()


def test_apply_and_grant_a_waste_disposal_approval_in_the_browser(live_server, demo_users, tmp_path, celery_eager):
    files = {}
    for code, _title, _required in CHECKLIST:
        path = tmp_path / f"{code}.pdf"
        path.write_bytes(pdf_bytes(code))
        files[code] = path

    with browser() as chromium:
        applicant_context = chromium.new_context(locale="zh-CN")
        page = applicant_context.new_page()
        login(page, live_server.url, "applicant")
        page.goto(f"{live_server.url}/waste/")
        page.click('[data-testid="waste-apply"]')
        expect(page.locator('[data-testid="apply-form"]')).to_be_visible()
        page.select_option("select[name=county]", label="昭阳区")
        page.fill("input[name=project_name]", "昭阳区青禾路安置房二期工程")
        page.fill("input[name=project_address]", "昭阳区青禾路与望江街交叉口东北角")
        page.select_option("select[name=waste_kind]", "spoil")
        page.fill("input[name=volume_m3]", "12000")
        page.fill("input[name=transport_company]", "昭通远驰渣土运输有限公司")
        page.fill("textarea[name=vehicles]", "云C·D3821\n云C·D3822")
        page.fill("textarea[name=route]", "青禾路—望江街—凤霞路—北郊消纳场")
        page.fill("input[name=disposal_site]", "昭阳区北郊建筑垃圾消纳场")
        page.fill("input[name=period_from]", "2026-12-01")
        page.fill("input[name=period_until]", "2027-05-31")
        page.fill("input[name=contact_phone]", "13812345678")
        for code, path in files.items():
            page.set_input_files(f"input[name=material_{code}]", str(path))
        page.click('[data-testid="apply-submit"]')
        expect(page.locator('[data-testid="lookup-code"]')).to_be_visible()
        application_url = page.url
        application = PermitApplication.objects.get()
        assert application.attachments.count() == len(CHECKLIST)

        act(chromium, live_server.url, "clerk", application_url, "accept", lambda p: p.check("input[value=accept]"))

        def review(p):
            p.check("input[value=recommend_grant]")
            p.fill("textarea[name=comment]", "运输车辆密闭，路线避开学校，消纳场所有受纳证明")

        act(chromium, live_server.url, "waste_reviewer", application_url, "review", review)

        def decide(p):
            p.check("input[value=grant]")
            p.fill("textarea[name=comment]", "符合《城市建筑垃圾管理规定》第七条")

        act(chromium, live_server.url, "chief", application_url, "decide", decide)

        page.goto(application_url)
        expect(page.locator('[data-testid="application-status"]')).to_contain_text("准予许可")
        expect(page.locator('[data-testid="permit"]')).to_be_visible()
        grant = '[data-testid="document-waste_grant"], [data-testid="document-waste_grant-generating"]'
        expect(page.locator(grant)).to_have_count(1)
        applicant_context.close()
