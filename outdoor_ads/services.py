from __future__ import annotations

from django.db import transaction

from workflows import audit, clock
from workflows.jurisdiction import open_to_county, open_to_owner
from workflows.models import County, User

from .models import PermitApplication


def _next_number() -> str:
    year = clock.today().year
    count = PermitApplication.objects.filter(number__startswith=f"GG{year}").count()
    return f"GG{year}{count + 1:06d}"


@transaction.atomic
def application_submit(
    *, acting_user: User, county: County, facility_type: str, address: str
) -> PermitApplication:
    application = PermitApplication.objects.create(
        number=_next_number(),
        applicant=acting_user,
        county=county,
        facility_type=facility_type,
        address=address,
    )
    open_to_county(application)
    open_to_owner(application, acting_user)
    audit.record(actor=acting_user, action="application.submit", obj=application)
    return application
