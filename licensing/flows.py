"""What every licence flow shares: its subject, county and start, and who may not take a step.

A permit app's flow mixes this in (``class PermitFlow(LicenceFlowMixin, SlaFlowMixin, flow.Flow)``)
and declares its nodes in legal order in its own flows.py.
"""

from __future__ import annotations

from typing import Any

from workflows.counties import county_by_pk

from .spec import spec_for

REVIEW_STEPS = ("review", "countersign")


class LicenceFlowMixin:
    def sla_subject(self, process: Any) -> Any:
        return process.application

    def sla_county(self, process: Any) -> Any:
        return county_by_pk(process.application.county_id)  # reference data, read once per request

    def start_application(self, activation: Any, *, application: Any) -> Any:
        activation.process.application = application
        return activation.process

    def _opinions(self, task: Any) -> Any:
        process = task.process.coerced
        return spec_for(process).model("Opinion").objects.filter(application_id=process.application_id)

    def not_the_first_reviewer(self, user: Any, task: Any) -> bool:
        """The countersign is a second person's (at least two staff review, domain §2)."""
        last_review = self._opinions(task).filter(step="review").order_by("-at", "-id").first()
        return last_review is None or last_review.author_id != user.pk

    def not_a_reviewer(self, user: Any, task: Any) -> bool:
        """The hearing is chaired by someone other than the reviewers (ALL art. 48)."""
        reviewers = set(self._opinions(task).filter(step__in=REVIEW_STEPS).values_list("author_id", flat=True))
        return user.pk not in reviewers
