"""Data steps shared by the permit apps' migrations (historical models only, no services).

``supplement_due_to_clocks``: the supplement period used to be a stored date on the
application; it is now a clock (licensing.clocks). Every application still awaiting its
supplement gets an open clock that keeps the date its notice stated, so nothing the applicant
was told changes at the migration; the next holiday-schedule recompute aligns it with the rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from .clocks import SUPPLEMENT


def supplement_due_to_clocks(app_label: str) -> Callable[[Any, Any], None]:
    def forward(apps: Any, schema_editor: Any) -> None:
        from workflows.sla.rules import RULES

        application_model = apps.get_model(app_label, "PermitApplication")
        open_ones = application_model.objects.filter(status="supplement", supplement_due__isnull=False)
        if not open_ones.exists():
            return
        clock_model = apps.get_model("sla", "Clock")
        rule_model = apps.get_model("sla", "ClockRule")
        content_type_model = apps.get_model("contenttypes", "ContentType")
        rule = rule_model.objects.filter(code=SUPPLEMENT).first() or rule_model.objects.create(
            code=SUPPLEMENT, **RULES[SUPPLEMENT].row_values()
        )
        content_type, _created = content_type_model.objects.get_or_create(
            app_label=app_label, model="permitapplication"
        )
        for application in open_ones:
            started_at = application.supplement_requested_at or timezone.make_aware(
                dt.datetime.combine(application.supplement_due, dt.time.min)
            )
            clock_model.objects.create(
                rule=rule,
                content_type=content_type,
                object_id=str(application.pk),
                subject_label=application.number,
                process_code=rule.process_code,
                county_id=application.county_id,
                started_at=started_at,
                start_date=timezone.localtime(started_at).date(),
                due_date=application.supplement_due,
                yellow_date=application.supplement_due,
            )

    return forward


def supplement_clocks_to_due(app_label: str) -> Callable[[Any, Any], None]:
    def backward(apps: Any, schema_editor: Any) -> None:
        application_model = apps.get_model(app_label, "PermitApplication")
        clock_model = apps.get_model("sla", "Clock")
        content_type_model = apps.get_model("contenttypes", "ContentType")
        content_type = content_type_model.objects.filter(app_label=app_label, model="permitapplication").first()
        if content_type is None:
            return
        clocks = clock_model.objects.filter(rule__code=SUPPLEMENT, content_type=content_type).order_by("id")
        for item in clocks:
            application_model.objects.filter(pk=int(item.object_id)).update(supplement_due=item.due_date)

    return backward
