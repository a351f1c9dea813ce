"""The observer's forms: record an observation, correct it before an analyst reads it, add an
addendum after.

The services judge what matters (a category, the facts, every grade of the jurisdiction's
scheme, a time that is neither in the future nor more than a year ago, a wing of the facility,
indicators in use there) and `apply_service` puts their reasons on these fields. So those fields
are not required here, and the choices are offered without being checked here (a text field
behind the radio buttons): a missing or unknown grade is refused by the service, in its own
words, together with everything else that is wrong, and whatever the officer typed stays."""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliance.core.forms import StyledForm, VersionedForm
from alliance.organisations.models import FacilityUnit
from alliance.people.models import CustodyEpisode

from ..models import Category
from ..services import GRADING_FIELDS, indicators_for, scheme_for

TEXT_FIELDS = ("verbatim", "context", "opinion")
GRADING_LEGENDS = {
    "source_reliability": _("Source reliability: how far can the source be trusted?"),
    "information_assessment": _("Information: how far can what was seen or heard be trusted?"),
    "handling_code": _("Handling: who may ever read a summary of it?"),
}


def _datetime_input():
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _now():
    return timezone.localtime().replace(second=0, microsecond=0)


class ObservationForm(StyledForm):
    category = forms.CharField(label=_("What kind of observation?"), required=False,
                               widget=forms.RadioSelect(choices=Category.choices))
    verbatim = forms.CharField(
        label=_("What was seen or heard (facts, words as said)"), required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Write what happened and quote words exactly as they were said."))
    context = forms.CharField(
        label=_("Context"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Where, who else was there, what led to it."))
    indicators = forms.ModelMultipleChoiceField(
        label=_("Escalation indicators"), required=False, to_field_name="uuid",
        queryset=None, widget=forms.CheckboxSelectMultiple)
    opinion = forms.CharField(
        label=_("Your assessment (kept apart from the facts)"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What you make of it. Leave it empty if you only report facts."))
    source_reliability = forms.CharField(label=GRADING_LEGENDS["source_reliability"],
                                         required=False, widget=forms.RadioSelect)
    information_assessment = forms.CharField(label=GRADING_LEGENDS["information_assessment"],
                                             required=False, widget=forms.RadioSelect)
    handling_code = forms.CharField(label=GRADING_LEGENDS["handling_code"], required=False,
                                    widget=forms.RadioSelect)
    observed_at = forms.DateTimeField(label=_("When"), required=False,
                                      widget=_datetime_input())
    unit = forms.ModelChoiceField(label=_("Wing or unit"), required=False, to_field_name="uuid",
                                  queryset=None, empty_label=_("— not on a wing —"))

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        self.scheme = scheme_for(person)
        self.fields["indicators"].queryset = indicators_for(person.jurisdiction)
        for name, scale in GRADING_FIELDS.items():
            self.fields[name].widget.choices = self.scheme.choices(scale)
        self.fields["unit"].queryset = self._units()
        self.fields["unit"].label_from_instance = lambda unit: unit.name
        self.fields["observed_at"].initial = _now
        # Big buttons for a thumb (observations/observe.css); the legend says it is required.
        self.fields["category"].widget.attrs["class"] = "btn-check"
        self.fields["verbatim"].widget.attrs["aria-required"] = "true"

    def _units(self):
        """The facility's wings in use (and the one already chosen, should it have closed)."""
        chosen = self.initial.get("unit")
        return FacilityUnit.objects.filter(
            Q(is_active=True) | Q(uuid=chosen or None),
            agency_id=self.person.responsible_agency_id).order_by("name")

    def grading(self) -> list[dict]:
        """The three grading groups, each choice with its grade's help (the template's shape)."""
        groups = []
        for name, scale in GRADING_FIELDS.items():
            field = self[name]
            grades = getattr(self.scheme, scale)
            groups.append({"field": field, "choices": [
                {"widget": widget, "help": grade.help}
                for widget, grade in zip(field, grades, strict=True)]})
        return groups

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"observed_at": data["observed_at"], "category": data["category"],
                "verbatim": data["verbatim"], "context": data["context"],
                "opinion": data["opinion"], "indicators": list(data["indicators"]),
                "unit": data["unit"], **{name: data[name] for name in GRADING_FIELDS}}


class RecordForm(ObservationForm):
    """A new observation: the wing of the person's current custody episode, by default."""

    def __init__(self, *args, person, **kwargs):
        episode = (CustodyEpisode.objects.filter(person=person, is_current=True,
                                                 facility_id=person.responsible_agency_id)
                   .select_related("unit").first())
        initial = kwargs.setdefault("initial", {})
        if episode and episode.unit:
            initial.setdefault("unit", str(episode.unit.uuid))
        super().__init__(*args, person=person, **kwargs)


class ObservationEditForm(ObservationForm, VersionedForm):
    """Its author's correction, until an analyst has read it (a stale version is a 409)."""

    def __init__(self, *args, observation, **kwargs):
        kwargs.setdefault("initial", {
            "version": observation.version, "category": observation.category,
            "observed_at": timezone.localtime(observation.observed_at),
            "unit": str(observation.unit.uuid) if observation.unit else None,
            "indicators": [str(i.uuid) for i in observation.indicators.all()],
            **{name: getattr(observation, name) for name in (*TEXT_FIELDS, *GRADING_FIELDS)}})
        super().__init__(*args, person=observation.person, **kwargs)


class AddendumForm(StyledForm):
    text = forms.CharField(
        label=_("Addendum"), widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What you correct or add, and why. The observation itself stays as it "
                    "was read."))
