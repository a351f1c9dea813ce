from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
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


# Never copied into the trail, even as "before" and "after": only the fact of a change.
SECRET_FIELDS = {"password"}


def field_values(obj, names) -> dict:
    """The named fields of `obj` as JSON values for an audit event's before/after."""
    values = {}
    for name in names:
        try:
            field = obj._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if name in SECRET_FIELDS:
            values[name] = "(secret)"
            continue
        if field.many_to_many:
            values[name] = sorted(str(o) for o in getattr(obj, name).all()) if obj.pk else []
            continue
        value = field.value_from_object(obj)
        if field.is_relation and value is not None:
            value = str(getattr(obj, field.name))
        values[name] = value if isinstance(value, str | int | float | bool | list | dict |
                                           type(None)) else str(value)
    return values


def changes_between(before, after, names) -> dict:
    """{"before": {...}, "after": {...}} for the named fields (before is {} for a new object)."""
    return {"before": field_values(before, names) if before is not None else {},
            "after": field_values(after, names)}


def _stored(obj):
    return type(obj)._default_manager.filter(pk=obj.pk).first() if obj.pk else None


class AuditedAdmin(_SiteRolePermissions, admin.ModelAdmin):
    """Configuration changes made in the admin are audited like any other write, with the values
    before and after."""

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        before = _stored(obj)
        super().save_model(request, obj, form, change)
        audit.record(actor=request.user, action=AuditAction.CHANGE if change else
                     AuditAction.CREATE, obj=obj,
                     details={"fields": sorted(form.changed_data), "via": "admin",
                              **changes_between(before, obj, form.changed_data)})

    @transaction.atomic
    def delete_model(self, request, obj):
        names = [f.name for f in obj._meta.concrete_fields]
        audit.record(actor=request.user, action=AuditAction.DELETE, obj=obj,
                     details={"repr": str(obj)[:200], "via": "admin",
                              "before": field_values(obj, names), "after": None})
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        changed = {id(f.instance): f.changed_data for f in formset.forms}
        with transaction.atomic():
            for obj in formset.deleted_objects:
                names = [f.name for f in obj._meta.concrete_fields]
                audit.record(actor=request.user, action=AuditAction.DELETE, obj=obj,
                             details={"repr": str(obj)[:200], "via": "admin",
                                      "before": field_values(obj, names), "after": None})
                obj.delete()
            for obj in instances:
                before = _stored(obj)
                obj.save()
                fields = changed.get(id(obj), [])
                audit.record(actor=request.user, action=AuditAction.CREATE if before is None else
                             AuditAction.CHANGE, obj=obj,
                             details={"via": "admin", "fields": sorted(fields),
                                      **changes_between(before, obj, fields)})
            formset.save_m2m()
