"""Statements of the applicant and the 利害关系人 (ALL art. 36): told, then heard before the decision."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from workflows import audit, calendar, clock
from workflows.jurisdiction import is_visible
from workflows.models import User

from ..selectors import statement_period_open  # noqa: F401 - read by the decision
from ..spec import spec_for
from .common import lock_application, require_applicant, sms_neighbours, tell_applicant
from .messages import (
    NOT_A_STAFF_DECISION,
    STATEMENT_ALREADY_RECORDED,
    STATEMENT_PERIOD_CLOSED,
    STATEMENT_REQUIRED,
    STATEMENT_WORKING_DAYS,
    TOLD_NEIGHBOURS,
)

APPLICANT = "applicant"
NEIGHBOUR = "neighbour"


def neighbours_notify(*, application: Any, neighbours: list[dict[str, str]], acting_user: User) -> None:
    """The reviewer's neighbours are told (SMS) and the applicant too; their statements are awaited."""
    spec = spec_for(application)
    party_model = spec.model("AffectedParty")
    if application.statement_period_until is None:
        application.statement_period_until = calendar.add_working_days(clock.today(), STATEMENT_WORKING_DAYS)
    application.neighbours_affected = True
    application.save(update_fields=["neighbours_affected", "statement_period_until"])
    until = application.statement_period_until
    now = clock.now()
    if not application.affected_parties.filter(kind=APPLICANT).exists():
        party_model.objects.create(
            application=application,
            kind=APPLICANT,
            name=application.applicant.display_name,
            entered_by=acting_user,
            notified_at=now,
        )
    known = set(application.affected_parties.values_list("name", "address"))
    told = []
    for neighbour in neighbours:
        if (neighbour["name"], neighbour["address"]) in known:
            continue
        party = party_model.objects.create(
            application=application,
            kind=NEIGHBOUR,
            name=neighbour["name"],
            address=neighbour["address"],
            phone=neighbour["phone"],
            entered_by=acting_user,
            notified_at=now,
        )
        told.append(party)
    sms_neighbours(application, told, spec.neighbour_texts.statement, until=until.isoformat())
    tell_applicant(application, TOLD_NEIGHBOURS, until.isoformat())
    # Names and phones are personal data: the audit keeps only how many were told.
    audit.record(
        actor=acting_user,
        action="application.neighbours.notify",
        obj=application,
        data={"neighbours": len(told), "until": until.isoformat()},
    )


@transaction.atomic
def party_statement_record(*, party: Any, acting_user: User, statement: str) -> Any:
    """The applicant states online; a reviewer of the county records what a neighbour said."""
    spec = spec_for(party)
    application = party.application
    if party.kind == APPLICANT:
        require_applicant(application, acting_user)
    elif not (
        acting_user.has_perm(spec.perm("review_permit"))
        and is_visible(acting_user, spec.application_model, application.pk)
    ):
        raise PermissionDenied(NOT_A_STAFF_DECISION)
    if not statement.strip():
        raise ValidationError({"statement": STATEMENT_REQUIRED})
    application = lock_application(application)
    party = type(party).objects.select_for_update(no_key=True).get(pk=party.pk)
    if party.statement_at is not None:
        raise ValidationError(STATEMENT_ALREADY_RECORDED)
    if application.statement_period_until is None or clock.today() > application.statement_period_until:
        raise ValidationError(STATEMENT_PERIOD_CLOSED)
    party.statement = statement.strip()
    party.statement_at = clock.now()
    party.recorded_by = acting_user
    party.save(update_fields=["statement", "statement_at", "recorded_by"])
    audit.record(
        actor=acting_user, action=f"application.statement.{party.kind}", obj=application, reason=party.statement
    )
    return party
