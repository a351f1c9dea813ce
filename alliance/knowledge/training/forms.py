"""Forms of the training pages. The services decide what matters (who may train or attend, a
result for every attendee, the person-data check of notes); apply_service puts their reasons on
these forms' fields, `ResultsForm.remap` turning the services' "results.<n>.<field>" into
its "<field>_<n>"."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from alliance.core.forms import StyledForm, VersionedForm, date_input

from ..models import AttendanceResult, SessionKind
from .selectors import DueState
from .services import MAX_SCORE, RECORDABLE

CONFIRM_LABEL = _("This text holds no person-level data")
CONFIRM_HELP = _("Tick this once you have checked the warnings above: the names are of staff "
                 "or public figures, and the numbers and dates are not a person's.")


class ChoiceOf(forms.ChoiceField):
    """One of `records`, chosen by its UUID (the cleaned value is the record)."""

    def offer(self, records, blank_label="—") -> None:
        self.offered = {str(r.uuid): r for r in records}
        self.choices = [("", blank_label), *[(k, str(r)) for k, r in self.offered.items()]]

    def clean(self, value):
        value = super().clean(value)
        return self.offered.get(value) if value else None


class ConfirmMixin:
    @property
    def asks_confirmation(self) -> bool:
        """Show the confirmation once the check has warned (or it is ticked)."""
        return bool(self.is_bound and (self.errors or self.data.get("confirm_no_person_data")))


class SessionForm(ConfirmMixin, VersionedForm):
    agency = ChoiceOf(label=_("Organised by"), help_text=_(
        "An agency where you are a trainer. Staff of its jurisdiction may attend."))
    course = ChoiceOf(label=_("Course"))
    kind = forms.ChoiceField(label=_("Kind"), choices=SessionKind.choices,
                             widget=forms.RadioSelect, help_text=_(
                                 "A pass of a certification course certifies the attendee for "
                                 "the course's instrument; a pass of a booster moves the booster "
                                 "date of their current certification."))
    starts_on = forms.DateField(label=_("Date"), widget=date_input())
    ends_on = forms.DateField(label=_("Last day"), required=False, widget=date_input(),
                              help_text=_("Empty for a session of one day."))
    online = forms.BooleanField(label=_("Online"), required=False)
    place = forms.CharField(label=_("Place"), max_length=200, required=False,
                            help_text=_("The city and venue. Required unless it is online."))
    trainer = ChoiceOf(label=_("Trainer"), required=False,
                       help_text=_("Empty: you. A trainer of the jurisdiction or of the "
                                   "regional programme."))
    notes = forms.CharField(label=_("Notes"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("For the trainers and managers: no person-level data."))
    confirm_no_person_data = forms.BooleanField(label=CONFIRM_LABEL, required=False,
                                                help_text=CONFIRM_HELP)

    def __init__(self, *args, agencies, courses, trainers, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].offer(courses)
        self.fields["trainer"].offer(trainers)
        if editing:
            del self.fields["agency"]
        else:
            self.fields["agency"].offer(agencies)
            self.fields["agency"].error_messages["required"] = _(
                "Choose the agency that organises it.")
        self.fields["course"].error_messages["required"] = _("Choose the course.")
        self.fields["kind"].error_messages["required"] = _(
            "Choose whether it is a certification course or a booster.")
        self.fields["starts_on"].error_messages["required"] = _("Give the session's date.")
        self.style_fields()

    def service_values(self) -> dict:
        data = self.cleaned_data
        return {"course": data["course"], "kind": data["kind"], "starts_on": data["starts_on"],
                "ends_on": data["ends_on"], "online": data["online"], "place": data["place"],
                "trainer": data["trainer"], "notes": data["notes"],
                "confirmed": data["confirm_no_person_data"]}


class CancelForm(VersionedForm):
    pass


class AttendeesForm(VersionedForm):
    """The attendees: the current ones and the search's results, as checkboxes."""

    attendees = forms.MultipleChoiceField(label=_("Attendees"), required=False,
                                          widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.users = {str(u.uuid): u for u in users}
        self.fields["attendees"].choices = [(k, k) for k in self.users]

    def chosen(self) -> list:
        return [self.users[k] for k in self.cleaned_data["attendees"]]


class ResultsForm(ConfirmMixin, VersionedForm):
    """A row per attendee: result, score and note."""

    confirm_no_person_data = forms.BooleanField(label=CONFIRM_LABEL, required=False,
                                                help_text=CONFIRM_HELP)

    def __init__(self, *args, attendances, **kwargs):
        super().__init__(*args, **kwargs)
        self.attendances = attendances
        self.rows = []
        choices = [(r.value, r.label) for r in AttendanceResult if r in RECORDABLE]
        for n, a in enumerate(attendances):
            self.fields[f"result_{n}"] = forms.ChoiceField(
                label=_("Result"), choices=choices, widget=forms.RadioSelect,
                initial=a.result if a.result in RECORDABLE else None,
                error_messages={"required": _("Choose passed, not passed or absent.")})
            self.fields[f"score_{n}"] = forms.IntegerField(
                label=_("Score (%)"), required=False, min_value=0, max_value=MAX_SCORE,
                initial=a.score)
            self.fields[f"note_{n}"] = forms.CharField(
                label=pgettext_lazy("training result", "Note"), required=False, max_length=500,
                initial=a.note)
            self.rows.append({"attendance": a, "result": self[f"result_{n}"],
                              "score": self[f"score_{n}"], "note": self[f"note_{n}"]})
        self.style_fields()

    def remap(self, exc: ValidationError) -> ValidationError:
        """The service's error with "results.<n>.<field>" named as this form's "<field>_<n>"
        (and "results" as the form's own error)."""
        if not hasattr(exc, "error_dict"):
            return exc
        errors = {}
        for name, messages in exc.error_dict.items():
            if name.startswith("results."):
                _results, n, field = (name.split(".") + ["", ""])[:3]
                name = f"{field}_{n}" if f"{field}_{n}" in self.fields else NON_FIELD_ERRORS
            elif name == "results":
                name = NON_FIELD_ERRORS
            errors.setdefault(name, []).extend(messages)
        return ValidationError(errors)

    def results(self) -> list[dict]:
        data = self.cleaned_data
        return [{"user": a.user, "result": data[f"result_{n}"], "score": data[f"score_{n}"],
                 "note": data[f"note_{n}"]} for n, a in enumerate(self.attendances)]


class StaffFilterForm(StyledForm):
    agency = ChoiceOf(label=_("Agency"), required=False)
    state = forms.ChoiceField(label=_("Show"), required=False, choices=[
        ("", _("Everyone")),
        (DueState.EXPIRED, _("A certification has expired")),
        (DueState.EXPIRING, _("A certification expires within 60 days")),
        (DueState.BOOSTER_DUE, _("A booster is due within 30 days")),
    ])

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].offer(agencies, blank_label=_("All your agencies"))

    def filters(self) -> dict:
        if not self.is_valid():
            return {"agency": None, "state": ""}
        return {"agency": self.cleaned_data["agency"], "state": self.cleaned_data["state"]}
