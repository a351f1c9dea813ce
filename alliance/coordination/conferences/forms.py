"""Forms of the conference pages. People are chosen by uuid from the pick-lists the views give
(selectors.invitable: the responsible agency's and the case team's caseworkers); the services
decide whether each may attend or own an action, and say why not.

The minutes are one form: who attended, the summary, and rows — shared items (a category and
what was said), decisions, new actions (what, who, by when) and the follow-up of earlier open
actions. Rows arrive as parallel lists (`shared_category`/`shared_text`, `decision`,
`action_text`/`action_owner`/`action_due`, `follow_<uuid>_status`/`follow_<uuid>_note`) and
are given back exactly as typed when something is refused."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliance.core.compartments import DataCategory
from alliance.core.forms import StyledForm, VersionedForm, date_input

from ..models import ActionStatus

SHARED_ROWS, DECISION_ROWS, ACTION_ROWS = 3, 3, 4


def _person_choices(people) -> list[tuple[str, str]]:
    """(uuid, "Name — Agency") for the (user, agency) pairs given."""
    return [(str(user.uuid), f"{user} — {agency.name}") for user, agency in people]


def datetime_input():
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class _When(forms.Form):
    scheduled_for = forms.DateTimeField(
        label=_("Date and time"), widget=datetime_input(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        error_messages={"required": _("Enter the date and time of the conference."),
                        "invalid": _("Enter a date and a time, e.g. 2025-03-14 10:00.")})
    place = forms.CharField(label=_("Place"), required=False, max_length=200,
                            help_text=_("A room, or \"online\"."))


class ScheduleForm(StyledForm, _When):
    purpose = forms.CharField(label=_("Purpose and agenda"), required=False,
                              widget=forms.Textarea, max_length=10_000,
                              help_text=_("What the conference is to decide. Everyone invited "
                                          "reads it."))
    chair = forms.ChoiceField(label=_("Chair"), error_messages={
        "required": _("Choose who chairs the conference."),
        "invalid_choice": _("Choose the chair from the list.")})
    attendees = forms.MultipleChoiceField(
        label=_("Invite"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Staff of the agency responsible for the person and of the agencies on the "
                    "case team. Someone from an agency without an information-sharing "
                    "agreement in force cannot attend."),
        error_messages={"invalid_choice": _("Choose the attendees from the list.")})

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {str(user.uuid): user for user, _agency in people}
        choices = _person_choices(people)
        self.fields["chair"].choices = choices
        self.fields["attendees"].choices = choices
        self.style_fields()

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"scheduled_for": data["scheduled_for"], "place": data["place"],
                "purpose": data["purpose"], "chair": self.people[data["chair"]],
                "attendees": [self.people[u] for u in data["attendees"]]}


class RescheduleForm(VersionedForm, _When):
    pass


class CancelForm(VersionedForm):
    reason = forms.CharField(label=_("Why is it cancelled?"), widget=forms.Textarea,
                             max_length=10_000,
                             help_text=_("The attendees are told it is cancelled, not why."),
                             error_messages={"required": _("Say why the conference is "
                                                           "cancelled.")})


class ActionCloseForm(StyledForm):
    status = forms.ChoiceField(
        label=_("The action is"), widget=forms.RadioSelect,
        choices=[(ActionStatus.DONE, _("Done")), (ActionStatus.DROPPED, _("Dropped"))],
        error_messages={"required": _("Choose done or dropped."),
                        "invalid_choice": _("Choose done or dropped.")})
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea,
                           max_length=10_000,
                           help_text=_("What was done; or why it is dropped (required then)."))


def _date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


class MinutesForm(VersionedForm):
    held_on = forms.DateField(label=_("Held on"), widget=date_input(),
                              error_messages={"required": _("Enter the date the conference was "
                                                            "held.")})
    attended = forms.MultipleChoiceField(
        label=_("Attended"), required=False, widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Tick attendees from the list.")})
    summary = forms.CharField(label=_("Summary of the discussion"), required=False,
                              widget=forms.Textarea(attrs={"rows": 5}), max_length=10_000)
    # Where the errors of each group of rows land (the rows themselves are read from the data).
    shared = forms.CharField(required=False, widget=forms.HiddenInput)
    decisions = forms.CharField(required=False, widget=forms.HiddenInput)
    actions = forms.CharField(required=False, widget=forms.HiddenInput)
    follow_ups = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, *, attendees, owners, carried, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["held_on"].initial = timezone.localdate()
        self.fields["attended"].choices = [(str(a.user.uuid), f"{a.user} — {a.agency.name}")
                                           for a in attendees]
        self.attendee_ids = {str(a.user.uuid): a.user_id for a in attendees}
        self.owners = {str(user.uuid): user for user, _agency in owners}
        self.owner_choices = _person_choices(owners)
        self.categories = DataCategory.choices
        self.carried = carried
        self.follow_up_choices = [(ActionStatus.OPEN, _("Still open")),
                                  (ActionStatus.DONE, _("Done")),
                                  (ActionStatus.DROPPED, _("Dropped"))]
        self._read_rows(data)

    def _read_rows(self, data) -> None:
        get = data.getlist if data is not None else (lambda name: [])
        shared = list(zip(get("shared_category"), get("shared_text"), strict=False))
        self.shared_rows = shared + [("", "")] * max(0, SHARED_ROWS - len(shared))
        decisions = get("decision")
        self.decision_rows = decisions + [""] * max(0, DECISION_ROWS - len(decisions))
        actions = list(zip(get("action_text"), get("action_owner"), get("action_due"),
                           strict=False))
        self.action_rows = actions + [("", "", "")] * max(0, ACTION_ROWS - len(actions))
        self.follow_up_rows = [
            {"action": action,
             "status": (data.get(f"follow_{action.uuid}_status") if data is not None else "")
             or ActionStatus.OPEN,
             "note": data.get(f"follow_{action.uuid}_note", "") if data is not None else ""}
            for action in self.carried]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "expected_version": data["version"], "held_on": data["held_on"],
            "summary": data["summary"], "attended": [self.attendee_ids[u] for u in data["attended"]],
            "shared": [(category, text) for category, text in self.shared_rows],
            "decisions": list(self.decision_rows),
            "actions": [(text, self.owners.get(owner), _date(due))
                        for text, owner, due in self.action_rows],
            "follow_ups": [(row["action"], row["status"], row["note"])
                           for row in self.follow_up_rows],
        }
