from django import forms
from django.utils.translation import gettext_lazy as _

from alliance.accounts.models import Membership, User
from alliance.core.compartments import Compartment
from alliance.core.forms import StyledForm, VersionedForm, date_input

from .models import ManagementLevel


class _MembershipChoice(forms.ModelChoiceField):
    def label_from_instance(self, m):
        return f"{m.user} — {m.agency.name} ({m.get_roles_display()})"


class TeamMemberForm(StyledForm):
    membership = _MembershipChoice(label=_("Member"), queryset=Membership.objects.none())
    team_role = forms.CharField(label=_("Role in the team"), max_length=100,
                                help_text=_("For example: probation officer after release, "
                                            "mentor, psychologist."))
    scopes = forms.MultipleChoiceField(
        label=_("May also see"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(c.value, c.label) for c in Compartment if c != Compartment.CASE_TEAM],
        help_text=_("Every member sees the case-team summary. Give more only where the member "
                    "needs it for their work."))

    def __init__(self, *args, memberships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = Membership.objects.filter(
            pk__in=[m.pk for m in memberships]).select_related("user", "agency")


class CaseManagerForm(VersionedForm):
    case_manager = forms.ModelChoiceField(label=_("Case manager"), queryset=None)

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case_manager"].queryset = User.objects.filter(
            pk__in=[u.pk for u in users]).order_by("last_name", "first_name")


class ManagementLevelForm(VersionedForm):
    level = forms.ChoiceField(label=_("Management level"), choices=ManagementLevel.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea)
    review_due = forms.DateField(label=_("Next review"), required=False, widget=date_input())


class CloseCaseForm(VersionedForm):
    reason = forms.CharField(label=_("Reason for closing"), widget=forms.Textarea)


class ConfirmForm(StyledForm):
    """A POST with nothing to fill in (the CSRF token is the point)."""
