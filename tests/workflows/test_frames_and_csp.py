"""Frames: DENY everywhere except the same-origin file previews; a CSP that the pages live with."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from outdoor_ads.models import Attachment
from tests.browser_support import browser, login
from tests.outdoor_ads.support import latest_application, web_apply


def csp_of(response: Any) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {part.strip().split(" ", 1)[0]: part.strip() for part in header.split(";") if part.strip()}


@pytest.mark.django_db
def test_pages_deny_framing_and_previews_allow_only_this_site(client_as):
    applicant = client_as("applicant")
    assert web_apply(applicant).status_code == 302
    application = latest_application()
    page = applicant.get(f"/ads/applications/{application.pk}/")
    assert page.status_code == 200
    assert page["X-Frame-Options"] == "DENY"
    policy = csp_of(page)
    assert policy["frame-ancestors"] == "frame-ancestors 'none'"
    assert policy["script-src"].startswith("script-src 'self'")
    assert "'unsafe-inline'" not in policy["script-src"]
    assert policy["object-src"] == "object-src 'none'"

    attachment = Attachment.objects.filter(application=application, mime_type="application/pdf").first()
    preview = applicant.get(f"/ads/attachments/{attachment.pk}/")
    assert preview.status_code == 200
    assert preview["X-Frame-Options"] == "SAMEORIGIN"
    assert csp_of(preview)["frame-ancestors"] == "frame-ancestors 'self'"
    assert csp_of(preview)["default-src"] == "default-src 'none'"
    assert preview["Content-Disposition"].startswith("inline")

    # Anonymous pages and the API are covered too.
    for response in (Client().get("/accounts/login/"), Client().get("/public/ads/lookup/")):
        assert response["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_api_docs_load_their_script_from_a_file(client_as):
    html = client_as("clerk").get("/api/docs/").content.decode()
    assert "<script>" not in html.replace(" ", "")
    script = client_as("clerk").get("/api/docs/?script=")
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pdf_preview_renders_inside_the_application_page_in_chromium(live_server, demo_users, client_as):
    applicant = client_as("applicant")
    assert web_apply(applicant).status_code == 302
    application = latest_application()
    attachment = Attachment.objects.filter(application=application, mime_type="application/pdf").first()
    with browser() as chromium:
        context = chromium.new_context(locale="zh-CN")
        page = context.new_page()
        violations: list[str] = []
        page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text
                or "Refused" in msg.text else None)
        login(page, live_server.url, "applicant")
        page.goto(f"{live_server.url}/ads/applications/{application.pk}/")
        page.wait_for_load_state("networkidle")
        frame_url = f"{live_server.url}/ads/attachments/{attachment.pk}/"
        iframe = page.locator(f'iframe[src="/ads/attachments/{attachment.pk}/"]').first
        iframe.wait_for()
        frames = [frame for frame in page.frames if frame != page.main_frame]
        assert frames, "the preview frame is missing"
        # A frame refused by X-Frame-Options or frame-ancestors becomes chrome-error://chromewebdata/.
        assert any(frame.url == frame_url for frame in frames), [frame.url for frame in frames]
        assert not any(frame.url.startswith("chrome-error") for frame in frames)
        assert violations == []

        # The same preview framed by another origin is refused by the browser.
        page.goto("about:blank")
        page.set_content(f'<iframe src="{frame_url}"></iframe>')
        page.wait_for_timeout(1500)
        foreign = [frame for frame in page.frames if frame != page.main_frame]
        assert foreign and all(frame.url != frame_url or frame.url.startswith("chrome-error") for frame in foreign)

        # The material frontend and the API docs work under the policy.
        violations.clear()
        page.goto(f"{live_server.url}/")
        page.wait_for_load_state("networkidle")
        page.goto(f"{live_server.url}/api/docs/")
        page.wait_for_selector(".swagger-ui .info", timeout=15000)
        assert violations == []
        context.close()
