"""Which licence documents state the decision clock's dates (the engine's quote finder, see
``workflows.documents.corrections``): registered once in ``LicensingConfig.ready`` for every type.

The acceptance notice states the promised and the statutory decision dates of the overall
clock, the extension notice the extended statutory date. Permit documents are delivered to the
applicant online when issued, so every valid one counts as served. A document that recorded its
clocks (``quoting``) is matched by them; older ones by kind and field. The engine corrects only a
document whose stated date is exactly the one that moved, so the acceptance notice's statutory
date is left alone once an extension notice has stated a later one.
"""

from __future__ import annotations

from typing import Any

from workflows.documents.corrections import DUE, STATUTORY_DUE, Quote, recorded_quotes
from workflows.documents.models import IssuedDocument
from workflows.documents.selectors import documents_for

from .clocks import SUPPLEMENT
from .spec import LicenceSpec, all_specs

ACCEPTANCE_STATES = (
    ("due_on", DUE, "承诺作出行政许可决定的期限"),
    ("statutory_due_on", STATUTORY_DUE, "法定作出行政许可决定的期限"),
)
EXTENSION_STATES = (("new_due_on", STATUTORY_DUE, "延长后作出行政许可决定的期限"),)
SUPPLEMENT_STATES = (("supplement_deadline", DUE, "补正申请材料的期限"),)


def stated(spec: LicenceSpec, rule: str) -> dict[str, tuple[tuple[str, str, str], ...]]:
    """kind -> (data field, which date of the ``rule`` clock, what the period is called on paper)."""
    if rule == SUPPLEMENT:
        return {spec.documents.supplement: SUPPLEMENT_STATES}
    return {spec.documents.acceptance: ACCEPTANCE_STATES, spec.documents.extension: EXTENSION_STATES}


def application_quotes(clock: Any) -> list[Quote]:
    spec = next(
        (
            s
            for s in all_specs()
            if clock.rule.code in (s.overall_rule, SUPPLEMENT)
            and clock.content_type.model_class() is s.application_model
        ),
        None,
    )
    if spec is None:
        return []
    application = clock.subject
    if application is None:
        return []
    kinds = stated(spec, clock.rule.code)
    periods = {field: period for fields in kinds.values() for field, _which, period in fields}
    documents = documents_for(application).filter(kind__in=list(kinds), status=IssuedDocument.Status.VALID)
    quotes = []
    for document in documents.select_related("county", "authority"):
        pairs = recorded_quotes(document, clock) or [(field, which) for field, which, _p in kinds[document.kind]]
        quotes += [
            Quote(
                document=document,
                field=field,
                which=which,
                period=periods.get(field, str(clock.rule.display_title)),
                recipients=[application.applicant],
                url=spec.application_url(application),
            )
            for field, which in pairs
        ]
    return quotes
