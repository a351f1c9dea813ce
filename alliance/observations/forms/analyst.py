"""The analyst's forms: review, link, archive, analyses, sharing and withdrawing.

Records are chosen by their UUID among the rows the view passes in (selectors.py), so a form can
only name what the analyst may see. The services judge the rest (the handling codes' reach, who
is on the case team, the expiry's limits) and `apply_service` puts their reasons on these
fields, which carry the services' names for them."""

import datetime

from django import forms
from django.utils import formats, timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from alliance.accounts.models import CASEWORK_ROLES, Role
from alliance.core.forms import StyledForm, VersionedForm, date_input

from ..models import Category

# The security side reads the material itself: a summary is never addressed to its roles.
SHARED_ROLES = [(code, label) for code, label in Role.choices
                if code in CASEWORK_ROLES
                and code not in (Role.SECURITY_OFFICER, Role.SECURITY_ANALYST)]


EXCERPT = 90  # characters of what was seen or heard, beside a checkbox


def observation_label(observation, *, handling=None, excerpt: bool = False) -> str:
    """An observation in one line: when, what kind, its grading (and the handling code's
    meaning, for a summary's basis; the start of what was seen or heard, for an analysis)."""
    when = formats.date_format(timezone.localtime(observation.observed_at),
                               "SHORT_DATETIME_FORMAT")
    category = dict(Category.choices).get(observation.category, observation.category)
    grading = (f"{observation.source_reliability}/{observation.information_assessment}/"
               f"{observation.handling_code}")
    label = f"{when} · {category} · {grading}"
    if handling is not None:
        label += " · " + str(_("handling %(code)s: %(meaning)s") % {
            "code": observation.handling_code, "meaning": handling.label})
    if excerpt:
        label += " — " + Truncator(observation.verbatim).chars(EXCERPT)
    return label


class _Chooser:
    """Choices by UUID among given rows; `chosen(name)` gives the rows back."""

    def _rows(self, name: str, rows, label) -> None:
        self.records = getattr(self, "records", {})
        self.records[name] = {str(row.uuid): row for row in rows}
        self.fields[name].choices = [(str(row.uuid), label(row)) for row in rows]

    def chosen(self, name: str) -> list:
        value = self.cleaned_data.get(name) or []
        values = value if isinstance(value, list) else [value]
        return [self.records[name][v] for v in values if v in self.records[name]]


class ReviewForm(VersionedForm):
    feedback = forms.CharField(
        label=_("Feedback to the officer (optional)"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The officer is told their entry was read; they see this feedback on "
                    "“My observations”. Write nothing here that they should not know."))


class LinkForm(_Chooser, StyledForm):
    other = forms.ChoiceField(label=_("Observation to link"), widget=forms.RadioSelect,
                              error_messages={"invalid_choice": _(
                                  "Choose one of the observations listed.")})
    note = forms.CharField(label=_("Why they belong together (optional)"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self._rows("other", candidates,
                   lambda o: f"{o.person.reference} · {observation_label(o)}")


class LinkDateForm(StyledForm):
    """Which day's observations of the facility to list as candidates (a GET form)."""

    on = forms.DateField(label=_("Observations of the facility on"), required=False,
                         widget=date_input())


class ArchiveForm(VersionedForm):
    reason = forms.CharField(
        label=_("Reason for archiving"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: superseded, shown to be false, no longer relevant. The "
                    "observation stays readable, marked archived."))


class AnalysisForm(_Chooser, VersionedForm):
    text = forms.CharField(label=_("Analysis"), widget=forms.Textarea(attrs={"rows": 8}),
                           help_text=_("Your reading of the observations. It stays with the "
                                       "security sector: to tell the case team, share a "
                                       "summary."))
    observations = forms.MultipleChoiceField(
        label=_("Observations it reads"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Reviewed observations of the person that are not archived."))

    def __init__(self, *args, observations, **kwargs):
        super().__init__(*args, **kwargs)
        self._rows("observations", observations,
                   lambda o: observation_label(o, excerpt=True))

    @staticmethod
    def initial_for(analysis) -> dict:
        return {"text": analysis.text, "version": analysis.version,
                "observations": [str(o.uuid) for o in analysis.observations.all()]}


class ShareForm(_Chooser, StyledForm):
    summary = forms.CharField(
        label=_("Summary for the case team"), widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Sanitised: say what the case team needs to know to work with the person. "
                    "Name no source, quote no words as said (no verbatim), and give no detail "
                    "that would show how it is known."))
    observations = forms.MultipleChoiceField(
        label=_("Observations it draws on"), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Their handling codes decide how far the summary may go."))
    analysis = forms.ChoiceField(label=_("Analysis it comes from (optional)"), required=False)
    recipients = forms.MultipleChoiceField(
        label=_("Named members"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Members of the case team and staff of the responsible agency; not the "
                    "security sector, which reads the material itself."),
        error_messages={"invalid_choice": _(
            "Choose among the members listed: a summary is shared only with people on the "
            "person's case team.")})
    roles = forms.MultipleChoiceField(
        label=_("Or everyone on the case team with a role"), required=False,
        choices=SHARED_ROLES, widget=forms.CheckboxSelectMultiple)
    expires_on = forms.DateField(label=_("Shared until (inclusive)"), widget=date_input())

    def __init__(self, *args, observations, handling, candidates, analyses, default_days,
                 max_days, **kwargs):
        super().__init__(*args, **kwargs)
        self._rows("observations", observations,
                   lambda o: observation_label(o, handling=handling.get(o.pk), excerpt=True))
        self._rows("analysis", analyses, lambda a: _("%(date)s by %(author)s") % {
            "date": formats.date_format(timezone.localtime(a.created_at), "SHORT_DATE_FORMAT"),
            "author": a.author})
        self.fields["analysis"].choices = [("", _("— none —")),
                                           *self.fields["analysis"].choices]
        self.records["recipients"] = {str(c["user"].uuid): c["user"] for c in candidates}
        self.fields["recipients"].choices = [(str(c["user"].uuid), c["label"])
                                             for c in candidates]
        today = timezone.localdate()
        expires_on = self.fields["expires_on"]
        expires_on.initial = today + datetime.timedelta(days=default_days)
        expires_on.widget.attrs.update({
            "min": (today + datetime.timedelta(days=1)).isoformat(),
            "max": (today + datetime.timedelta(days=max_days)).isoformat()})
        expires_on.help_text = _(
            "After this day nobody reads it any more. At most %(days)d days from today.") % {
            "days": max_days}

    def service_kwargs(self) -> dict:
        analysis = self.chosen("analysis")
        return {"summary": self.cleaned_data["summary"],
                "observations": self.chosen("observations"),
                "analysis": analysis[0] if analysis else None,
                "recipients": self.chosen("recipients"), "roles": self.cleaned_data["roles"],
                "expires_on": self.cleaned_data["expires_on"]}


class WithdrawForm(VersionedForm):
    reason = forms.CharField(
        label=_("Reason for withdrawing"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Its recipients can no longer read it from now on; they are told it was "
                    "withdrawn, not why."))
