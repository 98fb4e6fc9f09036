"""Screens over HTTP: framing of previews, the installable app, the acceptance form's groups,
好差评 on five levels with follow-up of the two lowest."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from outdoor_ads.flows import PermitFlow
from outdoor_ads.forms import AcceptanceForm
from outdoor_ads.models import FollowUp, Rating
from tests.outdoor_ads.support import grant_through_web, latest_application, open_task, web_apply
from workflows.labels import AUDIT, label_for

pytestmark = pytest.mark.django_db


def test_previews_frame_only_on_this_site_and_foreign_files_stay_404(client_as: Any) -> None:
    assert web_apply(client_as("applicant")).status_code == 302
    attachment = latest_application().attachments.first()
    assert attachment is not None
    own = client_as("applicant").get(f"/ads/attachments/{attachment.pk}/")
    assert own.status_code == 200 and own["X-Frame-Options"] == "SAMEORIGIN"
    assert client_as("applicant2").get(f"/ads/attachments/{attachment.pk}/").status_code == 404
    preview = client_as("applicant").get(f"/ads/attachments/{attachment.pk}/preview.png")
    assert preview.status_code == 200 and preview["Content-Type"] == "image/png"
    assert preview.content.startswith(b"\x89PNG")
    assert client_as("applicant2").get(f"/ads/attachments/{attachment.pk}/preview.png").status_code == 404
    # Every other page still refuses to be framed.
    assert client_as("applicant").get("/ads/")["X-Frame-Options"] == "DENY"


def test_the_app_is_installable_from_the_site_root() -> None:
    client = Client()
    manifest = client.get("/public/app/manifest.webmanifest")
    assert manifest.status_code == 200
    assert manifest.json()["scope"] == "/" and manifest.json()["name"] == "绣花城市管理"
    worker = client.get("/public/app/sw.js")
    assert worker.status_code == 200
    assert worker["Service-Worker-Allowed"] == "/"
    assert worker["Content-Type"].startswith("application/javascript")
    assert "/public/app/offline/" in worker.content.decode()
    assert client.get("/public/app/offline/").status_code == 200


def test_acceptance_groups_supplement_fields_and_ignores_them_when_accepting(client_as: Any) -> None:
    assert web_apply(client_as("applicant")).status_code == 302
    application = latest_application()
    task = open_task(application, PermitFlow.accept)
    clerk = client_as("clerk")
    assert clerk.post(task.reverse("assign")).status_code == 302
    html = clerk.get(task.reverse("execute")).content.decode()
    assert 'data-show-when="decision=supplement"' in html
    form = AcceptanceForm(
        {"decision": "accept", "missing_items": ["licence"], "supplement_note": "typed before switching"},
        task=task,
        user=None,
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["missing_items"] == [] and form.cleaned_data["supplement_note"] == ""
    # The server still refuses a supplement notice that names nothing.
    response = clerk.post(task.reverse("execute"), {"decision": "supplement"})
    assert response.status_code == 200
    assert "missing_items" in response.context["form"].errors


@pytest.mark.parametrize(
    ("score", "followed_up"),
    [("very_satisfied", False), ("basic", False), ("unsatisfied", True), ("very_unsatisfied", True)],
)
def test_five_level_rating_and_follow_up_of_the_two_lowest(client_as: Any, score: str, followed_up: bool) -> None:
    assert web_apply(client_as("applicant")).status_code == 302
    application = latest_application()
    grant_through_web(client_as, application)
    page = client_as("applicant").get(f"/ads/applications/{application.pk}/").content.decode()
    for value in ("very_satisfied", "satisfied", "basic", "unsatisfied", "very_unsatisfied"):
        assert f'value="{value}"' in page
    assert "非常满意" in page and "基本满意" in page and "非常不满意" in page
    response = client_as("applicant").post(f"/ads/applications/{application.pk}/rate/", {"score": score})
    assert response.status_code == 302
    assert Rating.objects.get().score == score
    assert FollowUp.objects.exists() is followed_up
    workbench = client_as("chief").get("/workbench/").content.decode()
    assert 'data-section="ads-ratings"' in workbench and "本辖区好差评" in workbench
    assert label_for(AUDIT, f"application.rate.{score}") != f"application.rate.{score}"
    dashboard = client_as("chief").get("/sla/")
    panel = next(p for p in dashboard.context["panels"] if p["key"] == "ads-ratings")
    assert dict((str(label), count) for label, count in panel["rows"])[str(Rating.Score(score).label)] == 1
    assert sum(count for _label, count in panel["rows"]) == 1
    assert f"待回访的不满意评价：{int(followed_up)} 件" in dashboard.content.decode()


def test_materials_page_is_public_and_reads_the_promise_from_the_clock_rule(db: None) -> None:
    from workflows.sla.models import ClockRule

    ClockRule.objects.filter(code="ads.overall").update(limit=12)
    html = Client().get("/public/ads/materials/").content.decode()
    assert "12 个工作日" in html
    assert "一次性告知" in html
