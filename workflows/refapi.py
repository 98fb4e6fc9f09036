"""Reference data a client needs before it can act: counties and document kinds (public)."""

from __future__ import annotations

from typing import Any

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .documents.registry import KINDS
from .models import County


class CountySerializer(serializers.ModelSerializer):
    class Meta:
        model = County
        fields = ["id", "code", "name", "short_name"]


class CountyListView(ListAPIView):
    """The city's counties; ``id`` is what POST /api/permits/ takes as ``county``."""

    permission_classes = [AllowAny]
    serializer_class = CountySerializer
    pagination_class = None
    queryset = County.objects.order_by("order", "pk")


class DocumentKindSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    process = serializers.CharField()
    sealed = serializers.BooleanField()
    has_validity = serializers.BooleanField()
    rights_notice = serializers.BooleanField()


class DocumentKindListView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(summary="Kinds of official documents the bureau issues", responses=DocumentKindSerializer(many=True))
    def get(self, request: Request) -> Response:
        rows: list[dict[str, Any]] = [
            {
                "code": kind.code,
                "title": kind.title,
                "process": kind.process,
                "sealed": kind.sealed,
                "has_validity": kind.has_validity,
                "rights_notice": kind.rights_notice,
            }
            for kind in KINDS.values()
        ]
        return Response(DocumentKindSerializer(rows, many=True).data)


urlpatterns = [
    path("counties/", CountyListView.as_view(), name="api-counties"),
    path("document-kinds/", DocumentKindListView.as_view(), name="api-document-kinds"),
]
