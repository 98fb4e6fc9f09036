from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from workflows.jurisdiction import visible
from workflows.masking import mask_name
from workflows.security import same_origin_preview

from .models import IssuedDocument
from .registry import KINDS


@same_origin_preview
@require_GET
def download(request: HttpRequest, pk: int) -> FileResponse:
    """The stored PDF, for users who may see the document's subject; 404 for everyone else."""
    document = IssuedDocument.objects.select_related("subject_type").filter(pk=pk).first()
    if document is None:
        raise Http404
    model = document.subject_type.model_class()
    if model is None or not visible(request.user, model).filter(pk=document.subject_id).exists():
        raise Http404
    response = FileResponse(document.pdf.open("rb"), content_type="application/pdf", filename=f"{document.number}.pdf")
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public check of a document by its code: only what the paper itself already shows, masked."""
    normalized = code.strip().upper().replace("-", "").replace(" ", "")
    document = IssuedDocument.objects.filter(verification_code=normalized).first()
    if document is None:
        response = render(
            request, "documents/verify_not_found.html", {"bureau_name": settings.XIUHUA_BUREAU_NAME}, status=404
        )
    else:
        kind = KINDS.get(document.kind)
        holder = mask_name(document.holder_name) if document.holder_is_person else document.holder_name
        response = render(
            request,
            "documents/verify.html",
            {
                "document": document,
                "holder": holder,
                "has_validity": bool(kind and kind.has_validity),
                "bureau_name": settings.XIUHUA_BUREAU_NAME,
            },
        )
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
