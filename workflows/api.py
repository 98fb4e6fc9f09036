"""API base: token auth, the caller's identity and the OpenAPI schema."""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from knox import views as knox_views
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from .actions import action_urlpatterns
from .apiconv import errors_response
from .roles import roles_of
from .security import lockout_message

NO_TOKEN = _("This request carries no API token to revoke.")
TOKEN_LOGIN_RESPONSE = inline_serializer(
    "TokenLogin", {"token": serializers.CharField(), "expiry": serializers.DateTimeField()}
)


class TokenLoginView(knox_views.LoginView):
    """Username and password for an expiring token (settings.REST_KNOX TOKEN_TTL).

    Failures count towards the django-axes lockout exactly like the web login; a locked account
    or address gets 429 even with the right password.
    """

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"
    serializer_class = AuthTokenSerializer

    @extend_schema(
        request=AuthTokenSerializer,
        responses={
            200: TOKEN_LOGIN_RESPONSE,
            400: OpenApiResponse(description="field -> messages; wrong credentials as `detail`"),
            429: OpenApiResponse(description="locked out or throttled"),
        },
    )
    def post(self, request: Request, format: Any = None) -> Response:
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            username = request.data.get("username") if isinstance(request.data, dict) else None
            if isinstance(username, str) and AxesProxyHandler.is_locked(request, {"username": username}):
                return Response({"detail": lockout_message()}, status=429)
            # The one error format: field -> messages, the wrong-credentials message as `detail`.
            return errors_response(serializer.errors)
        request.user = serializer.validated_data["user"]
        return super().post(request, format=format)


class TokenLogoutView(knox_views.LogoutView):
    """Revoke the token this request carries."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request, format: Any = None) -> Response:
        if request.auth is None:  # authenticated some other way: there is no token to revoke
            return Response({"detail": str(NO_TOKEN)}, status=400)
        return super().post(request, format=format)


class TokenLogoutAllView(knox_views.LogoutAllView):
    """Revoke every token of the caller (a lost device)."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request, format: Any = None) -> Response:
        return super().post(request, format=format)


class MeView(APIView):
    @extend_schema(
        responses=inline_serializer(
            "Me",
            {
                "username": serializers.CharField(),
                "name": serializers.CharField(),
                "kind": serializers.CharField(),
                "county": inline_serializer(
                    "MeCounty", {"code": serializers.CharField(), "name": serializers.CharField()}, allow_null=True
                ),
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
    path("auth/logout/", TokenLogoutView.as_view(), name="api-logout"),
    path("auth/logout-all/", TokenLogoutAllView.as_view(), name="api-logout-all"),
    path("me/", MeView.as_view(), name="api-me"),
    path("", include("workflows.taskapi")),
    path("", include("workflows.refapi")),
    path("", include("workflows.documents.api")),
    path("", include("workflows.events")),
    *action_urlpatterns(),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its init script as a file: no inline script, so the CSP stays strict.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
