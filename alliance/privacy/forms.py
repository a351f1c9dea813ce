from django import forms
from django.utils.translation import gettext_lazy as _

from alliance.core.forms import StyledForm
from alliance.people.models import RestrictionReason

from .export import WITHHOLDABLE, Choices, Ground

NO_GROUND = [("", _("Give it"))]


class FindForm(StyledForm):
    reference = forms.CharField(label=_("Reference"), max_length=20)


class SubjectAccessForm(StyledForm):
    """The request answered and what the DPO withholds beyond the standing restrictions."""

    request_reference = forms.CharField(
        label=_("Request reference"), max_length=80,
        help_text=_("The reference under which the data subject's request was registered."))
    request_received = forms.DateField(label=_("Request received on"),
                                       widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Why (for the withheld parts)"), required=False,
                           max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    format = forms.ChoiceField(label=_("Format"), choices=[("json", "JSON"), ("pdf", "PDF")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        grounds = NO_GROUND + Ground.CHOICES
        for code, title in WITHHOLDABLE + [("consultations", _("Log of consultations"))]:
            self.fields[f"withhold_{code}"] = forms.ChoiceField(
                label=title, choices=grounds, required=False)
        self.style_fields()

    def clean(self):
        data = super().clean()
        if any(v for k, v in data.items() if k.startswith("withhold_")) and \
                not (data.get("note") or "").strip():
            self.add_error("note", _("Say why these parts are withheld."))
        return data

    def withheld_fields(self):
        return [self[name] for name in self.fields if name.startswith("withhold_")]

    def choices(self) -> Choices:
        data = self.cleaned_data
        return Choices(request_reference=data["request_reference"],
                       request_received=data["request_received"],
                       withhold={k.removeprefix("withhold_"): v for k, v in data.items()
                                 if k.startswith("withhold_") and v},
                       note=data.get("note", ""))


class RestrictForm(StyledForm):
    reason = forms.ChoiceField(label=_("Reason"), choices=RestrictionReason.choices)
    note = forms.CharField(label=_("Note"), max_length=1000, widget=forms.Textarea(
        attrs={"rows": 3}))


class LiftForm(StyledForm):
    lift_note = forms.CharField(label=_("Why the restriction is lifted"), max_length=1000,
                                widget=forms.Textarea(attrs={"rows": 3}))


class PurposeForm(StyledForm):
    purpose = forms.CharField(max_length=60)
    purpose_other = forms.CharField(max_length=200, required=False)
    next = forms.CharField(max_length=2000)
