"""The licensing kernel's codes in words: audit actions and step decisions (registered at start-up)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from workflows.labels import AUDIT, DECISION, Label, register_labels


def register() -> None:
    from . import forms
    from .selectors import TIMELINE_LABELS

    actions: dict[str, Label] = dict(TIMELINE_LABELS)
    actions.update(
        {
            "permit.renewal.request": _("Renewal requested"),
            "permit.renewal.granted": _("Renewal granted"),
            "permit.renewal.refused": _("Renewal refused"),
            "permit.renewal.deemed": _("Renewal deemed granted"),
            "permit.change.request": _("Change requested"),
            "permit.change.granted": _("Change granted"),
            "permit.change.refused": _("Change refused"),
            "permit.cancellation.granted": _("Cancellation granted"),
            "permit.cancellation.refused": _("Cancellation refused"),
            "permit.cancel": _("Permit cancelled"),
            "permit.expiry.remind": _("Expiry reminder sent"),
        }
    )
    register_labels(AUDIT, actions)
    # Every step form's decision choices: the opinion stores the code, pages show these words.
    decisions: dict[str, Label] = {}
    for form_class in forms.STEP_FORMS:
        field = form_class.base_fields.get("decision")
        for code, text in getattr(field, "choices", []):
            decisions.setdefault(str(code), text)
    register_labels(DECISION, decisions)
