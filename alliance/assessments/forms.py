from django import forms
from django.utils.translation import gettext_lazy as _

from alliance.accounts.models import User
from alliance.core.forms import StyledForm, VersionedForm, date_input

from .instruments import UNKNOWN
from .models import BiasAnswer, ScreeningOccasion
from .services import SOURCE_KINDS

SOURCE_LABELS = {"interview": _("Interview"), "file": _("File review"),
                 "observation": _("Observation"), "collateral": _("Collateral information"),
                 "other": _("Other")}


class ScreeningForm(StyledForm):
    """Built from the screening instrument: one field per indicator and bias question."""

    occasion = forms.ChoiceField(label=_("Occasion"), choices=ScreeningOccasion.choices)

    def __init__(self, *args, definition, language, **kwargs):
        super().__init__(*args, **kwargs)
        self.definition = definition
        self.indicators, self.bias_questions = [], []
        for item in definition.items:
            scale = definition.scale_of(item)
            choices = [(p.code, p.label.get(language)) for p in scale.points]
            if item.unknown_allowed:
                choices.append((UNKNOWN, _("Unknown — not enough information")))
            self.fields[f"item_{item.code}"] = forms.ChoiceField(
                label=item.text.get(language), choices=choices, widget=forms.RadioSelect,
                required=item.required)
            self.fields[f"evidence_{item.code}"] = forms.CharField(
                label=_("What was observed (facts, dates, source)"), required=False,
                widget=forms.Textarea(attrs={"rows": 2}))
            self.indicators.append((item, f"item_{item.code}", f"evidence_{item.code}"))
        if definition.bias_check:
            for q in definition.bias_check.questions:
                self.fields[f"bias_{q.code}"] = forms.ChoiceField(
                    label=q.text.get(language), choices=BiasAnswer.choices,
                    widget=forms.RadioSelect)
                self.fields[f"biasnote_{q.code}"] = forms.CharField(
                    label=_("Your reasoning"), required=False,
                    widget=forms.Textarea(attrs={"rows": 2}))
                self.bias_questions.append((q, f"bias_{q.code}", f"biasnote_{q.code}"))
        self.fields["outcome"] = forms.ChoiceField(
            label=_("Outcome"), widget=forms.RadioSelect,
            choices=[(o.code, o.label.get(language)) for o in definition.outcomes.options])
        self.fields["review_on"] = forms.DateField(label=_("Review on"), required=False,
                                                   widget=date_input(),
                                                   help_text=_("Required when monitoring."))
        self.fields["rationale"] = forms.CharField(label=_("Rationale for the outcome"),
                                                   widget=forms.Textarea, required=False)
        self.style_fields()  # the fields above were added after StyledForm.__init__

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        ratings = {item.code: data[name] for item, name, _e in self.indicators if data.get(name)}
        evidence = {item.code: data.get(ev, "") for item, _n, ev in self.indicators}
        bias = {q.code: {"answer": data.get(name, ""), "note": data.get(note, "")}
                for q, name, note in self.bias_questions}
        return {"occasion": data["occasion"], "ratings": ratings, "evidence": evidence,
                "bias_answers": bias, "outcome": data["outcome"], "review_on": data["review_on"],
                "rationale": data["rationale"]}


class StartAssessmentForm(StyledForm):
    instrument_version = forms.ChoiceField(label=_("Instrument"))

    def __init__(self, *args, versions, language, **kwargs):
        super().__init__(*args, **kwargs)
        self.versions = {str(v.uuid): v for v in versions}
        self.fields["instrument_version"].choices = [
            (str(v.uuid), f"{v.parsed.name.get(language)} ({v.version})") for v in versions]


class ItemRatingForm(forms.Form):
    rating = forms.CharField(label=_("Rating"))
    evidence = forms.CharField(label=_("Evidence"), required=False, widget=forms.Textarea)
    stamp = forms.CharField(required=False, widget=forms.HiddenInput)


class SourceForm(VersionedForm):
    kind = forms.ChoiceField(label=_("Type of source"),
                             choices=[(k, SOURCE_LABELS[k]) for k in SOURCE_KINDS])
    description = forms.CharField(label=_("Source"), max_length=300, help_text=_(
        "For example: interview with the person, 3 November; prison file; officer's "
        "observations."))
    on = forms.DateField(label=_("Date"), required=False, widget=date_input())


class SummaryForm(VersionedForm):
    formulation = forms.CharField(label=_("Formulation"), required=False, widget=forms.Textarea(
        attrs={"rows": 6}), help_text=_("How the factors fit together for this person: what "
                                        "drives the concern, what protects, what would change it."))
    overall_judgement = forms.ChoiceField(label=_("Overall professional judgement"),
                                          required=False, widget=forms.RadioSelect)
    judgement_rationale = forms.CharField(label=_("Rationale for the judgement"), required=False,
                                          widget=forms.Textarea(attrs={"rows": 4}))
    consensus_note = forms.CharField(label=_("Consensus note"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 2}), help_text=_(
        "Where assessors disagreed, and how they agreed."))

    def __init__(self, *args, options, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["overall_judgement"].choices = options


class CoAssessorForm(StyledForm):
    user = forms.ModelChoiceField(label=_("Co-assessor"), queryset=None)

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(pk__in=[u.pk for u in users])


class VersionOnlyForm(VersionedForm):
    """A POST that only carries the version the user acted on (submit, countersign, ...)."""


class ReturnForm(VersionedForm):
    comments = forms.CharField(label=_("What needs to change"), widget=forms.Textarea)


class CorrectionForm(StyledForm):
    reason = forms.CharField(label=_("Reason for the correction"), widget=forms.Textarea)


class InstrumentUploadForm(StyledForm):
    file = forms.FileField(label=_("Instrument definition (YAML or JSON)"))
