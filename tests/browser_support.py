"""Playwright on Debian's chromium: never a downloaded browser (`playwright install` cannot work here)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def browser(*, extra_args: tuple[str, ...] = ()) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=[*CHROMIUM_ARGS, *extra_args]
        )
        try:
            yield instance
        finally:
            instance.close()
            # While Playwright's loop runs, Django's per-context connections (asgiref Local) are
            # not the test thread's usual ones: ORM calls made inside this block open their own,
            # which the test database's teardown does not know about and which then blocked its
            # DROP ("being accessed by other users"). Close them here, in the context that opened them.
            from django.db import connections

            connections.close_all()


def login(page: Any, base_url: str, username: str, password: str = "zhaotong-demo") -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
