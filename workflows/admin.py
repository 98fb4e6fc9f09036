"""Admin: unlocking accounts locked by too many failed logins, with an audit row per unlock."""

from __future__ import annotations

from typing import Any

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest

from .models import Webhook
from .security import audit_unlock


class UnlockingAccessAttemptAdmin(AccessAttemptAdmin):
    """Deleting a failed-attempt row unlocks its account and address (django-axes); we audit who did it."""

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            audit_unlock(acting_user=request.user, attempts=[obj])
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic():
            audit_unlock(acting_user=request.user, attempts=list(queryset))
            super().delete_queryset(request, queryset)


# AXES_ENABLE_ADMIN is off so this subclass is the one registered.
admin.site.register(AccessAttempt, UnlockingAccessAttemptAdmin)


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    """Platforms that receive events (signed with the secret; see workflows.events)."""

    list_display = ["url", "kinds", "active"]
