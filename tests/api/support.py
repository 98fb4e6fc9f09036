"""An API-only client: a token from POST /api/auth/token/, JSON and multipart, absolute URLs."""

from __future__ import annotations

import re
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


class DocumentedOnlyClient(APIClient):
    """An API client that may only call what the OpenAPI document lists (no HTML page, no
    undocumented route): every request's method and path must match an operation of /api/schema/."""

    _operations: list[tuple[str, re.Pattern[str]]] | None = None

    @classmethod
    def operations(cls) -> list[tuple[str, re.Pattern[str]]]:
        if cls._operations is None:
            document = APIClient().get("/api/schema/?format=json")
            if document.status_code != 200:  # the document needs a token: use any staff one
                document = token_client("clerk").get("/api/schema/?format=json")
            paths = document.json()["paths"]
            cls._operations = [
                (method.upper(), re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$"))
                for path, operations in paths.items()
                for method in operations
            ]
        return cls._operations

    def request(self, **request: Any) -> Any:
        method, path = request["REQUEST_METHOD"].upper(), request["PATH_INFO"]
        assert any(m == method and pattern.match(path) for m, pattern in self.operations()), (
            f"{method} {path} is not in the OpenAPI document"
        )
        return super().request(**request)


def documented_client(username: str | None = None, password: str | None = None) -> DocumentedOnlyClient:
    """Anonymous, or logged in through POST /api/auth/token/ like an app; documented endpoints only."""
    client = DocumentedOnlyClient()
    if username is not None:
        response = client.post(
            "/api/auth/token/",
            {"username": username, "password": password or settings.XIUHUA_DEMO_PASSWORD},
            format="json",
        )
        assert response.status_code == 200, response.content
        client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client
