from django.contrib import admin
from django.db import transaction

from . import audit
from .models import AuditAction


class _SiteRolePermissions:
    """Administrators hold no Django model permissions; holding the system administrator role is
    what lets them configure (see admin_site.py), so every permission check defers to that."""

    def has_view_permission(self, request, obj=None):
        return admin.site.has_permission(request)

    def has_module_permission(self, request):
        return admin.site.has_permission(request)

    def has_add_permission(self, request, *args):
        return admin.site.has_permission(request)

    def has_change_permission(self, request, obj=None):
        return admin.site.has_permission(request)

    def has_delete_permission(self, request, obj=None):
        return admin.site.has_permission(request)


class ConfigurationInline(_SiteRolePermissions):
    """Mix into an inline whose rows are configuration (saved and audited by AuditedAdmin)."""


class AuditedAdmin(_SiteRolePermissions, admin.ModelAdmin):
    """Configuration changes made in the admin are audited like any other write."""

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit.record(actor=request.user, action=AuditAction.CHANGE if change else
                     AuditAction.CREATE, obj=obj,
                     details={"fields": sorted(form.changed_data), "via": "admin"})

    @transaction.atomic
    def delete_model(self, request, obj):
        audit.record(actor=request.user, action=AuditAction.DELETE, obj=obj,
                     details={"repr": str(obj)[:200], "via": "admin"})
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        with transaction.atomic():
            for obj in formset.deleted_objects:
                audit.record(actor=request.user, action=AuditAction.DELETE, obj=obj,
                             details={"repr": str(obj)[:200], "via": "admin"})
                obj.delete()
            for obj in instances:
                is_new = obj.pk is None
                obj.save()
                audit.record(actor=request.user, action=AuditAction.CREATE if is_new else
                             AuditAction.CHANGE, obj=obj, details={"via": "admin"})
            formset.save_m2m()
