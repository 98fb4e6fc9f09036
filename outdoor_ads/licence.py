"""The outdoor-advertising facility permit as a licence type of the kernel (licensing.spec).

Everything the Licensing Law leaves to the type is here: the facility data printed on the
documents, the checklist and validity of the facility type (admin data), the survey rule,
the document kinds and the neighbour texts. The law itself runs in ``licensing.services``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from licensing.spec import DocumentKinds, LicenceSpec, NeighbourTexts

from .clocks import ACCEPTANCE_WORKING_DAYS, OVERALL

LIGHTING_ON_PERMIT = {"none": "无照明", "internal": "内透光", "external": "外投光", "self_luminous": "自发光（LED）"}
# The kernel's renewal refusal and expiry reminder, in the words of a facility.
RENEWAL_UNTIL_INVALID = _("The renewed validity must end after the current one and within the facility type's limit.")
TOLD_EXPIRY = _("expires within 30 days: apply for renewal or remove the facility.")
HEARING_FLAGGED_TEXT = "该设施直接关系他人重大利益或涉及公共利益"
# An SMS to a neighbour (not a user of the system); official text, so it stays Chinese.
NEIGHBOUR_SMS_TEXT = (
    "【{sign}】{address}拟设置户外广告设施（申请号{number}），可能直接关系您的重大利益。"
    "您可于{until}前向我局陈述意见。"
)
NEIGHBOUR_HEARING_RIGHT_SMS_TEXT = (
    "【{sign}】{address}拟设置户外广告设施（申请号{number}），您作为利害关系人享有要求听证的权利，"
    "可于{deadline}前向我局书面提出，听证告知书已另行送达。"
)
NEIGHBOUR_HEARING_DATE_SMS_TEXT = (
    "【{sign}】{address}户外广告设施许可申请（申请号{number}）定于{date}在{place}举行听证，您作为利害关系人可以参加。"
)


def base_data(application: Any) -> dict[str, Any]:
    return {
        "application_number": application.number,
        "facility_type": application.facility_name,
        "address": application.address,
    }


def size_text(application: Any) -> str:
    return f"宽{application.width_m}米 × 高{application.height_m}米"


def coordinates_text(application: Any) -> str:
    if application.longitude is None or application.latitude is None:
        return "未提供"
    return f"东经{application.longitude}°，北纬{application.latitude}°"


def permit_data(application: Any, permit: Any = None) -> dict[str, Any]:
    return {
        "coordinates": coordinates_text(application),
        "size": size_text(application),
        "height_above_ground": f"{application.height_above_ground_m}米",
        "material": permit.material if permit else application.material,
        "lighting": LIGHTING_ON_PERMIT.get(permit.lighting if permit else application.lighting, ""),
        "content": permit.content if permit else application.content,
    }


def grant_data(application: Any) -> dict[str, Any]:
    return {"size": size_text(application), "content": application.content}


def max_validity_days(application: Any) -> int:
    facility = application.facility
    return int(facility.max_validity_days) if facility else 3 * 365


def survey_required(application: Any) -> bool:
    facility = application.facility
    height = application.height_above_ground_m
    return bool(facility and facility.requires_survey(area=application.area, height_above_ground=height))


def hearing_by_law(application: Any) -> bool:
    facility = application.facility
    return bool(facility and facility.hearing_required)


def requirement_titles(application: Any) -> dict[str, str]:
    from .models import MaterialRequirement

    return dict(
        MaterialRequirement.objects.filter(facility_type__code=application.facility_type).values_list("code", "title")
    )


SPEC = LicenceSpec(
    app_label="outdoor_ads",
    title="户外广告设施设置许可",
    url_prefix="ads",
    number_prefix="GG",
    number_series="application",
    flow_path="outdoor_ads.flows.PermitFlow",
    overall_rule=OVERALL,
    acceptance_working_days=ACCEPTANCE_WORKING_DAYS,
    documents=DocumentKinds(
        acceptance="ad_acceptance",
        supplement="ad_supplement",
        refuse_acceptance="ad_refuse_acceptance",
        hearing_notice="ad_hearing_notice",
        extension="ad_extension",
        grant="ad_grant",
        permit="ad_permit",
        refusal="ad_refusal",
        pause_notice="ad_pause_notice",
    ),
    neighbour_texts=NeighbourTexts(
        statement=NEIGHBOUR_SMS_TEXT,
        hearing_right=NEIGHBOUR_HEARING_RIGHT_SMS_TEXT,
        hearing_date=NEIGHBOUR_HEARING_DATE_SMS_TEXT,
    ),
    base_data=base_data,
    permit_data=permit_data,
    grant_data=grant_data,
    permit_fields=("content", "material", "lighting"),
    max_validity_days=max_validity_days,
    survey_required=survey_required,
    hearing_by_law=hearing_by_law,
    requirement_titles=requirement_titles,
    hearing_flagged_text=HEARING_FLAGGED_TEXT,
    review_steps=("review", "countersign"),
    hearing_records="outdoor_ads.hearings",
    renewal_until_invalid_text=RENEWAL_UNTIL_INVALID,
    expiry_text=TOLD_EXPIRY,
)
