"""Dynamic security's configuration is kept in the admin (audited): each jurisdiction's settings
(grading scheme, review time, how long summaries are shared) and the escalation indicators.
Observations, analyses and shared summaries are not in the admin: the administrator has no reach
into casework, and none into the security compartment (docs/data-protection.md)."""

from django.contrib import admin

from alliance.core.admin import AuditedAdmin

from .models import Indicator, ObservationSettings


@admin.register(ObservationSettings)
class ObservationSettingsAdmin(AuditedAdmin):
    list_display = ["jurisdiction", "grading_scheme", "review_within_hours",
                    "share_default_days", "share_max_days"]
    list_select_related = ["jurisdiction"]


@admin.register(Indicator)
class IndicatorAdmin(AuditedAdmin):
    list_display = ["name", "code", "jurisdiction", "is_active", "order"]
    list_filter = ["jurisdiction", "is_active"]
    list_select_related = ["jurisdiction"]
    search_fields = ["name", "code"]
    ordering = ["jurisdiction", "order", "name"]

    def has_delete_permission(self, request, obj=None):
        # Observations keep the indicators they were recorded with: one no longer wanted is
        # taken out of use ("in use" unticked), never deleted.
        return False
