"""The intervention catalogue is configuration, kept in the admin (audited) as well as through
the API. Person-level plan and engagement records are not in the admin: the administrator has
no reach into casework (docs/data-protection.md)."""

from django.contrib import admin

from alliance.core.admin import AuditedAdmin

from .models import Intervention


@admin.register(Intervention)
class InterventionAdmin(AuditedAdmin):
    list_display = ["name", "code", "jurisdiction", "type", "format", "provider",
                    "typical_sessions", "is_active"]
    list_filter = ["jurisdiction", "type", "format", "is_active"]
    search_fields = ["name", "code"]

    def save_model(self, request, obj, form, change):
        # A change here is a new version too, so an API client holding the old one gets a 409.
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)
