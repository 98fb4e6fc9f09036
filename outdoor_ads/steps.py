"""Registers every human step of PermitFlow with its form and service (web UI and task API share them)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from workflows.taskapi import register_step

from . import forms, selectors, services
from .flows import PermitFlow


def _application_url(*, task: Any) -> str:
    return reverse("ads:application_detail", kwargs={"pk": task.process.coerced.application_id})


def _context(*, task: Any, user: Any) -> dict[str, Any]:
    return selectors.application_context(application=task.process.coerced.application, user=user)


def _accept(*, task: Any, acting_user: Any, data: dict[str, Any]) -> None:
    services.application_accept_decide(
        task=task,
        acting_user=acting_user,
        decision=data["decision"],
        comment=data.get("comment", ""),
        missing_items=data.get("missing_items") or [],
        supplement_note=data.get("supplement_note", ""),
        competent_authority=data.get("competent_authority", ""),
    )


def _review(*, task: Any, acting_user: Any, data: dict[str, Any]) -> None:
    services.application_review(
        task=task,
        acting_user=acting_user,
        decision=data["decision"],
        comment=data["comment"],
        hearing_flag=data.get("hearing_flag", False),
        neighbours_affected=data.get("neighbours_affected", False),
        neighbours=data.get("neighbours") or [],
    )


def _countersign(*, task: Any, acting_user: Any, data: dict[str, Any]) -> None:
    services.application_countersign(
        task=task, acting_user=acting_user, decision=data["decision"], comment=data.get("comment", "")
    )


def _survey(*, task: Any, acting_user: Any, data: dict[str, Any]) -> None:
    services.application_survey(
        task=task, acting_user=acting_user, decision=data["decision"], comment=data["comment"], photos=data["photos"]
    )


def _schedule_hearing(*, task: Any, acting_user: Any, data: dict[str, Any]) -> None:
    services.application_hearing_schedule(
        task=task,
        acting_user=acting_user,
        decision=data["decision"],
        comment=data.get("comment", ""),
        hearing_date=data.get("hearing_date"),
        place=data.get("place", ""),
        notice_sent_on=data.get("notice_sent_on"),
    )


def _hearing(*, task: Any, acting_user: Any, data: dict[str, Any]) -> None:
    services.application_hearing(
        task=task,
        acting_user=acting_user,
        decision=data["decision"],
        comment=data["comment"],
        held_on=data.get("held_on"),
    )


def _decide(*, task: Any, acting_user: Any, data: dict[str, Any]) -> None:
    services.application_decide(
        task=task,
        acting_user=acting_user,
        decision=data["decision"],
        comment=data["comment"],
        valid_until=data.get("valid_until"),
        conditions=data.get("conditions") or "",
    )


def _deliver(*, task: Any, acting_user: Any, data: dict[str, Any]) -> None:
    services.application_deliver(
        task=task, acting_user=acting_user, method=data["decision"], comment=data.get("comment", "")
    )


def register() -> None:
    common = {"template_name": "outdoor_ads/step.html", "context": _context, "success_url": _application_url}
    register_step(PermitFlow.accept, form_class=forms.AcceptanceForm, complete=_accept, **common)  # type: ignore[arg-type]
    register_step(PermitFlow.review, form_class=forms.ReviewForm, complete=_review, **common)  # type: ignore[arg-type]
    register_step(PermitFlow.countersign, form_class=forms.CountersignForm, complete=_countersign, **common)  # type: ignore[arg-type]
    register_step(PermitFlow.survey, form_class=forms.SurveyForm, complete=_survey, **common)  # type: ignore[arg-type]
    register_step(
        PermitFlow.schedule_hearing,  # type: ignore[arg-type]
        form_class=forms.HearingScheduleForm,
        complete=_schedule_hearing,
        **common,  # type: ignore[arg-type]
    )
    register_step(PermitFlow.hearing, form_class=forms.HearingForm, complete=_hearing, **common)  # type: ignore[arg-type]
    register_step(PermitFlow.decide, form_class=forms.DecisionForm, complete=_decide, **common)  # type: ignore[arg-type]
    register_step(PermitFlow.deliver, form_class=forms.DeliveryForm, complete=_deliver, **common)  # type: ignore[arg-type]
