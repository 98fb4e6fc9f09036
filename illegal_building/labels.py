"""The case app's audit actions in words (registered at start-up)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from workflows.labels import AUDIT, PROCESS, Label, register_labels


def register() -> None:
    from .models import Act

    actions: dict[str, Label] = {
        "case.report": _("Reported"),
        "case.verify": _("Report verified"),
        "case.file": _("Case filed"),
        "case.site_check": _("Site inspection"),
        "case.inquiry": _("Inquiry record"),
        "case.measurement": _("Measurement"),
        "case.planning_opinion": _("Planning opinion"),
        "case.evidence": _("Evidence file"),
        "case.appraisal": _("Appraisal pause"),
        "case.investigated": _("Investigation concluded"),
        "case.serve": _("Record of service"),
        "case.defence": _("Statement and defence"),
        "case.hearing_request": _("Hearing requested"),
        "case.hearing": _("Hearing"),
        "case.legal_review": _("Legal review"),
        "case.collective_discussion": _("Collective discussion"),
        "case.disclose": _("Public disclosure"),
        "case.execute": _("Execution record"),
        "case.closing_report": _("Closing report"),
        "case.closing_approve": _("Closing approved"),
        "case.challenge": _("Challenge"),
        "case.challenge_outcome": _("Challenge outcome"),
        "case.decision_revoked": _("Decision revoked"),
        "case.export": _("Case file exported"),
    }
    # Each act (order, decision, notice) is audited as case.<kind>.
    actions.update({f"case.{kind}": label for kind, label in Act.Kind.choices})
    register_labels(AUDIT, actions)
    # Clock rules of cases are coded cases.*, step clocks by the app's module.
    process = _("Illegal-construction cases")
    register_labels(PROCESS, {"cases": process, "illegal_building": process})
