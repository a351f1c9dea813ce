"""Preparation for release and post-release support (DOMAIN.md §8–9).

* **The pre-release programme**: step templates (regional defaults, changed per jurisdiction)
  and each person's steps, due a lead time before the expected release, assigned to an agency,
  completed with their evidence or checklist.
* **The support plan**: the pathways with needs, actions and responsible agencies; supervision
  conditions, the contacts log, breaches and recalls; the receiving municipality and the
  family's involvement.
* **The handover**: responsibility passes from the prison to probation on release, with a
  package the receiving agency acknowledges; the prison keeps read access for a while
  (people.RetainedAccess).
* **Follow-ups** after release and their outcomes, coded for the monitoring module.

Compartment: all of it is the case team's share (docs/data-protection.md): the agencies that
take the person on need it. Free text is encrypted at rest.
"""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import formats
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from alliance.core.fields import EncryptedJSONField, EncryptedTextField
from alliance.core.models import PublicModel, VersionedModel
from alliance.languages.names import localized

from . import dates
from .defaults import FOLLOW_UP_OFFSETS

MAX_TEXT = 10_000


def default_offsets():
    return list(FOLLOW_UP_OFFSETS)


class ReleaseSettings(models.Model):
    """A jurisdiction's choices for release and after (created with the defaults when first
    needed; kept in the admin, audited)."""

    jurisdiction = models.OneToOneField("organisations.Jurisdiction", on_delete=models.CASCADE,
                                        related_name="release_settings",
                                        verbose_name=_("jurisdiction"))
    horizon_months = models.PositiveSmallIntegerField(
        _("plan releases this many months ahead"), default=12,
        validators=[MaxValueValidator(36)],
        help_text=_("The pre-release steps appear when the expected release is this close; "
                    "the worklist shows releases this far ahead."))
    task_within_days = models.PositiveSmallIntegerField(
        _("give a step's task this many days before it is due"), default=30)
    retain_days = models.PositiveSmallIntegerField(
        _("the prison keeps read access after the release (days)"), default=90,
        validators=[MaxValueValidator(365)])
    follow_up_offsets = models.JSONField(
        _("follow-ups after release"), default=default_offsets,
        help_text=_('After the release, e.g. ["1w", "1m", "3m", "6m", "12m"] (d: days, '
                    'w: weeks, m: months).'))

    class Meta:
        verbose_name = _("release settings")
        verbose_name_plural = _("release settings")

    def __str__(self):
        return str(self.jurisdiction)

    def clean(self):
        from django.core.exceptions import ValidationError

        try:
            for code in self.follow_up_offsets:
                dates.parse_offset(code)
        except (TypeError, ValueError):
            raise ValidationError({"follow_up_offsets": _(
                'Give a list of offsets such as ["1w", "1m", "3m"].')})


class AgencyRole(models.TextChoices):
    """The type of agency a step falls to (organisations.AgencyType, those that do steps)."""

    PRISON = "prison", _("Prison")
    PROBATION = "probation", _("Probation service")
    MINISTRY_DIVISION = "ministry_division", _("Ministry division")
    MUNICIPALITY = "municipality", _("Municipality or social service")
    COMMUNITY_PROVIDER = "community_provider", _("NGO or community provider")


class StepTemplate(PublicModel):
    """One step of the pre-release programme. The regional defaults have no jurisdiction; a
    jurisdiction's row with the same code replaces the default there (or, not in use, drops
    it)."""

    jurisdiction = models.ForeignKey("organisations.Jurisdiction", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("jurisdiction"),
                                     help_text=_("Empty for the regional default."))
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    names = models.JSONField(_("names by language"), default=dict, blank=True,
                             help_text=_('Name in each interface language, e.g. {"sq": "…"}.'))
    lead_months = models.PositiveSmallIntegerField(_("months before release"), default=0,
                                                   validators=[MaxValueValidator(36)])
    lead_days = models.PositiveSmallIntegerField(_("and days before release"), default=0,
                                                 validators=[MaxValueValidator(366)])
    agency_type = models.CharField(_("responsible agency"), max_length=30,
                                   choices=AgencyRole.choices, default=AgencyRole.PRISON)
    evidence_required = models.BooleanField(_("evidence required"), default=False)
    checklist = models.JSONField(
        _("checklist"), default=list, blank=True,
        help_text=_('Items to tick before the step is done: [{"code": "…", "name": "…", '
                    '"names": {"sq": "…"}}].'))
    blocks_readiness = models.BooleanField(_("blocks release readiness"), default=True)
    is_active = models.BooleanField(_("in use"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        ordering = ["order", "-lead_months", "-lead_days", "code"]
        verbose_name = _("pre-release step")
        verbose_name_plural = _("pre-release steps")
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "code"], name="step_template_code"),
            models.UniqueConstraint(fields=["code"], condition=models.Q(jurisdiction=None),
                                    name="step_template_default_code"),
        ]

    def __str__(self):
        return self.name

    def display_name(self) -> str:
        return localized(self.names, self.name)

    def lead_label(self) -> str:
        return dates.lead_label(self.lead_months, self.lead_days)

    def checklist_items(self) -> list[dict]:
        """[{"code", "label"}] in the reader's language."""
        return [{"code": item.get("code", ""),
                 "label": localized(item.get("names"), item.get("name", item.get("code", "")))}
                for item in self.checklist or [] if isinstance(item, dict)]


class StepStatus(models.TextChoices):
    PENDING = "pending", _("To do")
    DONE = "done", _("Done")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class StepEvidence(models.TextChoices):
    """Evidence the system records when another module completes a step; a practitioner's own
    evidence is their text."""

    CONFERENCE_HELD = "conference_held", _("Case conference held")


class ReleaseStep(VersionedModel):
    """A person's step of the pre-release programme for one custody episode. Its due date
    follows the expected release while it is to do; a done step stays done when the date
    moves."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="release_steps")
    episode = models.ForeignKey("people.CustodyEpisode", on_delete=models.PROTECT,
                                related_name="release_steps")
    template = models.ForeignKey(StepTemplate, on_delete=models.PROTECT, related_name="steps")
    agency = models.ForeignKey("organisations.Agency", verbose_name=_("responsible agency"),
                               on_delete=models.PROTECT, related_name="+")
    agency_by_hand = models.BooleanField(
        default=False, help_text="Set by a practitioner: the next recalculation keeps it.")
    due_on = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=20, choices=StepStatus.choices,
                              default=StepStatus.PENDING)
    checklist_done = models.JSONField(default=list, blank=True)
    evidence = EncryptedTextField(_("evidence"), blank=True)
    # Set instead of `evidence` when the system completed the step (a case conference): a code
    # and its parameters, written in the reader's language when shown (evidence_text).
    evidence_code = models.CharField(max_length=30, choices=StepEvidence.choices, blank=True)
    evidence_params = models.JSONField(default=dict, blank=True)
    completed_on = models.DateField(_("done on"), null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("pre-release step of a person")
        verbose_name_plural = _("pre-release steps of people")
        ordering = ["due_on", "template__order", "id"]
        constraints = [models.UniqueConstraint(fields=["episode", "template"],
                                               name="one_step_per_template_and_episode")]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self):
        return f"{self.person.reference}: {self.template.code} ({self.due_on})"

    @property
    def is_open(self) -> bool:
        return self.status == StepStatus.PENDING

    @property
    def evidence_text(self) -> str:
        """The evidence in the reader's language: the practitioner's text as written, or the
        sentence of the system's code with its date in the reader's format."""
        if self.evidence_code == StepEvidence.CONFERENCE_HELD:
            params = self.evidence_params or {}
            try:
                held_on = formats.date_format(
                    datetime.date.fromisoformat(params.get("held_on", "")), "SHORT_DATE_FORMAT")
            except ValueError:
                held_on = "—"
            return gettext("Case conference held on %(date)s (%(conference)s).") % {
                "date": held_on, "conference": params.get("conference", "")}
        return self.evidence

    def is_overdue(self, today) -> bool:
        return self.status == StepStatus.PENDING and self.due_on < today


# --- the support plan ----------------------------------------------------------------------------

class Pathway(models.TextChoices):
    ACCOMMODATION = "accommodation", _("Accommodation")
    EMPLOYMENT = "employment", _("Education, training and employment")
    FINANCES = "finances", _("Finances, benefits and identity documents")
    HEALTH = "health", _("Health and mental health")
    SUBSTANCE_USE = "substance_use", _("Substance use")
    FAMILY = "family", _("Family, children and social network")
    ATTITUDES = "attitudes", _("Attitudes, thinking and behaviour (mentoring, exit work, "
                               "counselling)")


class PathwayStatus(models.TextChoices):
    NOT_ASSESSED = "not_assessed", _("Not yet assessed")
    NO_NEED = "no_need", _("No need")
    NEED = "need", _("Need identified")
    IN_PROGRESS = "in_progress", _("Work in progress")
    MET = "met", _("Need met")


class SupportPlan(VersionedModel):
    """The post-release support plan for one custody episode, prepared with prison staff by
    probation and the reintegration division."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="support_plans")
    episode = models.OneToOneField("people.CustodyEpisode", on_delete=models.PROTECT,
                                   related_name="support_plan")
    municipality = models.ForeignKey(
        "organisations.Agency", verbose_name=_("receiving municipality"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+")
    municipality_involvement = EncryptedTextField(
        _("how the municipality is involved"), blank=True)
    family_involvement = EncryptedTextField(_("the family's involvement"), blank=True)
    supervising_agency = models.ForeignKey(
        "organisations.Agency", verbose_name=_("supervising agency"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+")
    supervision_ends_on = models.DateField(_("supervision ends"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("support plan")
        verbose_name_plural = _("support plans")

    def __str__(self):
        return f"{self.person.reference}: support plan"


class PathwayEntry(VersionedModel):
    """One pathway of a support plan: the needs and where the work stands."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="pathways")
    pathway = models.CharField(_("pathway"), max_length=20, choices=Pathway.choices)
    needs = EncryptedTextField(_("needs"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=PathwayStatus.choices,
                              default=PathwayStatus.NOT_ASSESSED)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("pathway")
        verbose_name_plural = _("pathways")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["plan", "pathway"],
                                               name="one_entry_per_pathway")]

    def __str__(self):
        return self.get_pathway_display()


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class SupportAction(VersionedModel):
    """An action on a pathway, with the agency responsible for it."""

    entry = models.ForeignKey(PathwayEntry, on_delete=models.CASCADE, related_name="actions")
    description = EncryptedTextField(_("action"))
    agency = models.ForeignKey("organisations.Agency", verbose_name=_("responsible agency"),
                               on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("by"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ActionStatus.choices,
                              default=ActionStatus.PLANNED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        verbose_name = _("support action")
        verbose_name_plural = _("support actions")
        ordering = ["id"]


class ConditionKind(models.TextChoices):
    REPORTING = "reporting", _("Reporting")
    RESIDENCE = "residence", _("Residence")
    CONTACTS = "contacts", _("Contacts")
    TRAVEL = "travel", _("Travel")
    OTHER = "other", _("Other")


class SupervisionCondition(VersionedModel):
    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="conditions")
    kind = models.CharField(_("condition"), max_length=20, choices=ConditionKind.choices)
    detail = EncryptedTextField(_("detail"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        verbose_name = _("supervision condition")
        verbose_name_plural = _("supervision conditions")
        ordering = ["starts_on", "id"]

    def __str__(self):
        return self.get_kind_display()


class ContactKind(models.TextChoices):
    OFFICE = "office", _("Office appointment")
    HOME_VISIT = "home_visit", _("Home visit")
    PHONE = "phone", _("Telephone")
    VIDEO = "video", _("Video call")
    OTHER = "other", _("Other")


class SupervisionContact(PublicModel):
    """An entry in the contacts log of supervision."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="contacts")
    contact_on = models.DateField(_("date"))
    kind = models.CharField(_("contact"), max_length=20, choices=ContactKind.choices)
    kept = models.BooleanField(_("the person attended"), default=True)
    notes = EncryptedTextField(_("notes"), blank=True)
    agency = models.ForeignKey("organisations.Agency", on_delete=models.PROTECT,
                               related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        verbose_name = _("supervision contact")
        verbose_name_plural = _("supervision contacts")
        ordering = ["-contact_on", "-id"]


class BreachResponse(models.TextChoices):
    NO_ACTION = "no_action", _("No further action")
    WARNING = "warning", _("Warning")
    CONDITIONS_CHANGED = "conditions_changed", _("Conditions changed")
    RECALL_REQUESTED = "recall_requested", _("Recall requested")
    RECALLED = "recalled", _("Recalled to custody")


class Breach(PublicModel):
    """A breach of supervision and the response to it, up to a recall."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="breaches")
    condition = models.ForeignKey(SupervisionCondition, verbose_name=_("condition breached"),
                                  null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="breaches")
    occurred_on = models.DateField(_("date of the breach"))
    description = EncryptedTextField(_("what happened"))
    response = models.CharField(_("response"), max_length=20, choices=BreachResponse.choices)
    response_on = models.DateField(_("date of the response"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        verbose_name = _("breach")
        ordering = ["-occurred_on", "-id"]
        verbose_name_plural = _("breaches")


# --- the handover ----------------------------------------------------------------------------------

class HandoverStatus(models.TextChoices):
    SENT = "sent", _("Waiting for acknowledgement")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    WITHDRAWN = "withdrawn", pgettext_lazy("handover", "Withdrawn")


class Handover(VersionedModel):
    """The transfer of responsibility from the prison to the agency that takes the person on
    (probation), with the package it was given. Responsibility passes once the receiving agency
    has acknowledged and the person is released, whichever comes last."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="handovers")
    episode = models.ForeignKey("people.CustodyEpisode", on_delete=models.PROTECT,
                                related_name="handovers")
    from_agency = models.ForeignKey("organisations.Agency", verbose_name=_("sending agency"),
                                    on_delete=models.PROTECT, related_name="+")
    to_agency = models.ForeignKey("organisations.Agency", verbose_name=_("receiving agency"),
                                  on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=HandoverStatus.choices,
                              default=HandoverStatus.SENT)
    note = EncryptedTextField(_("note to the receiving agency"), blank=True)
    package = EncryptedJSONField(default=dict, blank=True)
    retain_days = models.PositiveSmallIntegerField(
        _("the prison keeps read access for (days)"), validators=[MaxValueValidator(365)])
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="+")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    acknowledgement_note = EncryptedTextField(_("acknowledgement note"), blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    withdrawn_reason = EncryptedTextField(_("reason for withdrawing"), blank=True)
    transferred_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        constraints = [models.UniqueConstraint(
            fields=["episode"], condition=models.Q(status__in=["sent", "acknowledged"]),
            name="one_live_handover_per_episode")]

    def __str__(self):
        return f"{self.person.reference}: {self.from_agency} → {self.to_agency}"


# --- follow-ups ----------------------------------------------------------------------------------

class FollowUpStatus(models.TextChoices):
    SCHEDULED = "scheduled", pgettext_lazy("follow-up", "Scheduled")
    HELD = "held", _("Held")
    MISSED = "missed", _("Missed")


class Engagement(models.TextChoices):
    ENGAGED = "engaged", _("Engaged")
    PARTLY = "partly", _("Partly engaged")
    NOT_ENGAGED = "not_engaged", _("Not engaged")


class Housing(models.TextChoices):
    STABLE = "stable", _("Stable accommodation")
    TEMPORARY = "temporary", _("Temporary accommodation")
    NONE = "none", _("No accommodation")
    UNKNOWN = "unknown", _("Not known")


class Work(models.TextChoices):
    EMPLOYED = "employed", _("In work")
    EDUCATION = "education", _("In education or training")
    UNEMPLOYED = "unemployed", _("Looking for work")
    NOT_ABLE = "not_able", _("Not able to work")
    UNKNOWN = "unknown", _("Not known")


class YesNoUnknown(models.TextChoices):
    NO = "no", _("No")
    YES = "yes", _("Yes")
    UNKNOWN = "unknown", _("Not known")


class Reengagement(models.TextChoices):
    NONE = "none", _("No sign")
    CONCERN = "concern", _("Concerns")
    CONFIRMED = "confirmed", _("Confirmed")
    UNKNOWN = "unknown", _("Not known")


class FollowUp(VersionedModel):
    """A follow-up contact after release and its outcomes: coded indicators the monitoring
    module counts (engagement, housing, work, new offence, re-engagement with violent groups)."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="follow_ups")
    episode = models.ForeignKey("people.CustodyEpisode", on_delete=models.PROTECT,
                                related_name="follow_ups")
    offset = models.CharField(_("when"), max_length=8)
    due_on = models.DateField(_("due"))
    agency = models.ForeignKey("organisations.Agency", verbose_name=_("responsible agency"),
                               on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=FollowUpStatus.choices,
                              default=FollowUpStatus.SCHEDULED)
    held_on = models.DateField(_("held on"), null=True, blank=True)
    contact_kind = models.CharField(_("contact"), max_length=20, choices=ContactKind.choices,
                                    blank=True)
    engagement = models.CharField(_("engagement"), max_length=20, choices=Engagement.choices,
                                  blank=True)
    housing = models.CharField(_("housing"), max_length=20, choices=Housing.choices, blank=True)
    work = models.CharField(_("work"), max_length=20, choices=Work.choices, blank=True)
    new_offence = models.CharField(_("new offence"), max_length=10,
                                   choices=YesNoUnknown.choices, blank=True)
    reengagement = models.CharField(_("re-engagement with violent groups"), max_length=20,
                                    choices=Reengagement.choices, blank=True)
    notes = EncryptedTextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["episode", "offset"],
                                               name="one_follow_up_per_offset")]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self):
        return f"{self.person.reference}: follow-up {self.offset}"

    def offset_label(self) -> str:
        return dates.offset_label(self.offset)

    @property
    def is_open(self) -> bool:
        return self.status == FollowUpStatus.SCHEDULED

    def is_overdue(self, today) -> bool:
        return self.status == FollowUpStatus.SCHEDULED and self.due_on < today

    @property
    def concern(self) -> bool:
        return self.new_offence == YesNoUnknown.YES or self.reengagement in (
            Reengagement.CONCERN, Reengagement.CONFIRMED)
