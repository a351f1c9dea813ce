"""Forms of the plan page. Each carries the plan's edit version (a stale one is a 409); the
services validate what matters (a goal's need must be one of the person's, a staff member must
work with the person), and apply_service puts their errors on these forms' fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from alliance.core.forms import StyledForm, VersionedForm, date_input

from ..models import GoalStatus, PrisonerPosition, StepActor, StepStatus

TEXT_ROWS = 2


class _OnePerPage:
    """The plan page shows many forms: each kind gets its own element ids."""

    id_prefix = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)


class PlanForm(_OnePerPage, VersionedForm):
    id_prefix = "plan"

    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(
        attrs={"rows": 4}), help_text=_("What the plan aims at overall, in a few sentences."))
    review_every_months = forms.IntegerField(label=_("Review every (months)"))


class PositionForm(_OnePerPage, VersionedForm):
    id_prefix = "position"

    position = forms.ChoiceField(label=_("The person's position on the plan"),
                                 choices=PrisonerPosition.choices, widget=forms.RadioSelect)
    position_words = forms.CharField(
        label=_("In their words"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the person said, as close to their words as you can. Not needed when "
                    "they could not answer."))


class GoalForm(VersionedForm):
    """A goal, linked to one of the needs or protective factors of the plan's assessment (the
    choices), or to neither. The need is checked by the service, which says clearly why a need
    is refused."""

    text = forms.CharField(label=_("Goal"), widget=forms.Textarea(attrs={"rows": TEXT_ROWS}))
    need_area = forms.CharField(label=_("Need it addresses"), required=False)
    protective_item = forms.CharField(label=_("Or the protective factor it strengthens"),
                                      required=False)

    def __init__(self, *args, sources: dict, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["need_area"].widget = forms.Select(choices=[
            ("", _("— none —")), *[(code, label) for code, label, _items in sources["needs"]]])
        self.fields["protective_item"].widget = forms.Select(choices=[
            ("", _("— none —")), *[(code, text) for code, text in sources["protective"]]])
        if editing:
            self.fields["status"] = forms.ChoiceField(label=_("Status"),
                                                      choices=GoalStatus.choices)
        self.style_fields()

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {"text": data["text"], "need_area": data["need_area"],
                  "protective_item": data["protective_item"]}
        if "status" in data:
            kwargs["status"] = data["status"]
        return kwargs


class StepForm(VersionedForm):
    """A step: who acts (a staff member, the person, or an agency), by when, with which
    intervention of the jurisdiction's catalogue. Records are chosen by their UUID."""

    text = forms.CharField(label=_("Step"), widget=forms.Textarea(attrs={"rows": TEXT_ROWS}))
    actor = forms.ChoiceField(label=_("Who acts"), choices=StepActor.choices)
    actor_user = forms.ChoiceField(label=_("Staff member (when staff act)"), required=False)
    actor_agency = forms.ChoiceField(label=_("Agency (when an agency acts)"), required=False)
    target_on = forms.DateField(label=_("Target date"), required=False, widget=date_input())
    intervention = forms.ChoiceField(label=_("Intervention"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=StepStatus.choices,
                               initial=StepStatus.PLANNED)

    def __init__(self, *args, options: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.records = {}
        for name, rows in (("actor_user", options["staff"]), ("actor_agency", options["agencies"]),
                           ("intervention", options["interventions"])):
            self.records[name] = {str(row.uuid): row for row in rows}
            field = self.fields[name]
            field.choices = [("", _("— none —")), *[(str(row.uuid), str(row)) for row in rows]]
            field.error_messages["invalid_choice"] = {
                "actor_user": _("Choose a staff member who works with this person."),
                "actor_agency": _("Choose an agency of the person's jurisdiction."),
                "intervention": _("Choose an intervention of the person's jurisdiction's "
                                  "catalogue."),
            }[name]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"text": data["text"], "actor_kind": data["actor"],
                "actor_user": self.records["actor_user"].get(data["actor_user"]),
                "actor_agency": self.records["actor_agency"].get(data["actor_agency"]),
                "intervention": self.records["intervention"].get(data["intervention"]),
                "target_on": data["target_on"], "status": data["status"]}

    @staticmethod
    def initial_for(step, version: int) -> dict:
        return {"text": step.text, "actor": step.actor, "target_on": step.target_on,
                "status": step.status, "version": version,
                "actor_user": str(step.actor_user.uuid) if step.actor_user else "",
                "actor_agency": str(step.actor_agency.uuid) if step.actor_agency else "",
                "intervention": str(step.intervention.uuid) if step.intervention else ""}


class ProgressForm(VersionedForm):
    """The status of one goal or one step of the current plan."""

    goal = forms.UUIDField(required=False, widget=forms.HiddenInput)
    step = forms.UUIDField(required=False, widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Status"), choices=[
        *GoalStatus.choices, *[c for c in StepStatus.choices if c[0] != "in_progress"]])

    def clean(self):
        data = super().clean()
        if bool(data.get("goal")) == bool(data.get("step")):
            raise forms.ValidationError(_("Choose one goal or one step."))
        return data


class ReviewForm(_OnePerPage, VersionedForm):
    id_prefix = "review"

    note = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("What has been done, what has changed, what comes next."))
    reviewed_on = forms.DateField(label=_("Reviewed on"), widget=date_input())
    next_review_on = forms.DateField(label=_("Next review"), widget=date_input())


class ReviseForm(_OnePerPage, StyledForm):
    id_prefix = "revise"

    reason = forms.CharField(label=_("Reason for the new version"), widget=forms.Textarea(
        attrs={"rows": 3}), help_text=_("For example: a new assessment, a transfer, a goal "
                                        "achieved, the person's circumstances changed."))


class ReturnForm(_OnePerPage, VersionedForm):
    id_prefix = "return"

    comments = forms.CharField(label=_("What needs to change"), widget=forms.Textarea(
        attrs={"rows": 3}))


class VersionOnlyForm(VersionedForm):
    """A POST that carries only the version the user acted on (submit, countersign, remove)."""
