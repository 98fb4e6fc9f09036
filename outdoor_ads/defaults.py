"""Default facility types and their materials checklist.

Created after every migrate (and after a test flush) only where a type is missing, so rows
edited in the admin are never overwritten: the rules are data, these are just the first data.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

COMMON = [
    ("application_form", "户外广告设施设置申请表", True),
    ("licence", "营业执照或身份证明", True),
    ("site_right", "场地（建筑物）使用权证明（租赁合同或产权证明）", True),
    ("design", "设计图、效果图及位置示意图", True),
]
SAFETY = ("safety", "结构安全及维护管理方案", True)
SAFETY_OPTIONAL = ("safety", "结构安全及维护管理方案", False)
PLANNING = ("planning", "建设工程规划许可证（需要时）", False)

# code, name, validity days, survey always, survey from area (m²), from height (m), hearing, checklist
FACILITY_TYPES: list[tuple[Any, ...]] = [
    ("wall_sign", "墙面招牌", 3 * 365, False, Decimal("10"), Decimal("10"), False, [*COMMON, SAFETY_OPTIONAL]),
    ("rooftop", "楼顶广告", 3 * 365, True, None, None, False, [*COMMON, SAFETY, PLANNING]),
    ("free_standing", "落地式独立广告", 3 * 365, True, None, None, False, [*COMMON, SAFETY, PLANNING]),
    ("led_screen", "LED电子显示屏", 6 * 365, True, None, None, False, [*COMMON, SAFETY]),
    ("temporary_banner", "临时性横幅、条幅", 15, False, None, None, False, COMMON[:3]),
]


def ensure_facility_types(**kwargs: Any) -> None:
    from .models import FacilityType, MaterialRequirement

    for order, (code, name, days, always, area, height, hearing, checklist) in enumerate(FACILITY_TYPES, start=1):
        facility, created = FacilityType.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "max_validity_days": days,
                "survey_always": always,
                "survey_min_area": area,
                "survey_min_height": height,
                "hearing_required": hearing,
                "order": order,
            },
        )
        if created:
            for position, (item, title, required) in enumerate(checklist, start=1):
                MaterialRequirement.objects.create(
                    facility_type=facility, code=item, title=title, required=required, order=position
                )
