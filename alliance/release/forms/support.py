"""Forms of the support plan and supervision pages. The services decide what matters (an action
falls to an agency responsible for the person or on their case team, a condition does not end
before it starts, a breach is not answered before it happened) and apply_service puts their
reasons on these forms' fields; each form that edits a record carries its edit version."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from alliance.core.forms import StyledForm, VersionedForm, date_input
from alliance.organisations.models import Agency, AgencyType

from ..models import (
    ActionStatus,
    BreachResponse,
    ConditionKind,
    ContactKind,
    PathwayStatus,
)

TEXT_ROWS = 3


class AgencyField(forms.UUIDField):
    """An agency chosen from a list, by its UUID. An agency that is not offered is still
    resolved and handed to the service, which refuses it with the reason (someone from it must
    join the case team first) rather than with a bare "not a valid choice"."""

    widget = forms.Select
    default_error_messages = {"unknown": _("Choose one of the agencies in the list.")}

    def offer(self, agencies, blank_label=None) -> None:
        self.offered = {str(a.uuid): a for a in agencies}
        blank = [("", blank_label)] if blank_label is not None else []
        self.widget.choices = [*blank, *[(uuid, str(a)) for uuid, a in self.offered.items()]]

    def clean(self, value):
        chosen = super().clean(value)
        if chosen is None:
            return None
        agency = getattr(self, "offered", {}).get(str(chosen)) or Agency.objects.filter(
            uuid=chosen, is_active=True).first()
        if agency is None:
            raise ValidationError(self.error_messages["unknown"], code="unknown")
        return agency


def uuid_of(record) -> str:
    return str(record.uuid) if record is not None else ""


def municipalities(person) -> list:
    """The receiving municipalities a plan may name: the active municipalities and social
    services of the person's jurisdiction."""
    return list(Agency.objects.filter(type=AgencyType.MUNICIPALITY, is_active=True,
                                      jurisdiction_id=person.jurisdiction_id).order_by("name"))


def supervising_agencies(team) -> list:
    """The probation services on the case team (`team`: services.common.team_agencies)."""
    return [a for a in team if a.type == AgencyType.PROBATION]


def action_agencies(person, team) -> list:
    """Who may be given an action: the responsible agency, then the case team's agencies."""
    return [person.responsible_agency, *[a for a in team
                                         if a.pk != person.responsible_agency_id]]


class SupportPlanForm(VersionedForm):
    municipality = AgencyField(label=_("Receiving municipality or social service"),
                               required=False)
    municipality_involvement = forms.CharField(
        label=_("How the municipality is involved"), required=False,
        widget=forms.Textarea(attrs={"rows": TEXT_ROWS}),
        help_text=_("Who you are in touch with there, what they will do before and after the "
                    "release."))
    family_involvement = forms.CharField(
        label=_("The family's involvement"), required=False,
        widget=forms.Textarea(attrs={"rows": TEXT_ROWS}),
        help_text=_("Who in the family is involved and how, what support they offer, any "
                    "concern."))
    supervising_agency = AgencyField(
        label=_("Supervising agency"), required=False,
        help_text=_("A probation service on the case team."))
    supervision_ends_on = forms.DateField(label=_("Supervision ends"), required=False,
                                          widget=date_input())

    def __init__(self, *args, municipalities, supervisors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].offer(municipalities, _("— not chosen yet —"))
        self.fields["supervising_agency"].offer(supervisors, _("— not chosen yet —"))

    @staticmethod
    def initial_for(plan) -> dict:
        return {"municipality": uuid_of(plan.municipality),
                "municipality_involvement": plan.municipality_involvement,
                "family_involvement": plan.family_involvement,
                "supervising_agency": uuid_of(plan.supervising_agency),
                "supervision_ends_on": plan.supervision_ends_on, "version": plan.version}

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in (
            "municipality", "municipality_involvement", "family_involvement",
            "supervising_agency", "supervision_ends_on")}


class PathwayForm(VersionedForm):
    status = forms.ChoiceField(label=_("Where the work stands"), choices=PathwayStatus.choices)
    needs = forms.CharField(label=_("Needs"), required=False,
                            widget=forms.Textarea(attrs={"rows": 4}),
                            help_text=_("What the person needs on this pathway after release, "
                                        "in plain words."))


class ActionForm(VersionedForm):
    description = forms.CharField(label=pgettext_lazy("support plan", "Action"), widget=forms.Textarea(
        attrs={"rows": TEXT_ROWS}), help_text=_("What will be done, by whom, for the person."))
    agency = AgencyField(label=_("Responsible agency"),
                         help_text=_("The agency responsible for the person, or one on the "
                                     "case team."))
    due_on = forms.DateField(label=_("Due by"), required=False, widget=date_input())

    def __init__(self, *args, agencies, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["description"].error_messages["required"] = _("Say what will be done.")
        self.fields["agency"].error_messages["required"] = _("Choose the responsible agency.")
        self.fields["agency"].offer(agencies)
        if editing:
            self.fields["status"] = forms.ChoiceField(label=_("Status"),
                                                      choices=ActionStatus.choices)
            self.style_fields()

    @staticmethod
    def initial_for(action) -> dict:
        return {"description": action.description, "agency": uuid_of(action.agency),
                "due_on": action.due_on, "status": action.status, "version": action.version}


class ConditionForm(StyledForm):
    kind = forms.ChoiceField(label=_("Condition"), choices=ConditionKind.choices)
    detail = forms.CharField(label=_("Detail"), widget=forms.Textarea(attrs={"rows": TEXT_ROWS}),
                             help_text=_("The condition as the order states it."))
    starts_on = forms.DateField(label=_("From"), widget=date_input())
    ends_on = forms.DateField(label=_("Until"), required=False, widget=date_input(),
                              help_text=_("Leave empty while it has no end date."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["detail"].error_messages["required"] = _(
            "Write the condition as the order states it.")


class ConditionEndForm(VersionedForm):
    ends_on = forms.DateField(label=_("Ends on"), widget=date_input(),
                              help_text=_("The day the condition was lifted or the order "
                                          "ended."))


def _today():
    return timezone.localdate()


class ContactForm(StyledForm):
    contact_on = forms.DateField(label=_("Date"), widget=date_input(), initial=_today)
    kind = forms.ChoiceField(label=_("Contact"), choices=ContactKind.choices)
    kept = forms.BooleanField(label=_("The person attended"), required=False, initial=True)
    notes = forms.CharField(label=_("Notes"), required=False,
                            widget=forms.Textarea(attrs={"rows": TEXT_ROWS}))


class BreachForm(StyledForm):
    occurred_on = forms.DateField(label=_("Date of the breach"), widget=date_input())
    condition = forms.ChoiceField(label=_("Condition breached"), required=False)
    description = forms.CharField(label=_("What happened"), widget=forms.Textarea(
        attrs={"rows": TEXT_ROWS}))
    response = forms.ChoiceField(label=_("Response"), choices=BreachResponse.choices)
    response_on = forms.DateField(label=_("Date of the response"), widget=date_input(),
                                  initial=_today)

    def __init__(self, *args, conditions, **kwargs):
        super().__init__(*args, **kwargs)
        self.conditions = {str(c.uuid): c for c in conditions}
        self.fields["condition"].choices = [
            ("", _("— none in particular —")),
            *[(uuid, f"{c.get_kind_display()}: {c.detail[:60]}")
              for uuid, c in self.conditions.items()]]
        self.fields["description"].error_messages["required"] = _("Say what happened.")

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"occurred_on": data["occurred_on"], "description": data["description"],
                "response": data["response"], "response_on": data["response_on"],
                "condition": self.conditions.get(data["condition"])}
