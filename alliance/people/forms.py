from django import forms
from django.utils.translation import gettext_lazy as _

from alliance.core.forms import StyledForm, VersionedForm, date_input
from alliance.organisations.models import Agency, AgencyType, FacilityUnit

from .models import Classification, DataSubjectCategory, KeyDateSource, LegalStatus, ReleaseType


class _IdentityFields(forms.Form):
    given_name = forms.CharField(label=_("Given name"), max_length=100)
    family_name = forms.CharField(label=_("Family name"), max_length=100)
    aliases = forms.CharField(label=_("Aliases"), required=False, widget=forms.Textarea,
                              help_text=_("Other names the person is known by, one per line."))
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False, widget=date_input())
    national_id = forms.CharField(label=_("National identification number"), max_length=40,
                                  required=False)
    data_subject_category = forms.ChoiceField(label=_("Data-subject category"),
                                              choices=DataSubjectCategory.choices)


class PersonCreateForm(StyledForm, _IdentityFields):
    responsible_agency = forms.ModelChoiceField(label=_("Responsible agency"),
                                                queryset=Agency.objects.none())
    classification = forms.ChoiceField(label=_("Classification"), choices=Classification.choices)
    classification_reason = forms.CharField(label=_("Reason for the classification"),
                                            widget=forms.Textarea)
    field_order = ["responsible_agency", "given_name", "family_name", "aliases", "date_of_birth",
                   "national_id", "data_subject_category", "classification",
                   "classification_reason"]

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_agency"].queryset = Agency.objects.filter(
            pk__in=[a.pk for a in agencies])
        if len(agencies) == 1:
            self.fields["responsible_agency"].initial = agencies[0].pk


class PersonEditForm(VersionedForm, _IdentityFields):
    responsible_agency = forms.ModelChoiceField(
        label=_("Responsible agency"), queryset=Agency.objects.none(),
        help_text=_("Who holds or supervises the person now. Staff of the previous agency "
                    "keep access only if they are on the case team."))

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_agency"].queryset = Agency.objects.filter(
            jurisdiction=person.jurisdiction, is_active=True,
            type__in=[AgencyType.PRISON, AgencyType.PROBATION])


class ClassificationForm(VersionedForm):
    classification = forms.ChoiceField(label=_("New classification"),
                                       choices=Classification.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea)


ENTERED_SOURCES = [(s.value, s.label) for s in (KeyDateSource.COURT_JUDGMENT,
                                                KeyDateSource.PRISON_RECORD)]


class CustodyEpisodeForm(VersionedForm):
    facility = forms.ModelChoiceField(label=_("Facility"), queryset=Agency.objects.none())
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=FacilityUnit.objects.none(),
                                  required=False)
    admitted_on = forms.DateField(label=_("Admitted on"), widget=date_input())
    legal_status = forms.ChoiceField(label=_("Legal status"), choices=LegalStatus.choices)
    offences = forms.CharField(label=_("Offences"), required=False, widget=forms.Textarea)
    terrorism_related = forms.BooleanField(label=_("Terrorism-related offence"), required=False)
    sentence_years = forms.IntegerField(label=_("Sentence: years"), min_value=0, max_value=99,
                                        initial=0)
    sentence_months = forms.IntegerField(label=_("months"), min_value=0, max_value=11, initial=0)
    sentence_days = forms.IntegerField(label=_("days"), min_value=0, max_value=365, initial=0)
    remand_credit_days = forms.IntegerField(label=_("Days credited for remand"), min_value=0,
                                            initial=0)
    sentence_start = forms.DateField(label=_("Sentence start"), required=False,
                                     widget=date_input())
    sentence_start_source = forms.ChoiceField(label=_("Source of the sentence start"),
                                              choices=[("", "—"), *ENTERED_SOURCES],
                                              required=False)
    ended_on = forms.DateField(label=_("Custody ended on"), required=False, widget=date_input())
    release_type = forms.ChoiceField(label=_("Release type"), required=False,
                                     choices=[("", "—"), *ReleaseType.choices])

    def __init__(self, *args, person, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        prisons = Agency.objects.filter(jurisdiction=person.jurisdiction, is_active=True,
                                        type=AgencyType.PRISON)
        self.fields["facility"].queryset = prisons
        self.fields["unit"].queryset = FacilityUnit.objects.filter(
            agency__in=prisons, is_active=True).select_related("agency")
        if not editing:
            del self.fields["ended_on"], self.fields["release_type"]

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class KeyDateOverrideForm(VersionedForm):
    value = forms.DateField(label=_("Date"), widget=date_input())
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea,
                             help_text=_("For example: the decision granting conditional "
                                         "release, with its number and date."))


class KeyDateClearForm(VersionedForm):
    reason = forms.CharField(label=_("Reason for removing the override"), widget=forms.Textarea)


class CaseloadFilterForm(StyledForm):
    q = forms.CharField(label=_("Search"), required=False, help_text=_(
        "A reference (or its beginning), or an exact full name, alias or national ID."))
    classification = forms.ChoiceField(label=_("Classification"), required=False,
                                       choices=[("", _("All")), *Classification.choices])
    category = forms.ChoiceField(label=_("Category"), required=False,
                                 choices=[("", _("All")), *DataSubjectCategory.choices])
