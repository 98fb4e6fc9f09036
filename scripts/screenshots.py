"""Screenshots of the main pages for reviewers: `make screenshots` (see scripts/screenshots.sh).

Usage: screenshots.py BASE_URL OUT_DIR — the server must hold the demo data (seed_demo).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "approvals.settings.local")

import django  # noqa: E402

django.setup()

from illegal_building.models import Case  # noqa: E402
from outdoor_ads.models import PermitApplication  # noqa: E402
from tests.browser_support import browser, login  # noqa: E402
from workflows.documents.models import IssuedDocument  # noqa: E402

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}


def pages() -> list[tuple[str, str | None, str, dict[str, int]]]:
    """(file name, user or None for public, path, viewport)."""
    application = PermitApplication.objects.order_by("pk").first()
    granted = PermitApplication.objects.filter(status=PermitApplication.Status.GRANTED).first() or application
    case = Case.objects.exclude(stage=Case.Stage.ARCHIVED).order_by("-pk").first()
    permit_doc = IssuedDocument.objects.filter(kind="ad_permit").first()
    shots: list[tuple[str, str | None, str, dict[str, int]]] = [
        ("01-login", None, "/accounts/login/", DESKTOP),
        ("02-materials-public", None, "/public/ads/materials/", DESKTOP),
        ("03-materials-public-phone", None, "/public/ads/materials/", PHONE),
        ("04-workbench-clerk", "clerk", "/workbench/", DESKTOP),
        # The work lists: what each task is about and when it is due, per process and role.
        ("05-queue-clerk", "clerk", "/permit/queue/", DESKTOP),
        ("05-queue-clerk-phone", "clerk", "/permit/queue/", PHONE),
        ("05-inbox-clerk", "clerk", "/permit/inbox/", DESKTOP),
        ("05-archive-clerk", "clerk", "/permit/archive/", DESKTOP),
        ("05-queue-reviewer", "reviewer", "/permit/queue/", DESKTOP),
        ("10-queue-officer", "officer", "/cases/queue/", DESKTOP),
        ("10-inbox-officer", "officer", "/cases/inbox/", DESKTOP),
        ("10-archive-officer", "officer", "/cases/archive/", DESKTOP),
        ("10-workbench-officer", "officer", "/workbench/", DESKTOP),
        ("06-apply-form", "applicant", "/ads/apply/wall_sign/", DESKTOP),
        ("10-case-list-officer", "officer", "/cases/cases/", DESKTOP),
        ("12-report-phone", "patrol", "/cases/cases/report/", PHONE),
        ("13-citizen-report-phone", None, "/public/cases/report/", PHONE),
        ("14-dashboard-chief", "chief", "/sla/", DESKTOP),
        ("15-workbench-chief", "chief", "/workbench/", DESKTOP),
    ]
    if application is not None:
        shots.append(("07-application-applicant", "applicant", f"/ads/applications/{granted.pk}/", DESKTOP))
        shots.append(("08-application-clerk", "clerk", f"/ads/applications/{application.pk}/", DESKTOP))
    if case is not None:
        shots.append(("11-case-officer", "officer", f"/cases/cases/{case.pk}/", DESKTOP))
        shots.append(("11-case-officer-phone", "officer", f"/cases/cases/{case.pk}/", PHONE))
    if permit_doc is not None:
        shots.append(("09-verify-permit-phone", None, permit_doc.get_verify_url(), PHONE))
        shots.append(("09-verify-permit", None, permit_doc.get_verify_url(), DESKTOP))
    return sorted(shots)


def main(base_url: str, out_dir: str) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    shots = pages()  # before the browser: Playwright's event loop makes the ORM refuse to run
    with browser() as chromium:
        contexts: dict[tuple[str | None, int], object] = {}
        for name, user, path, viewport in shots:
            key = (user, viewport["width"])
            context = contexts.get(key)
            if context is None:
                context = chromium.new_context(locale="zh-CN", viewport=viewport, is_mobile=viewport is PHONE)
                contexts[key] = context
                if user is not None:
                    login(context.new_page(), base_url, user)  # type: ignore[attr-defined]
            page = context.new_page()  # type: ignore[attr-defined]
            page.goto(base_url + path)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(out / f"{name}.png"), full_page=True)
            page.close()
            print(f"{out / name}.png")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
