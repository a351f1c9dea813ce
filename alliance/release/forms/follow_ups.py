"""Forms of the follow-up page: record the contact and its outcomes (each a coded answer,
"Not known" being one), or say it was missed. The service checks the dates (not before the
release, not in the future) and says why."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliance.core.forms import VersionedForm, date_input

from ..models import ContactKind, Engagement, Housing, Reengagement, Work, YesNoUnknown

ANSWER_NEEDED = _('Choose an answer ("Not known" is one).')

# The outcome fields, in the order the form asks them (the page lays them out as button rows).
OUTCOMES = ("contact_kind", "engagement", "housing", "work", "new_offence", "reengagement")


def _choice(label, choices, required_message):
    return forms.ChoiceField(label=label, choices=choices, widget=forms.RadioSelect(
        attrs={"class": "btn-check"}), error_messages={
        "required": required_message, "invalid_choice": required_message})


class FollowUpRecordForm(VersionedForm):
    held_on = forms.DateField(label=_("Date of the contact"), widget=date_input(),
                              error_messages={"required": _("Enter the date of the contact.")})
    contact_kind = _choice(_("Kind of contact"), ContactKind.choices,
                           _("Choose the kind of contact."))
    engagement = _choice(_("Engagement"), Engagement.choices,
                         _("Choose how the person engaged."))
    housing = _choice(_("Housing"), Housing.choices, ANSWER_NEEDED)
    work = _choice(_("Work"), Work.choices, ANSWER_NEEDED)
    new_offence = _choice(_("New offence"), YesNoUnknown.choices, ANSWER_NEEDED)
    reengagement = _choice(_("Re-engagement with violent groups"), Reengagement.choices,
                           ANSWER_NEEDED)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea,
                            help_text=_("What was agreed, what worries you, what comes next."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = timezone.localdate()

    def outcome_fields(self) -> list:
        return [self[name] for name in OUTCOMES]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"expected_version": data["version"], "held_on": data["held_on"],
                "notes": data["notes"], **{name: data[name] for name in OUTCOMES}}


class FollowUpMissedForm(VersionedForm):
    notes = forms.CharField(label=_("What was tried"), widget=forms.Textarea,
                            help_text=_("Calls, letters, visits: when, and what happened."),
                            error_messages={"required": _("Say what was tried.")})
