"""Issued documents over the API: token-authenticated download with the stored SHA-256 as ETag."""

from __future__ import annotations

import base64
from typing import Any

from django.http import FileResponse, Http404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from workflows.jurisdiction import visible

from .models import IssuedDocument

DOCUMENT_NOT_READY = _("The document is still being rendered; try again shortly.")


class DocumentLinkSerializer(serializers.Serializer):
    kind = serializers.CharField()
    title = serializers.CharField()
    number = serializers.CharField()
    status = serializers.CharField()
    issued_at = serializers.DateTimeField(allow_null=True)
    ready = serializers.BooleanField(help_text="false until the PDF is rendered (after the issuing commit)")
    sha256 = serializers.CharField(allow_null=True)
    download_url = serializers.URLField(
        allow_null=True, help_text="GET with the token: the PDF (404 unless the subject is visible); null until ready"
    )
    verify_url = serializers.URLField(help_text="Public verification page (no login)")


def document_links(request: Any, documents: Any) -> list[dict[str, Any]]:
    """Absolute API download and public verify URLs for each document."""
    return [
        {
            "kind": d.kind,
            "title": d.title,
            "number": d.number,
            "status": d.status,
            "issued_at": d.issued_at,
            "ready": d.is_ready,
            "sha256": d.sha256 or None,
            "download_url": request.build_absolute_uri(reverse("api-document-pdf", kwargs={"pk": d.pk}))
            if d.is_ready
            else None,
            "verify_url": request.build_absolute_uri(d.get_verify_url()),
        }
        for d in documents
    ]


def visible_document_or_404(user: Any, pk: int) -> IssuedDocument:
    document = IssuedDocument.objects.select_related("subject_type").filter(pk=pk).first()
    if document is None:
        raise Http404
    model = document.subject_type.model_class()
    if model is None or not visible(user, model).filter(pk=document.subject_id).exists():
        raise Http404
    return document


class DocumentPdfView(APIView):
    @extend_schema(
        summary="Download an issued document's PDF (token or session)",
        description=(
            "`ETag` is the quoted SHA-256 of the PDF; `X-Content-SHA256` carries it in hex and "
            "`Repr-Digest` in RFC 9530 form. `If-None-Match` with the ETag answers 304. "
            "404 for documents whose subject the caller may not see; "
            "202 with Retry-After while the PDF is still rendering."
        ),
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            304: OpenApiResponse(description="not modified"),
            404: OpenApiResponse(description="not found or not visible"),
            202: OpenApiResponse(description="still rendering; retry after Retry-After seconds"),
        },
    )
    def get(self, request: Request, pk: int) -> Any:
        document = visible_document_or_404(request.user, pk)
        if not document.is_ready or not document.sha256:
            response = Response({"detail": str(DOCUMENT_NOT_READY)}, status=status.HTTP_202_ACCEPTED)
            response["Retry-After"] = "5"
            return response
        etag = f'"{document.sha256}"'
        if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
            not_modified = Response(status=status.HTTP_304_NOT_MODIFIED)
            not_modified["ETag"] = etag
            return not_modified
        pdf = FileResponse(document.pdf.open("rb"), content_type="application/pdf", filename=f"{document.number}.pdf")
        pdf["ETag"] = etag
        pdf["X-Content-SHA256"] = document.sha256
        pdf["Repr-Digest"] = f"sha-256=:{base64.b64encode(bytes.fromhex(document.sha256)).decode()}:"
        pdf["Cache-Control"] = "private, no-cache"
        return pdf


urlpatterns = [
    path("documents/<int:pk>/pdf/", DocumentPdfView.as_view(), name="api-document-pdf"),
]
