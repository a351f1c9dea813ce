"""Forms of the referral pages. The services decide what matters (an agreement in force, a
desired result, one open referral of a kind per agency) and apply_service puts their reasons on
these forms' fields; each form that changes a referral carries its edit version."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from alliance.core.compartments import Compartment
from alliance.core.forms import VersionedForm, date_input
from alliance.release.forms.support import AgencyField

from ..models import DeclineReason, ReferralKind, ResultOutcome
from .services import SCOPES


class ReferralForm(VersionedForm):
    to_agency = AgencyField(label=_("Refer to"), help_text=_(
        "Agencies of the person's jurisdiction that take referrals. An agreement in force must "
        "let them receive the case team's share."))
    kind = forms.ChoiceField(label=_("Referred for"), choices=ReferralKind.choices)
    reason = forms.CharField(label=_("What you ask, and why"), widget=forms.Textarea(
        attrs={"rows": 4}), help_text=_("They read this before they accept: no name, the "
                                        "reference only."))
    results = forms.CharField(label=_("Results you hope for"), widget=forms.Textarea(
        attrs={"rows": 3}), help_text=_("One a line. The receiving agency reports an outcome "
                                        "for each when the work is done."))
    scopes = forms.MultipleChoiceField(
        label=_("Once accepted, the worker would also see"), required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(c.value, c.label) for c in Compartment if c.value in SCOPES],
        help_text=_("Beyond the case team's share. Only what the agreement covers is given."))
    respond_by = forms.DateField(label=_("Answer expected by"), required=False,
                                 widget=date_input(), help_text=_(
                                     "Empty: ten days after it is sent."))

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_agency"].offer(agencies, blank_label="—")
        self.fields["to_agency"].error_messages["required"] = _("Choose the agency you refer to.")
        self.fields["reason"].error_messages["required"] = _("Say what you ask of them, and why.")
        self.fields["results"].error_messages["required"] = _(
            "Add at least one result you hope for (one a line).")

    def result_lines(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["results"].splitlines()
                if line.strip()]


class SendForm(VersionedForm):
    pass


class StartForm(VersionedForm):
    pass


class AcceptForm(VersionedForm):
    worker = forms.ChoiceField(label=_("Worker"), help_text=_(
        "They join the person's case team and see the person's record, within what the "
        "agreement covers."))

    def __init__(self, *args, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.workers = {str(u.uuid): u for u in workers}
        self.fields["worker"].choices = [("", "—"), *[(k, str(u)) for k, u in
                                                      self.workers.items()]]
        self.fields["worker"].error_messages["required"] = _("Choose who will do the work.")

    def clean_worker(self):
        worker = self.workers.get(self.cleaned_data["worker"])
        if worker is None:
            raise ValidationError(_("Choose who will do the work."))
        return worker


class DeclineForm(VersionedForm):
    reason = forms.ChoiceField(label=_("Why you decline"),
                               choices=[("", "—"), *DeclineReason.choices])
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(
        attrs={"rows": 3}), help_text=_("Required when the reason is \"Other\"."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = _("Choose the reason for declining.")


class WithdrawForm(VersionedForm):
    reason = forms.CharField(label=_("Why you withdraw it"), widget=forms.Textarea(
        attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = _("Say why you withdraw it.")


OUTCOMES = [(v, label) for v, label in ResultOutcome.choices if v != ResultOutcome.PENDING]


class CompleteForm(VersionedForm):
    """An outcome (and a note) for each desired result, then a note on the whole."""

    note = forms.CharField(label=_("Outcome"), required=False, widget=forms.Textarea(
        attrs={"rows": 3}), help_text=_("What was done, and what the referring agency should "
                                        "know."))

    def __init__(self, *args, results, **kwargs):
        super().__init__(*args, **kwargs)
        self.results = list(results)
        for n, result in enumerate(self.results, start=1):
            self.fields[f"outcome_{n}"] = forms.ChoiceField(
                label=result.description, choices=[("", "—"), *OUTCOMES],
                error_messages={"required": _("Say whether this was achieved.")})
            self.fields[f"note_{n}"] = forms.CharField(
                label=_("Note on this result"), required=False, max_length=2000)
        self.order_fields([*(name for n in range(1, len(self.results) + 1)
                             for name in (f"outcome_{n}", f"note_{n}")), "note", "version"])
        self.style_fields()

    def outcomes(self) -> list[dict]:
        return [{"outcome": self.cleaned_data[f"outcome_{n}"],
                 "note": self.cleaned_data.get(f"note_{n}", "")}
                for n in range(1, len(self.results) + 1)]
