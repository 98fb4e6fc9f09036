"""In Debian's chromium: every page each demo role reaches shows no English word that is not data.

The same sweep, allow-list and word finder as ``test_chinese_pages`` (the Django test client), but
each page is loaded in the browser as the role after logging in through the login form, and read
after its scripts ran (viewflow's web components, our own scripts), so text a script writes into
the page is checked too. One page per kind of route (the test client's sweep takes two).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.browser_support import browser, login
from workflows.demo import DEMO_ACCOUNTS

from .test_chinese_pages import PUBLIC_STARTS, Fetch, english_words, report, sweep

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def browser_fetch(page: Any, base_url: str) -> Fetch:
    """Load a path in the page; a redirect is reported like the test client does, then read from memory."""
    landed: dict[str, str] = {}

    def fetch(path: str) -> tuple[int, str | None, str]:
        if path in landed:
            return 200, None, landed.pop(path)
        try:
            response = page.goto(base_url + path, wait_until="load")
        except PlaywrightError:
            return 0, None, ""  # a download (PDF, CSV export) is not a page
        if response is None:
            return 0, None, ""
        final = urlsplit(page.url)
        final_path = final.path + (f"?{final.query}" if final.query else "")
        content_type = response.header_value("content-type") or ""
        if response.status != 200 or "text/html" not in content_type:
            return response.status, None, ""
        if final_path != path:
            landed[final_path] = page.content()
            return 302, final_path, ""
        return 200, None, page.content()

    return fetch


def test_the_sweep_reads_what_a_script_wrote(live_server: Any, demo_users: Any) -> None:
    """The browser's page is read after scripts ran: a word a script adds is seen, and data passes."""
    with browser() as chromium:
        page = chromium.new_page(locale="zh-CN")
        page.goto(f"{live_server.url}/public/ads/materials/")
        page.evaluate("document.querySelector('main').append('Loading… 91530602MA6K7Q2X1B')")
        words, _links = english_words(page.content())
        assert words == ["Loading"]


def test_every_page_each_role_reaches_is_chinese_in_the_browser(
    live_server: Any, demo_data: dict[str, Any], celery_eager: None
) -> None:
    found: dict[str, list[str]] = {}
    visited: list[str] = []
    # Pictures carry no words (PDF first-page previews are costly to draw), so none is loaded.
    with browser(extra_args=("--blink-settings=imagesEnabled=false",)) as chromium:
        for username in [None, *(account.username for account in DEMO_ACCOUNTS)]:
            context = chromium.new_context(locale="zh-CN")
            page = context.new_page()
            if username is not None:
                login(page, live_server.url, username)
                assert "/accounts/login/" not in page.url, username
            fetch = browser_fetch(page, live_server.url)

            def counted(path: str, fetch: Fetch = fetch) -> tuple[int, str | None, str]:
                visited.append(path)
                return fetch(path)

            starts = ["/", *PUBLIC_STARTS] if username else [*PUBLIC_STARTS, "/accounts/login/"]
            for url, words in sweep(counted, starts, max_per_route=1).items():
                found[f"{username or '(anonymous)'} {url}"] = words
            context.close()
    assert len(visited) > 200, visited  # the sweep went through the product, not just the start pages
    assert found == {}, report(found)
