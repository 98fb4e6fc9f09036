from __future__ import annotations

import pytest
from django.core.management import call_command

from illegal_building.models import Case

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_cases_at_different_stages_once(demo_users: object, settings: object, tmp_path: object) -> None:
    call_command("seed_demo")
    stages = sorted(Case.objects.values_list("stage", flat=True))
    assert stages == sorted(
        [Case.Stage.REPORTED, Case.Stage.INVESTIGATING, Case.Stage.PRIOR_NOTICE, Case.Stage.DECIDED,
         Case.Stage.ARCHIVED]
    )
    call_command("seed_demo")
    assert Case.objects.count() == 5
