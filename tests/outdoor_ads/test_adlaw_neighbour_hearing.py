"""ALL arts. 47-48: neighbours on record are told in writing of their hearing right and of the hearing date."""

import datetime as dt
import logging

import pytest

from outdoor_ads.flows import PermitFlow
from workflows import clock
from workflows.documents.selectors import documents_for

from .support import latest_application, web_act, web_apply
from .test_hearing import PLACE, at
from .test_neighbours import NEIGHBOURS

pytestmark = pytest.mark.django_db


def test_neighbours_are_told_of_the_hearing_right_and_date(client_as, caplog, django_capture_on_commit_callbacks):
    clock.set_now(at(dt.date(2026, 11, 3)))
    web_apply(client_as("applicant"))
    application = latest_application()
    web_act(client_as("clerk"), application, PermitFlow.accept, {"decision": "accept"})
    review = {
        "decision": "recommend_grant",
        "comment": "同意",
        "neighbours_affected": "on",
        "neighbours": NEIGHBOURS,
        "hearing_flag": "on",
    }
    assert web_act(client_as("reviewer"), application, PermitFlow.review, review).status_code == 302
    clock.set_now(at(dt.date(2026, 11, 5)))
    with caplog.at_level(logging.INFO, logger="xiuhua.sms"), django_capture_on_commit_callbacks(execute=True):
        countersign = web_act(client_as("reviewer2"), application, PermitFlow.countersign, {"decision": "agree"})
    assert countersign.status_code == 302
    notices = documents_for(application).filter(kind="ad_hearing_notice")
    assert notices.count() == 3  # the applicant's and one per neighbour
    neighbour_notices = [n for n in notices if n.data.get("party") == "neighbour"]
    assert sorted(n.holder_name for n in neighbour_notices) == ["李建国", "王小梅"]
    assert all(n.data["request_deadline"] == "2026-11-12" for n in neighbour_notices)
    sms = [r.getMessage() for r in caplog.records if r.name == "xiuhua.sms"]
    assert len([m for m in sms if "享有要求听证的权利" in m and "2026-11-12" in m]) == 2

    caplog.clear()
    clock.set_now(at(dt.date(2026, 11, 6)))
    data = {"decision": "scheduled", "hearing_date": "2026-11-20", "place": PLACE, "notice_sent_on": "2026-11-06"}
    with caplog.at_level(logging.INFO, logger="xiuhua.sms"), django_capture_on_commit_callbacks(execute=True):
        assert web_act(client_as("chief"), application, PermitFlow.schedule_hearing, data).status_code == 302
    sms = [r.getMessage() for r in caplog.records if r.name == "xiuhua.sms"]
    assert len([m for m in sms if "2026-11-20" in m and PLACE in m and application.number in m]) == 2
