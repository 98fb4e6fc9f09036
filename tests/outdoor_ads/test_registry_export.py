"""The permit registry as CSV: active / expiring / expired, scoped to the county of the staff."""

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest

from outdoor_ads.models import Permit
from workflows import clock

from .support import grant_through_web, latest_application, web_apply

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def rows(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def export(client, show):
    return client.get("/ads/permits/export.csv", {"show": show})


def test_export_slices_and_county_scope(client_as):
    clock.set_now(dt.datetime(2026, 12, 1, 10, tzinfo=SHANGHAI))
    web_apply(client_as("applicant"), address='=HYPERLINK("http://x") 珠泉路88号')
    application = latest_application()
    grant_through_web(client_as, application)
    permit = Permit.objects.get(application=application)

    header, *data = rows(export(client_as("clerk"), "active"))
    assert header == [
        "许可证编号",
        "持证人",
        "县（市、区）",
        "设施类型",
        "地址",
        "有效期起",
        "有效期至",
        "剩余天数",
        "状态",
    ]
    assert [r[0] for r in data] == [permit.number]
    assert data[0][4] == "'" + application.address  # a formula-like cell is defused
    assert data[0][6] == permit.valid_until.isoformat()
    assert rows(export(client_as("clerk"), "expiring"))[1:] == []
    assert rows(export(client_as("clerk"), "expired"))[1:] == []
    # another county's staff sees nothing; city-wide staff see it
    assert rows(export(client_as("reviewer_ludian"), "active"))[1:] == []
    assert [r[0] for r in rows(export(client_as("supervisor"), "active"))[1:]] == [permit.number]
    # applicants do not export the registry; unknown slices are 404
    assert export(client_as("applicant"), "active").status_code == 403
    assert export(client_as("clerk"), "bogus").status_code == 404

    clock.set_now(dt.datetime.combine(permit.valid_until - dt.timedelta(days=10), dt.time(10), tzinfo=SHANGHAI))
    expiring = rows(export(client_as("clerk"), "expiring"))[1:]
    assert [(r[0], r[7]) for r in expiring] == [(permit.number, "10")]
    clock.set_now(dt.datetime.combine(permit.valid_until + dt.timedelta(days=1), dt.time(10), tzinfo=SHANGHAI))
    assert rows(export(client_as("clerk"), "active"))[1:] == []
    assert rows(export(client_as("clerk"), "expiring"))[1:] == []
    assert [r[0] for r in rows(export(client_as("clerk"), "expired"))[1:]] == [permit.number]
    page = client_as("clerk").get("/ads/permits/", {"show": "expired"}).content.decode()
    assert "/ads/permits/export.csv?show=expired" in page and permit.number in page


def test_the_registry_page_is_paged_and_keeps_its_slice(client_as, monkeypatch):
    # A county holds tens of thousands of permits over the years: the page shows one page of them.
    from outdoor_ads.views import PermitListView

    clock.set_now(dt.datetime(2026, 12, 1, 10, tzinfo=SHANGHAI))
    numbers = []
    for address in ("珠泉路1号", "珠泉路2号"):
        web_apply(client_as("applicant"), address=address)
        application = latest_application()
        grant_through_web(client_as, application)
        numbers.append(Permit.objects.get(application=application).number)
    monkeypatch.setattr(PermitListView, "paginate_by", 1)
    clerk = client_as("clerk")
    first = clerk.get("/ads/permits/", {"show": "active"}).content.decode()
    assert "第 1–1 条，共 2 条" in first
    assert '?show=active&amp;page=2' in first
    second = clerk.get("/ads/permits/", {"show": "active", "page": 2}).content.decode()
    shown = [n for n in numbers if n in first], [n for n in numbers if n in second]
    assert len(shown[0]) == 1 and len(shown[1]) == 1 and shown[0] != shown[1]
    assert clerk.get("/ads/permits/", {"show": "active", "page": 3}).status_code == 404
