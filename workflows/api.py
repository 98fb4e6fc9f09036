"""API base: token auth, the caller's identity and the OpenAPI schema."""

from __future__ import annotations

from typing import Any

from django.urls import include, path
from drf_spectacular.utils import extend_schema, inline_serializer
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .roles import roles_of


class MeView(APIView):
    @extend_schema(
        responses=inline_serializer(
            "Me",
            {
                "username": serializers.CharField(),
                "name": serializers.CharField(),
                "kind": serializers.CharField(),
                "county": serializers.DictField(allow_null=True),
                "roles": serializers.ListField(child=serializers.CharField()),
            },
        )
    )
    def get(self, request: Request) -> Response:
        user: Any = request.user
        county = {"code": user.county.code, "name": user.county.name} if user.county else None
        return Response(
            {
                "username": user.username,
                "name": user.display_name,
                "kind": user.kind,
                "county": county,
                "roles": [role.code for role in roles_of(user)],
            }
        )


urlpatterns = [
    path("auth/token/", ObtainAuthToken.as_view(), name="api-token"),
    path("me/", MeView.as_view(), name="api-me"),
    path("", include("workflows.taskapi")),
    path("", include("workflows.refapi")),
    path("", include("workflows.documents.api")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
