"""Words for stored codes: audit actions, step decisions and other values kept as codes.

Pages show a code through ``{{ code|label:"audit" }}``; the engine names its own codes here and
each process app registers its codes in ``AppConfig.ready`` (the engine imports no process app).
A code nobody registered is shown as it is, so the page-wide language test finds it.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Label = str | Promise

AUDIT = "audit"
DECISION = "decision"
PROCESS = "process"  # the process code of a clock rule (dashboard rows)

_REGISTRY: dict[str, dict[str, Label]] = {}


def register_labels(namespace: str, labels: Mapping[str, Label]) -> None:
    _REGISTRY.setdefault(namespace, {}).update(labels)


def label_for(namespace: str, code: str) -> str:
    label = _REGISTRY.get(namespace, {}).get(code)
    return str(label) if label is not None else code


register_labels(
    AUDIT,
    {
        "sla.clock_start": _("Time limit started"),
        "sla.clock_stop": _("Time limit stopped"),
        "sla.clock_pause": _("Time limit paused"),
        "sla.clock_resume": _("Time limit resumed"),
        "sla.clock_extend": _("Time limit extended"),
        "sla.fired_yellow": _("Time limit turned yellow"),
        "sla.fired_red": _("Time limit overdue (red)"),
        "sla.holiday_schedule_save": _("Holiday schedule saved"),
        "sla.escalation_take_over": _("Overdue task taken over"),
        "document.issue": _("Document issued"),
        "document.supersede": _("Document superseded"),
        "document.revoke": _("Document revoked"),
        "applicant.register": _("Applicant registered"),
    },
)
