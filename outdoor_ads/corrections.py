"""Which permit documents state the decision clock's dates (the engine's quote finder, see
``workflows.documents.corrections``): registered in ``AppConfig.ready``.

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

from .clocks import OVERALL
from .models import PermitApplication

# kind -> (data field, which date of the overall clock, what the period is called on paper)
STATED: dict[str, tuple[tuple[str, str, str], ...]] = {
    "ad_acceptance": (
        ("due_on", DUE, "承诺作出行政许可决定的期限"),
        ("statutory_due_on", STATUTORY_DUE, "法定作出行政许可决定的期限"),
    ),
    "ad_extension": (("new_due_on", STATUTORY_DUE, "延长后作出行政许可决定的期限"),),
}


def application_quotes(clock: Any) -> list[Quote]:
    if clock.rule.code != OVERALL or clock.content_type.model_class() is not PermitApplication:
        return []
    application = clock.subject
    if application is None:
        return []
    periods = {field: period for fields in STATED.values() for field, _which, period in fields}
    documents = documents_for(application).filter(kind__in=list(STATED), status=IssuedDocument.Status.VALID)
    quotes = []
    for document in documents.select_related("county", "authority"):
        pairs = recorded_quotes(document, clock) or [(field, which) for field, which, _p in STATED[document.kind]]
        quotes += [
            Quote(
                document=document,
                field=field,
                which=which,
                period=periods.get(field, str(clock.rule.display_title)),
                recipients=[application.applicant],
                url=f"/ads/applications/{application.pk}/",
            )
            for field, which in pairs
        ]
    return quotes
