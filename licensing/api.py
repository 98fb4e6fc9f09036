"""API pieces of the licensing kernel: the clock and the law's part of an application record, and the
applicant's supplement and withdrawal endpoints (a permit app subclasses them with its ``app_label``)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import QueryDict
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from workflows.apiconv import errors_response, idempotent, validation_errors
from workflows.documents.api import DocumentLinkSerializer, document_links
from workflows.jurisdiction import get_visible_or_404, visible
from workflows.pagination import paginated
from workflows.parsers import ObjectJSONParser

from .services import acceptance, decision
from .services.messages import NO_SUPPLEMENT_PENDING
from .spec import spec_for


class ClockSerializer(serializers.Serializer):
    rule = serializers.CharField()
    started_on = serializers.DateField()
    due_date = serializers.DateField()
    statutory_due_date = serializers.DateField(allow_null=True)
    light = serializers.CharField()
    paused = serializers.BooleanField()
    working_days_used = serializers.IntegerField(allow_null=True)
    working_days_paused = serializers.IntegerField(allow_null=True)
    extension_days = serializers.IntegerField()
    provisional = serializers.BooleanField()
    stopped_at = serializers.DateTimeField(allow_null=True)
    explanation = serializers.CharField(help_text="How the due date was counted, in words")


class SupplementSerializer(serializers.Serializer):
    items = serializers.ListField(child=serializers.CharField(), help_text="Checklist codes to supply")
    note = serializers.CharField()
    due = serializers.DateField(allow_null=True)


class TimelineEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    event = serializers.CharField()
    actor = serializers.CharField(allow_null=True)
    reason = serializers.CharField(allow_null=True)


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    purpose = serializers.CharField()
    item = serializers.CharField(help_text="Checklist item code (blank for other purposes)")
    name = serializers.CharField()
    sha256 = serializers.CharField()


class PermitBriefSerializer(serializers.Serializer):
    number = serializers.CharField()
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()
    status = serializers.CharField()


class LicenceRecordSerializer(serializers.Serializer):
    """The keys every type's application record has (the type's serializer adds its own facts)."""

    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.CharField()
    status_display = serializers.CharField()
    county = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    lookup_code = serializers.CharField(allow_null=True, help_text="Only for the applicant")
    period_from = serializers.DateField()
    period_until = serializers.DateField()
    accepted_at = serializers.DateTimeField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    supplement = SupplementSerializer(allow_null=True)
    current_steps = serializers.ListField(child=serializers.CharField())
    clock = ClockSerializer(allow_null=True)
    documents = DocumentLinkSerializer(many=True)
    timeline = TimelineEntrySerializer(many=True)
    attachments = AttachmentSerializer(many=True)
    permit = PermitBriefSerializer(allow_null=True)


def clock_data(item: Any) -> dict[str, Any] | None:
    if item is None:
        return None
    return {
        "rule": item.rule.code,
        "started_on": item.start_date,
        "due_date": item.due_date,
        "statutory_due_date": item.statutory_due_date,
        "light": item.light,
        "paused": item.is_paused,
        "working_days_used": item.working_days_used,
        "working_days_paused": item.working_days_paused,
        "extension_days": item.extension_days,
        "provisional": item.provisional,
        "stopped_at": item.stopped_at,
        "explanation": item.explain(),
    }


def licence_data(application: Any, context: dict[str, Any], request: Any) -> dict[str, Any]:
    """What the law says about an application, for any permit type (context: licensing.selectors)."""
    permit = context["permit"]
    return {
        "lookup_code": application.lookup_code if context["is_owner"] else None,
        "period_from": application.period_from,
        "period_until": application.period_until,
        "accepted_at": application.accepted_at,
        "decided_at": application.decided_at,
        "supplement": {
            "items": application.supplement_items,
            "note": application.supplement_note,
            "due": context["supplement_clock"].due_date if context["supplement_clock"] else None,
        }
        if application.supplement_requested_at
        else None,
        "current_steps": [str(task.flow_task.task_title) for task in context["open_tasks"]],
        "clock": clock_data(context["overall_clock"]),
        "documents": document_links(request, context["documents"]),
        "timeline": [
            {"at": e["at"], "event": e["label"], "actor": e["actor"], "reason": e["reason"]}
            for e in context["timeline"]
        ],
        "attachments": [
            {"id": a.pk, "purpose": a.purpose, "item": a.requirement, "name": a.original_name, "sha256": a.sha256}
            for a in context["attachments"]
        ],
        "permit": {
            "number": permit.number,
            "valid_from": permit.valid_from,
            "valid_until": permit.valid_until,
            "status": permit.status,
        }
        if permit
        else None,
    }


class LicenceAPIView(APIView):
    app_label = ""
    # (application, request) → the type's full record of an application.
    record: Callable[[Any, Any], dict[str, Any]]

    def own_application(self, request: Request, pk: int) -> Any:
        application = get_visible_or_404(request.user, spec_for(self.app_label).application_model, pk=pk)
        if application.applicant_id != request.user.pk:
            raise PermissionDenied
        return application

    def supplement_form(self, application: Any, data: Any, files: Any) -> Any:
        raise NotImplementedError


def form_data(data: Any) -> Any:
    """A JSON body as a form sees a posted one: every value text, so a nested or numeric value is a
    field error (400), never a crash in a form field that expects text. Multipart bodies pass as they are."""
    if isinstance(data, QueryDict):
        return data
    return {key: value if isinstance(value, str) else json.dumps(value) for key, value in data.items()}


class ApplicationListCreateAPIView(LicenceAPIView):
    """``GET`` the applications the caller may see (paged), ``POST`` a new one (multipart, idempotent)."""

    parser_classes = [MultiPartParser, FormParser, ObjectJSONParser]
    # (application) → one row of the list.
    brief: Callable[[Any], dict[str, Any]]

    def application_form(self, request: Request) -> Any:
        """The type's bound application form, or a Response refusing the request."""
        raise NotImplementedError

    def submit(self, *, acting_user: Any, **kwargs: Any) -> Any:
        raise NotImplementedError

    def get(self, request: Request) -> Response:
        model = spec_for(self.app_label).application_model
        qs = visible(request.user, model).select_related("county", "applicant").order_by("-submitted_at", "-pk")
        return paginated(request, self, qs, type(self).brief)

    @idempotent
    def post(self, request: Request) -> Response:
        if not request.user.has_perm(f"{self.app_label}.add_permitapplication"):
            raise PermissionDenied
        form = self.application_form(request)
        if isinstance(form, Response):
            return form
        if not form.is_valid():
            return errors_response(form.errors)
        try:
            application = self.submit(acting_user=request.user, **form.service_kwargs())
        except ValidationError as exc:
            return errors_response(validation_errors(exc))
        return Response(type(self).record(application, request), status=status.HTTP_201_CREATED)


class SupplementAPIView(LicenceAPIView):
    parser_classes = [MultiPartParser, FormParser]

    def post(self, request: Request, pk: int) -> Response:
        application = self.own_application(request, pk)
        if application.status != application.Status.SUPPLEMENT:
            return errors_response({"detail": str(NO_SUPPLEMENT_PENDING)}, status.HTTP_409_CONFLICT)
        form = self.supplement_form(application, request.data, request.FILES)
        if not form.is_valid():
            return errors_response(form.errors)
        try:
            acceptance.application_supplement_answer(
                application=application,
                acting_user=request.user,  # type: ignore[arg-type]
                uploads=form.checked_uploads(),
                note=form.cleaned_data.get("note", ""),
            )
        except ValidationError as exc:
            return errors_response(validation_errors(exc))
        application.refresh_from_db()
        return Response(type(self).record(application, request))


class WithdrawAPIView(LicenceAPIView):
    def post(self, request: Request, pk: int) -> Response:
        application = self.own_application(request, pk)
        try:
            decision.application_withdraw(
                application=application,
                acting_user=request.user,  # type: ignore[arg-type]
                reason=str(request.data.get("reason", "")),  # type: ignore[union-attr]
            )
        except ValidationError as exc:
            return errors_response(validation_errors(exc))
        application.refresh_from_db()
        return Response(type(self).record(application, request))
