"""Cases API: field reports with photos, case lists and details (timeline, gates), challenges."""

from __future__ import annotations

import json
from typing import Any

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.urls import path
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from outdoor_ads.models import PermitApplication
from workflows.apiconv import idempotent
from workflows.apifilters import SubjectFilter
from workflows.documents.api import DocumentLinkSerializer, document_links
from workflows.documents.selectors import documents_for
from workflows.jurisdiction import get_visible_or_404, visible
from workflows.models import County
from workflows.parsers import ObjectJSONParser
from workflows.roles import has_role
from workflows.sla import selectors as sla_selectors
from workflows.uploads import STAFF_EVIDENCE, CheckedUpload, check_uploads

from . import gates, selectors, services
from .gates import GateRefused
from .models import Case, Challenge


class CaseSerializer(serializers.ModelSerializer):
    county = serializers.CharField(source="county.name")
    stage_display = serializers.CharField(source="get_stage_display")

    class Meta:
        model = Case
        fields = [
            "id",
            "report_number",
            "case_number",
            "county",
            "stage",
            "stage_display",
            "source",
            "address",
            "latitude",
            "longitude",
            "description",
            "permit_application",
            "reported_at",
            "filed_at",
            "closed_at",
        ]


class PhotoMetaSerializer(serializers.Serializer):
    captured_at = serializers.DateTimeField(required=False, allow_null=True)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True,
                                        min_value=-90, max_value=90)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True,
                                         min_value=-180, max_value=180)
    device = serializers.CharField(required=False, allow_blank=True, max_length=100)


class FieldReportSerializer(serializers.Serializer):
    county = serializers.CharField(required=False, help_text="Division code; defaults to the reporter's county")
    address = serializers.CharField(max_length=200)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True,
                                        min_value=-90, max_value=90)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True,
                                         min_value=-180, max_value=180)
    description = serializers.CharField()
    photos = serializers.ListField(child=serializers.FileField(), required=False)
    permit_application = serializers.IntegerField(
        required=False, allow_null=True, help_text="Id of the advertising permit record the facility belongs to"
    )
    photo_meta = serializers.CharField(required=False, help_text="JSON list, one object per photo, same order")

    def validate_photo_meta(self, value: str) -> list[dict[str, Any]]:
        try:
            items = json.loads(value)
        except ValueError as exc:
            raise serializers.ValidationError("JSON list expected") from exc
        if not isinstance(items, list):
            raise serializers.ValidationError("JSON list expected")
        meta = PhotoMetaSerializer(data=items, many=True)
        meta.is_valid(raise_exception=True)
        return list(meta.validated_data)

    def validate_photos(self, value: list[Any]) -> list[CheckedUpload]:
        try:
            return check_uploads(value, policy=STAFF_EVIDENCE)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc

    def validate_permit_application(self, value: int | None) -> PermitApplication | None:
        if value is None:
            return None
        application = visible(self.context["request"].user, PermitApplication).filter(pk=value).first()
        if application is None:
            # Foreign and missing records answer alike, so nothing leaks about other counties.
            raise serializers.ValidationError(str(gates.PERMIT_NOT_VISIBLE))
        return application

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        user = self.context["request"].user
        code = attrs.get("county")
        if code:
            county = County.objects.filter(code=code).first()
            if county is None or (user.county_id and county.pk != user.county_id):
                raise serializers.ValidationError({"county": "unknown county or not yours"})
        elif user.county_id:
            county = user.county
        else:
            raise serializers.ValidationError({"county": "required for city-wide staff"})
        attrs["county"] = county
        application = attrs.get("permit_application")
        if application is not None and application.county_id != county.pk:
            raise serializers.ValidationError({"permit_application": str(gates.PERMIT_OTHER_COUNTY)})
        meta = attrs.get("photo_meta") or []
        if meta and len(meta) != len(attrs.get("photos") or []):
            raise serializers.ValidationError({"photo_meta": "one entry per photo"})
        return attrs


class CaseFilter(SubjectFilter):
    status_field = "stage"
    search_fields = ("report_number", "case_number", "address", "party_name")
    ordering = django_filters.OrderingFilter(
        fields=(("reported_at", "reported_at"), ("filed_at", "filed_at"), ("case_number", "case_number"))
    )

    class Meta:
        model = Case
        fields: list[str] = []


class CaseListCreateView(ListAPIView):
    """Paged and filtered (status = stage, county, step, light, due_before/after, q, ordering)."""

    serializer_class = CaseSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = CaseFilter
    parser_classes = [MultiPartParser, FormParser, ObjectJSONParser]

    def get_queryset(self) -> Any:
        return selectors.case_list(user=self.request.user)

    @extend_schema(request=FieldReportSerializer, responses={201: CaseSerializer})
    @idempotent
    def post(self, request: Request) -> Response:
        if not (has_role(request.user, "patrol") or has_role(request.user, "officer")):
            return Response({"detail": "only patrol and enforcement officers report"}, status=status.HTTP_403_FORBIDDEN)
        serializer = FieldReportSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        files = data.get("photos") or []  # checked against the evidence upload policy
        meta = data.get("photo_meta") or [{} for _ in files]
        application = data.get("permit_application")
        try:
            with transaction.atomic():
                case = services.case_report(
                    acting_user=request.user,  # type: ignore[arg-type]
                    county=data["county"],
                    source=Case.Source.AD_FACILITY if application else Case.Source.PATROL,
                    address=data["address"],
                    description=data["description"],
                    latitude=data.get("latitude"),
                    longitude=data.get("longitude"),
                    permit_application=application,
                    photos=[{"file": f, **m} for f, m in zip(files, meta, strict=True)],
                )
        except GateRefused as refused:
            return Response({refused.field or "detail": [str(refused.message)]}, status=status.HTTP_400_BAD_REQUEST)
        return Response(CaseSerializer(case).data, status=status.HTTP_201_CREATED)


def case_payload(case: Case, request: Any) -> dict[str, Any]:
    data: dict[str, Any] = dict(CaseSerializer(case).data)
    data["party"] = {
        "name": case.party_name,
        "id_number": case.masked_party_id_number,
        "address": case.party_address,
    }
    data["timeline"] = [
        {"at": e.at.isoformat(), "kind": e.kind, "title": str(e.title), "actor": e.actor, "detail": e.detail}
        for e in selectors.timeline(case)
    ]
    rule_states = selectors.rule_states(case)
    data["rules"] = [
        {"code": r.code, "act": r.act, "title": r.title, "article": r.citation, "state": r.state,
         "from_date": r.from_date, "detail": r.detail}
        for r in rule_states
    ]
    data["gates"] = [
        {"code": g.code, "open": g.open, "detail": g.detail, "from_date": g.from_date}
        for g in selectors.gate_summary(rule_states)
    ]
    data["tasks"] = [
        {"id": t.pk, "node": t.flow_task.name, "title": str(t.flow_task.task_title), "status": t.status,
         "owner": t.owner.username if t.owner else None}
        for t in selectors.active_tasks(case)
    ]
    data["challenges"] = [
        {"id": c.pk, "kind": c.kind, "filed_on": c.filed_on, "body": c.body, "outcome": c.outcome,
         "outcome_on": c.outcome_on}
        for c in selectors.challenges(case)
    ]
    data["evidence"] = [
        {"id": e.pk, "name": e.original_name, "sha256": e.sha256, "captured_at": e.captured_at,
         "latitude": e.latitude, "longitude": e.longitude, "device": e.device}
        for e in selectors.evidence_for(case)
    ]
    data["clocks"] = [
        {
            "rule": c.rule.code,
            "title": c.rule.title,
            "start_date": c.start_date,
            "due_date": c.due_date,
            "light": c.light,
            "paused": c.is_paused,
            "working_days_paused": c.working_days_paused,
            "stopped": c.stopped_at is not None,
            "provisional": c.provisional,
        }
        for c in sla_selectors.clocks_for(case).select_related("rule")
    ]
    data["documents"] = document_links(request, documents_for(case))
    return data


class PartySerializer(serializers.Serializer):
    name = serializers.CharField()
    id_number = serializers.CharField(allow_null=True, help_text="Masked")
    address = serializers.CharField()


class CaseTimelineSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    title = serializers.CharField()
    actor = serializers.CharField(allow_null=True)
    detail = serializers.CharField(allow_null=True)


class CaseRuleSerializer(serializers.Serializer):
    code = serializers.CharField()
    act = serializers.CharField()
    title = serializers.CharField()
    article = serializers.CharField()
    state = serializers.CharField(help_text="met, not_yet or refused")
    from_date = serializers.DateField(allow_null=True)
    detail = serializers.CharField(allow_null=True)


class GateSerializer(serializers.Serializer):
    code = serializers.CharField()
    open = serializers.BooleanField()
    detail = serializers.CharField(allow_null=True)
    from_date = serializers.DateField(allow_null=True)


class CaseTaskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    node = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    owner = serializers.CharField(allow_null=True)


class CaseChallengeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    filed_on = serializers.DateField()
    body = serializers.CharField()
    outcome = serializers.CharField(allow_null=True)
    outcome_on = serializers.DateField(allow_null=True)


class EvidenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    sha256 = serializers.CharField()
    captured_at = serializers.DateTimeField(allow_null=True)
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    device = serializers.CharField(allow_null=True)


class CaseClockSerializer(serializers.Serializer):
    rule = serializers.CharField()
    title = serializers.CharField()
    start_date = serializers.DateField()
    due_date = serializers.DateField()
    light = serializers.CharField()
    paused = serializers.BooleanField()
    working_days_paused = serializers.IntegerField(allow_null=True)
    stopped = serializers.BooleanField()
    provisional = serializers.BooleanField()


class CaseDetailSerializer(CaseSerializer):
    """What case_payload returns, key for key (tests/api/test_schema_matches_responses.py)."""

    party = PartySerializer()
    timeline = CaseTimelineSerializer(many=True)
    rules = CaseRuleSerializer(many=True)
    gates = GateSerializer(many=True)
    tasks = CaseTaskSerializer(many=True)
    challenges = CaseChallengeSerializer(many=True)
    evidence = EvidenceSerializer(many=True)
    clocks = CaseClockSerializer(many=True)
    documents = DocumentLinkSerializer(many=True)

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "party", "timeline", "rules", "gates", "tasks", "challenges",
                  "evidence", "clocks", "documents"]


class CaseDetailView(APIView):
    @extend_schema(responses=CaseDetailSerializer, summary="A case with its timeline, gates, clocks and tasks")
    def get(self, request: Request, pk: int) -> Response:
        case = get_visible_or_404(request.user, selectors.visible_cases(request.user), pk=pk)
        return Response(case_payload(case, request))


class ChallengeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Challenge.Kind.choices)
    filed_on = serializers.DateField()
    body = serializers.CharField(max_length=100)


class OutcomeSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=[c for c in Challenge.Outcome.choices if c[0] != Challenge.Outcome.PENDING]
    )
    outcome_on = serializers.DateField()
    outcome_served_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField()


CHALLENGE_ROLES = ("officer", "squadlead", "legal")


def _may_record_challenges(user: Any) -> bool:
    return any(has_role(user, role) for role in CHALLENGE_ROLES)


def _refused(refused: GateRefused) -> Response:
    return Response({"detail": str(refused.message)}, status=status.HTTP_409_CONFLICT)


class ChallengeCreateView(APIView):
    serializer_class = ChallengeSerializer

    @extend_schema(request=ChallengeSerializer)
    def post(self, request: Request, pk: int) -> Response:
        case = get_visible_or_404(request.user, selectors.visible_cases(request.user), pk=pk)
        if not _may_record_challenges(request.user):
            raise NotFound
        serializer = ChallengeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            with transaction.atomic():
                challenge = services.case_challenge_record(
                    case=case, acting_user=request.user, **serializer.validated_data  # type: ignore[arg-type]
                )
        except GateRefused as refused:
            return _refused(refused)
        return Response({"id": challenge.pk, "outcome": challenge.outcome}, status=status.HTTP_201_CREATED)


class ChallengeOutcomeView(APIView):
    serializer_class = OutcomeSerializer

    @extend_schema(request=OutcomeSerializer)
    def post(self, request: Request, pk: int, challenge_pk: int) -> Response:
        case = get_visible_or_404(request.user, selectors.visible_cases(request.user), pk=pk)
        if not _may_record_challenges(request.user):
            raise NotFound
        challenge = Challenge.objects.filter(case=case, pk=challenge_pk).first()
        if challenge is None:
            raise NotFound
        serializer = OutcomeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            with transaction.atomic():
                services.case_challenge_outcome(
                    challenge=challenge, acting_user=request.user, **serializer.validated_data  # type: ignore[arg-type]
                )
        except GateRefused as refused:
            return _refused(refused)
        return Response({"id": challenge.pk, "outcome": challenge.outcome})


urlpatterns = [
    path("", CaseListCreateView.as_view(), name="api-cases"),
    path("<int:pk>/", CaseDetailView.as_view(), name="api-case"),
    path("<int:pk>/challenges/", ChallengeCreateView.as_view(), name="api-case-challenges"),
    path(
        "<int:pk>/challenges/<int:challenge_pk>/outcome/",
        ChallengeOutcomeView.as_view(),
        name="api-case-challenge-outcome",
    ),
]
