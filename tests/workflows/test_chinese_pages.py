"""Every page in Chinese mode, as each demo role, shows no English word that is not data.

The sweep follows the links each role sees, from the workbench and the public pages, over the
seed_demo data: every page a user can reach by clicking (lists, detail pages of seeded objects,
task pages, forms) is fetched with the Django test client and its visible text — plus the
attributes a user reads (title, placeholder, aria-label, button values) — searched for Latin
words. Data (numbers, codes, file names, e-mail, URLs, SHA-256, demo usernames) is allowed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from workflows.demo import DEMO_ACCOUNTS

pytestmark = pytest.mark.django_db

# Words that are data or the accepted form of a term in Chinese text (file formats, units).
ALLOWED_WORDS = {
    "PDF",
    "CSV",
    "PNG",
    "JPEG",
    "JPG",
    "API",
    "QR",
    "SHA",
    "zip",
    "MB",
    "ID",
    "Xiuhua",  # the product's name next to 绣花
    "LED",
    "BPMN",  # the name of the notation of viewflow's flow chart export  # a kind of lighting, so written in Chinese too
} | {account.username for account in DEMO_ACCOUNTS}

DATA_PATTERNS = [
    re.compile(r"\b[0-9a-f]{64}\b"),  # SHA-256
    re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"),  # e-mail
    re.compile(r"\bhttps?://\S+"),  # URLs
    re.compile(r"[\w\-. ]+\.(pdf|png|jpe?g|zip|csv)\b", re.I),  # file names
    re.compile(r"\b(?=[A-Z0-9-]*\d)[A-Z0-9][A-Z0-9-]{3,}\b"),  # codes: credit codes, lookup codes, numbers
    re.compile(r"\b[A-Z0-9]{8,}\b"),  # lookup and verification codes that happen to hold no digit
]
WORD = re.compile(r"[A-Za-z]{2,}")

# Pages that are not the product's Chinese screens: Django admin, the API and its docs,
# language switching and logging out (which would end the sweep).
SKIP_PREFIXES = ("/admin/", "/api/", "/i18n/", "/accounts/logout/", "/static/", "/sw.js", "/manifest")
MAX_PER_ROUTE = 2
TASK_NODE = re.compile(r"/[a-z_]+/(?=<int:task_pk>)")


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
HIDDEN = {"script", "style", "template", "noscript"}
ICON_CLASS = re.compile(r"__(start|icon|graphic)\b")


class _Text(HTMLParser):
    ATTRS = ("title", "placeholder", "aria-label", "label")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._skip: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        if self._skip:
            if tag not in VOID:
                self._skip.append(tag)
            return
        classes = values.get("class") or ""
        other_language = (values.get("lang") or "zh").lower()[:2] != "zh"
        # Icon ligatures (material icons) are drawn as pictures, not read as words; an element
        # marked as another language (the switch to "English") is meant to be read in it.
        if other_language or tag in HIDDEN or "material-icons" in classes or ICON_CLASS.search(classes):
            if tag not in VOID:
                self._skip.append(tag)
            return
        for name in self.ATTRS:
            if values.get(name):
                self.parts.append(values[name] or "")
        if tag == "input" and values.get("type") in {"submit", "button"} and values.get("value"):
            self.parts.append(values["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        if self._skip and self._skip[-1] == tag:
            self._skip.pop()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def english_words(html: str) -> tuple[list[str], list[str]]:
    parser = _Text()
    parser.feed(html)
    text = "\n".join(parser.parts)
    for pattern in DATA_PATTERNS:
        text = pattern.sub(" ", text)
    words = [w for w in WORD.findall(text) if w not in ALLOWED_WORDS]
    return words, parser.links


def _route(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.route or match.view_name


# fetch(path) -> (status, redirect location or None, HTML or ""): the test client or a browser page.
Fetch = Callable[[str], tuple[int, str | None, str]]


def client_fetch(client: Client) -> Fetch:
    def fetch(path: str) -> tuple[int, str | None, str]:
        response = client.get(path)
        if response.status_code in (301, 302) and response.get("Location"):
            return response.status_code, response["Location"], ""
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            return response.status_code, None, ""
        return 200, None, response.content.decode()

    return fetch


def sweep(
    fetch: Client | Fetch, starts: list[str], *, limit: int = 400, max_per_route: int = MAX_PER_ROUTE
) -> dict[str, list[str]]:
    """Breadth-first over the links a user sees; returns {url: [english words]}."""
    if isinstance(fetch, Client):
        fetch = client_fetch(fetch)
    seen: set[str] = set()
    per_route: dict[str, int] = defaultdict(int)
    queue = list(starts)
    found: dict[str, list[str]] = {}
    while queue and len(seen) < limit:
        url = queue.pop(0)
        parts = urlsplit(url)
        if parts.netloc or not parts.path.startswith("/") or parts.path.startswith(SKIP_PREFIXES):
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path in seen:
            continue
        route = _route(parts.path)
        if route is None:
            continue
        # One page per kind: viewflow's task pages differ only by node name.
        key = TASK_NODE.sub("/<node>/", route) + ("?" + parts.query.split("=")[0] if parts.query else "")
        if per_route[key] >= max_per_route:
            continue
        per_route[key] += 1
        seen.add(path)
        status, location, html = fetch(path)
        if location:
            queue.insert(0, urljoin(path, location))
            continue
        if status != 200 or not html:
            continue
        words, links = english_words(html)
        if words:
            found[path] = sorted(set(words))
        queue.extend(link.split("#")[0] for link in links if link and not link.startswith("#"))
    return found


def report(found: dict[str, list[str]]) -> str:
    return "English on Chinese pages:\n" + "\n".join(f"{url}: {' '.join(words)}" for url, words in found.items())


def test_the_word_finder_sees_english_and_lets_data_pass():
    words, _ = english_words(
        "<p>受理 accept · 文件 photo-1.jpg · 91530602MA6K7Q2X1B · a@b.cn · "
        + "ab" * 32
        + '</p><i class="material-icons">home</i><input type="submit" value="Save">'
    )
    assert words == ["accept", "Save"]


PUBLIC_STARTS = ["/public/ads/lookup/", "/public/cases/report/", "/public/disclosures/", "/public/ads/materials/"]


def test_every_page_each_role_reaches_is_chinese(demo_data):
    """One seeded database, swept anonymously and then as every demo account."""
    found: dict[str, list[str]] = {}
    for url, words in sweep(Client(), [*PUBLIC_STARTS, "/accounts/login/"]).items():
        found[f"(anonymous) {url}"] = words
    for account in DEMO_ACCOUNTS:
        client = Client()
        client.force_login(demo_data[account.username])
        for url, words in sweep(client, ["/", *PUBLIC_STARTS]).items():
            found[f"{account.username} {url}"] = words
    assert found == {}, report(found)
