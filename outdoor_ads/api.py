"""Permit applications over the API: the same forms and services as the web pages."""

from __future__ import annotations

from typing import Any

import django_filters
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import path
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from licensing import api as kernel
from licensing.api import licence_data
from workflows.apiconv import errors_response
from workflows.apifilters import SubjectFilter
from workflows.jurisdiction import get_visible_or_404
from workflows.pagination import paged_schema, paginated
from workflows.security import TOO_MANY_REQUESTS, client_ip, hit
from workflows.stepschema import register_form_body

from . import forms, selectors, services, uploads
from .models import FacilityType, PermitApplication


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


def application_full(application: PermitApplication, request: Any) -> dict[str, Any]:
    user = request.user
    context = selectors.application_context(application=application, user=user)
    data = application_brief(application)
    data.update(
        {
            "width_m": application.width_m,
            "height_m": application.height_m,
            "height_above_ground_m": application.height_above_ground_m,
            "longitude": application.longitude,
            "latitude": application.latitude,
            "material": application.material,
            "lighting": application.lighting,
            "content": application.content,
            **licence_data(application, context, request),
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
class ApplicationDetailSerializer(kernel.LicenceRecordSerializer):
    """What application_full returns, key for key (tests/api/test_schema_matches_responses.py)."""

    facility_type = serializers.CharField()
    address = serializers.CharField()
    width_m = serializers.FloatField()
    height_m = serializers.FloatField()
    height_above_ground_m = serializers.FloatField()
    longitude = serializers.FloatField(allow_null=True)
    latitude = serializers.FloatField(allow_null=True)
    material = serializers.CharField()
    lighting = serializers.CharField()
    content = serializers.CharField()


ApplicationDetail = ApplicationDetailSerializer


class MaterialSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Upload the files as material_<code>")
    title = serializers.CharField()
    required = serializers.BooleanField()  # type: ignore[assignment]


class UploadLimitsSerializer(serializers.Serializer):
    max_bytes = serializers.IntegerField()
    max_files_per_item = serializers.IntegerField()
    max_files_per_application = serializers.IntegerField()
    max_image_pixels = serializers.IntegerField()
    types = serializers.ListField(child=serializers.CharField(), help_text="MIME types, judged by content")


class FacilityTypeSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    max_validity_days = serializers.IntegerField()
    hearing_required = serializers.BooleanField()
    survey_always = serializers.BooleanField()
    survey_min_area = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    survey_min_height = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    materials = MaterialSerializer(many=True)
    upload_limits = UploadLimitsSerializer()


def upload_limits() -> dict[str, Any]:
    """The materials' upload policy, read from where the forms check it (workflows.uploads)."""
    policy = uploads.MATERIALS
    return {
        "max_bytes": policy.max_bytes,
        "max_files_per_item": policy.max_files,
        "max_files_per_application": uploads.MAX_FILES_PER_APPLICATION,
        "max_image_pixels": policy.max_pixels,
        "types": sorted(policy.types),
    }


class FacilityTypeListView(APIView):
    """Public: what an applicant must know before applying (no login needed)."""

    permission_classes = [AllowAny]

    @extend_schema(
        summary="Facility (licence) types with their materials checklists and upload limits",
        responses=FacilityTypeSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        limits = upload_limits()
        rows = [
            {
                "code": ft.code,
                "name": ft.name,
                "max_validity_days": ft.max_validity_days,
                "hearing_required": ft.hearing_required,
                "survey_always": ft.survey_always,
                "survey_min_area": ft.survey_min_area,
                "survey_min_height": ft.survey_min_height,
                "materials": [
                    {"code": m.code, "title": m.title, "required": m.required} for m in ft.requirements.all()
                ],
                "upload_limits": limits,
            }
            for ft in FacilityType.objects.filter(active=True).prefetch_related("requirements")
        ]
        return Response(FacilityTypeSerializer(rows, many=True).data)


class PermitFilter(SubjectFilter):
    search_fields = ("number", "address", "applicant__real_name", "applicant__company_name")
    ordering = django_filters.OrderingFilter(fields=(("submitted_at", "submitted_at"), ("number", "number")))

    class Meta:
        model = PermitApplication
        fields: list[str] = []


class PermitApplicationListView(kernel.ApplicationListCreateAPIView, GenericAPIView):
    """Paged and filtered (status, county, step, light, due_before/after, q, ordering)."""

    filter_backends = [DjangoFilterBackend]
    filterset_class = PermitFilter

    def get_queryset(self) -> Any:
        return selectors.application_list(user=self.request.user).order_by("-submitted_at", "-pk")

    app_label = "outdoor_ads"
    brief = staticmethod(application_brief)
    record = staticmethod(application_full)

    def application_form(self, request: Request) -> Any:
        code = request.data.get("facility_type", "")  # type: ignore[union-attr]
        facility_type = FacilityType.objects.filter(code=code, active=True).first()
        if facility_type is None:
            return errors_response({"facility_type": [str(services.UNKNOWN_FACILITY_TYPE)]})
        return forms.ApplicationForm(request.data, request.FILES, facility_type=facility_type)

    def submit(self, *, acting_user: Any, **kwargs: Any) -> Any:
        return services.application_submit(acting_user=acting_user, **kwargs)

    @extend_schema(
        operation_id="permits_list",
        filters=True,  # a page object, not a list serializer: document PermitFilter's parameters
        summary="Applications the caller may see, newest first (paged: ?page=, ?page_size=)",
        parameters=[
            OpenApiParameter("page", int, description="A page number within the paginated result set."),
            OpenApiParameter("page_size", int, description="Number of results to return per page."),
        ],
        responses=paged_schema("PaginatedPermitApplicationBriefList", ApplicationBrief),
    )
    def get(self, request: Request) -> Response:
        return paginated(request, self, self.filter_queryset(self.get_queryset()), application_brief)

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
        return super().post(request)


class PermitApplicationDetailView(APIView):
    @extend_schema(summary="Status, timeline, clock and documents of one application", responses=ApplicationDetail)
    def get(self, request: Request, pk: int) -> Response:
        application = get_visible_or_404(request.user, PermitApplication, pk=pk)
        return Response(application_full(application, request))


class PermitSupplementView(kernel.SupplementAPIView):
    app_label = "outdoor_ads"
    record = staticmethod(application_full)

    def supplement_form(self, application: Any, data: Any, files: Any) -> Any:
        return forms.SupplementAnswerForm(data, files, application=application)

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
        return super().post(request, pk)


class PermitWithdrawView(kernel.WithdrawAPIView):
    app_label = "outdoor_ads"
    record = staticmethod(application_full)

    @extend_schema(
        summary="Withdraw the application before the decision",
        request=inline_serializer("Withdrawal", {"reason": serializers.CharField(required=False)}),
        responses={200: ApplicationDetail, 400: OpenApiResponse(description="field -> messages")},
    )
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


class RegisterSerializer(serializers.Serializer):
    username = serializers.CharField()
    kind = serializers.CharField()


class ApplicantRegisterView(APIView):
    """An applicant signs up without the web page: the web sign-up's form, service and throttle.

    The same ``RegistrationForm`` (password validators against the new account, ID / credit
    code checks) and ``applicant_register``; the same per-address counter as the web page.
    Then ``POST /api/auth/token/`` with the username and password.
    """

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Register an applicant account (then get a token at /api/auth/token/)",
        request=None,  # the registration form, filled in by workflows.stepschema
        responses={
            201: RegisterSerializer,
            400: OpenApiResponse(description="field -> messages"),
            429: OpenApiResponse(description="too many sign-ups from this address"),
        },
    )
    def post(self, request: Request) -> Response:
        if not hit("XIUHUA_RATE_REGISTER", client_ip(request), settings.XIUHUA_RATE_REGISTER):
            return errors_response({"detail": str(TOO_MANY_REQUESTS)}, status.HTTP_429_TOO_MANY_REQUESTS)
        form = forms.RegistrationForm(request.data)  # type: ignore[arg-type]
        if not form.is_valid():
            return errors_response(form.errors)
        data = form.cleaned_data
        try:
            user = services.applicant_register(
                username=data["username"],
                password=data["password"],
                kind=data["kind"],
                real_name=data["real_name"],
                phone=data["phone"],
                company_name=data.get("company_name", ""),
                credit_code=data.get("credit_code", ""),
                id_number=data.get("id_number", ""),
            )
        except ValidationError as exc:
            return errors_response({"password": exc.messages})
        return Response({"username": user.username, "kind": user.kind}, status=status.HTTP_201_CREATED)


register_form_body("/api/auth/register/", "post", forms.RegistrationForm)

urlpatterns = [
    path("auth/register/", ApplicantRegisterView.as_view(), name="api-register"),
    path("facility-types/", FacilityTypeListView.as_view(), name="api-facility-types"),
    path("permits/", PermitApplicationListView.as_view(), name="api-permits"),
    path("permits/<int:pk>/", PermitApplicationDetailView.as_view(), name="api-permit-detail"),
    path("permits/<int:pk>/supplement/", PermitSupplementView.as_view(), name="api-permit-supplement"),
    path("permits/<int:pk>/withdraw/", PermitWithdrawView.as_view(), name="api-permit-withdraw"),
]
