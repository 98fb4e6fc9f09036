"""Which served case documents state a clock's date (the engine's quote finder, see
``workflows.documents.corrections``): registered in ``AppConfig.ready``.

The stop order, the prior notice and the reminder state the party's period from its clock and
record that clock in their data (``paperwork.issue_act``). When a holiday schedule moves the
clock, the document is corrected only if its act was served on the party (an unserved document
has told nobody anything). The party has no account: the officer who issued the original is
told, because the correction notice has to be served like the original.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from workflows.documents.corrections import Quote, documents_quoting, recorded_quotes

from .models import Act, Case

# What each field calls the period on paper (official text, so it stays Chinese).
PERIOD_ON_PAPER = {
    "permit_deadline": "提交建设工程规划许可证等证明文件的期限",
    "defence_deadline": "陈述、申辩的期限",
    "hearing_deadline": "要求听证的期限",
    "deadline": "履行期限",
}


def case_quotes(clock: Any) -> list[Quote]:
    if clock.content_type.model_class() is not Case:
        return []
    case = clock.subject
    if case is None:
        return []
    documents = list(documents_quoting(case, clock).select_related("county", "authority", "issued_by"))
    if not documents:
        return []
    served = set(
        Act.objects.filter(
            case=case, document_number__in=[d.number for d in documents], served_at__isnull=False, revoked_at=None
        ).values_list("document_number", flat=True)
    )
    return [
        Quote(
            document=document,
            field=field,
            which=which,
            period=PERIOD_ON_PAPER.get(field, clock.rule.display_title),
            recipients=[document.issued_by] if document.issued_by else [],
            url=reverse("cases:case_detail", kwargs={"pk": case.pk}),
        )
        for document in documents
        if document.number in served
        for field, which in recorded_quotes(document, clock)
    ]
