from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import IssuedDocument


def documents_for(subject: models.Model) -> models.QuerySet[IssuedDocument]:
    """Every document issued about ``subject``, oldest first, superseded and revoked included."""
    return IssuedDocument.objects.filter(
        subject_type=ContentType.objects.get_for_model(subject), subject_id=str(subject.pk)
    ).order_by("issued_at", "id")
