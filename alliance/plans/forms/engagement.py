"""Forms of the engagement pages: enrolments, sessions, offers and refusals, the stage of change
and the working-alliance measure. Records (interventions, staff, steps, enrolments) are chosen
by their UUID among the options the view passes; the services validate what matters (the
jurisdiction's catalogue, a practitioner who works with the person, a session that has not
happened yet) and apply_service puts their errors on these forms' fields."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliance.assessments.instruments import UNKNOWN
from alliance.assessments.instruments.definition import ScaleType
from alliance.core.forms import StyledForm, VersionedForm, date_input

from ..models import (
    AllianceOccasion,
    Attendance,
    EnrolmentStatus,
    OfferResponse,
    RefusalReason,
    Stage,
    Strategy,
)

TEXT_ROWS = 2

# What the practitioner does at each stage of change (DOMAIN.md §6), shown beside the stage.
STAGE_GUIDANCE = {
    Stage.PRECONTEMPLATION: _(
        "Does not see a problem or a reason to change. Build rapport, listen, raise doubt "
        "gently with open questions; give information without arguing; do not push."),
    Stage.CONTEMPLATION: _(
        "Sees reasons for and against change. Explore the ambivalence, weigh the pros and cons "
        "together, strengthen their own reasons to change."),
    Stage.PREPARATION: _(
        "Intends to change soon. Agree concrete small steps and the support they need; offer "
        "an intervention that fits; anticipate obstacles."),
    Stage.ACTION: _(
        "Is changing. Support and recognise effort, keep the sessions regular, help with "
        "setbacks, review goals with them."),
    Stage.MAINTENANCE: _(
        "Keeps up the change. Plan for risky situations and release, strengthen the people and "
        "activities that protect; treat a lapse as a moment to learn, not a failure."),
}


def _uuid_choices(form, name: str, rows, *, blank: str | None, invalid: str, label=str) -> None:
    """Options of a record chooser: the UUIDs of `rows` (kept in form.records[name])."""
    form.records[name] = {str(row.uuid): row for row in rows}
    field = form.fields[name]
    field.choices = [*([("", blank)] if blank is not None else []),
                     *[(str(row.uuid), label(row)) for row in rows]]
    field.error_messages["invalid_choice"] = invalid


def staff_label(user) -> str:
    return user.get_full_name() or user.get_username()


def intervention_label(intervention) -> str:
    details = [intervention.get_format_display(),
               _("%(n)s sessions") % {"n": intervention.typical_sessions}]
    if intervention.provider_id:
        details.append(intervention.provider.name)
    return f"{intervention.name} ({', '.join(str(d) for d in details)})"


class EnrolForm(StyledForm):
    intervention = forms.ChoiceField(label=_("Intervention"))
    practitioner = forms.ChoiceField(label=_("Practitioner who leads it"))
    started_on = forms.DateField(label=_("Starts on"), widget=date_input())
    planned_sessions = forms.IntegerField(
        label=_("Planned sessions"), required=False, min_value=1, max_value=500,
        help_text=_("Leave empty for the intervention's typical number."))
    step = forms.ChoiceField(label=_("Step of the plan it serves"), required=False)

    def __init__(self, *args, interventions, staff, steps, **kwargs):
        super().__init__(*args, **kwargs)
        self.records = {}
        _uuid_choices(self, "intervention", interventions, blank=_("— choose —"),
                      label=intervention_label, invalid=_(
                          "Choose an intervention of the person's jurisdiction's catalogue."))
        _uuid_choices(self, "practitioner", staff, blank=_("— choose —"), label=staff_label,
                      invalid=_("Choose a practitioner who works with this person."))
        _uuid_choices(self, "step", steps, blank=_("— none —"), label=lambda s: s.text,
                      invalid=_("Choose a step of the person's current plan."))
        self.fields["started_on"].initial = timezone.localdate()

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"intervention": self.records["intervention"][data["intervention"]],
                "practitioner": self.records["practitioner"][data["practitioner"]],
                "started_on": data["started_on"], "planned_sessions": data["planned_sessions"],
                "step": self.records["step"].get(data["step"])}


class ScheduleForm(StyledForm):
    first_at = forms.DateTimeField(
        label=_("First (or only) session"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    count = forms.IntegerField(label=_("Number of sessions"), initial=1, min_value=1,
                               help_text=_("More than one plans a series."))
    every_days = forms.IntegerField(label=_("Days between sessions"), initial=7, min_value=1)
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), initial=60,
                                          min_value=1)
    facilitator = forms.ChoiceField(label=_("Facilitator"), required=False)

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.records = {}
        _uuid_choices(self, "facilitator", staff, label=staff_label,
                      blank=_("— the enrolment's practitioner —"),
                      invalid=_("Choose a facilitator who works with this person."))

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"first_at": data["first_at"], "count": data["count"],
                "every_days": data["every_days"], "duration_minutes": data["duration_minutes"],
                "facilitator": self.records["facilitator"].get(data["facilitator"])}


class EnrolmentEndForm(VersionedForm):
    status = forms.ChoiceField(label=_("How it ended"), widget=forms.RadioSelect, choices=[
        (EnrolmentStatus.COMPLETED, _("Completed")),
        (EnrolmentStatus.ENDED, _("Ended early"))])
    ended_on = forms.DateField(label=_("Ended on"), widget=date_input())
    reason = forms.CharField(label=_("Why it ended early"), required=False,
                             widget=forms.Textarea(attrs={"rows": TEXT_ROWS}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ended_on"].initial = timezone.localdate()


class RefusalFields(forms.Form):
    """The reason given and the strategy tried next, asked when the person refuses (the service
    requires both then). The page shows them only when "refused" is chosen (CSS, no script)."""

    reason = forms.ChoiceField(label=_("Reason the person gave"), required=False,
                               choices=[("", _("— choose —")), *RefusalReason.choices])
    reason_words = forms.CharField(label=_("In their words"), required=False,
                                   widget=forms.Textarea(attrs={"rows": TEXT_ROWS}))
    strategy = forms.ChoiceField(label=_("Strategy you will try next"), required=False,
                                 choices=[("", _("— choose —")), *Strategy.choices])
    strategy_note = forms.CharField(label=_("About the strategy"), required=False,
                                    widget=forms.Textarea(attrs={"rows": TEXT_ROWS}))

    REFUSAL = ("reason", "reason_words", "strategy", "strategy_note")

    def refusal_kwargs(self) -> dict:
        return {name: self.cleaned_data.get(name, "") for name in self.REFUSAL
                if name in self.fields}


class SessionRecordForm(VersionedForm, RefusalFields):
    """What happened at a session: attendance (the fields of a refusal with it; changing a
    recorded attendance needs the reason for the correction); the note exists only for holders
    of the treatment compartment, so it is neither shown to nor accepted from anyone else."""

    attendance = forms.ChoiceField(label=_("Attendance"), choices=Attendance.choices,
                                   widget=forms.RadioSelect)
    note = forms.CharField(label=_("Session note (treatment staff only)"), required=False,
                           widget=forms.Textarea(attrs={"rows": 5}))
    shared_summary = forms.CharField(
        label=_("Summary shared with the case team"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the case team may know: attendance, engagement, what comes next. "
                    "Nothing from the note unless the person's work needs it."))
    concern = forms.BooleanField(label=_("Raise a concern (the case manager is told)"),
                                 required=False)
    rupture_suspected = forms.BooleanField(
        label=_("A rupture in the working alliance is suspected (a measure falls due)"),
        required=False)

    field_order = ["version", "attendance", *RefusalFields.REFUSAL, "correction_reason", "note",
                   "shared_summary", "concern", "rupture_suspected"]

    correction_reason = forms.CharField(
        label=_("Reason for correcting the attendance"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when you change the attendance recorded, e.g. a wrong button on the "
                    "wing. A refusal it replaces no longer counts."))

    def __init__(self, *args, recorded: bool, notes: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if recorded:  # left out, the attendance stays as recorded
            self.fields["attendance"].required = False
        else:  # a first record corrects nothing
            del self.fields["correction_reason"]
        if not notes:
            del self.fields["note"]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {"attendance": data.get("attendance", ""),
                  "correction_reason": data.get("correction_reason", ""),
                  "shared_summary": data["shared_summary"], "concern": data["concern"],
                  "rupture_suspected": data["rupture_suspected"], **self.refusal_kwargs()}
        if "note" in self.fields:
            kwargs["note"] = data["note"]
        return kwargs


class OfferForm(StyledForm, RefusalFields):
    offered_on = forms.DateField(label=_("Offered on"), widget=date_input())
    intervention = forms.ChoiceField(label=_("Intervention offered"), required=False)
    response = forms.ChoiceField(label=_("The person's answer"), choices=OfferResponse.choices,
                                 widget=forms.RadioSelect)

    field_order = ["offered_on", "intervention", "response", *RefusalFields.REFUSAL]

    def __init__(self, *args, interventions, **kwargs):
        super().__init__(*args, **kwargs)
        self.records = {}
        _uuid_choices(self, "intervention", interventions, label=intervention_label,
                      blank=_("— work in general, or a session —"), invalid=_(
                          "Choose an intervention of the person's jurisdiction's catalogue."))
        self.fields["offered_on"].initial = timezone.localdate()
        self.style_fields()

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"offered_on": data["offered_on"], "response": data["response"],
                "intervention": self.records["intervention"].get(data["intervention"]),
                **self.refusal_kwargs()}


class StageForm(StyledForm):
    stage = forms.ChoiceField(label=_("Stage of change"), choices=Stage.choices,
                              widget=forms.RadioSelect)
    assessed_on = forms.DateField(label=_("Judged on"), widget=date_input())
    rationale = forms.CharField(
        label=_("Rationale (treatment staff only)"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the person said or did that places them at this stage."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessed_on"].initial = timezone.localdate()


class AllianceForm(StyledForm):
    """Built from the working-alliance instrument: one answer per item on its scale, in the
    reader's language, then who the measure is about and when it was taken."""

    practitioner = forms.ChoiceField(label=_("Practitioner the measure is about"))
    enrolment = forms.ChoiceField(label=_("Intervention"), required=False)
    occasion = forms.ChoiceField(label=_("Occasion"), choices=AllianceOccasion.choices,
                                 initial=AllianceOccasion.SCHEDULED)
    taken_on = forms.DateField(label=_("Taken on"), widget=date_input())
    note = forms.CharField(label=_("Note"), required=False,
                           widget=forms.Textarea(attrs={"rows": TEXT_ROWS}))

    def __init__(self, *args, definition, language, staff, enrolments, **kwargs):
        super().__init__(*args, **kwargs)
        self.records, self.items = {}, []
        _uuid_choices(self, "practitioner", staff, blank=_("— choose —"), label=staff_label,
                      invalid=_("Choose a practitioner who works with this person."))
        _uuid_choices(self, "enrolment", enrolments, blank=_("— none —"),
                      label=lambda e: f"{e.intervention.name} — {staff_label(e.practitioner)}",
                      invalid=_("Choose one of the person's current interventions."))
        self.fields["taken_on"].initial = timezone.localdate()
        for item in definition.items:
            scale = definition.scale_of(item)
            name = f"item_{item.code}"
            if scale.type is ScaleType.NUMERIC:
                self.fields[name] = forms.FloatField(
                    label=item.text.get(language), required=not item.unknown_allowed,
                    help_text=_("From %(lo)s to %(hi)s.") % {"lo": scale.lowest,
                                                            "hi": scale.highest})
            else:
                choices = [(p.code, p.label.get(language)) for p in scale.points]
                if item.unknown_allowed:
                    choices.append((UNKNOWN, _("No answer")))
                self.fields[name] = forms.ChoiceField(
                    label=item.text.get(language), choices=choices, widget=forms.RadioSelect,
                    error_messages={"invalid_choice": _("This answer is not on the item's "
                                                        "scale."),
                                    "required": _("Record the answer, or “No answer”.")})
            self.items.append((item, name))
        self.style_fields()

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        ratings = {}
        for item, name in self.items:
            value = data.get(name)
            if value in (None, ""):
                continue
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            ratings[item.code] = value
        return {"ratings": ratings, "occasion": data["occasion"], "taken_on": data["taken_on"],
                "note": data["note"],
                "practitioner": self.records["practitioner"][data["practitioner"]],
                "enrolment": self.records["enrolment"].get(data["enrolment"])}
