"""The human steps of a licence flow with their forms and services (the web UI and the task API share them).

A permit app calls ``register_steps`` with its flow; every step node the flow has (accept,
review, countersign, survey, schedule_hearing, hearing, decide, deliver) is registered with the
kernel's form and service. A flow without a survey or countersign simply has no such node.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from workflows.taskapi import register_step

from . import forms
from .services import acceptance, decision, hearing, review


def _accept(*, task: Any, acting_user: Any, data: dict[str, Any]) -> None:
    acceptance.application_accept_decide(
        task=task,
        acting_user=acting_user,
        decision=data["decision"],
        comment=data.get("comment", ""),
        missing_items=data.get("missing_items") or [],
        supplement_note=data.get("supplement_note", ""),
        competent_authority=data.get("competent_authority", ""),
    )


def _review(*, task: Any, acting_user: Any, data: dict[str, Any]) -> None:
    review.application_review(
        task=task,
        acting_user=acting_user,
        decision=data["decision"],
        comment=data["comment"],
        hearing_flag=data.get("hearing_flag", False),
        neighbours_affected=data.get("neighbours_affected", False),
        neighbours=data.get("neighbours") or [],
    )


def _countersign(*, task: Any, acting_user: Any, data: dict[str, Any]) -> None:
    review.application_countersign(
        task=task, acting_user=acting_user, decision=data["decision"], comment=data.get("comment", "")
    )


def _survey(*, task: Any, acting_user: Any, data: dict[str, Any]) -> None:
    review.application_survey(
        task=task, acting_user=acting_user, decision=data["decision"], comment=data["comment"], photos=data["photos"]
    )


def _schedule_hearing(*, task: Any, acting_user: Any, data: dict[str, Any]) -> None:
    hearing.application_hearing_schedule(
        task=task,
        acting_user=acting_user,
        decision=data["decision"],
        comment=data.get("comment", ""),
        hearing_date=data.get("hearing_date"),
        place=data.get("place", ""),
        notice_sent_on=data.get("notice_sent_on"),
    )


def _hearing(*, task: Any, acting_user: Any, data: dict[str, Any]) -> None:
    hearing.application_hearing(
        task=task,
        acting_user=acting_user,
        decision=data["decision"],
        comment=data["comment"],
        held_on=data.get("held_on"),
    )


def _decide(*, task: Any, acting_user: Any, data: dict[str, Any]) -> None:
    decision.application_decide(
        task=task,
        acting_user=acting_user,
        decision=data["decision"],
        comment=data["comment"],
        valid_until=data.get("valid_until"),
        conditions=data.get("conditions") or "",
    )


def _deliver(*, task: Any, acting_user: Any, data: dict[str, Any]) -> None:
    decision.application_deliver(
        task=task, acting_user=acting_user, method=data["decision"], comment=data.get("comment", "")
    )


# node name → (form, service), in the order of the law.
STEPS: dict[str, tuple[type[forms.StepForm], Callable[..., None]]] = {
    "accept": (forms.AcceptanceForm, _accept),
    "review": (forms.ReviewForm, _review),
    "countersign": (forms.CountersignForm, _countersign),
    "survey": (forms.SurveyForm, _survey),
    "schedule_hearing": (forms.HearingScheduleForm, _schedule_hearing),
    "hearing": (forms.HearingForm, _hearing),
    "decide": (forms.DecisionForm, _decide),
    "deliver": (forms.DeliveryForm, _deliver),
}


def register_steps(
    flow_class: Any,
    *,
    template_name: str,
    context: Callable[..., dict[str, Any]],
    success_url: Callable[..., str],
    form_classes: dict[str, type[forms.StepForm]] | None = None,
) -> None:
    """Register each step node of ``flow_class``; ``form_classes`` may replace a kernel form by node name."""
    common = {"template_name": template_name, "context": context, "success_url": success_url}
    for name, (form_class, complete) in STEPS.items():
        node = getattr(flow_class, name, None)
        if node is None:
            continue
        chosen = (form_classes or {}).get(name, form_class)
        register_step(node, form_class=chosen, complete=complete, **common)  # type: ignore[arg-type]
