"""Every kind of official document the bureau issues, declared in one place.

Adding a kind is one ``DocumentKind`` entry here plus one template
``templates/documents/<code>.html`` (extending ``documents/base.html``). Process apps read
``KINDS[code].required`` to know which ``data`` keys ``document_issue`` expects.

Every kind also accepts the optional data key ``holder_type`` ("person" or "organisation"):
the public verification page masks a person's name; without it, names ending like an
organisation (…公司, …合作社) are shown and everything else is masked.

Document numbers (文号) read ``<agency prefix><kind code>〔<year>〕<n>号``, e.g.
``鲁住建广许〔2026〕12号``: the agency prefix belongs to the issuing authority (data, see
``IssuingAuthority``: which authority issues for a county and kind is admin data), the kind
code to the document kind, and ``n`` runs per printed prefix and year.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ADS = "ads"
CASES = "cases"
WASTE = "waste"
# Processes whose documents are licences: the public verification page shows where they apply.
LICENCES = (ADS, WASTE)

@dataclass(frozen=True)
class DocumentKind:
    code: str
    title: str
    number_code: str
    process: str
    issuing_roles: tuple[str, ...]
    # data keys document_issue refuses to go without; lists are allowed where noted in the template
    required: tuple[str, ...]
    optional: tuple[str, ...] = field(default=())
    # decisions that can be challenged carry the review (60 days) / lawsuit (6 months) notice
    rights_notice: bool = False
    # permits and grants run for a period: valid_from/valid_until are required
    has_validity: bool = False
    # records (笔录, 回证, 报告) are signed by people on the page, not sealed by the bureau
    sealed: bool = True

    @property
    def template(self) -> str:
        return f"documents/{self.code}.html"

    def number_prefix(self, agency_prefix: str) -> str:
        return f"{agency_prefix}{self.number_code}"

    def format_number(self, agency_prefix: str, year: int, sequence: int) -> str:
        return f"{self.number_prefix(agency_prefix)}〔{year}〕{sequence}号"


_AD_BASE = ("application_number", "facility_type", "address")
_WASTE_BASE = ("application_number", "project_name", "address")
_WASTE_PERMIT = ("waste_kind", "volume", "transport_company", "vehicles", "route", "disposal_site")
_CASE_DECISION = ("case_number", "party_address", "address", "facts", "evidence", "legal_basis", "deadline")

_KIND_LIST = [
    # --- outdoor-advertising permits (domain §2) ---
    DocumentKind(
        code="ad_acceptance",
        title="受理通知书",
        number_code="广受",
        process=ADS,
        issuing_roles=("clerk", "chief"),
        required=(*_AD_BASE, "submitted_on", "accepted_on", "due_on"),
        optional=("statutory_due_on", "materials_complete_on"),
    ),
    DocumentKind(
        code="ad_supplement",
        title="补正材料通知书",
        number_code="广补",
        process=ADS,
        issuing_roles=("clerk", "chief"),
        # missing_items: a list of strings, every missing item at once (一次性告知)
        required=(*_AD_BASE, "submitted_on", "missing_items", "supplement_deadline"),
    ),
    DocumentKind(
        code="ad_refuse_acceptance",
        title="不予受理通知书",
        number_code="广不受",
        process=ADS,
        issuing_roles=("clerk", "chief"),
        required=(*_AD_BASE, "submitted_on", "reason", "competent_authority"),
        rights_notice=True,
    ),
    DocumentKind(
        code="ad_hearing_notice",
        title="听证告知书",
        number_code="广听",
        process=ADS,
        issuing_roles=("reviewer", "chief"),
        required=(*_AD_BASE, "hearing_reason", "request_deadline"),
        optional=("contact", "party"),
    ),
    DocumentKind(
        code="ad_extension",
        title="延长审查期限告知书",
        number_code="广延",
        process=ADS,
        issuing_roles=("leader",),
        required=(*_AD_BASE, "accepted_on", "extension_days", "reason", "new_due_on"),
    ),
    DocumentKind(
        # ALL art. 45: the time a tender, auction, inspection, testing, quarantine, appraisal or
        # expert review needs is excluded from the limit; the applicant is told in writing how long.
        code="ad_pause_notice",
        title="特别程序告知书",
        number_code="广特",
        process=ADS,
        issuing_roles=("reviewer", "chief"),
        required=(*_AD_BASE, "procedure", "reason", "started_on", "expected_working_days", "expected_until"),
    ),
    DocumentKind(
        # ALL art. 48: the time and place, at least 7 days ahead, to the applicant and every 利害关系人.
        code="ad_hearing_schedule",
        title="听证通知书",
        number_code="广听通",
        process=ADS,
        issuing_roles=("chief",),
        required=(*_AD_BASE, "hearing_date", "place"),
        optional=("requested_on", "party", "contact", "reschedule_reason"),
    ),
    DocumentKind(
        code="ad_grant",
        title="准予行政许可决定书",
        number_code="广许",
        process=ADS,
        issuing_roles=("chief",),
        required=(*_AD_BASE, "size", "content"),
        optional=("permit_number", "reasons", "conditions"),
        has_validity=True,
    ),
    DocumentKind(
        code="ad_permit",
        title="户外广告设施设置许可证",
        number_code="广证",
        process=ADS,
        issuing_roles=("chief",),
        required=(
            *_AD_BASE,
            "coordinates",
            "size",
            "height_above_ground",
            "material",
            "lighting",
            "content",
        ),
        optional=("safety_duties",),
        has_validity=True,
    ),
    DocumentKind(
        code="ad_refusal",
        title="不予行政许可决定书",
        number_code="广不许",
        process=ADS,
        issuing_roles=("chief",),
        required=(*_AD_BASE, "submitted_on", "reasons"),
        rights_notice=True,
    ),
    # --- construction-waste disposal approvals (城市建筑垃圾处置核准) ---
    DocumentKind(
        code="waste_acceptance",
        title="受理通知书",
        number_code="建垃受",
        process=WASTE,
        issuing_roles=("clerk", "chief"),
        required=(*_WASTE_BASE, "submitted_on", "accepted_on", "due_on"),
        optional=("statutory_due_on", "materials_complete_on"),
    ),
    DocumentKind(
        code="waste_supplement",
        title="补正材料通知书",
        number_code="建垃补",
        process=WASTE,
        issuing_roles=("clerk", "chief"),
        required=(*_WASTE_BASE, "submitted_on", "missing_items", "supplement_deadline"),
    ),
    DocumentKind(
        code="waste_refuse_acceptance",
        title="不予受理通知书",
        number_code="建垃不受",
        process=WASTE,
        issuing_roles=("clerk", "chief"),
        required=(*_WASTE_BASE, "submitted_on", "reason", "competent_authority"),
        rights_notice=True,
    ),
    DocumentKind(
        code="waste_hearing_notice",
        title="听证告知书",
        number_code="建垃听",
        process=WASTE,
        issuing_roles=("chief", "waste_reviewer"),
        required=(*_WASTE_BASE, "hearing_reason", "request_deadline"),
        optional=("contact", "party"),
    ),
    DocumentKind(
        code="waste_extension",
        title="延长审查期限告知书",
        number_code="建垃延",
        process=WASTE,
        issuing_roles=("leader",),
        required=(*_WASTE_BASE, "accepted_on", "extension_days", "reason", "new_due_on"),
    ),
    DocumentKind(
        # ALL art. 45 (see ad_pause_notice): the same written notice for a disposal approval.
        code="waste_pause_notice",
        title="特别程序告知书",
        number_code="建垃特",
        process=WASTE,
        issuing_roles=("chief", "waste_reviewer"),
        required=(*_WASTE_BASE, "procedure", "reason", "started_on", "expected_working_days", "expected_until"),
    ),
    DocumentKind(
        code="waste_grant",
        title="准予行政许可决定书",
        number_code="建垃许",
        process=WASTE,
        issuing_roles=("chief",),
        required=(*_WASTE_BASE, *_WASTE_PERMIT),
        optional=("permit_number", "reasons", "conditions"),
        has_validity=True,
    ),
    DocumentKind(
        code="waste_permit",
        title="城市建筑垃圾处置核准证",
        number_code="建垃证",
        process=WASTE,
        issuing_roles=("chief",),
        required=(*_WASTE_BASE, *_WASTE_PERMIT),
        has_validity=True,
    ),
    DocumentKind(
        code="waste_refusal",
        title="不予行政许可决定书",
        number_code="建垃不许",
        process=WASTE,
        issuing_roles=("chief",),
        required=(*_WASTE_BASE, "submitted_on", "reasons"),
        rights_notice=True,
    ),
    # --- illegal-construction cases (domain §3) ---
    DocumentKind(
        code="case_site_inspection",
        title="现场检查笔录",
        number_code="建检",
        process=CASES,
        issuing_roles=("officer", "squadlead", "patrol"),
        # officers: list of "name（执法证号 …）", at least two (domain §0)
        required=("case_number", "address", "inspected_at", "officers", "findings"),
        optional=("present_person", "photos"),
        sealed=False,
    ),
    DocumentKind(
        code="case_stop_order",
        title="责令停止违法行为通知书",
        number_code="责停",
        process=CASES,
        issuing_roles=("officer", "squadlead"),
        required=("case_number", "address", "facts", "legal_basis", "permit_deadline"),
        optional=("officers",),
    ),
    DocumentKind(
        code="case_prior_notice",
        title="行政处罚事先告知书",
        number_code="罚告",
        process=CASES,
        issuing_roles=("officer", "squadlead", "chief"),
        required=(
            "case_number",
            "address",
            "facts",
            "evidence",
            "proposed_decision",
            "legal_basis",
            "defence_deadline",
        ),
        # hearing_deadline: only for heavy penalties (APL art. 63)
        optional=("hearing_deadline", "contact"),
    ),
    DocumentKind(
        code="case_legal_review",
        title="法制审核意见书",
        number_code="法审",
        process=CASES,
        issuing_roles=("legal",),
        required=("case_number", "proposed_decision", "reviewed_items", "opinion", "conclusion"),
    ),
    DocumentKind(
        code="case_correction_decision",
        title="责令限期改正决定书",
        number_code="责改",
        process=CASES,
        issuing_roles=("squadlead", "chief", "leader"),
        required=(*_CASE_DECISION, "correction"),
        optional=("fine",),
        rights_notice=True,
    ),
    DocumentKind(
        code="case_demolition_decision",
        title="责令限期拆除决定书",
        number_code="责拆",
        process=CASES,
        issuing_roles=("squadlead", "chief", "leader"),
        required=_CASE_DECISION,
        rights_notice=True,
    ),
    DocumentKind(
        code="case_service_record",
        title="送达回证",
        number_code="送达",
        process=CASES,
        issuing_roles=("officer", "squadlead"),
        required=(
            "case_number",
            "served_document",
            "service_method",
            "served_at",
            "served_place",
            "recipient",
            "servers",
        ),
        optional=("note",),
        sealed=False,
    ),
    DocumentKind(
        code="case_reminder",
        title="催告书",
        number_code="催告",
        process=CASES,
        issuing_roles=("officer", "squadlead", "chief"),
        required=("case_number", "decision_number", "address", "obligations", "deadline"),
    ),
    DocumentKind(
        code="case_coercive_decision",
        title="强制拆除决定书",
        number_code="强拆决",
        process=CASES,
        issuing_roles=("leader",),
        required=("case_number", "decision_number", "address", "facts", "legal_basis", "execution_date"),
        rights_notice=True,
    ),
    DocumentKind(
        code="case_announcement",
        title="强制拆除公告",
        number_code="强拆告",
        process=CASES,
        issuing_roles=("leader",),
        required=("case_number", "decision_number", "address", "final_deadline", "execution_date"),
    ),
    DocumentKind(
        code="case_closing_report",
        title="结案报告",
        number_code="结案",
        process=CASES,
        issuing_roles=("officer", "squadlead"),
        required=("case_number", "address", "summary", "outcome"),
        optional=("approved_by",),
        sealed=False,
    ),
    # --- any process: a served document stated a time limit that a holiday schedule has since
    # moved (workflows.sla.signals.deadline_moved); the process app issues this to the party ---
    DocumentKind(
        code="deadline_correction",
        title="期限更正通知书",
        number_code="期更",
        process="shared",
        issuing_roles=("clerk", "chief", "officer", "squadlead"),
        required=("original_number", "original_title", "period", "old_deadline", "new_deadline", "reason"),
    ),
]

KINDS: dict[str, DocumentKind] = {kind.code: kind for kind in _KIND_LIST}


def get_kind(code: str) -> DocumentKind:
    return KINDS[code]
