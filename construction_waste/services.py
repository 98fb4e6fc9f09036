"""Business actions of the waste disposal approval: the application with its own facts.

Every other act of the Licensing Law (acceptance, supplement, review, hearing, extension,
decision, delivery, withdrawal, rating, renewal, change, cancellation) is the kernel's,
``licensing.services``; this app writes none of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction

from licensing.services.intake import application_create
from licensing.uploads import CheckedUpload
from workflows.models import County, User

from .licence import SPEC


@transaction.atomic
def application_submit(
    *,
    acting_user: User,
    county: County,
    project_name: str,
    project_address: str,
    waste_kind: str,
    volume_m3: Decimal,
    transport_company: str,
    vehicles: str,
    route: str,
    disposal_site: str,
    period_from: dt.date | None = None,
    period_until: dt.date | None = None,
    contact_phone: str = "",
    hearing_requested: bool = False,
    uploads: Iterable[tuple[str, CheckedUpload]] = (),
) -> Any:
    """Create the application with the project, waste and transport facts; the process starts at acceptance."""
    return application_create(
        spec=SPEC,
        acting_user=acting_user,
        county=county,
        fields={
            "project_name": project_name,
            "project_address": project_address,
            "waste_kind": waste_kind,
            "volume_m3": volume_m3,
            "transport_company": transport_company,
            "vehicles": vehicles,
            "route": route,
            "disposal_site": disposal_site,
            "period_from": period_from,
            "period_until": period_until,
            "contact_phone": contact_phone,
            "hearing_requested": hearing_requested,
        },
        uploads=uploads,
        audit_data={"waste_kind": waste_kind},
    )
