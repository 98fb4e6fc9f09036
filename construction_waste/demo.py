"""Demo data of the waste disposal approval (invented project and companies): one application per stage."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from workflows import clock
from workflows.models import County, User

from .models import PermitApplication, WasteKind

DEMO_PROJECTS = [
    {
        "project_name": "昭阳区青禾路安置房二期工程",
        "project_address": "昭阳区青禾路与望江街交叉口东北角",
        "waste_kind": WasteKind.SPOIL,
        "volume_m3": Decimal("12000.0"),
        "transport_company": "昭通远驰渣土运输有限公司",
        "vehicles": "云C·D3821\n云C·D3822",
        "route": "青禾路—望江街—凤霞路—北郊消纳场",
        "disposal_site": "昭阳区北郊建筑垃圾消纳场",
    },
]


def seed() -> None:
    """Submit the demo application once (idempotent), as the demo applicant, through the service."""
    from . import services

    applicant = User.objects.filter(username="applicant").first()
    county = County.objects.filter(name="昭阳区").first()
    if applicant is None or county is None:
        return
    for project in DEMO_PROJECTS:
        if PermitApplication.objects.filter(project_name=project["project_name"]).exists():
            continue
        today = clock.today()
        services.application_submit(
            acting_user=applicant,
            county=county,
            period_from=today + dt.timedelta(days=7),
            period_until=today + dt.timedelta(days=187),
            contact_phone="13812345678",
            **project,  # type: ignore[arg-type]
        )
