from django.contrib import admin

from alliance.core.admin import AuditedAdmin, ConfigurationInline

from .models import Agency, FacilityUnit, Jurisdiction


@admin.register(Jurisdiction)
class JurisdictionAdmin(AuditedAdmin):
    list_display = ["code", "name", "designation_footnote", "reassessment_interval_months"]
    search_fields = ["code", "name"]


class FacilityUnitInline(ConfigurationInline, admin.TabularInline):
    model = FacilityUnit
    extra = 0
    fields = ["name", "is_active"]


@admin.register(Agency)
class AgencyAdmin(AuditedAdmin):
    list_display = ["name", "type", "jurisdiction", "is_active"]
    list_filter = ["type", "jurisdiction", "is_active"]
    search_fields = ["name"]
    inlines = [FacilityUnitInline]
