"""Business actions of the outdoor-advertising permit.

The Licensing Law's acts (acceptance, supplement, review, hearing, extension, decision,
delivery, withdrawal, rating, renewal, change, cancellation) run in the kernel,
``licensing.services``; they are re-exported here so the app's views, steps and API name one
module. What is the ad permit's own is the application form's facility data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from licensing.selectors import hearing_earliest_date, hearing_latest_date, statement_period_open
from licensing.services.acceptance import (
    application_accept_decide,
    application_supplement_answer,
    application_supplement_expire,
    supplements_expire_due,
)
from licensing.services.common import overall_clock, permit_documents, validity_limit
from licensing.services.decision import application_decide, application_deliver, application_withdraw, may_decide
from licensing.services.extension import application_extend, may_extend
from licensing.services.hearing import (
    application_hearing,
    application_hearing_schedule,
    application_hearing_waive,
    application_request_hearing,
    may_waive_hearing,
)
from licensing.services.intake import applicant_register, application_create
from licensing.services.messages import *  # noqa: F403 - the refusal messages tests assert
from licensing.services.parties import party_statement_record
from licensing.services.rating import application_rate, followup_resolve
from licensing.services.registry import (
    expiry_reminders_send,
    permit_cancel,
    permit_request_change,
    permit_request_decide,
    permit_request_renewal,
    renewals_deem_granted,
)
from licensing.services.review import application_countersign, application_review, application_survey
from workflows.models import County, User

from .licence import SPEC, requirement_titles
from .models import FacilityType, PermitApplication
from .uploads import CheckedUpload

__all__ = [
    "applicant_register",
    "application_accept_decide",
    "application_countersign",
    "application_decide",
    "application_deliver",
    "application_extend",
    "application_hearing",
    "application_hearing_schedule",
    "application_hearing_waive",
    "application_rate",
    "application_request_hearing",
    "application_review",
    "application_submit",
    "application_supplement_answer",
    "application_supplement_expire",
    "application_survey",
    "application_withdraw",
    "expiry_reminders_send",
    "followup_resolve",
    "hearing_earliest_date",
    "hearing_latest_date",
    "may_decide",
    "may_extend",
    "may_waive_hearing",
    "overall_clock",
    "party_statement_record",
    "permit_cancel",
    "permit_documents",
    "permit_request_change",
    "permit_request_decide",
    "permit_request_renewal",
    "renewals_deem_granted",
    "requirement_titles",
    "statement_period_open",
    "supplements_expire_due",
    "validity_limit",
]

UNKNOWN_FACILITY_TYPE = _("Unknown facility type.")


@transaction.atomic
def application_submit(
    *,
    acting_user: User,
    county: County,
    facility_type: str,
    address: str,
    longitude: Decimal | None = None,
    latitude: Decimal | None = None,
    width_m: Decimal = Decimal("0"),
    height_m: Decimal = Decimal("0"),
    height_above_ground_m: Decimal = Decimal("0"),
    material: str = "",
    lighting: str = PermitApplication.Lighting.NONE,
    content: str = "",
    period_from: dt.date | None = None,
    period_until: dt.date | None = None,
    contact_phone: str = "",
    hearing_requested: bool = False,
    uploads: Iterable[tuple[str, CheckedUpload]] = (),
) -> PermitApplication:
    """Create the application with its facility data and checked uploads; the process starts at acceptance."""
    if not FacilityType.objects.filter(code=facility_type).exists():
        raise ValidationError({"facility_type": UNKNOWN_FACILITY_TYPE})
    return application_create(  # type: ignore[no-any-return]
        spec=SPEC,
        acting_user=acting_user,
        county=county,
        fields={
            "facility_type": facility_type,
            "address": address,
            "longitude": longitude,
            "latitude": latitude,
            "width_m": width_m,
            "height_m": height_m,
            "height_above_ground_m": height_above_ground_m,
            "material": material,
            "lighting": lighting,
            "content": content,
            "period_from": period_from,
            "period_until": period_until,
            "contact_phone": contact_phone,
            "hearing_requested": hearing_requested,
        },
        uploads=uploads,
        audit_data={"facility_type": facility_type},
    )
