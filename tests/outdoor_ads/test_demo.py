"""seed_demo gives a newcomer applications in several states and lights, and is idempotent."""

import pytest
from django.core.management import call_command

from outdoor_ads.models import Permit, PermitApplication
from outdoor_ads.services import overall_clock
from workflows.sla.models import Clock

pytestmark = pytest.mark.django_db
Status = PermitApplication.Status


def test_seed_demo_applications_in_different_states():
    call_command("seed_demo")
    statuses = sorted(PermitApplication.objects.values_list("status", flat=True))
    assert statuses == sorted(
        [Status.SUBMITTED, Status.ACCEPTED, Status.SUPPLEMENT, Status.SURVEY, Status.DELIVERED, Status.REFUSED]
    )
    assert Permit.objects.count() == 1
    rooftop = PermitApplication.objects.get(facility_type="rooftop")
    assert overall_clock(rooftop).light in {"yellow", "red"}
    lights = {c.light for c in Clock.objects.filter(stopped_at__isnull=True)}
    assert {"green", "red"} <= lights
    call_command("seed_demo")
    assert PermitApplication.objects.count() == 6
