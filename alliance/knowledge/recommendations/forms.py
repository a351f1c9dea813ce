"""The form that records where a jurisdiction stands on a recommendation."""

from django import forms
from django.utils.translation import gettext_lazy as _

from alliance.core.forms import VersionedForm

from ..meetings.forms import CONFIRM_HELP, CONFIRM_LABEL
from ..models import AdoptionStatus


class AdoptionForm(VersionedForm):
    status = forms.ChoiceField(label=_("Where it stands"), choices=AdoptionStatus.choices,
                               widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("What was done, what is planned, or why it was not "
                                       "adopted. No person-level data."))
    confirm_no_person_data = forms.BooleanField(label=CONFIRM_LABEL, required=False,
                                                help_text=CONFIRM_HELP)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].error_messages["required"] = _(
            "Choose adopted, in progress or not adopted.")

    @property
    def asks_confirmation(self) -> bool:
        return bool(self.is_bound and (self.errors or self.data.get("confirm_no_person_data")))
