"""The kernel's messages speak for the type: the promise is the type's clock rule, the nouns its spec's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from construction_waste.licence import SPEC as WASTE
from licensing.services import messages
from outdoor_ads.flows import PermitFlow
from outdoor_ads.licence import SPEC as ADS
from workflows import clock
from workflows.sla.models import Notification

from ..outdoor_ads.support import latest_application, web_apply
from ..outdoor_ads.support import web_act as ad_act
from .test_pauses import accepted

pytestmark = pytest.mark.django_db


def zh(message: object) -> str:
    with translation.override("zh-hans"):
        return str(message)


def told(application) -> list[str]:
    return list(Notification.objects.filter(recipient=application.applicant).values_list("title", flat=True))


def test_acceptance_promises_each_types_own_limit(client_as):
    waste = accepted(client_as)
    assert f"{waste.number} 已受理，将在10个工作日内作出决定。" in told(waste)

    clock.set_now(dt.datetime(2026, 11, 24, 10, tzinfo=dt.UTC))
    web_apply(client_as("applicant"))
    ad = latest_application()
    assert ad_act(client_as("clerk"), ad, PermitFlow.accept, {"decision": "accept"}).status_code == 302
    assert f"{ad.number} 已受理，将在13个工作日内作出决定。" in told(ad)


def test_renewal_and_expiry_texts_name_the_types_object():
    assert zh(ADS.renewal_until_invalid_text) == "延续后的有效期应晚于当前有效期，且不超过该设施类型的最长期限。"
    assert zh(ADS.expiry_text) == "将在30日内到期，请申请延续或拆除设施。"
    assert "设施" not in zh(WASTE.renewal_until_invalid_text) and "设施" not in zh(WASTE.expiry_text)
    assert WASTE.expiry_text != messages.TOLD_EXPIRY and ADS.expiry_text != messages.TOLD_EXPIRY
