"""The release module's configuration is kept in the admin (audited, with the values before and
after): each jurisdiction's release settings, and the pre-release programme's steps — the
regional defaults and a jurisdiction's own. A person's steps, support plan, handovers and
follow-ups are not in the admin: the administrator has no reach into casework
(docs/data-protection.md).

A jurisdiction changes a regional step by adding a step with the same code for itself ("Change it
for a jurisdiction" opens that form filled in with the regional step); its row replaces the
regional one there, and unticking "in use" on it drops the step there. Steps are never deleted
once a person has one of them; the code and the jurisdiction of a step are fixed once saved.
"""

import re
import uuid

from django import forms
from django.contrib import admin
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from alliance.core.admin import AuditedAdmin
from alliance.organisations.models import Jurisdiction

from . import dates
from .models import ReleaseSettings, StepTemplate

_CODE = re.compile(r"[a-z0-9_-]{1,40}")

JURISDICTION_HELP = _(
    "Empty for a regional step, which every jurisdiction follows. To change a step for one "
    "jurisdiction, add a step with the same code and that jurisdiction (the regional step's "
    "page has a link that fills this form in for you): it replaces the regional step there. "
    "To drop a regional step in a jurisdiction, add it there with \"in use\" unticked. Fixed "
    "once saved.")
CHECKLIST_HELP = _(
    'Items to tick before the step is done, as a list: [{"code": "identity_card", "name": '
    '"Identity card", "names": {"sq": "Letërnjoftimi", "mk": "Лична карта"}}]. The code: '
    'lower-case letters, digits and "_"; "names" is optional. [] for none.')
OFFSETS_HELP = _(
    'When the follow-up contacts fall after the release, in order: a number and d (days), w '
    '(weeks) or m (calendar months), e.g. ["1w", "1m", "3m", "6m", "12m"]. A release '
    "already recorded keeps the follow-ups it was given.")


def _names_error(value) -> str | None:
    if not isinstance(value, dict) or not all(
            isinstance(k, str) and k.strip() and isinstance(v, str) for k, v in value.items()):
        return _('Give the names as {"language code": "name"}, e.g. {"sq": "…", "mk": "…"}.')
    return None


class StepTemplateForm(forms.ModelForm):
    class Meta:
        model = StepTemplate
        fields = ["jurisdiction", "code", "name", "names", "lead_months", "lead_days",
                  "agency_type", "evidence_required", "checklist", "blocks_readiness",
                  "is_active", "order"]
        help_texts = {"jurisdiction": JURISDICTION_HELP, "checklist": CHECKLIST_HELP,
                      "code": _("The same code as a regional step replaces it in the "
                                "jurisdiction. Fixed once saved.")}

    def clean_names(self):
        value = self.cleaned_data.get("names") or {}
        error = _names_error(value)
        if error:
            raise forms.ValidationError(error)
        return value

    def clean_checklist(self):
        value = self.cleaned_data.get("checklist") or []
        if not isinstance(value, list):
            raise forms.ValidationError(CHECKLIST_HELP)
        seen = set()
        for n, item in enumerate(value, start=1):
            if not isinstance(item, dict) or set(item) - {"code", "name", "names"}:
                raise forms.ValidationError(
                    _('Item %(n)s: give "code", "name" and, if you like, "names".') % {"n": n})
            code, name = item.get("code"), item.get("name")
            if not isinstance(code, str) or not _CODE.fullmatch(code):
                raise forms.ValidationError(
                    _("Item %(n)s: the code is lower-case letters, digits and \"_\" (up to 40)."
                      ) % {"n": n})
            if code in seen:
                raise forms.ValidationError(
                    _("Item %(n)s: the code %(code)s is used twice.") % {"n": n, "code": code})
            seen.add(code)
            if not isinstance(name, str) or not name.strip():
                raise forms.ValidationError(_("Item %(n)s: give its name.") % {"n": n})
            if "names" in item and _names_error(item["names"]):
                raise forms.ValidationError(
                    _('Item %(n)s: give the names as {"language code": "name"}.') % {"n": n})
        return value


class ProgrammeFilter(admin.SimpleListFilter):
    """The regional steps, or one jurisdiction's programme: its own steps with the regional
    ones beside them."""

    title = _("programme")
    parameter_name = "programme"

    def lookups(self, request, model_admin):
        return [("regional", _("Regional steps")),
                *((str(j.pk), str(j)) for j in Jurisdiction.objects.order_by("name"))]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "regional":
            return queryset.filter(jurisdiction__isnull=True)
        if value and value.isdigit():
            return queryset.filter(Q(jurisdiction_id=int(value)) | Q(jurisdiction__isnull=True))
        return queryset


@admin.register(StepTemplate)
class StepTemplateAdmin(AuditedAdmin):
    form = StepTemplateForm
    list_display = ["name", "code", "scope", "lead", "agency_type", "evidence_required",
                    "checklist_size", "blocks_readiness", "is_active", "order", "copy"]
    list_filter = [ProgrammeFilter, "agency_type", "is_active"]
    list_select_related = ["jurisdiction"]
    search_fields = ["name", "code"]
    ordering = ["order", "-lead_months", "-lead_days", "code", "jurisdiction__name"]

    def get_queryset(self, request):
        """Each regional step with the number of jurisdictions that replace it (and, when one
        jurisdiction's programme is shown, whether it does): one query for the page."""
        replacing = (StepTemplate.objects.filter(code=OuterRef("code"),
                                                 jurisdiction__isnull=False)
                     .order_by().values("code").annotate(n=Count("id")).values("n"))
        queryset = super().get_queryset(request).annotate(
            replaced_in=Coalesce(Subquery(replacing, output_field=IntegerField()), 0))
        shown = request.GET.get(ProgrammeFilter.parameter_name, "")
        if shown.isdigit():
            queryset = queryset.annotate(replaced_here=Exists(StepTemplate.objects.filter(
                code=OuterRef("code"), jurisdiction_id=int(shown))))
        return queryset

    def get_readonly_fields(self, request, obj=None):
        # Which programme a step belongs to, and the code that pairs it with the regional
        # step, are what people's steps were generated from.
        return ["jurisdiction", "code"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        """Only a jurisdiction's own step that no person has yet (e.g. added by mistake: the
        regional step applies again). Otherwise untick "in use"."""
        return (super().has_delete_permission(request, obj) and obj is not None
                and obj.jurisdiction_id is not None and not obj.steps.exists())

    def get_changeform_initial_data(self, request):
        """"Change it for a jurisdiction": the add form filled in with a regional step."""
        initial = super().get_changeform_initial_data(request)
        try:
            source = StepTemplate.objects.filter(
                uuid=uuid.UUID(request.GET.get("copy", "")), jurisdiction__isnull=True).first()
        except ValueError:
            source = None
        if source is not None:
            initial.update({field: getattr(source, field) for field in StepTemplateForm.Meta.fields
                            if field != "jurisdiction"})
        return initial

    @admin.display(description=_("applies to"))
    def scope(self, obj):
        if obj.jurisdiction_id is not None:
            return obj.jurisdiction
        if getattr(obj, "replaced_here", False):
            return _("Regional step — replaced here by the jurisdiction's own")
        if obj.replaced_in:
            return ngettext("Regional step — replaced in %(n)s jurisdiction",
                            "Regional step — replaced in %(n)s jurisdictions",
                            obj.replaced_in) % {"n": obj.replaced_in}
        return _("Regional step")

    @admin.display(description=_("due"))
    def lead(self, obj):
        return dates.lead_label(obj.lead_months, obj.lead_days)

    @admin.display(description=_("checklist items"))
    def checklist_size(self, obj):
        return len(obj.checklist or [])

    @admin.display(description="")
    def copy(self, obj):
        if obj.jurisdiction_id is not None:
            return ""
        url = reverse("admin:release_steptemplate_add") + f"?copy={obj.uuid}"
        return format_html('<a href="{}">{}</a>', url, _("Change it for a jurisdiction"))


class ReleaseSettingsForm(forms.ModelForm):
    class Meta:
        model = ReleaseSettings
        fields = ["jurisdiction", "horizon_months", "task_within_days", "retain_days",
                  "follow_up_offsets"]
        help_texts = {"follow_up_offsets": OFFSETS_HELP,
                      "retain_days": _("After the handover, the prison's staff still read the "
                                       "person's record (nothing else) for this many days from "
                                       "the day of the release; 0 for not at all.")}

    def clean_follow_up_offsets(self):
        value = self.cleaned_data.get("follow_up_offsets")
        if not isinstance(value, list) or not value:
            raise forms.ValidationError(OFFSETS_HELP)
        for code in value:
            try:
                dates.parse_offset(code if isinstance(code, str) else "")
            except ValueError:
                raise forms.ValidationError(
                    _("%(code)s is not an offset: a number and d, w or m, e.g. 3m.") % {
                        "code": code}) from None
        if len(set(value)) != len(value):
            raise forms.ValidationError(_("Give each offset once."))
        return value


@admin.register(ReleaseSettings)
class ReleaseSettingsAdmin(AuditedAdmin):
    form = ReleaseSettingsForm
    list_display = ["jurisdiction", "horizon_months", "task_within_days", "retain_days",
                    "follow_up_offsets"]
    list_select_related = ["jurisdiction"]

    def get_readonly_fields(self, request, obj=None):
        return ["jurisdiction"] if obj is not None else []
