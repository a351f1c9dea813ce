from django import forms
from django.utils.translation import gettext_lazy as _

from alliance.core.forms import StyledForm, date_input
from alliance.core.models import AuditAction, AuditOutcome


class AuditFilterForm(StyledForm):
    actor = forms.CharField(label=_("User name"), required=False)
    person_reference = forms.CharField(label=_("Person reference"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False,
                               choices=[("", _("All")), *AuditAction.choices])
    outcome = forms.ChoiceField(label=_("Outcome"), required=False,
                                choices=[("", _("All")), *AuditOutcome.choices])
    date_from = forms.DateField(label=_("From"), required=False, widget=date_input())
    date_to = forms.DateField(label=_("To"), required=False, widget=date_input())
    search_term = forms.CharField(
        label=_("Searched for"), required=False,
        help_text=_("Finds searches for this exact name or identifier (matched by its keyed "
                     "hash; the term itself is never stored)."))
