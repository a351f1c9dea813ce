from django import forms
from django.utils.translation import gettext_lazy as _

from alliance.core.forms import StyledForm, VersionedForm

from .models import ClockStart, RetentionCategory
from .services import MAX_KEEP_MONTHS, MAX_MONTHS


class RuleForm(VersionedForm):
    months = forms.IntegerField(label=_("Period (months)"), min_value=1, max_value=MAX_MONTHS)
    counted_from = forms.ChoiceField(label=_("Counted from"), choices=ClockStart.choices)


class Decision:
    KEEP = "keep"
    ERASE = "erase"
    ANONYMISE = "anonymise"


class DecisionForm(StyledForm):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        (Decision.KEEP, _("Keep for longer")),
        (Decision.ERASE, _("Erase the records")),
        (Decision.ANONYMISE, _("Anonymise (blank the texts and identity, keep the codes)")),
    ])
    months = forms.IntegerField(label=_("Keep for (months)"), min_value=1,
                                max_value=MAX_KEEP_MONTHS, required=False,
                                help_text=_("Only when keeping for longer."))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea, max_length=1000,
                             help_text=_("Why: the legal ground or the review's finding. "
                                         "Do not write names."))

    def __init__(self, *args, category: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if category == RetentionCategory.IDENTITY:
            # Identity is anonymised, never deleted: the audit trail points to the person.
            self.fields["decision"].choices = [c for c in self.fields["decision"].choices
                                               if c[0] != Decision.ERASE]

    def clean(self):
        data = super().clean()
        if data.get("decision") == Decision.KEEP and not data.get("months"):
            self.add_error("months", _("How many more months?"))
        return data
