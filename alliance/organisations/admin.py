from django.contrib import admin

from alliance.core.admin import AuditedAdmin, ConfigurationInline

from .models import Agency, AgreementParty, FacilityUnit, Jurisdiction, SharingAgreement


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


class AgreementPartyInline(ConfigurationInline, admin.TabularInline):
    model = AgreementParty
    extra = 0
    fields = ["agency", "categories"]
    autocomplete_fields = ["agency"]


@admin.register(SharingAgreement)
class SharingAgreementAdmin(AuditedAdmin):
    """Agreements are drafted, signed and terminated on their own pages (/coordination/
    agreements/, by the DPO); the admin shows them whole and corrects a draft's details. The
    status and who signed or terminated, when and why, are never changed here."""

    list_display = ["title", "reference", "status", "valid_from", "valid_until", "review_due"]
    list_filter = ["status"]
    search_fields = ["title", "reference"]
    inlines = [AgreementPartyInline]
    readonly_fields = ["status", "signed_at", "signed_by", "terminated_at", "terminated_by",
                       "termination_reason", "created_by", "version"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        else:
            obj.version += 1  # an edit on the agreement's page from before this one is stale
        super().save_model(request, obj, form, change)
