"""Construction-waste disposal approval as a licence type of the kernel (licensing.spec).

What the Licensing Law leaves to the type: the materials of 《城市建筑垃圾管理规定》 art. 7, the
facts printed on the documents, the validity, the document kinds and the neighbour texts.
The law itself runs in ``licensing.services``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from licensing.spec import DocumentKinds, LicenceSpec, NeighbourTexts

from .clocks import ACCEPTANCE_WORKING_DAYS, OVERALL

# (code, title, required): the materials checklist, 《城市建筑垃圾管理规定》 art. 7 and the city's 一次性告知.
CHECKLIST: tuple[tuple[str, str, bool], ...] = (
    ("application_form", "城市建筑垃圾处置核准申请表", True),
    ("licence", "营业执照或法人证书", True),
    ("construction_permit", "建设工程施工许可证或拆除工程备案材料", True),
    ("disposal_plan", "建筑垃圾处置方案（含运输路线、运输时间）", True),
    ("transport_contract", "与运输单位签订的运输合同及运输单位的道路运输经营许可证", True),
    ("vehicle_papers", "运输车辆行驶证及密闭化、定位装置证明", True),
    ("site_consent", "建筑垃圾消纳场所同意受纳的证明", True),
)
# 《城市建筑垃圾管理规定》 sets no term; the city approves for the project's period, at most one year.
MAX_VALIDITY_DAYS = 365
# The kernel's renewal refusal and expiry reminder, in the words of a disposal approval.
RENEWAL_UNTIL_INVALID = _(
    "The renewed disposal period must end after the current one and within the longest period allowed."
)
TOLD_EXPIRY = _("expires within 30 days: apply for renewal or stop disposing of waste under it.")
KIND_ON_PERMIT = {
    "spoil": "工程渣土",
    "slurry": "工程泥浆",
    "construction": "工程垃圾",
    "demolition": "拆除垃圾",
    "renovation": "装修垃圾",
}
NEIGHBOUR_SMS_TEXT = (
    "【{sign}】{address}建设项目拟处置建筑垃圾（申请号{number}），可能直接关系您的重大利益。"
    "您可于{until}前向我局陈述意见。"
)
NEIGHBOUR_HEARING_RIGHT_SMS_TEXT = (
    "【{sign}】{address}建设项目建筑垃圾处置核准（申请号{number}），您作为利害关系人享有要求听证的权利，"
    "可于{deadline}前向我局书面提出，听证告知书已另行送达。"
)
NEIGHBOUR_HEARING_DATE_SMS_TEXT = (
    "【{sign}】{address}建设项目建筑垃圾处置核准（申请号{number}）定于{date}在{place}举行听证，"
    "您作为利害关系人可以参加。"
)


def base_data(application: Any) -> dict[str, Any]:
    return {
        "application_number": application.number,
        "project_name": application.project_name,
        "address": application.project_address,
    }


def permit_data(application: Any, permit: Any = None) -> dict[str, Any]:
    source = permit or application
    return {
        "waste_kind": KIND_ON_PERMIT.get(source.waste_kind, ""),
        "volume": f"{source.volume_m3}立方米",
        "transport_company": source.transport_company,
        "vehicles": source.vehicles,
        "route": source.route,
        "disposal_site": source.disposal_site,
    }


def grant_data(application: Any) -> dict[str, Any]:
    return permit_data(application)


def requirement_titles(application: Any) -> dict[str, str]:
    return {code: title for code, title, _required in CHECKLIST}


SPEC = LicenceSpec(
    app_label="construction_waste",
    title="城市建筑垃圾处置核准",
    url_prefix="waste",
    number_prefix="JZ",
    number_series="waste",
    flow_path="construction_waste.flows.WasteDisposalFlow",
    overall_rule=OVERALL,
    acceptance_working_days=ACCEPTANCE_WORKING_DAYS,
    documents=DocumentKinds(
        acceptance="waste_acceptance",
        supplement="waste_supplement",
        refuse_acceptance="waste_refuse_acceptance",
        hearing_notice="waste_hearing_notice",
        extension="waste_extension",
        grant="waste_grant",
        permit="waste_permit",
        refusal="waste_refusal",
        pause_notice="waste_pause_notice",
    ),
    neighbour_texts=NeighbourTexts(
        statement=NEIGHBOUR_SMS_TEXT,
        hearing_right=NEIGHBOUR_HEARING_RIGHT_SMS_TEXT,
        hearing_date=NEIGHBOUR_HEARING_DATE_SMS_TEXT,
    ),
    base_data=base_data,
    permit_data=permit_data,
    grant_data=grant_data,
    permit_fields=("waste_kind", "volume_m3", "transport_company", "vehicles", "route", "disposal_site"),
    max_validity_days=lambda application: MAX_VALIDITY_DAYS,
    requirement_titles=requirement_titles,
    hearing_flagged_text="该建筑垃圾处置事项直接关系他人重大利益或涉及公共利益",
    review_steps=("review",),
    process_model_name="WasteProcess",
    renewal_until_invalid_text=RENEWAL_UNTIL_INVALID,
    expiry_text=TOLD_EXPIRY,
)
