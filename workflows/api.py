"""API base: token auth, the caller's identity and the OpenAPI schema."""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.urls import include, path
from drf_spectacular.utils import extend_schema, inline_serializer
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from .roles import roles_of
from .security import lockout_message


class TokenLoginView(ObtainAuthToken):
    """Username and password for a token; failures count towards the axes lockout like the web login."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            username = request.data.get("username") if isinstance(request.data, dict) else None
            if isinstance(username, str) and AxesProxyHandler.is_locked(request, {"username": username}):
                return Response({"detail": lockout_message()}, status=429)
            return Response(serializer.errors, status=400)
        token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})


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
    path("auth/token/", TokenLoginView.as_view(), name="api-token"),
    path("me/", MeView.as_view(), name="api-me"),
    path("", include("workflows.taskapi")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
