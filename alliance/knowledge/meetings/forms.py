"""The meeting form: the meeting's facts, a row per jurisdiction of the region (and the regional
programme) for who took part, and the published entries presented. The services decide what
matters; `remap` puts their reasons on these fields."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from alliance.core.forms import VersionedForm, date_input

from ..models import MeetingKind
from ..recommendations.selectors import reader_title
from .services import REGIONAL, Participation

CONFIRM_LABEL = _("This text holds no person-level data")
CONFIRM_HELP = _("Tick this once you have checked the warnings above: the names are of staff "
                 "or public figures, and the numbers and dates are not a person's.")


class MeetingForm(VersionedForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices,
                             widget=forms.RadioSelect)
    title = forms.CharField(label=_("Title"), max_length=300)
    starts_on = forms.DateField(label=_("Date"), widget=date_input())
    ends_on = forms.DateField(label=_("Until"), required=False, widget=date_input(),
                              help_text=_("Empty for a meeting of one day."))
    online = forms.BooleanField(label=_("Online"), required=False)
    place = forms.CharField(label=_("Place"), max_length=200, required=False,
                            help_text=_("The city and venue. Required unless it is online."))
    agenda = forms.CharField(label=_("Agenda"), required=False,
                             widget=forms.Textarea(attrs={"rows": 5}))
    outcomes = forms.CharField(label=_("Outcomes"), required=False,
                               widget=forms.Textarea(attrs={"rows": 5}),
                               help_text=_("What was agreed, and who follows it up (by agency "
                                           "or role)."))
    entries = forms.MultipleChoiceField(
        label=_("Entries presented"), required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Published entries of the knowledge base. Hold Ctrl (or ⌘) to choose "
                    "several."))
    confirm_no_person_data = forms.BooleanField(label=CONFIRM_LABEL, required=False,
                                                help_text=CONFIRM_HELP)

    def __init__(self, *args, jurisdictions, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.entry_choices = {str(e.uuid): e for e in entries}
        self.fields["entries"].choices = [(k, reader_title(e))
                                          for k, e in self.entry_choices.items()]
        self.fields["title"].error_messages["required"] = _("Give the meeting a title.")
        self.fields["starts_on"].error_messages["required"] = _("Give the date of the meeting.")
        self.fields["kind"].error_messages["required"] = _(
            "Choose a working-group meeting or a training.")
        # One row per jurisdiction of the region, then the regional programme.
        self.rows = []
        for jurisdiction in [*jurisdictions, None]:
            key = jurisdiction.code.lower() if jurisdiction is not None else REGIONAL
            label = str(jurisdiction) if jurisdiction is not None else _(
                "Regional programme")
            self.fields[f"participants_{key}"] = forms.IntegerField(
                label=_("Participants"), required=False, min_value=0, max_value=10_000)
            self.fields[f"names_{key}"] = forms.CharField(
                label=_("Names and agencies"), required=False,
                widget=forms.Textarea(attrs={"rows": 2}))
            self.rows.append({"jurisdiction": jurisdiction, "label": label,
                              "participants": self[f"participants_{key}"],
                              "names": self[f"names_{key}"]})
        self._indexes: list[dict] = []
        self.style_fields()

    @property
    def asks_confirmation(self) -> bool:
        """Show the confirmation once the check has warned (or it is ticked)."""
        return bool(self.is_bound and (self.errors or self.data.get("confirm_no_person_data")))

    def clean(self):
        data = super().clean()
        for row in self.rows:
            count, names = row["participants"], row["names"]
            if data.get(names.name) and not data.get(count.name):
                self.add_error(count.name, _("Give the number of participants, or clear the "
                                             "names."))
        return data

    def participations(self) -> list[Participation]:
        """The rows with participants, in the form's order (remembered for `remap`)."""
        result, self._indexes = [], []
        for row in self.rows:
            count = self.cleaned_data.get(row["participants"].name)
            if count:
                result.append(Participation(row["jurisdiction"], count,
                                            self.cleaned_data.get(row["names"].name, "")))
                self._indexes.append(row)
        return result

    def chosen_entries(self) -> list:
        return [self.entry_choices[k] for k in self.cleaned_data["entries"]]

    def service_values(self) -> dict:
        data = self.cleaned_data
        return {"kind": data["kind"], "title": data["title"], "starts_on": data["starts_on"],
                "ends_on": data["ends_on"], "online": data["online"], "place": data["place"],
                "agenda": data["agenda"], "outcomes": data["outcomes"],
                "participations": self.participations(), "entries": self.chosen_entries(),
                "confirmed": data["confirm_no_person_data"]}

    def remap(self, exc: ValidationError) -> ValidationError:
        """The service's error with "participations.<n>.<what>" named as this form's fields."""
        if not hasattr(exc, "error_dict"):
            return exc
        errors = {}
        for key, messages in exc.message_dict.items():
            parts = key.split(".")
            if parts[0] == "participations" and len(parts) == 3 and parts[1].isdigit() \
                    and int(parts[1]) < len(self._indexes):
                key = self._indexes[int(parts[1])][parts[2]].name
            errors.setdefault(key, []).extend(messages)
        return ValidationError(errors)
