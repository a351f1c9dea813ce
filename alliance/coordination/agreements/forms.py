"""The agreement form (its details and a grid of parties × categories: one row per agency, a
`party-<agency uuid>` checkbox and the `categories-<agency uuid>` it may receive), the sign,
terminate and reviewed forms, and the disclosure log's search."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from alliance.core.compartments import DataCategory
from alliance.core.forms import StyledForm, VersionedForm, date_input
from alliance.organisations.models import Agency
from alliance.people.models import DisclosureChannel

from .access import editable_fields

DETAIL_FIELDS = ("title", "reference", "legal_basis", "purpose", "retention",
                 "consent_required", "valid_from", "valid_until", "review_due")


class AgreementForm(VersionedForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    reference = forms.CharField(label=_("Reference"), max_length=60, required=False,
                                help_text=_("The agreement's number in the register, if any."))
    legal_basis = forms.CharField(label=_("Legal basis"), widget=forms.Textarea,
                                  max_length=5000,
                                  help_text=_("The law and articles that allow the sharing."))
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea, max_length=5000,
                              help_text=_("What the receiving parties may use the data for. "
                                          "It is written in the disclosure log."))
    retention = forms.CharField(label=_("Retention"), max_length=200, help_text=_(
        "How long a receiving party may keep what it receives, e.g. \"until the case closes, "
        "then 2 years\"."))
    consent_required = forms.BooleanField(label=_("The person's consent is required"),
                                          required=False)
    valid_from = forms.DateField(label=_("Valid from"), widget=date_input())
    valid_until = forms.DateField(label=_("Valid until"), widget=date_input(), help_text=_(
        "Access through the agreement stops the day after."))
    review_due = forms.DateField(label=_("Review due"), widget=date_input(), help_text=_(
        "On or before the end date. Your worklist gets a task 30 days before."))

    def __init__(self, *args, agencies, agreement=None, **kwargs):
        if agreement is not None:
            initial = {field: getattr(agreement, field) for field in DETAIL_FIELDS}
            initial["version"] = agreement.version
            for party in agreement.parties.all():
                initial[f"party-{party.agency.uuid}"] = True
                initial[f"categories-{party.agency.uuid}"] = list(party.categories)
            kwargs["initial"] = {**initial, **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        self.agencies = list(agencies)
        allowed = editable_fields(agreement) if agreement is not None else None
        for agency in self.agencies:
            self.fields[f"party-{agency.uuid}"] = forms.BooleanField(
                label=agency.name, required=False)
            self.fields[f"categories-{agency.uuid}"] = forms.MultipleChoiceField(
                label=_("%(agency)s may receive") % {"agency": agency.name},
                choices=DataCategory.choices, required=False,
                widget=forms.CheckboxSelectMultiple)
        if allowed is not None:  # signed: only what may still change is open
            for name, field in self.fields.items():
                if name == "version" or name.startswith("categories-"):
                    continue
                if name.startswith("party-") or name not in allowed:
                    field.disabled = True
        self.style_fields()

    @property
    def detail_fields(self):
        return [self[name] for name in DETAIL_FIELDS]

    @property
    def party_rows(self):
        return [{"agency": agency, "party": self[f"party-{agency.uuid}"],
                 "categories": self[f"categories-{agency.uuid}"]} for agency in self.agencies]

    @property
    def categories(self):
        return DataCategory.choices

    def clean(self):
        data = super().clean()
        # A row with categories chosen is a party even if its box was left unticked.
        data["parties"] = [
            (agency, data.get(f"categories-{agency.uuid}") or [])
            for agency in self.agencies
            if data.get(f"party-{agency.uuid}") or data.get(f"categories-{agency.uuid}")]
        return data

    def service_values(self) -> dict:
        return {field: self.cleaned_data.get(field) for field in DETAIL_FIELDS}


class SignForm(VersionedForm):
    pass


class TerminateForm(VersionedForm):
    reason = forms.CharField(label=_("Why is it terminated?"), widget=forms.Textarea,
                             max_length=5000, help_text=_(
                                 "From the next request, nothing crosses under it."))


class ReviewedForm(VersionedForm):
    review_due = forms.DateField(label=_("Next review due"), widget=date_input())


class DisclosureFilterForm(StyledForm):
    reference = forms.CharField(label=_("Person reference"), max_length=20, required=False)
    from_agency = forms.ModelChoiceField(label=pgettext_lazy("agency", "From"),
                                         queryset=Agency.objects.none(),
                                         to_field_name="uuid", required=False,
                                         empty_label=_("Any agency"))
    to_agency = forms.ModelChoiceField(label=pgettext_lazy("agency", "To"),
                                       queryset=Agency.objects.none(),
                                       to_field_name="uuid", required=False,
                                       empty_label=_("Any agency"))
    agreement = forms.ModelChoiceField(label=_("Agreement"), queryset=None,
                                       to_field_name="uuid", required=False,
                                       empty_label=_("Any agreement"))
    channel = forms.ChoiceField(label=_("Channel"), required=False,
                                choices=[("", _("Any channel")), *DisclosureChannel.choices])
    date_from = forms.DateField(label=_("From date"), widget=date_input(), required=False)
    date_to = forms.DateField(label=_("To date"), widget=date_input(), required=False)

    def __init__(self, *args, agencies, agreements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_agency"].queryset = agencies
        self.fields["to_agency"].queryset = agencies
        self.fields["agreement"].queryset = agreements

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("The end of the period is before its start."))
        return data

    def filters(self) -> dict:
        """The valid filters, as text (for the audit trail)."""
        if not self.is_valid():
            return {}
        shown = {}
        for name, value in self.cleaned_data.items():
            if value:
                shown[name] = str(getattr(value, "uuid", value))
        return shown
