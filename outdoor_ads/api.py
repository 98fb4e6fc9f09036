"""Permit applications over the API: the same forms and services as the web pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from workflows.jurisdiction import get_visible_or_404
from workflows.pagination import paged_schema, paginated
from workflows.parsers import ObjectJSONParser

from . import forms, selectors, services
from .models import FacilityType, PermitApplication


def _errors(exc: ValidationError) -> dict[str, Any]:
    return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}


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


def application_brief(application: PermitApplication) -> dict[str, Any]:
    return {
        "id": application.pk,
        "number": application.number,
        "status": application.status,
        "status_display": str(application.get_status_display()),
        "county": application.county.name,
        "facility_type": application.facility_type,
        "address": application.address,
        "submitted_at": application.submitted_at,
    }


def application_full(application: PermitApplication, user: Any) -> dict[str, Any]:
    context = selectors.application_context(application=application, user=user)
    data = application_brief(application)
    data.update(
        {
            "lookup_code": application.lookup_code if context["is_owner"] else None,
            "width_m": application.width_m,
            "height_m": application.height_m,
            "height_above_ground_m": application.height_above_ground_m,
            "longitude": application.longitude,
            "latitude": application.latitude,
            "material": application.material,
            "lighting": application.lighting,
            "content": application.content,
            "period_from": application.period_from,
            "period_until": application.period_until,
            "accepted_at": application.accepted_at,
            "decided_at": application.decided_at,
            "supplement": {
                "items": application.supplement_items,
                "note": application.supplement_note,
                "due": application.supplement_due,
            }
            if application.supplement_requested_at
            else None,
            "current_steps": [str(task.flow_task.task_title) for task in context["open_tasks"]],
            "clock": clock_data(context["overall_clock"]),
            "documents": [
                {
                    "kind": d.kind,
                    "title": d.title,
                    "number": d.number,
                    "status": d.status,
                    "issued_at": d.issued_at,
                    # null until the PDF is rendered (after the issuing commit)
                    "ready": d.is_ready,
                    "download_url": d.ready_download_url,
                    "verify_url": d.get_verify_url(),
                    "sha256": d.sha256 or None,
                }
                for d in context["documents"]
            ],
            "timeline": [
                {"at": e["at"], "event": e["label"], "actor": e["actor"], "reason": e["reason"]}
                for e in context["timeline"]
            ],
            "attachments": [
                {"id": a.pk, "purpose": a.purpose, "item": a.requirement, "name": a.original_name, "sha256": a.sha256}
                for a in context["attachments"]
            ],
            "permit": {
                "number": context["permit"].number,
                "valid_from": context["permit"].valid_from,
                "valid_until": context["permit"].valid_until,
                "status": context["permit"].status,
            }
            if context["permit"]
            else None,
        }
    )
    return data


ApplicationBrief = inline_serializer(
    "PermitApplicationBrief",
    many=True,
    fields={
        "id": serializers.IntegerField(),
        "number": serializers.CharField(),
        "status": serializers.CharField(),
        "status_display": serializers.CharField(),
        "county": serializers.CharField(),
        "facility_type": serializers.CharField(),
        "address": serializers.CharField(),
        "submitted_at": serializers.DateTimeField(),
    },
)
ApplicationDetail = inline_serializer(
    "PermitApplicationDetail",
    {
        "id": serializers.IntegerField(),
        "number": serializers.CharField(),
        "status": serializers.CharField(),
        "timeline": serializers.ListField(child=serializers.DictField()),
        "clock": serializers.DictField(allow_null=True),
        "documents": serializers.ListField(child=serializers.DictField()),
        "attachments": serializers.ListField(child=serializers.DictField()),
        "current_steps": serializers.ListField(child=serializers.CharField()),
        "permit": serializers.DictField(allow_null=True),
    },
)


class PermitApplicationListView(APIView):
    parser_classes = [MultiPartParser, FormParser, ObjectJSONParser]

    @extend_schema(
        operation_id="permits_list",
        summary="Applications the caller may see, newest first (paged: ?page=, ?page_size=)",
        responses=paged_schema("PaginatedPermitApplicationBriefList", ApplicationBrief),
    )
    def get(self, request: Request) -> Response:
        qs = selectors.application_list(user=request.user).order_by("-submitted_at", "-pk")
        return paginated(request, self, qs, application_brief)

    @extend_schema(
        summary="Apply (multipart): facility data and the checklist's files as material_<item code>",
        request={
            "multipart/form-data": inline_serializer(
                "PermitApplicationCreate",
                {
                    "facility_type": serializers.CharField(),
                    "county": serializers.IntegerField(),
                    "address": serializers.CharField(),
                    "longitude": serializers.DecimalField(max_digits=9, decimal_places=6, required=False),
                    "latitude": serializers.DecimalField(max_digits=9, decimal_places=6, required=False),
                    "width_m": serializers.DecimalField(max_digits=7, decimal_places=2),
                    "height_m": serializers.DecimalField(max_digits=7, decimal_places=2),
                    "height_above_ground_m": serializers.DecimalField(max_digits=7, decimal_places=2),
                    "material": serializers.CharField(),
                    "lighting": serializers.CharField(),
                    "content": serializers.CharField(),
                    "period_from": serializers.DateField(),
                    "period_until": serializers.DateField(),
                    "contact_phone": serializers.CharField(),
                    "hearing_requested": serializers.BooleanField(required=False),
                    "material_application_form": serializers.FileField(required=False),
                },
            )
        },
        responses={
            201: ApplicationDetail,
            400: OpenApiResponse(description="field -> messages"),
            403: OpenApiResponse(),
        },
    )
    def post(self, request: Request) -> Response:
        if not request.user.has_perm("outdoor_ads.add_permitapplication"):
            raise PermissionDenied
        code = request.data.get("facility_type", "")  # type: ignore[union-attr]
        facility_type = FacilityType.objects.filter(code=code, active=True).first()
        if facility_type is None:
            return Response(
                {"facility_type": [str(services.UNKNOWN_FACILITY_TYPE)]}, status=status.HTTP_400_BAD_REQUEST
            )
        form = forms.ApplicationForm(request.data, request.FILES, facility_type=facility_type)
        if not form.is_valid():
            return Response(form.errors, status=status.HTTP_400_BAD_REQUEST)
        try:
            application = services.application_submit(acting_user=request.user, **form.service_kwargs())  # type: ignore[arg-type]
        except ValidationError as exc:
            return Response(_errors(exc), status=status.HTTP_400_BAD_REQUEST)
        return Response(application_full(application, request.user), status=status.HTTP_201_CREATED)


class PermitApplicationDetailView(APIView):
    @extend_schema(summary="Status, timeline, clock and documents of one application", responses=ApplicationDetail)
    def get(self, request: Request, pk: int) -> Response:
        application = get_visible_or_404(request.user, PermitApplication, pk=pk)
        return Response(application_full(application, request.user))


class PermitSupplementView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        summary="Answer the supplement notice (multipart: material_<item code> files, note)",
        request={
            "multipart/form-data": inline_serializer(
                "SupplementAnswer", {"note": serializers.CharField(required=False)}
            )
        },
        responses={200: ApplicationDetail, 400: OpenApiResponse(description="field -> messages")},
    )
    def post(self, request: Request, pk: int) -> Response:
        application = get_visible_or_404(request.user, PermitApplication, pk=pk)
        if application.applicant_id != request.user.pk:
            raise PermissionDenied
        if application.status != PermitApplication.Status.SUPPLEMENT:
            return Response({"__all__": [str(services.NO_SUPPLEMENT_PENDING)]}, status=status.HTTP_400_BAD_REQUEST)
        form = forms.SupplementAnswerForm(request.data, request.FILES, application=application)
        if not form.is_valid():
            return Response(form.errors, status=status.HTTP_400_BAD_REQUEST)
        try:
            services.application_supplement_answer(
                application=application,
                acting_user=request.user,  # type: ignore[arg-type]
                uploads=form.checked_uploads(),
                note=form.cleaned_data.get("note", ""),
            )
        except ValidationError as exc:
            return Response(_errors(exc), status=status.HTTP_400_BAD_REQUEST)
        application.refresh_from_db()
        return Response(application_full(application, request.user))


class PermitWithdrawView(APIView):
    @extend_schema(
        summary="Withdraw the application before the decision",
        request=inline_serializer("Withdrawal", {"reason": serializers.CharField(required=False)}),
        responses={200: ApplicationDetail, 400: OpenApiResponse(description="field -> messages")},
    )
    def post(self, request: Request, pk: int) -> Response:
        application = get_visible_or_404(request.user, PermitApplication, pk=pk)
        if application.applicant_id != request.user.pk:
            raise PermissionDenied
        try:
            services.application_withdraw(
                application=application,
                acting_user=request.user,  # type: ignore[arg-type]
                reason=str(request.data.get("reason", "")),  # type: ignore[union-attr]
            )
        except ValidationError as exc:
            return Response(_errors(exc), status=status.HTTP_400_BAD_REQUEST)
        application.refresh_from_db()
        return Response(application_full(application, request.user))


urlpatterns = [
    path("permits/", PermitApplicationListView.as_view(), name="api-permits"),
    path("permits/<int:pk>/", PermitApplicationDetailView.as_view(), name="api-permit-detail"),
    path("permits/<int:pk>/supplement/", PermitSupplementView.as_view(), name="api-permit-supplement"),
    path("permits/<int:pk>/withdraw/", PermitWithdrawView.as_view(), name="api-permit-withdraw"),
]
