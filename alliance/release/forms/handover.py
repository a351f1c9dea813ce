"""Forms of the handover pages: sending it to the agency that takes the person on, the
receiving agency's acknowledgement, and withdrawing it with the reason."""

from django import forms
from django.utils.translation import gettext_lazy as _

from alliance.core.forms import StyledForm, VersionedForm

from .support import AgencyField


class HandoverForm(StyledForm):
    to_agency = AgencyField(label=_("Hand over to"), help_text=_(
        "The probation service that will supervise the person, from the case team."))
    note = forms.CharField(label=_("Note to the receiving agency"), required=False,
                           widget=forms.Textarea(attrs={"rows": 4}), help_text=_(
                               "What they should know first. The package (key dates, "
                               "assessment summary, plan, support plan, conditions, contacts) "
                               "goes with it."))
    retain_days = forms.IntegerField(label=_("Read access kept by the prison (days)"),
                                     min_value=0, max_value=365)

    def __init__(self, *args, agencies, prison, retain_days: int, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("retain_days", retain_days)
        if len(agencies) == 1:
            kwargs["initial"].setdefault("to_agency", str(agencies[0].uuid))
        super().__init__(*args, **kwargs)
        self.fields["to_agency"].offer(agencies)
        self.fields["to_agency"].error_messages["required"] = _(
            "Choose the agency that will take the person on.")
        self.fields["retain_days"].help_text = _(
            "After the release, staff of %(prison)s keep read access for this many days, then "
            "lose it (%(days)s by default).") % {"prison": prison, "days": retain_days}


class AcknowledgeForm(VersionedForm):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(
        attrs={"rows": 3}), help_text=_("Anything the prison should know: who will supervise, "
                                        "the first appointment."))


class WithdrawForm(VersionedForm):
    reason = forms.CharField(label=_("Why the handover is withdrawn"), widget=forms.Textarea(
        attrs={"rows": 3}), help_text=_("For example: the wrong agency, the release was "
                                        "postponed."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = _(
            "Say why the handover is withdrawn.")
