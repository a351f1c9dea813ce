"""Forms of the step page: complete a step (its checklist, its evidence, the day it was done),
mark it not applicable or reopen it with a reason, give it to another agency. The services
validate what matters; apply_service puts their errors on these fields."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliance.core.forms import VersionedForm, date_input

EVIDENCE_NEEDED = _("This step needs its evidence: say what was done and where the record is.")


class StepCompleteForm(VersionedForm):
    checklist = forms.MultipleChoiceField(label=_("Checklist"), required=False,
                                          widget=forms.CheckboxSelectMultiple)
    evidence = forms.CharField(label=_("Evidence"), required=False, widget=forms.Textarea,
                               help_text=_("What was done, and where the record of it is."))
    completed_on = forms.DateField(label=_("Date done"), required=False, widget=date_input(),
                                   help_text=_("Today, unless it was done earlier."))

    def __init__(self, *args, step, **kwargs):
        super().__init__(*args, **kwargs)
        template = step.template
        items = template.checklist_items()
        if items:
            self.fields["checklist"].choices = [(i["code"], i["label"]) for i in items]
            self.fields["checklist"].help_text = _("Tick every item: the step is done when all "
                                                   "of them are.")
        else:
            del self.fields["checklist"]
        evidence = self.fields["evidence"]
        evidence.required = template.evidence_required
        evidence.error_messages["required"] = EVIDENCE_NEEDED
        if not template.evidence_required:
            evidence.label = _("Evidence or note (optional)")
        self.fields["completed_on"].initial = timezone.localdate()

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"expected_version": data["version"], "evidence": data["evidence"],
                "completed_on": data["completed_on"], "checklist": data.get("checklist", [])}


class StepNotApplicableForm(VersionedForm):
    reason = forms.CharField(label=_("Why the step does not apply"), widget=forms.Textarea,
                             error_messages={"required": _("Say why the step does not apply.")})


class StepReopenForm(VersionedForm):
    reason = forms.CharField(label=_("Why you reopen it"), widget=forms.Textarea,
                             error_messages={"required": _("Say why you reopen it.")})


class StepAgencyForm(VersionedForm):
    agency = forms.ChoiceField(label=_("Agency responsible for the step"),
                               widget=forms.RadioSelect)

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.agencies = {str(agency.uuid): agency for agency in agencies}
        field = self.fields["agency"]
        field.choices = [(key, agency.name) for key, agency in self.agencies.items()]
        field.error_messages.update({
            "required": _("Choose the agency that will do the step."),
            "invalid_choice": _("Choose the agency responsible for the person or one on their "
                                "case team.")})

    def chosen(self):
        return self.agencies[self.cleaned_data["agency"]]
