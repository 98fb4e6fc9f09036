"""Admin for the case rules' data: the hearing thresholds for fines (APL art. 63)."""

from __future__ import annotations

from django.contrib import admin

from .models import FineThreshold


@admin.register(FineThreshold)
class FineThresholdAdmin(admin.ModelAdmin):
    list_display = ("party_kind", "amount", "basis")
