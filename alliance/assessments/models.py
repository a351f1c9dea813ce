"""Screenings, risk and needs assessments, instruments and the accreditation of assessors.

An instrument's structure lives in its versioned definition (instruments/), never in these
models: an assessment stores item codes and ratings, and references the exact version it used.
"""

import json
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from alliance.core.compartments import Compartment
from alliance.core.fields import EncryptedJSONField, EncryptedTextField
from alliance.core.models import PublicModel, VersionedModel

from .instruments import InstrumentDefinition, parse_definition


class InstrumentKind(models.TextChoices):
    SCREENING = "screening", _("Screening")
    RISK_NEEDS = "risk_needs", _("Risk and needs assessment")
    ALLIANCE = "alliance", _("Working alliance measure")
    CHECKLIST = "checklist", _("Checklist")


class Instrument(PublicModel):
    code = models.CharField(_("code"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=InstrumentKind.choices)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")

    def __str__(self):
        return self.name


_PARSED: dict[str, InstrumentDefinition] = {}


class Licence(models.TextChoices):
    """The definition's `licence` (docs/instruments.md), shown in the reader's language."""

    OPEN_REFERENCE = "open reference", _("open reference")
    LICENSED = "licensed", _("licensed")


class VersionManager(models.Manager):
    """Versions without their definition, a large JSON column (76 KB for the reference
    instrument): the engine reads it once per process and content hash (`parsed`), so a list of
    versions or a page that names one does not fetch and decode it to ignore it. A query that
    joins a version in (select_related) defers it itself: `.defer("instrument_version__definition")`.
    """

    def get_queryset(self):
        return super().get_queryset().defer("definition")


class InstrumentVersion(PublicModel):
    """A published, immutable version of an instrument definition."""

    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="versions")
    version = models.CharField(_("version"), max_length=40)
    content_hash = models.CharField(max_length=64)
    definition = models.JSONField()
    licence = models.CharField(_("licence"), max_length=20, choices=Licence.choices)
    is_active = models.BooleanField(_("offered for new assessments"), default=True)
    loaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")

    objects = VersionManager()

    class Meta:
        ordering = ["instrument__code", "-created_at"]
        constraints = [models.UniqueConstraint(fields=["instrument", "version"],
                                               name="instrument_version_unique")]

    def __str__(self):
        return f"{self.instrument.name} {self.version}"

    @property
    def reference(self) -> str:
        """Code and version ("alliance-risk-needs 1.0"): what the audit trail records, the same
        in every language (the name is the instrument's English one)."""
        return f"{self.instrument.code} {self.version}"

    @property
    def parsed(self) -> InstrumentDefinition:
        """The definition as engine objects, parsed once per process and content hash."""
        if self.content_hash not in _PARSED:
            _PARSED[self.content_hash] = parse_definition(json.dumps(self.definition))
        return _PARSED[self.content_hash]


class ScreeningOccasion(models.TextChoices):
    INTAKE = "intake", _("Admission")
    TRANSFER = "transfer", _("Transfer")
    CONCERN = "concern", _("Concern observed by staff")
    REVIEW = "review", _("Planned review")


class Screening(PublicModel):
    """A completed screening for signs of radicalisation, with its bias check and outcome."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="screenings")
    instrument_version = models.ForeignKey(InstrumentVersion, on_delete=models.PROTECT,
                                           related_name="+")
    occasion = models.CharField(_("occasion"), max_length=20, choices=ScreeningOccasion.choices)
    ratings = models.JSONField(default=dict)
    evidence = EncryptedJSONField()
    bias_answers = EncryptedJSONField()
    outcome = models.CharField(_("outcome"), max_length=40)
    review_on = models.DateField(_("review on"), null=True, blank=True)
    rationale = EncryptedTextField(_("rationale"), blank=True)
    screened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    screened_at = models.DateTimeField()

    class Meta:
        ordering = ["-screened_at"]


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for countersignature")
    RETURNED = "returned", _("Returned with comments")
    COUNTERSIGNED = "countersigned", _("Countersigned")
    SUPERSEDED = "superseded", _("Superseded")


# The assessment status machine (STYLE.md rule 5): the services refuse any other move.
ALLOWED_TRANSITIONS = {
    AssessmentStatus.DRAFT: {AssessmentStatus.SUBMITTED},
    AssessmentStatus.SUBMITTED: {AssessmentStatus.COUNTERSIGNED, AssessmentStatus.RETURNED},
    AssessmentStatus.RETURNED: {AssessmentStatus.SUBMITTED},
    AssessmentStatus.COUNTERSIGNED: {AssessmentStatus.SUPERSEDED},
    AssessmentStatus.SUPERSEDED: set(),
}
EDITABLE = {AssessmentStatus.DRAFT, AssessmentStatus.RETURNED}
FINAL = [AssessmentStatus.COUNTERSIGNED, AssessmentStatus.SUPERSEDED]


class Assessment(VersionedModel):
    """A structured professional judgement: evidence per item, honest unknowns, a human
    judgement with its rationale, consensus and countersignature. Immutable once countersigned;
    a correction is a new assessment that `corrects` it."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="assessments")
    instrument_version = models.ForeignKey(InstrumentVersion, on_delete=models.PROTECT,
                                           related_name="assessments")
    status = models.CharField(_("status"), max_length=20, choices=AssessmentStatus.choices,
                              default=AssessmentStatus.DRAFT, db_index=True)
    lead_assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                      related_name="+")
    sources = EncryptedJSONField(default=list)
    formulation = EncryptedTextField(_("formulation"), blank=True)
    overall_judgement = models.CharField(_("overall judgement"), max_length=40, blank=True)
    judgement_rationale = EncryptedTextField(_("rationale for the judgement"), blank=True)
    consensus_note = EncryptedTextField(_("consensus note"), blank=True)
    # Format 2: the judgement of each domain that asks for one,
    # {domain code: {"judgement": option code, "rationale": text}}.
    domain_judgements = EncryptedJSONField(default=dict)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    countersigned_at = models.DateTimeField(null=True, blank=True)
    countersigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+")
    return_comments = EncryptedTextField(_("comments"), blank=True)
    corrects = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="corrections")
    correction_reason = models.TextField(_("reason for the correction"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["person", "status"])]

    def __str__(self):
        return f"{self.instrument_version} — {self.person.reference}"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE

    @property
    def completed_at(self):
        return self.countersigned_at or self.submitted_at or self.created_at


class ParticipantRole(models.TextChoices):
    LEAD = "lead", _("Lead assessor")
    CO_ASSESSOR = "co_assessor", _("Co-assessor")


class AssessmentParticipant(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE,
                                   related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20, choices=ParticipantRole.choices)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    added_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "user"],
                                               name="participant_unique")]


class ItemRating(models.Model):
    """One item's rating (a point code, a number, or "unknown") and the evidence for it."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="ratings")
    item_code = models.CharField(max_length=40)
    rating = models.JSONField()
    evidence = EncryptedTextField(blank=True)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    rated_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "item_code"],
                                               name="one_rating_per_item")]


class AdditionalFactor(models.Model):
    """An open-ended factor the assessor names and rates (format 2, the "+" of some tools), in a
    domain that allows them or for the instrument as a whole (domain "")."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE,
                                   related_name="additional_factors")
    domain = models.CharField(max_length=64, blank=True)
    name = EncryptedTextField(_("factor"))
    rating = models.JSONField()
    evidence = EncryptedTextField(blank=True)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    rated_at = models.DateTimeField()

    class Meta:
        ordering = ["domain", "id"]


class BiasAnswer(models.TextChoices):
    """An answer to a bias-check question of a screening."""

    NO = "no", _("No")
    YES = "yes", _("Yes")
    NOT_SURE = "not_sure", _("Not sure")


class DueReason(models.TextChoices):
    FIRST_ASSESSMENT = "screening_referral", _("Referred by screening")
    INTERVAL = "interval", _("Reassessment interval")
    SIGNIFICANT_EVENT = "significant_event", _("Significant new information")


class DueDetail(models.TextChoices):
    """What a due reason's detail says, as a code: the sentence is made in the reader's language
    from it and `detail_params` when it is shown (labels.due_detail_text)."""

    OBSERVATION_ESCALATED = "observation_escalated", _("Escalated observation")


class AssessmentDue(models.Model):
    """When the person's next risk and needs assessment is due, and why (one row per person)."""

    person = models.OneToOneField("people.Person", on_delete=models.CASCADE,
                                  related_name="assessment_due")
    due_on = models.DateField(_("due on"), db_index=True)
    reason = models.CharField(_("reason"), max_length=30, choices=DueReason.choices)
    # A DueDetail code, with its parameters beside it (codes and ISO dates, never a sentence).
    # Rows from before the codes may hold a sentence as typed then: shown as it is.
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    detail_params = models.JSONField(_("parameters of the detail"), default=dict, blank=True)
    # The compartment of the detail's source (an escalated security observation is security
    # material): only its holders read the detail; everyone else who sees the person sees the
    # reason's kind alone.
    detail_compartment = models.CharField(_("compartment of the detail"), max_length=20,
                                          choices=Compartment.choices, blank=True)
    updated_at = models.DateTimeField(auto_now=True)


class Course(PublicModel):
    """A training course that certifies assessors for an instrument."""

    name = models.CharField(_("name"), max_length=200)
    instrument_code = models.CharField(_("instrument code"), max_length=60)
    validity_months = models.PositiveSmallIntegerField(_("certificate valid for (months)"),
                                                       default=36)
    booster_after_months = models.PositiveSmallIntegerField(_("booster after (months)"),
                                                            default=12)

    class Meta:
        ordering = ["name"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def __str__(self):
        return self.name


class Certification(PublicModel):
    """A user's certification for an instrument (and a range of its versions), with expiry."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assessor"),
                             on_delete=models.PROTECT, related_name="certifications")
    instrument_code = models.CharField(_("instrument code"), max_length=60)
    min_version = models.CharField(_("from version"), max_length=40, blank=True,
                                   help_text=_("Empty: any version."))
    max_version = models.CharField(_("to version"), max_length=40, blank=True,
                                   help_text=_("Empty: any later version."))
    course = models.ForeignKey(Course, verbose_name=_("course"), null=True, blank=True,
                               on_delete=models.PROTECT)
    certified_on = models.DateField(_("certified on"))
    expires_on = models.DateField(_("expires on"))
    booster_due_on = models.DateField(_("booster due on"), null=True, blank=True)
    revoked = models.BooleanField(_("revoked"), default=False)

    class Meta:
        ordering = ["expires_on"]
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")

    def __str__(self):
        return f"{self.user} — {self.instrument_code}"
