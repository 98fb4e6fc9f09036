"""In Debian's chromium: the applicant applies with uploads, four staff act in their own sessions,
the applicant downloads the permit PDF."""

import hashlib

import pytest

from outdoor_ads.models import PermitApplication
from tests.browser_support import browser, login
from workflows.documents.selectors import documents_for

from .support import WALL_SIGN_MATERIALS, pdf_bytes, png_bytes

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def act(chromium, base_url, username, application_url, step, fill):
    context = chromium.new_context(locale="zh-CN")
    page = context.new_page()
    login(page, base_url, username)
    page.goto(application_url)
    page.click(f'[data-testid="handle-{step}"]')
    page.wait_for_selector('[data-testid="step-form"]')
    fill(page)
    page.click('[data-testid="step-submit"]')
    page.wait_for_load_state("networkidle")
    assert page.url.startswith(application_url), page.url
    context.close()


def test_apply_decide_and_download_the_permit_in_the_browser(live_server, demo_users, tmp_path, celery_eager):
    files = {}
    for code in WALL_SIGN_MATERIALS:
        path = tmp_path / f"{code}.pdf"
        path.write_bytes(pdf_bytes(code))
        files[code] = path
    design = tmp_path / "design.png"
    design.write_bytes(png_bytes())

    with browser() as chromium:
        applicant_context = chromium.new_context(locale="zh-CN", accept_downloads=True)
        page = applicant_context.new_page()
        login(page, live_server.url, "applicant")
        page.goto(f"{live_server.url}/ads/apply/")
        page.click('[data-testid="facility-wall_sign"]')
        page.select_option("select[name=county]", label="昭阳区")
        page.fill("input[name=address]", "昭阳区珠泉路88号临街外墙")
        page.fill("input[name=longitude]", "103.717200")
        page.fill("input[name=latitude]", "27.338100")
        page.fill("input[name=width_m]", "4")
        page.fill("input[name=height_m]", "1.2")
        page.fill("input[name=height_above_ground_m]", "3.5")
        page.fill("input[name=material]", "铝塑板")
        page.select_option("select[name=lighting]", "internal")
        page.fill("textarea[name=content]", "星辰广告传媒 门头招牌")
        page.fill("input[name=period_from]", "2026-12-01")
        page.fill("input[name=period_until]", "2028-11-30")
        page.fill("input[name=contact_phone]", "13812345678")
        for code, path in files.items():
            page.set_input_files(f"input[name=material_{code}]", str(path))
        page.set_input_files("input[name=material_design]", [str(files["design"]), str(design)])
        page.click('[data-testid="apply-submit"]')
        page.wait_for_selector('[data-testid="lookup-code"]')
        application_url = page.url
        application = PermitApplication.objects.get()
        assert application.attachments.count() == 5
        assert page.inner_text('[data-testid="lookup-code"]') == application.lookup_code

        act(chromium, live_server.url, "clerk", application_url, "accept", lambda p: p.check("input[value=accept]"))

        def review(p):
            p.check("input[value=recommend_grant]")
            p.fill("textarea[name=comment]", "材料齐全，符合设置规划")

        act(chromium, live_server.url, "reviewer", application_url, "review", review)
        act(
            chromium,
            live_server.url,
            "reviewer2",
            application_url,
            "countersign",
            lambda p: p.check("input[value=agree]"),
        )

        def decide(p):
            p.check("input[value=grant]")
            p.fill("textarea[name=comment]", "符合《昭通市户外广告设置管理办法》")

        act(chromium, live_server.url, "chief", application_url, "decide", decide)
        act(chromium, live_server.url, "clerk", application_url, "deliver", lambda p: p.check("input[value=online]"))

        page.goto(application_url)
        assert "许可证已送达" in page.inner_text('[data-testid="application-status"]')
        link = page.locator('[data-testid="document-ad_permit"]')
        href = link.get_attribute("href")
        response = page.request.get(f"{live_server.url}{href}")
        assert response.status == 200
        body = response.body()
        assert body.startswith(b"%PDF")
        permit_document = documents_for(application).get(kind="ad_permit")
        assert hashlib.sha256(body).hexdigest() == permit_document.sha256
        applicant_context.close()
