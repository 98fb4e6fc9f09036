from __future__ import annotations

import pytest
from django.core.management import call_command

from illegal_building import clocks
from illegal_building.models import Act, Case, Challenge
from workflows import clock
from workflows.sla import selectors as sla_selectors

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_cases_at_different_stages_once(demo_users: object, settings: object, tmp_path: object) -> None:
    call_command("seed_demo")
    stages = sorted(Case.objects.values_list("stage", flat=True))
    assert stages == sorted(
        [Case.Stage.REPORTED, Case.Stage.INVESTIGATING, Case.Stage.PRIOR_NOTICE, Case.Stage.DECIDED,
         Case.Stage.ARCHIVED, Case.Stage.PRIOR_NOTICE, Case.Stage.DECIDED]
    )
    fined = Case.objects.get(address="昭阳区示例路15号院内")
    assert fined.correctable and fined.proposed_fine
    notice = Act.objects.get(case=fined, kind=Act.Kind.PRIOR_NOTICE)
    assert notice.fine_amount == fined.proposed_fine and notice.served_at is not None
    waiting = Case.objects.get(address="昭阳区示例街道示例组9号")
    review = Challenge.objects.get(case=waiting)
    assert review.outcome == Challenge.Outcome.UPHELD and review.outcome_served_on is not None
    window = sla_selectors.open_clock(waiting, clocks.LAWSUIT_AFTER_REVIEW)
    assert window is not None and window.due_date >= clock.today()
    call_command("seed_demo")
    assert Case.objects.count() == 7
