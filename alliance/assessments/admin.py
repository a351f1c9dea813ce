from django.contrib import admin

from alliance.core.admin import AuditedAdmin

from .models import Certification, Course, InstrumentVersion


@admin.register(Course)
class CourseAdmin(AuditedAdmin):
    list_display = ["name", "instrument_code", "validity_months", "booster_after_months"]


@admin.register(Certification)
class CertificationAdmin(AuditedAdmin):
    list_display = ["user", "instrument_code", "min_version", "max_version", "certified_on",
                    "expires_on", "booster_due_on", "revoked"]
    list_filter = ["instrument_code", "revoked"]
    search_fields = ["user__username", "user__last_name"]
    autocomplete_fields = ["user"]


@admin.register(InstrumentVersion)
class InstrumentVersionAdmin(AuditedAdmin):
    """Versions are loaded from files (the Instruments page or `load_instrument`) and never
    edited; the admin can only stop offering a version for new assessments."""

    list_display = ["instrument", "version", "licence", "is_active", "created_at", "loaded_by"]
    fields = ["instrument", "version", "licence", "content_hash", "is_active"]
    readonly_fields = ["instrument", "version", "licence", "content_hash"]

    def has_add_permission(self, request, *args):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
