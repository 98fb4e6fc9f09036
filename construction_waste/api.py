"""Waste disposal applications over the API: the same forms and services as the web pages.

``/api/waste-permits/`` lists and creates, ``/api/waste-permits/<id>/`` reads one; the supplement,
withdrawal and the actions (``/api/waste-permits/<id>/actions/<name>/``) are the kernel's.
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from licensing import api as kernel
from licensing.selectors import application_context
from workflows.jurisdiction import get_visible_or_404
from workflows.pagination import paged_schema

from . import forms, services
from .models import PermitApplication


def application_brief(application: PermitApplication) -> dict[str, Any]:
    return {
        "id": application.pk,
        "number": application.number,
        "status": application.status,
        "status_display": str(application.get_status_display()),
        "county": application.county.name,
        "project_name": application.project_name,
        "submitted_at": application.submitted_at,
    }


def application_full(application: PermitApplication, request: Any) -> dict[str, Any]:
    context = application_context(application=application, user=request.user)
    return {
        **application_brief(application),
        "project_address": application.project_address,
        "waste_kind": application.waste_kind,
        "volume_m3": application.volume_m3,
        "transport_company": application.transport_company,
        "vehicles": application.vehicles,
        "route": application.route,
        "disposal_site": application.disposal_site,
        **kernel.licence_data(application, context, request),
    }


WasteBrief = inline_serializer(
    "WastePermitApplicationBrief",
    many=True,
    fields={
        "id": serializers.IntegerField(),
        "number": serializers.CharField(),
        "status": serializers.CharField(),
        "status_display": serializers.CharField(),
        "county": serializers.CharField(),
        "project_name": serializers.CharField(),
        "submitted_at": serializers.DateTimeField(),
    },
)
class WasteApplicationDetailSerializer(kernel.LicenceRecordSerializer):
    """What application_full returns, key for key (tests/api/test_schema_matches_responses.py)."""

    project_name = serializers.CharField()
    project_address = serializers.CharField()
    waste_kind = serializers.CharField()
    volume_m3 = serializers.FloatField()
    transport_company = serializers.CharField()
    vehicles = serializers.CharField()
    route = serializers.CharField()
    disposal_site = serializers.CharField()


WasteDetail = WasteApplicationDetailSerializer


class WasteApplicationListView(kernel.ApplicationListCreateAPIView):
    app_label = "construction_waste"
    brief = staticmethod(application_brief)
    record = staticmethod(application_full)

    def application_form(self, request: Request) -> Any:
        return forms.ApplicationForm(kernel.form_data(request.data), request.FILES)

    def submit(self, *, acting_user: Any, **kwargs: Any) -> Any:
        return services.application_submit(acting_user=acting_user, **kwargs)

    @extend_schema(
        operation_id="waste_permits_list",
        summary="Waste disposal applications the caller may see, newest first (paged)",
        responses=paged_schema("PaginatedWastePermitApplicationBriefList", WasteBrief),
    )
    def get(self, request: Request) -> Response:
        return super().get(request)

    @extend_schema(
        operation_id="waste_permits_create",
        summary="Apply (multipart): project, waste and transport, and the checklist's files as material_<item code>",
        request={
            "multipart/form-data": inline_serializer(
                "WastePermitApplicationCreate",
                {
                    "county": serializers.IntegerField(),
                    "project_name": serializers.CharField(),
                    "project_address": serializers.CharField(),
                    "waste_kind": serializers.CharField(),
                    "volume_m3": serializers.DecimalField(max_digits=10, decimal_places=1),
                    "transport_company": serializers.CharField(),
                    "vehicles": serializers.CharField(),
                    "route": serializers.CharField(),
                    "disposal_site": serializers.CharField(),
                    "period_from": serializers.DateField(),
                    "period_until": serializers.DateField(),
                    "contact_phone": serializers.CharField(),
                    "hearing_requested": serializers.BooleanField(required=False),
                    "material_application_form": serializers.FileField(required=False),
                },
            )
        },
        responses={201: WasteDetail, 400: OpenApiResponse(description="field -> messages"), 403: OpenApiResponse()},
    )
    def post(self, request: Request) -> Response:
        return super().post(request)


class WasteApplicationDetailView(APIView):
    @extend_schema(
        operation_id="waste_permits_retrieve",
        summary="Status, timeline, clock and documents of one waste disposal application",
        responses=WasteDetail,
    )
    def get(self, request: Request, pk: int) -> Response:
        application = get_visible_or_404(request.user, PermitApplication, pk=pk)
        return Response(application_full(application, request))


class WasteSupplementView(kernel.SupplementAPIView):
    app_label = "construction_waste"
    record = staticmethod(application_full)

    def supplement_form(self, application: Any, data: Any, files: Any) -> Any:
        return forms.SupplementAnswerForm(data, files, application=application)

    @extend_schema(
        operation_id="waste_permits_supplement",
        summary="Answer the supplement notice (multipart: material_<item code> files, note)",
        request={
            "multipart/form-data": inline_serializer(
                "WasteSupplementAnswer", {"note": serializers.CharField(required=False)}
            )
        },
        responses={200: WasteDetail, 400: OpenApiResponse(description="field -> messages")},
    )
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


class WasteWithdrawView(kernel.WithdrawAPIView):
    app_label = "construction_waste"
    record = staticmethod(application_full)

    @extend_schema(
        operation_id="waste_permits_withdraw",
        summary="Withdraw the waste disposal application before the decision",
        request=inline_serializer("WasteWithdrawal", {"reason": serializers.CharField(required=False)}),
        responses={200: WasteDetail, 400: OpenApiResponse(description="field -> messages")},
    )
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


urlpatterns = [
    path("waste-permits/", WasteApplicationListView.as_view(), name="api-waste-permits"),
    path("waste-permits/<int:pk>/", WasteApplicationDetailView.as_view(), name="api-waste-permit-detail"),
    path("waste-permits/<int:pk>/supplement/", WasteSupplementView.as_view(), name="api-waste-permit-supplement"),
    path("waste-permits/<int:pk>/withdraw/", WasteWithdrawView.as_view(), name="api-waste-permit-withdraw"),
]
