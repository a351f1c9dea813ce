"""The form that records the release: the day and how the person was released (a transfer is
an admission to the other prison, recorded on the custody page)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliance.core.forms import VersionedForm, date_input
from alliance.people.models import ReleaseType

RELEASE_TYPES = [(value, label) for value, label in ReleaseType.choices
                 if value != ReleaseType.TRANSFER]


class ReleaseRecordForm(VersionedForm):
    released_on = forms.DateField(label=_("Date of the release"), widget=date_input(),
                                  error_messages={"required": _("Enter the date of the release.")})
    release_type = forms.ChoiceField(
        label=_("How the person was released"), choices=RELEASE_TYPES, widget=forms.RadioSelect,
        error_messages={"required": _("Choose how the person was released."),
                        "invalid_choice": _("Choose how the person was released (a transfer "
                                            "is recorded as an admission to the other prison).")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["released_on"].initial = timezone.localdate()
