"""The individual rehabilitation plan and the work it organises (DOMAIN.md §6): the
jurisdiction's intervention catalogue, plans with goals and steps, enrolments and sessions,
motivation (stage of change, offers and refusals) and the working alliance.

Compartments (docs/data-protection.md): the plan, attendance, offers and refusals and the stage
of change are the case team's share; session notes, the rationale of a stage of change and the
working-alliance measures are the treatment compartment's. A session's shared summary is what
the treatment side chooses to tell the case team.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from alliance.core.fields import EncryptedTextField
from alliance.core.models import PublicModel, VersionedModel

# --- the intervention catalogue ------------------------------------------------------------------

class InterventionType(models.TextChoices):
    PSYCHOLOGICAL_INDIVIDUAL = "psychological_individual", _("Psychological (individual)")
    PSYCHOLOGICAL_GROUP = "psychological_group", _("Psychological (group)")
    COGNITIVE_BEHAVIOURAL = "cognitive_behavioural", _("Cognitive-behavioural programme")
    EDUCATION = "education", _("Education")
    VOCATIONAL = "vocational", _("Vocational training and work")
    DIALOGUE = "dialogue", _("Theological or ideological dialogue and mentoring")
    FAMILY = "family", _("Family work")
    SPORT_CULTURE = "sport_culture", _("Sport and culture")
    EXIT_MENTORING = "exit_mentoring", _("Exit or mentoring programme")


class InterventionFormat(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    GROUP = "group", _("Group")


class Intervention(VersionedModel):
    """An intervention a jurisdiction offers, with the need areas (codes of the risk and needs
    instruments' need areas) it addresses. Versioned: a stale change is refused (409)."""

    jurisdiction = models.ForeignKey("organisations.Jurisdiction", on_delete=models.PROTECT,
                                     related_name="interventions",
                                     verbose_name=_("jurisdiction"))
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    type = models.CharField(_("type"), max_length=30, choices=InterventionType.choices)
    format = models.CharField(_("format"), max_length=20, choices=InterventionFormat.choices)
    provider = models.ForeignKey("organisations.Agency", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="interventions",
                                 verbose_name=_("provider agency"))
    typical_sessions = models.PositiveSmallIntegerField(_("typical number of sessions"),
                                                        default=10)
    need_areas = models.JSONField(_("need areas addressed"), default=list, blank=True,
                                  help_text=_("Codes of need areas, e.g. [\"ideology\", "
                                              "\"family\"]."))
    description = models.TextField(_("description"), blank=True)
    evidence_notes = models.TextField(_("evidence notes"), blank=True)
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        ordering = ["jurisdiction__name", "name"]
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "code"],
                                               name="intervention_code_unique")]

    def __str__(self):
        return self.name


# --- the plan ------------------------------------------------------------------------------------

class PlanStatus(models.TextChoices):
    # A context: the assessments' statuses are the same English words, of another gender in
    # some languages.
    DRAFT = "draft", pgettext_lazy("plan status", "Draft")
    SUBMITTED = "submitted", _("Waiting for countersignature")
    COUNTERSIGNED = "countersigned", pgettext_lazy("plan status", "Countersigned")
    SUPERSEDED = "superseded", pgettext_lazy("plan status", "Superseded")


# The plan status machine (STYLE.md rule 5): the services refuse any other move. A manager
# returns a submitted plan to draft with comments; a countersigned plan changes only through a
# new version, which supersedes it when countersigned.
PLAN_TRANSITIONS = {
    PlanStatus.DRAFT: {PlanStatus.SUBMITTED},
    PlanStatus.SUBMITTED: {PlanStatus.COUNTERSIGNED, PlanStatus.DRAFT},
    PlanStatus.COUNTERSIGNED: {PlanStatus.SUPERSEDED},
    PlanStatus.SUPERSEDED: set(),
}
PLAN_EDITABLE = {PlanStatus.DRAFT}


class PrisonerPosition(models.TextChoices):
    AGREED = "agreed", _("Agrees with the plan")
    DISAGREES = "disagrees", _("Does not agree with the plan")
    COULD_NOT_ANSWER = "could_not_answer", _("Could not answer")


class Plan(VersionedModel):
    """One version of a person's individual plan. Version 1 is the first; a countersigned
    version changes only through the next version, with a reason."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="plans")
    number = models.PositiveSmallIntegerField(_("version"), default=1)
    previous = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="next_version")
    change_reason = EncryptedTextField(_("reason for the new version"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=PlanStatus.choices,
                              default=PlanStatus.DRAFT, db_index=True)
    assessment = models.ForeignKey("assessments.Assessment", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("assessment the plan is built on"))
    summary = EncryptedTextField(_("summary"), blank=True)
    position = models.CharField(_("the person's position"), max_length=20, blank=True,
                                choices=PrisonerPosition.choices)
    position_words = EncryptedTextField(_("in their words"), blank=True)
    position_recorded_at = models.DateTimeField(null=True, blank=True)
    review_every_months = models.PositiveSmallIntegerField(_("review every (months)"), default=3)
    next_review_on = models.DateField(_("next review"), null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    countersigned_at = models.DateTimeField(null=True, blank=True)
    countersigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+")
    return_comments = EncryptedTextField(_("comments"), blank=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            models.UniqueConstraint(fields=["person", "number"], name="plan_number_unique"),
            # At most one version in progress (draft or submitted) per person.
            models.UniqueConstraint(fields=["person"], condition=models.Q(
                status__in=["draft", "submitted"]), name="one_plan_in_progress"),
            models.UniqueConstraint(fields=["person"], condition=models.Q(
                status="countersigned"), name="one_current_plan"),
        ]

    def __str__(self):
        return f"{self.person.reference} — {self.number}"

    @property
    def is_editable(self) -> bool:
        return self.status in PLAN_EDITABLE


class GoalStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    ACHIEVED = "achieved", _("Achieved")
    DROPPED = "dropped", _("Dropped")


class Goal(PublicModel):
    """A goal of the plan, linked to an assessed need area or to a protective factor to
    strengthen (an item code of the plan's assessment), or to neither."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    order = models.PositiveSmallIntegerField(default=0)
    text = EncryptedTextField(_("goal"))
    need_area = models.CharField(_("need"), max_length=40, blank=True)
    protective_item = models.CharField(_("protective factor to strengthen"), max_length=40,
                                       blank=True)
    status = models.CharField(_("status"), max_length=20, choices=GoalStatus.choices,
                              default=GoalStatus.OPEN)

    class Meta:
        ordering = ["order", "pk"]


class StepActor(models.TextChoices):
    STAFF = "staff", _("Staff")
    PRISONER = "prisoner", _("The person")
    AGENCY = "agency", _("An agency")


class StepStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    NOT_DONE = "not_done", _("Not done")


class Step(PublicModel):
    """A step towards a goal: who acts, by when, and (optionally) the intervention it uses."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(default=0)
    text = EncryptedTextField(_("step"))
    actor = models.CharField(_("who acts"), max_length=20, choices=StepActor.choices)
    actor_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("staff member"))
    actor_agency = models.ForeignKey("organisations.Agency", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("agency"))
    intervention = models.ForeignKey(Intervention, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("intervention"))
    target_on = models.DateField(_("target date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=StepStatus.choices,
                              default=StepStatus.PLANNED)

    class Meta:
        ordering = ["order", "pk"]


class PlanReview(PublicModel):
    """A review of the current plan: what was found, and when the next one is due."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="reviews")
    reviewed_on = models.DateField(_("reviewed on"))
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    note = EncryptedTextField(_("findings"))
    next_review_on = models.DateField(_("next review"))

    class Meta:
        ordering = ["-reviewed_on", "-pk"]


# --- enrolments and sessions ---------------------------------------------------------------------

class EnrolmentStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    ENDED = "ended", _("Ended early")


class Enrolment(VersionedModel):
    """A person's place in an intervention, with the practitioner who leads it."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="enrolments")
    intervention = models.ForeignKey(Intervention, on_delete=models.PROTECT,
                                     related_name="enrolments",
                                     verbose_name=_("intervention"))
    step = models.ForeignKey(Step, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="enrolments", verbose_name=_("plan step"))
    practitioner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("practitioner"))
    planned_sessions = models.PositiveSmallIntegerField(_("planned sessions"))
    status = models.CharField(_("status"), max_length=20, choices=EnrolmentStatus.choices,
                              default=EnrolmentStatus.ACTIVE, db_index=True)
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.TextField(_("reason it ended"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["-started_on", "-pk"]

    def __str__(self):
        return f"{self.intervention} — {self.person.reference}"


class Attendance(models.TextChoices):
    ATTENDED = "attended", _("Attended")
    REFUSED = "refused", _("Refused")
    CANCELLED = "cancelled", _("Cancelled by the service")
    NOT_PRODUCED = "not_produced", _("Not produced")


class Session(VersionedModel):
    """A planned session of an enrolment, and what happened once it is recorded. The note is the
    treatment compartment's; the shared summary is the case team's."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="sessions")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="sessions")
    scheduled_at = models.DateTimeField(_("scheduled for"), db_index=True)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=60)
    facilitator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("facilitator"))
    attendance = models.CharField(_("attendance"), max_length=20, blank=True,
                                  choices=Attendance.choices)
    recorded_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    note = EncryptedTextField(_("session note"), blank=True)
    shared_summary = EncryptedTextField(_("summary shared with the case team"), blank=True)
    concern = models.BooleanField(_("concern"), default=False)
    rupture_suspected = models.BooleanField(_("rupture in the working alliance suspected"),
                                            default=False)
    # A recorded attendance is corrected only with a reason (kept, encrypted, with its date).
    correction_reason = EncryptedTextField(_("reason for correcting the attendance"),
                                           blank=True)
    corrected_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-scheduled_at"]
        indexes = [models.Index(fields=["person", "scheduled_at"]),
                   models.Index(fields=["facilitator", "scheduled_at"])]

    @property
    def is_recorded(self) -> bool:
        return bool(self.attendance)


# --- motivation ----------------------------------------------------------------------------------

class Stage(models.TextChoices):
    # A context: "Action" and "Maintenance" are other words elsewhere (the audit trail's).
    PRECONTEMPLATION = "precontemplation", pgettext_lazy("stage of change", "Precontemplation")
    CONTEMPLATION = "contemplation", pgettext_lazy("stage of change", "Contemplation")
    PREPARATION = "preparation", pgettext_lazy("stage of change", "Preparation")
    ACTION = "action", pgettext_lazy("stage of change", "Action")
    MAINTENANCE = "maintenance", pgettext_lazy("stage of change", "Maintenance")


class StageOfChange(PublicModel):
    """The person's stage of change as a practitioner judged it on a date. The stage is the case
    team's share; the rationale is the treatment compartment's."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="stages_of_change")
    stage = models.CharField(_("stage of change"), max_length=20, choices=Stage.choices)
    assessed_on = models.DateField(_("assessed on"))
    rationale = EncryptedTextField(_("rationale"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        ordering = ["-assessed_on", "-pk"]


class OfferResponse(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")


class RefusalReason(models.TextChoices):
    NOT_RELEVANT = "not_relevant", _("Sees no point or relevance")
    DISTRUST = "distrust", _("Distrust of staff or the programme")
    IDEOLOGICAL = "ideological", _("Ideological or religious objection")
    PEER_PRESSURE = "peer_pressure", _("Pressure from other prisoners")
    PRACTICAL = "practical", _("Practical reason (time, health, work, visits)")
    LEGAL = "legal", _("On legal advice or awaiting appeal")
    NO_REASON = "no_reason", _("Gave no reason")
    OTHER = "other", _("Other")


class Strategy(models.TextChoices):
    MOTIVATIONAL_INTERVIEWING = "motivational_interviewing", _("Motivational interviewing")
    DIFFERENT_PROVIDER = "different_provider", _("A different provider or practitioner")
    DIFFERENT_FORMAT = "different_format", _("A different format (individual or group)")
    DIFFERENT_TIME = "different_time", _("A different time or place")
    FAMILY_OR_MENTOR = "family_or_mentor", _("Involve family or a mentor")
    WAIT_AND_REOFFER = "wait_and_reoffer", _("Wait and offer again")
    OTHER = "other", _("Other")


class Offer(PublicModel):
    """An offer of an intervention or a session and the person's answer. A refusal carries the
    reason they gave (a code and their words) and the strategy tried next."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="offers")
    intervention = models.ForeignKey(Intervention, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("intervention"))
    session = models.OneToOneField(Session, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="offer")
    offered_on = models.DateField(_("offered on"), db_index=True)
    offered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    response = models.CharField(_("answer"), max_length=20, choices=OfferResponse.choices)
    reason = models.CharField(_("reason given"), max_length=30, blank=True,
                              choices=RefusalReason.choices)
    reason_words = EncryptedTextField(_("in their words"), blank=True)
    strategy = models.CharField(_("strategy tried next"), max_length=30, blank=True,
                                choices=Strategy.choices)
    strategy_note = EncryptedTextField(_("about the strategy"), blank=True)

    class Meta:
        ordering = ["-offered_on", "-pk"]
        indexes = [models.Index(fields=["person", "response", "offered_on"])]


# --- the working alliance ------------------------------------------------------------------------

class AllianceOccasion(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled measure")
    RUPTURE = "rupture", _("Suspected rupture")
    OTHER = "other", _("Other")


class AllianceMeasure(PublicModel):
    """A working-alliance measure (an instrument of the engine's alliance kind) completed by the
    person about their work with one practitioner. Treatment compartment."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="alliance_measures")
    practitioner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("practitioner"))
    enrolment = models.ForeignKey(Enrolment, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="alliance_measures",
                                  verbose_name=_("intervention"))
    instrument_version = models.ForeignKey("assessments.InstrumentVersion",
                                           on_delete=models.PROTECT, related_name="+")
    occasion = models.CharField(_("occasion"), max_length=20, choices=AllianceOccasion.choices)
    taken_on = models.DateField(_("taken on"), db_index=True)
    ratings = models.JSONField(default=dict)
    scores = models.JSONField(default=dict)  # subscale code -> mean (advisory), kept for trends
    note = EncryptedTextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        ordering = ["-taken_on", "-pk"]
