"""Helpers for the waste disposal tests: the application data and its checklist's files."""

from __future__ import annotations

from typing import Any

from construction_waste.licence import CHECKLIST
from tests.outdoor_ads.support import pdf_upload
from workflows.models import County


def waste_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "county": County.objects.get(name="昭阳区").pk,
        "project_name": "昭阳区青禾路安置房二期工程",
        "project_address": "昭阳区青禾路与望江街交叉口东北角",
        "waste_kind": "spoil",
        "volume_m3": "12000.0",
        "transport_company": "昭通远驰渣土运输有限公司",
        "vehicles": "云C·D3821\n云C·D3822",
        "route": "青禾路—望江街—凤霞路—北郊消纳场",
        "disposal_site": "昭阳区北郊建筑垃圾消纳场",
        "period_from": "2026-12-01",
        "period_until": "2027-05-31",
        "contact_phone": "13812345678",
    }
    data.update(overrides)
    return data


def with_materials(data: dict[str, Any], *, as_list: bool = True) -> dict[str, Any]:
    for code, _title, _required in CHECKLIST:
        upload = pdf_upload(f"{code}.pdf")
        data[f"material_{code}"] = [upload] if as_list else upload
    return data
