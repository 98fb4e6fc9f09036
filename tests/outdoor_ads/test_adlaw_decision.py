"""The grant decision: reasons are not conditions; the permit runs for the requested period from no earlier
than the decision, within the facility type's maximum."""

import datetime as dt

import pytest

from outdoor_ads.flows import PermitFlow
from outdoor_ads.models import Permit
from workflows import clock
from workflows.documents.selectors import documents_for

from .support import latest_application, web_act, web_apply
from .test_hearing import at

pytestmark = pytest.mark.django_db
REASONS = "符合《昭通市户外广告设施设置规划》"


def decided(client_as, decide, **apply):
    clock.set_now(at(dt.date(2026, 11, 3)))
    assert web_apply(client_as("applicant"), **apply).status_code == 302
    application = latest_application()
    web_act(client_as("clerk"), application, PermitFlow.accept, {"decision": "accept"})
    web_act(client_as("reviewer"), application, PermitFlow.review, {"decision": "recommend_grant", "comment": "同意"})
    clock.set_now(at(dt.date(2026, 11, 5)))
    web_act(client_as("reviewer2"), application, PermitFlow.countersign, {"decision": "agree"})
    response = web_act(client_as("chief"), application, PermitFlow.decide, {"decision": "grant", **decide})
    assert response.status_code == 302, response.content.decode()[-2000:]
    return application


def test_reasons_and_conditions_are_labelled_apart_and_the_requested_start_is_kept(client_as):
    conditions = "每日22时后关闭照明"
    application = decided(client_as, {"comment": REASONS, "conditions": conditions})
    grant = documents_for(application).get(kind="ad_grant")
    assert grant.data["reasons"] == REASONS
    assert grant.data["conditions"] == conditions
    permit = Permit.objects.get(application=application)
    # requested 1 Dec 2026 – 30 Nov 2028, decided 5 Nov 2026: the permit starts when asked, not at the decision
    assert (permit.valid_from, permit.valid_until) == (dt.date(2026, 12, 1), dt.date(2028, 11, 30))
    assert (grant.valid_from, grant.valid_until) == (dt.date(2026, 12, 1), dt.date(2028, 11, 30))


def test_no_conditions_means_none_printed_and_a_past_start_moves_to_the_decision(client_as):
    application = decided(client_as, {"comment": REASONS}, period_from="2026-11-03", period_until="2027-11-02")
    grant = documents_for(application).get(kind="ad_grant")
    assert grant.data["reasons"] == REASONS
    assert grant.data.get("conditions", "") == ""
    permit = Permit.objects.get(application=application)
    assert (permit.valid_from, permit.valid_until) == (dt.date(2026, 11, 5), dt.date(2027, 11, 2))
