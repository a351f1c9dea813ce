from django import forms
from django.utils.translation import gettext_lazy as _

from alliance.accounts.models import User
from alliance.core.forms import StyledForm, VersionedForm, date_input

from .instruments import NOT_APPLICABLE, UNKNOWN
from .instruments.definition import ScaleType
from .instruments.scoring import asked_ratings
from .models import BiasAnswer, InstrumentKind, ScreeningOccasion
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
        # Risk and needs instruments and checklists are started here: the kind says which.
        self.fields["instrument_version"].choices = [
            (str(v.uuid), f"{v.parsed.name.get(language)} ({v.version}) · "
                          f"{InstrumentKind(v.instrument.kind).label}") for v in versions]


class _Values(forms.Widget):
    """Every non-empty value posted under the name: a number input and an "unknown" box may
    share one name (a numeric rating), and a page may post a radio group once."""

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        return [v for v in values if v not in (None, "")]


def _parse_value(definition, scale_code: str, values: list[str]):
    """One rating from what was posted: a reserved answer wins over a number typed beside it;
    a number on a numeric scale becomes a number; anything else stays text for the service to
    check (and refuse with the item and the reason)."""
    if not values:
        return None
    for reserved in (NOT_APPLICABLE, UNKNOWN):
        if reserved in values:
            return reserved
    value = values[-1]
    if definition.scale(scale_code).type is ScaleType.NUMERIC:
        try:
            number = float(value)
        except ValueError:
            return value
        return int(number) if number.is_integer() else number
    return value


def answer_from(definition, owner, data: dict):
    """An item's (or an additional factor slot's) answer from posted values, or None when nothing
    is chosen: `data["rating"]` is the one rating of a one-rating item, or "not_applicable" /
    "unknown" for a whole item with named ratings; `data["rating:<code>"]` is each named rating.
    A named rating whose condition the answer does not meet is dropped: the page may still hold
    a choice made before the rating it depends on was changed (the API refuses it instead)."""
    whole = _parse_value(definition, owner.ratings[0].scale, data.get("rating") or [])
    if not owner.named_ratings:
        return whole
    values = {}
    for spec in owner.ratings:
        value = _parse_value(definition, spec.scale, data.get(f"rating:{spec.code}") or [])
        if value is not None:
            values[spec.code] = value
    if NOT_APPLICABLE in (whole, values.get(owner.ratings[0].code)):
        return NOT_APPLICABLE
    if not values:
        return {owner.ratings[0].code: UNKNOWN} if whole == UNKNOWN else None
    asked = {spec.code for spec in asked_ratings(definition, owner, values)}
    return {code: value for code, value in values.items() if code in asked}


class ItemAnswerForm(forms.Form):
    """One item's answer as the rating page posts it. All items of a domain sit in one HTML
    form, so each item's inputs carry its code as prefix ("EN1-rating:presence"); the prefix
    is optional for a client posting one item alone. Fields: `rating`, `rating:<code>`,
    `evidence`, `stamp` (the rated_at the user saw, "" if unrated) and `clear`."""

    evidence = forms.CharField(required=False, strip=False)
    stamp = forms.CharField(required=False)
    clear = forms.BooleanField(required=False)

    def __init__(self, data, *, definition, item):
        prefixed = any(key.startswith(f"{item.code}-") for key in data)
        super().__init__(data, prefix=item.code if prefixed else None)
        self.definition, self.item = definition, item
        self.fields["rating"] = forms.Field(required=False, widget=_Values)
        for spec in item.ratings:
            if spec.code:
                self.fields[f"rating:{spec.code}"] = forms.Field(required=False, widget=_Values)

    def answer(self):
        return answer_from(self.definition, self.item, self.cleaned_data)


class DomainJudgementForm(VersionedForm):
    """A domain's judgement and rationale; both left empty remove it."""

    judgement = forms.ChoiceField(label=_("Judgement"), required=False, widget=forms.RadioSelect)
    rationale = forms.CharField(label=_("Rationale"), required=False,
                                widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, choice, language, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["judgement"].label = (choice.label.get(language) if choice.label
                                          else _("Judgement"))
        self.fields["judgement"].choices = [(o.code, o.label.get(language))
                                            for o in choice.options]
        if choice.rationale_required:
            self.fields["rationale"].help_text = _("Required before the assessment is "
                                                   "submitted.")


class FactorForm(StyledForm):
    """An additional factor: its name, its ratings (on the slot's scales) and evidence."""

    name = forms.CharField(label=_("Factor"), max_length=200)
    evidence = forms.CharField(label=_("Evidence"), required=False,
                               widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, definition, slot, language, **kwargs):
        super().__init__(*args, **kwargs)
        self.definition, self.slot = definition, slot
        by_code = {spec.code: spec for spec in slot.ratings}
        self.rating_fields = []
        for spec in slot.ratings:
            scale = definition.scale(spec.scale)
            name = f"rating:{spec.code}" if spec.code else "rating"
            choices = [(p.code, p.label.get(language)) for p in scale.points]
            if slot.unknown_allowed:
                choices.append((UNKNOWN, _("Unknown — not enough information")))
            label = (spec.label.get(language) if spec.label else
                     scale.label.get(language) if scale.label else _("Rating"))
            help_text = ""
            if spec.when:
                source = by_code[spec.when.rating]
                point = definition.scale(source.scale).point(spec.when.at_least)
                help_text = _("Rated only when %(rating)s is at least “%(point)s”.") % {
                    "rating": source.label.get(language) if source.label else source.code,
                    "point": point.label.get(language) if point else spec.when.at_least}
            if scale.type is ScaleType.NUMERIC:  # a number ("unknown" is typed as a word)
                self.fields[name] = forms.CharField(
                    label=f"{label} ({scale.unit.get(language)})" if scale.unit else label,
                    required=False, help_text=help_text, widget=forms.NumberInput(attrs={
                        "min": scale.minimum, "max": scale.maximum,
                        "step": 1 if scale.integer else "any"}))
            else:
                self.fields[name] = forms.ChoiceField(label=label, choices=choices,
                                                      required=False, widget=forms.RadioSelect,
                                                      help_text=help_text)
            self.rating_fields.append(name)
        self.fields["evidence"].required = slot.evidence_required
        self.order_fields(["name", *self.rating_fields, "evidence"])
        self.style_fields()

    def clean(self):
        """`answer`: the factor's answer from its rating fields (see answer_from)."""
        data = super().clean()
        values = {name: [data[name]] if data.get(name) else [] for name in self.rating_fields}
        data["answer"] = answer_from(self.definition, self.slot, values)
        if data["answer"] is None:
            self.add_error(self.rating_fields[0], _("Choose a rating."))
        return data


class FactorAddForm(FactorForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class FactorUpdateForm(FactorForm):
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

    def __init__(self, *args, options, formulation_only=False, **kwargs):
        super().__init__(*args, **kwargs)
        if formulation_only or not options:
            # The instrument gives no summary level: the formulation is the judgement.
            del self.fields["overall_judgement"], self.fields["judgement_rationale"]
            if formulation_only:
                self.fields["formulation"].help_text = _(
                    "For this instrument the formulation is the overall judgement: it has no "
                    "summary level. Say how the factors fit together for this person: what "
                    "drives the concern, what protects, what would change it.")
        else:
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
