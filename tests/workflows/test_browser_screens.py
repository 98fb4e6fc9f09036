"""In Debian's chromium: the screens people use — the materials page before login, the guided
apply form, a patrol's report on a 360 px phone with a mocked location, the case page without
horizontal scrolling, PDF previews in frames and the public check of a permit."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from illegal_building.models import Case
from outdoor_ads.models import PermitApplication
from tests.browser_support import browser, login
from tests.outdoor_ads.support import grant_through_web, latest_application, web_apply
from workflows.documents.selectors import documents_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PHONE = {"width": 360, "height": 740}


def no_horizontal_scroll(page: Any) -> bool:
    # A mobile browser widens its layout viewport to the content, so compare with the device's 360 px.
    return int(page.evaluate("document.documentElement.scrollWidth")) <= PHONE["width"]


WIDE_ELEMENTS = """() => [...document.querySelectorAll('body *')]
  .map(e => [e, e.getBoundingClientRect()]).filter(([e, r]) => r.right > 361)
  .sort((a, b) => b[1].right - a[1].right).slice(0, 8)
  .map(([e, r]) => e.tagName + '.' + e.className + ' ' + Math.round(r.left) + '-' + Math.round(r.right) + ' '
    + getComputedStyle(e).position + ' ' + (e.textContent || '').slice(0, 30))
  .concat([...document.styleSheets].map(s => String(s.href)))"""


def wide_elements(page: Any) -> list[str]:
    """What sticks out, for the failure message."""
    found = list(page.evaluate(WIDE_ELEMENTS))
    return found


def test_materials_page_before_login_and_the_guided_apply_form(live_server: Any, demo_users: Any) -> None:
    with browser() as chromium:
        context = chromium.new_context(locale="zh-CN")
        page = context.new_page()
        page.goto(f"{live_server.url}/public/ads/materials/")
        wall_sign = page.locator('[data-testid="materials-wall_sign"]')
        assert "墙面招牌" in wall_sign.inner_text()
        # Required and optional items are told apart before anyone logs in (一次性告知).
        assert wall_sign.locator('li[data-required="1"]').count() >= 3
        optional = wall_sign.locator('li[data-required="0"]')
        assert optional.count() == 1 and "（选填）" in optional.inner_text()
        assert "JPEG、PNG 或 PDF" in page.inner_text("main")
        assert "13 个工作日" in page.inner_text("main")

        login(page, live_server.url, "applicant")
        page.goto(f"{live_server.url}/ads/apply/wall_sign/")
        form = page.locator('[data-testid="apply-form"]')
        legends = form.locator("legend").all_inner_texts()
        assert legends == ["设置地点", "设施情况", "设置期限与联系方式", "申请材料"]
        safety = form.locator('[data-field="material_safety"]')
        assert safety.locator('[data-testid="optional-mark"]').inner_text() == "（选填）"
        assert "最多 5 个，每个不超过 10 MB" in safety.inner_text()
        licence = form.locator('[data-field="material_licence"]')
        assert licence.locator('[data-testid="required-mark"]').count() == 1
        assert licence.locator('[data-testid="optional-mark"]').count() == 0
        context.close()


def test_patrol_reports_on_a_phone_with_location_and_the_case_page_fits(
    live_server: Any, demo_users: Any, tmp_path: Any
) -> None:
    from tests.illegal_building.helpers import png_bytes

    photo = tmp_path / "site.png"
    photo.write_bytes(png_bytes())
    with browser() as chromium:
        context = chromium.new_context(
            locale="zh-CN",
            viewport=PHONE,
            is_mobile=True,
            has_touch=True,
            geolocation={"latitude": 27.338257, "longitude": 103.717216, "accuracy": 12},
            permissions=["geolocation"],
        )
        page = context.new_page()
        login(page, live_server.url, "patrol")
        page.goto(f"{live_server.url}/cases/cases/report/")
        assert no_horizontal_scroll(page)
        camera = page.locator("input[name=photo]")
        assert camera.get_attribute("capture") == "environment"
        assert camera.get_attribute("accept") == "image/*"
        page.click('[data-testid="use-location"]')
        # expect() polls from outside the page; wait_for_function would need eval, which our CSP forbids.
        expect(page.locator("input[name=latitude]")).not_to_have_value("")
        assert page.input_value("input[name=latitude]") == "27.338257"
        assert page.input_value("input[name=longitude]") == "103.717216"
        assert "±12" in page.inner_text('[data-testid="location-status"]')
        # Large tap targets for gloved fingers.
        box = page.locator('[data-testid="use-location"]').bounding_box()
        assert box is not None and box["height"] >= 44

        page.fill("input[name=address]", "昭阳区凤凰街道海楼路一段" + "十八号" * 12)
        page.fill("textarea[name=description]", "楼顶新建彩钢棚约60平方米，未见规划许可公示。")
        page.set_input_files("input[name=photo]", str(photo))
        page.click('[data-testid="report-submit"]')
        page.wait_for_url(re.compile(r"/cases/cases/\d+/$"))
        case = Case.objects.get()
        assert str(case.latitude) == "27.338257" and str(case.longitude) == "103.717216"

        # The case page holds SHA-256 strings and record forms; at 360 px nothing scrolls sideways.
        assert "SHA-256" in page.inner_text('[data-testid="timeline"]')
        assert no_horizontal_scroll(page), wide_elements(page)
        context.close()

        officer = chromium.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
        page = officer.new_page()
        login(page, live_server.url, "officer")
        page.goto(f"{live_server.url}/cases/cases/{case.pk}/")
        assert page.locator('[data-record="evidence"] [data-testid="use-location"]').count() == 1
        assert no_horizontal_scroll(page), wide_elements(page)
        # The second officer is chosen only among officers holding an enforcement certificate.
        options = page.locator('[data-record="inquiry"] select[name="inquiry-officer2"] option').all_inner_texts()
        names = [o for o in options if o.strip("-")]
        assert names and all(name not in {"陶雨桐", "孔德衡", "蒲文澜", "韦正谦"} for name in names), names
        officer.close()


def test_pdf_previews_in_a_frame_and_the_public_check_of_a_permit(
    live_server: Any, demo_users: Any, client_as: Any, celery_eager: None
) -> None:
    assert web_apply(client_as("applicant")).status_code == 302
    application = latest_application()
    grant_through_web(client_as, application)
    permit_document = documents_for(application).get(kind="ad_permit")
    assert permit_document.pdf

    with browser() as chromium:
        context = chromium.new_context(locale="zh-CN")
        page = context.new_page()
        login(page, live_server.url, "applicant")
        page.goto(f"{live_server.url}/ads/applications/{application.pk}/")
        # Each PDF shows its first page as a picture (phones render no PDF inside a page)…
        pictures = page.locator('[data-testid="preview-pdf-page"]')
        assert pictures.count() == 4
        pictures.first.scroll_into_view_if_needed()
        expect(pictures.last).to_have_js_property("complete", True)
        for i in range(pictures.count()):
            expect(pictures.nth(i)).to_have_js_property("complete", True)
        assert pictures.evaluate_all("imgs => imgs.every(i => i.naturalWidth > 300)")
        # …and the whole PDF opens in a frame of this same site, which the file view allows.
        with page.expect_response(re.compile(r"/ads/attachments/\d+/$")) as framed:
            page.locator('[data-testid="attachments"] summary').first.click()
        response = framed.value
        assert response.status == 200 and response.header_value("x-frame-options") == "SAMEORIGIN"
        # The response arrives before the frame commits its navigation: give it a moment to show.
        frame_urls: list[str] = []
        for _ in range(50):
            frame_urls = [frame.url for frame in page.frames]
            if any(re.search(r"/ads/attachments/\d+/", url) for url in frame_urls):
                break
            page.wait_for_timeout(100)
        assert any(re.search(r"/ads/attachments/\d+/", url) for url in frame_urls), frame_urls
        context.close()

        public = chromium.new_context(locale="zh-CN", viewport=PHONE)
        page = public.new_page()
        page.goto(f"{live_server.url}{permit_document.get_verify_url()}")
        assert page.inner_text('[data-testid="verify-title"]') == "许可证核验"
        assert page.inner_text('[data-testid="verify-status"]') == "有效"
        assert page.inner_text('[data-testid="verify-doc-title"]') == "户外广告设施设置许可证"
        assert page.inner_text('[data-testid="verify-address"]') == PermitApplication.objects.get().address
        assert "昭通星辰广告传媒有限公司" in page.inner_text('[data-testid="verify-holder"]')
        validity = page.inner_text('[data-testid="verify-validity"]')
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2} – \d{4}-\d{2}-\d{2}", validity)
        preview = page.locator('[data-testid="verify-preview"]')
        assert preview.evaluate("img => img.complete && img.naturalWidth > 500")
        # The fingerprint is there for experts, folded away from citizens.
        assert not page.locator('[data-testid="verify-sha256"]').is_visible()
        page.click("summary")
        assert page.inner_text('[data-testid="verify-sha256"]') == permit_document.sha256
        assert no_horizontal_scroll(page), wide_elements(page)
        public.close()
