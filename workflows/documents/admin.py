from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import AuthorityAssignment, IssuedDocument, IssuingAuthority

GENERATING = _("Generating…")


class AuthorityAssignmentInline(admin.TabularInline):
    model = AuthorityAssignment
    extra = 0
    fields = ("county", "kind")


@admin.register(IssuingAuthority)
class IssuingAuthorityAdmin(admin.ModelAdmin):
    """Editing an authority changes the documents issued from then on; issued ones keep their copy."""

    list_display = ("name", "number_prefix", "review_body", "court", "sms_sign", "is_default")
    search_fields = ("name", "number_prefix")
    inlines = [AuthorityAssignmentInline]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Issued documents name their authority; retire one by reassigning its counties instead.
        return False


@admin.register(AuthorityAssignment)
class AuthorityAssignmentAdmin(admin.ModelAdmin):
    list_display = ("county", "kind", "authority")
    list_filter = ("authority",)
    list_select_related = ("county", "authority")


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(admin.ModelAdmin):
    """Read-only: documents change only through the services (supersede, revoke)."""

    list_display = ("number", "title", "county", "holder_name", "status", "issued_at")
    list_filter = ("kind", "status", "county")
    search_fields = ("number", "verification_code")
    # The file field is left out: its widget would link to MEDIA_URL, and PDFs go only
    # through the permission-checked download view.
    fields = (
        "number",
        "title",
        "county",
        "issuer_name",
        "holder_name",
        "status",
        "status_reason",
        "status_changed_at",
        "issued_at",
        "issued_by",
        "valid_from",
        "valid_until",
        "sha256",
        "template_version",
        "verification_code",
        "supersedes",
        "rendered_at",
        "render_attempts",
        "render_error",
        "download",
    )
    readonly_fields = fields

    @admin.display(description=_("issuing authority"))
    def issuer_name(self, obj: IssuedDocument) -> str:
        return str(obj.issuer.get("name", ""))

    @admin.display(description=_("PDF"))
    def download(self, obj: IssuedDocument) -> str:
        if not obj.is_ready:
            return str(GENERATING)
        return format_html('<a href="{}">{}</a>', obj.get_download_url(), obj.number)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
