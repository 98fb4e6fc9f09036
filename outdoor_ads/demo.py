from __future__ import annotations

from workflows.models import County, User

from .models import PermitApplication
from .services import application_submit

DEMO_APPLICATIONS = [
    ("applicant", "wall_sign", "昭阳区珠泉路88号临街外墙"),
    ("applicant2", "led_screen", "昭阳区龙泉路126号楼顶"),
]


def seed() -> None:
    county = County.objects.get(name="昭阳区")
    for username, facility_type, address in DEMO_APPLICATIONS:
        user = User.objects.get(username=username)
        if not PermitApplication.objects.filter(applicant=user).exists():
            application_submit(acting_user=user, county=county, facility_type=facility_type, address=address)
