"""Invented sample data for every kind (no real people or companies): used by
``render_sample_documents`` for review by legal staff, by the tests and by the benchmark."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Sample:
    holder_name: str
    data: dict[str, Any]
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    extra: dict[str, Any] = field(default_factory=dict)


_COMPANY = "昭通星辰广告传媒有限公司"
_PERSON = "覃永福"
_AD = {
    "application_number": "GG2026000118",
    "facility_type": "墙面招牌",
    "address": "昭阳区珠泉路88号星辰大厦东立面",
}
_WASTE_COMPANY = "昭通青禾置业有限公司"
_WASTE = {
    "application_number": "JZ2026530602000007",
    "project_name": "昭阳区青禾路安置房二期工程",
    "address": "昭阳区青禾路与望江街交叉口东北角",
}
_WASTE_PERMIT = {
    "waste_kind": "工程渣土",
    "volume": "12000.0立方米",
    "transport_company": "昭通远驰渣土运输有限公司",
    "vehicles": "云C·D3821、云C·D3822",
    "route": "青禾路—望江街—凤霞路—北郊消纳场",
    "disposal_site": "昭阳区北郊建筑垃圾消纳场",
}
_CASE = {"case_number": "ZYWJ2026-0042", "address": "昭阳区太平街道凤凰村三社17号屋顶"}
_OFFICERS = ["甘立峰（执法证号：云530602-10021）", "习南星（执法证号：云530602-10022）"]
_BASIS = "《中华人民共和国城乡规划法》第四十条第一款、第六十四条"

SAMPLES: dict[str, Sample] = {
    "ad_acceptance": Sample(
        _COMPANY,
        {
            **_AD,
            "submitted_on": "2026-03-02",
            "accepted_on": "2026-03-04",
            "due_on": "2026-03-19",
            "statutory_due_on": "2026-03-31",
        },
    ),
    "ad_supplement": Sample(
        _COMPANY,
        {
            **_AD,
            "submitted_on": "2026-03-02",
            "supplement_deadline": "2026-03-16",
            "missing_items": [
                "设置场地的使用权证明（租赁合同或者产权证明）",
                "设施结构安全及维护方案",
                "设计效果图和位置示意图",
            ],
        },
    ),
    "ad_refuse_acceptance": Sample(
        _COMPANY,
        {
            **_AD,
            "submitted_on": "2026-03-02",
            "reason": "申请设置的设施位于高速公路建筑控制区内，不属于本机关职权范围",
            "competent_authority": "云南省交通运输厅公路局昭通分局",
        },
    ),
    "ad_hearing_notice": Sample(
        _COMPANY,
        {
            **_AD,
            "hearing_reason": "因设施的照明可能直接影响相邻住户的重大利益",
            "request_deadline": "2026-03-13",
            "contact": "0870-2123456（户外广告审批窗口）",
        },
    ),
    "ad_extension": Sample(
        _COMPANY,
        {
            **_AD,
            "accepted_on": "2026-03-04",
            "extension_days": 10,
            "reason": "需对设施结构安全作进一步核查",
            "new_due_on": "2026-04-15",
        },
    ),
    "ad_pause_notice": Sample(
        _COMPANY,
        {
            **_AD,
            "procedure": "专家评审",
            "reason": "设施结构高度超过十米，需组织结构安全专家评审",
            "started_on": "2026-03-10",
            "expected_working_days": 10,
            "expected_until": "2026-03-24",
        },
    ),
    "ad_hearing_schedule": Sample(
        _COMPANY,
        {
            **_AD,
            "hearing_date": "2026-03-30",
            "place": "昭阳区城市管理局三楼听证室",
            "requested_on": "2026-03-12",
            "contact": "0870-2123456（户外广告审批窗口）",
        },
    ),
    "ad_grant": Sample(
        _COMPANY,
        {
            **_AD,
            "size": "宽8.0米 × 高2.5米",
            "content": "星辰传媒企业形象标识",
            "permit_number": "昭住建广证〔2026〕7号",
        },
        valid_from=dt.date(2026, 3, 20),
        valid_until=dt.date(2029, 3, 19),
    ),
    "ad_permit": Sample(
        _COMPANY,
        {
            **_AD,
            "coordinates": "东经103.7172°，北纬27.3381°",
            "size": "宽8.0米 × 高2.5米",
            "height_above_ground": "6.5米",
            "material": "铝塑板面层、镀锌钢骨架",
            "lighting": "内置LED光源，22时后关闭",
            "content": "星辰传媒企业形象标识",
        },
        valid_from=dt.date(2026, 3, 20),
        valid_until=dt.date(2029, 3, 19),
    ),
    "ad_refusal": Sample(
        _COMPANY,
        {
            **_AD,
            "submitted_on": "2026-03-02",
            "reasons": [
                "拟设置位置位于历史文化街区核心保护范围内，不符合户外广告设施设置规划",
                "设施遮挡相邻建筑采光窗口",
            ],
        },
    ),
    "waste_acceptance": Sample(
        _WASTE_COMPANY,
        {**_WASTE, "submitted_on": "2026-03-02", "accepted_on": "2026-03-04", "due_on": "2026-03-18"},
    ),
    "waste_supplement": Sample(
        _WASTE_COMPANY,
        {
            **_WASTE,
            "submitted_on": "2026-03-02",
            "supplement_deadline": "2026-03-16",
            "missing_items": ["建筑垃圾消纳场所同意受纳的证明"],
        },
    ),
    "waste_refuse_acceptance": Sample(
        _WASTE_COMPANY,
        {
            **_WASTE,
            "submitted_on": "2026-03-02",
            "reason": "申请处置的为危险废物，不属于建筑垃圾处置核准事项",
            "competent_authority": "昭通市生态环境局",
        },
    ),
    "waste_hearing_notice": Sample(
        _WASTE_COMPANY,
        {
            **_WASTE,
            "hearing_reason": "运输路线途经居民区，可能直接关系沿线居民的重大利益",
            "request_deadline": "2026-03-13",
        },
    ),
    "waste_extension": Sample(
        _WASTE_COMPANY,
        {
            **_WASTE,
            "accepted_on": "2026-03-04",
            "extension_days": 10,
            "reason": "需核查消纳场所的剩余容量",
            "new_due_on": "2026-04-15",
        },
    ),
    "waste_pause_notice": Sample(
        _WASTE_COMPANY,
        {
            **_WASTE,
            "procedure": "检测",
            "reason": "需检测拟处置工程渣土是否含有有害物质",
            "started_on": "2026-03-10",
            "expected_working_days": 5,
            "expected_until": "2026-03-17",
        },
    ),
    "waste_grant": Sample(
        _WASTE_COMPANY,
        {**_WASTE, **_WASTE_PERMIT, "permit_number": "昭住建建垃证〔2026〕3号"},
        valid_from=dt.date(2026, 3, 20),
        valid_until=dt.date(2029, 3, 19),
    ),
    "waste_permit": Sample(
        _WASTE_COMPANY,
        {**_WASTE, **_WASTE_PERMIT},
        valid_from=dt.date(2026, 3, 20),
        valid_until=dt.date(2029, 3, 19),
    ),
    "waste_refusal": Sample(
        _WASTE_COMPANY,
        {**_WASTE, "submitted_on": "2026-03-02", "reasons": ["申报的消纳场所已无剩余受纳容量"]},
    ),
    "case_site_inspection": Sample(
        _PERSON,
        {
            **_CASE,
            "inspected_at": "2026-03-05T10:20:00+08:00",
            "officers": _OFFICERS,
            "present_person": "覃永福（当事人本人）",
            "findings": (
                "现场发现当事人在其住宅屋顶新建砖混结构房屋一间，长约8.2米、宽约5.6米、高约3.1米，"
                "正在砌筑墙体，未能出示建设工程规划许可证。"
            ),
            "photos": "现场拍摄照片6张、视频1段，已存入案卷",
        },
    ),
    "case_stop_order": Sample(
        _PERSON,
        {
            **_CASE,
            "facts": "未取得建设工程规划许可证，擅自在住宅屋顶新建砖混结构房屋，建筑面积约46平方米",
            "legal_basis": _BASIS,
            "permit_deadline": "2026-03-10",
            "officers": _OFFICERS,
        },
    ),
    "case_prior_notice": Sample(
        _PERSON,
        {
            **_CASE,
            "facts": "未取得建设工程规划许可证，擅自在住宅屋顶新建砖混结构房屋，建筑面积约46平方米",
            "evidence": ["现场检查笔录及现场照片", "询问笔录", "规划主管部门出具的不能采取改正措施的意见"],
            "legal_basis": _BASIS,
            "proposed_decision": "责令于十五日内自行拆除违法建设",
            "defence_deadline": "2026-03-25",
            "hearing_deadline": "2026-03-25",
            "contact": "0870-2123457（执法中队）",
        },
    ),
    "case_legal_review": Sample(
        _PERSON,
        {
            "case_number": _CASE["case_number"],
            "proposed_decision": "责令于十五日内自行拆除违法建设",
            "reviewed_items": [
                "执法主体、执法人员资格是否合法",
                "案件事实是否清楚，证据是否确实充分",
                "适用法律依据是否准确",
                "程序是否合法",
                "处理决定是否适当",
            ],
            "opinion": (
                "执法主体合法，执法人员均持有效执法证件；违法事实清楚，证据确实充分；"
                "适用法律正确；已依法履行告知程序。"
            ),
            "conclusion": "同意作出责令限期拆除决定",
        },
    ),
    "case_correction_decision": Sample(
        _PERSON,
        {
            **_CASE,
            "party_address": "昭阳区太平街道凤凰村三社17号",
            "facts": "未按照建设工程规划许可证的规定进行建设，擅自增加建筑层高0.8米",
            "evidence": ["现场检查笔录及现场照片", "询问笔录", "规划主管部门出具的可以采取改正措施的意见"],
            "legal_basis": "《中华人民共和国城乡规划法》第六十四条",
            "deadline": "2026-04-30",
            "correction": "按照建设工程规划许可证的规定改正",
            "fine": 12000,
        },
    ),
    "case_demolition_decision": Sample(
        _PERSON,
        {
            **_CASE,
            "party_address": "昭阳区太平街道凤凰村三社17号",
            "facts": "未取得建设工程规划许可证，擅自在住宅屋顶新建砖混结构房屋，建筑面积约46平方米",
            "evidence": ["现场检查笔录及现场照片", "询问笔录", "规划主管部门出具的不能采取改正措施的意见"],
            "legal_basis": _BASIS,
            "deadline": "2026-04-15",
        },
    ),
    "case_service_record": Sample(
        _PERSON,
        {
            "case_number": _CASE["case_number"],
            "served_document": "责令限期拆除决定书（昭住建责拆〔2026〕3号）",
            "service_method": "直接送达",
            "served_at": "2026-03-31T15:10:00+08:00",
            "served_place": "昭阳区太平街道凤凰村三社17号",
            "recipient": "覃永福（受送达人本人）",
            "servers": _OFFICERS,
        },
    ),
    "case_reminder": Sample(
        _PERSON,
        {
            **_CASE,
            "decision_number": "昭住建责拆〔2026〕3号",
            "obligations": "自行拆除位于上述地点的违法建设，恢复屋顶原状",
            "deadline": "2026-10-26",
        },
    ),
    "case_coercive_decision": Sample(
        _PERSON,
        {
            **_CASE,
            "party_address": "昭阳区太平街道凤凰村三社17号",
            "decision_number": "昭住建责拆〔2026〕3号",
            "facts": "你在法定期限内未申请行政复议或者提起行政诉讼，经催告后仍未自行拆除",
            "legal_basis": "《中华人民共和国行政强制法》第三十七条、第四十四条和《中华人民共和国城乡规划法》第六十八条",
            "execution_date": "2026-11-20",
        },
    ),
    "case_announcement": Sample(
        _PERSON,
        {
            **_CASE,
            "decision_number": "昭住建责拆〔2026〕3号",
            "final_deadline": "2026-11-16",
            "execution_date": "2026-11-20",
        },
    ),
    "case_closing_report": Sample(
        _PERSON,
        {
            **_CASE,
            "summary": (
                "2026年3月5日巡查发现，当日立案并责令停止建设；经调查、事先告知和法制审核，"
                "于3月31日作出责令限期拆除决定并直接送达。"
            ),
            "outcome": "当事人于2026年4月12日自行拆除违法建设，经现场复查确认拆除完毕。",
            "approved_by": "柏承志",
        },
    ),
    "deadline_correction": Sample(
        _COMPANY,
        {
            "original_number": "昭住建广受〔2026〕118号",
            "original_title": "受理通知书",
            "period": "作出行政许可决定的期限",
            "old_deadline": "2027-01-08",
            "new_deadline": "2027-01-11",
            "reason": "国务院办公厅公布的2027年部分节假日安排",
        },
    ),
}
