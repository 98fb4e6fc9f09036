from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from workflows import clock
from workflows.jurisdiction import visible
from workflows.masking import mask_name
from workflows.security import same_origin_preview

from .authorities import site_authority_name
from .models import IssuedDocument
from .registry import KINDS, LICENCES

# Seconds after which the "not ready yet" page reloads itself (and Retry-After for API clients).
NOT_READY_RETRY_SECONDS = 3


@same_origin_preview
@require_GET
def download(request: HttpRequest, pk: int) -> HttpResponse | FileResponse:
    """The stored PDF, for users who may see the document's subject; 404 for everyone else.

    While the PDF is still being rendered (after the issuing transaction committed) the answer
    is 202 with a page that says so and reloads itself, never an error.
    """
    document = IssuedDocument.objects.select_related("subject_type").filter(pk=pk).first()
    if document is None:
        raise Http404
    model = document.subject_type.model_class()
    if model is None or not visible(request.user, model).filter(pk=document.subject_id).exists():
        raise Http404
    if not document.is_ready:
        pending = render(
            request,
            "documents/not_ready.html",
            {"document": document, "bureau_name": document.issuer.get("name") or site_authority_name(),
             "retry_seconds": NOT_READY_RETRY_SECONDS},
            status=202,
        )
        pending["Retry-After"] = str(NOT_READY_RETRY_SECONDS)
        pending["Cache-Control"] = "no-store"
        return pending
    response = FileResponse(document.pdf.open("rb"), content_type="application/pdf", filename=f"{document.number}.pdf")
    response["Cache-Control"] = "private, no-store"
    return response


def verify_presentation(document: IssuedDocument, *, kind: Any, has_validity: bool) -> dict[str, Any]:
    """What the public page shows besides the record: the kind of check, the facts on the paper, a picture.

    A permit is checked as a permit, anything else as an enforcement document. The first page
    is shown as a picture only when the holder is not a natural person: the paper carries the
    person's full name and ID number, which the public page masks.
    """
    from . import preview

    status = document.status
    if status == IssuedDocument.Status.VALID and has_validity and document.valid_until:
        if document.valid_until < clock.today():
            status = "expired"
    data = document.data or {}
    is_permit = bool(kind and kind.process in LICENCES)
    # Where a permitted facility stands is what the public checks; an enforcement document's
    # address is a person's property, and stays off the public page.
    public_place = is_permit and not document.holder_is_person
    return {
        "is_permit": is_permit,
        "shown_status": status,
        "shown_status_label": _("Expired") if status == "expired" else document.get_status_display(),
        "facility": data.get("facility_type", "") if public_place else "",
        "address": data.get("address", "") if public_place else "",
        "preview": None if document.holder_is_person else preview.first_page_data_uri(document),
    }


@require_GET
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public check of a document by its code: only what the paper itself already shows, masked."""
    normalized = code.strip().upper().replace("-", "").replace(" ", "")
    document = IssuedDocument.objects.filter(verification_code=normalized).first()
    if document is None:
        response = render(
            request, "documents/verify_not_found.html", {"bureau_name": site_authority_name()}, status=404
        )
    else:
        kind = KINDS.get(document.kind)
        holder = mask_name(document.holder_name) if document.holder_is_person else document.holder_name
        has_validity = bool(kind and kind.has_validity)
        response = render(
            request,
            "documents/verify.html",
            {
                "document": document,
                "holder": holder,
                "has_validity": has_validity,
                "bureau_name": document.issuer.get("name") or site_authority_name(),
                **verify_presentation(document, kind=kind, has_validity=has_validity),
            },
        )
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
