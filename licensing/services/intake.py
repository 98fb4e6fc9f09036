"""Registration of applicants and the online application with its materials (ALL art. 29-31)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from workflows import audit, clock
from workflows.models import County, User
from workflows.roles import ROLES

from ..spec import LicenceSpec
from ..uploads import CheckedUpload
from .common import discard_files, lookup_code, next_number, store_attachments


@transaction.atomic
def applicant_register(
    *,
    username: str,
    password: str,
    kind: str,
    real_name: str,
    phone: str,
    company_name: str = "",
    credit_code: str = "",
    id_number: str = "",
) -> User:
    user = User(
        username=username,
        kind=kind,
        real_name=real_name,
        phone=phone,
        company_name=company_name if kind == User.Kind.COMPANY else "",
        credit_code=credit_code if kind == User.Kind.COMPANY else "",
        id_number=id_number if kind == User.Kind.PERSON else "",
    )
    validate_password(password, user=user)  # AUTH_PASSWORD_VALIDATORS, whichever path registers
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get_or_create(name=ROLES["applicant"].group_name)[0])
    audit.record(actor=user, action="applicant.register", obj=user, data={"kind": kind})
    return user


@transaction.atomic
def application_create(
    *,
    spec: LicenceSpec,
    acting_user: User,
    county: County,
    fields: dict[str, Any],
    uploads: Iterable[tuple[str, CheckedUpload]] = (),
    audit_data: dict[str, Any] | None = None,
) -> Any:
    """Create the application with the type's own ``fields``, keep its checked uploads, start its flow."""
    attachment_model = spec.model("Attachment")
    stored: list[Any] = []
    try:
        application = spec.application_model.objects.create(
            number=next_number(spec, county),
            lookup_code=lookup_code(),
            applicant=acting_user,
            county=county,
            submitted_at=clock.now(),
            **fields,
        )
        store_attachments(
            application=application,
            uploads=uploads,
            purpose=attachment_model.Purpose.MATERIAL,  # type: ignore[attr-defined]
            acting_user=acting_user,
            stored=stored,
        )
        audit.record(
            actor=acting_user,
            action="application.submit",
            obj=application,
            data={**(audit_data or {}), "files": len(stored)},
        )
        spec.flow.start.run(application=application)
    except BaseException:
        discard_files(stored)
        raise
    return application
