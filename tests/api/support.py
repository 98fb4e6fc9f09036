"""An API-only client: a token from POST /api/auth/token/, JSON and multipart, absolute URLs."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.test import APIClient


def token_client(username: str) -> APIClient:
    """Logs in the way an app does (username + password → token) and sends the token only."""
    anonymous = APIClient()
    response = anonymous.post(
        "/api/auth/token/", {"username": username, "password": settings.XIUHUA_DEMO_PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
