from fractions import Fraction

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from alliance.core.fields import EncryptedDateField, EncryptedTextField
from alliance.core.models import PublicModel, VersionedModel

from .key_dates import Sentence


class Classification(models.TextChoices):
    VEP = "vep", _("Violent extremist prisoner")
    AT_RISK = "at_risk", _("At risk of radicalisation")
    OTHER = "other", _("Other")


class DataSubjectCategory(models.TextChoices):
    REMAND = "remand", _("On remand")
    CONVICTED = "convicted", _("Convicted, in custody")
    RELEASED_SUPERVISED = "released_supervised", _("Released under supervision")
    RELEASED = "released", _("Released, no supervision")
    OTHER = "other", _("Other")


# The encrypted identity of a person: shown only to holders of the identity compartment, and left
# undecrypted (deferred) by every list that shows only the reference.
IDENTITY_FIELDS = ("given_name", "family_name", "aliases", "date_of_birth", "national_id")


class Person(VersionedModel):
    """Someone the services work with, known everywhere by a pseudonymous reference.

    Names and identifiers are encrypted at rest and shown only to users with the identity
    compartment (see people/access.py).
    """

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    jurisdiction = models.ForeignKey("organisations.Jurisdiction", verbose_name=_("jurisdiction"),
                                     on_delete=models.PROTECT, related_name="persons")
    responsible_agency = models.ForeignKey(
        "organisations.Agency", verbose_name=_("responsible agency"), on_delete=models.PROTECT,
        related_name="persons",
        help_text=_("The prison holding the person, or the probation service supervising them."),
    )
    given_name = EncryptedTextField(_("given name"), max_length=100)
    family_name = EncryptedTextField(_("family name"), max_length=100)
    aliases = EncryptedTextField(_("aliases"), blank=True,
                                 help_text=_("Other names the person is known by, one per line."))
    date_of_birth = EncryptedDateField(_("date of birth"), null=True, blank=True)
    national_id = EncryptedTextField(_("national identification number"), max_length=40,
                                     blank=True)
    data_subject_category = models.CharField(
        _("data-subject category"), max_length=30, choices=DataSubjectCategory.choices)
    classification = models.CharField(_("classification"), max_length=20,
                                      choices=Classification.choices, db_index=True)
    # Set while a Restriction is active (people/restriction.py), so that the access check reads
    # it from the person already loaded instead of querying for every object.
    restricted_since = models.DateTimeField(_("restricted since"), null=True, blank=True,
                                            editable=False)
    # The expected release of the current custody episode, copied here so that the caseload and
    # the API list sort by an index instead of a subquery per visible person: the people services
    # keep it in the same transaction as every episode or key-date change
    # (services.expected_release_key_refresh). Empty when not in custody or with no date.
    expected_release_on = models.DateField(_("expected release"), null=True, blank=True,
                                           editable=False)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        indexes = [models.Index(fields=["responsible_agency", "reference"]),
                   # The caseload's order, with its tie-breaker: a page is a walk of the index.
                   models.Index(fields=["expected_release_on", "reference"],
                                name="person_release_order")]

    def __str__(self):
        return self.reference

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def alias_list(self) -> list[str]:
        return [a.strip() for a in (self.aliases or "").splitlines() if a.strip()]


class SearchTokenKind(models.TextChoices):
    FULL_NAME = "full_name", _("Full name")
    FAMILY_NAME = "family_name", _("Family name")
    ALIAS = "alias", _("Alias")
    NATIONAL_ID = "national_id", _("National identification number")


class PersonSearchToken(models.Model):
    """Keyed hashes of a person's identifiers: exact-match search without decrypting anyone."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="search_tokens")
    kind = models.CharField(max_length=20, choices=SearchTokenKind.choices)
    digest = models.CharField(max_length=64, db_index=True)


class ClassificationChange(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE,
                               related_name="classification_changes")
    previous = models.CharField(_("previous classification"), max_length=20,
                                choices=Classification.choices, blank=True)
    new = models.CharField(_("classification"), max_length=20, choices=Classification.choices)
    reason = models.TextField(_("reason"))
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        ordering = ["-changed_at", "-id"]


class LegalStatus(models.TextChoices):
    REMAND = "remand", _("Remand (pre-trial)")
    SENTENCED = "sentenced", _("Sentenced")
    APPEAL = "appeal", _("Sentenced, appeal pending")


class ReleaseType(models.TextChoices):
    END_OF_SENTENCE = "end_of_sentence", _("End of sentence")
    CONDITIONAL = "conditional", _("Conditional or early release under supervision")
    TRANSFER = "transfer", _("Transfer")
    DEPORTATION = "deportation", _("Deportation")


class KeyDateSource(models.TextChoices):
    COURT_JUDGMENT = "court_judgment", _("Court judgment")
    PRISON_RECORD = "prison_record", _("Prison record")
    COMPUTED = "computed", _("Computed from the sentence")
    MANUAL_OVERRIDE = "manual_override", _("Manual override")


class KeyDate(models.TextChoices):
    SENTENCE_START = "sentence_start", _("Sentence start")
    CONDITIONAL_RELEASE_ELIGIBILITY = "conditional_release_eligibility", _(
        "Conditional release eligibility")
    EXPECTED_RELEASE = "expected_release", _("Expected release")
    SENTENCE_END = "sentence_end", _("Sentence end")


COMPUTED_KEY_DATES = [KeyDate.CONDITIONAL_RELEASE_ELIGIBILITY, KeyDate.EXPECTED_RELEASE,
                      KeyDate.SENTENCE_END]


def _source_field():
    return models.CharField(max_length=20, choices=KeyDateSource.choices, blank=True)


class CustodyEpisode(VersionedModel):
    """One stay in custody: where, on what legal basis, for what, and the key dates.

    Each key date records its source; computed dates follow the sentence until a practitioner
    overrides them (with a reason, kept in KeyDateOverride and the audit trail).
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="custody_episodes")
    facility = models.ForeignKey("organisations.Agency", verbose_name=_("facility"),
                                 on_delete=models.PROTECT, related_name="custody_episodes")
    unit = models.ForeignKey("organisations.FacilityUnit", verbose_name=_("unit"), null=True,
                             blank=True, on_delete=models.PROTECT, related_name="+")
    admitted_on = models.DateField(_("admitted on"))
    legal_status = models.CharField(_("legal status"), max_length=20,
                                    choices=LegalStatus.choices)
    offences = EncryptedTextField(_("offences"), blank=True)
    terrorism_related = models.BooleanField(_("terrorism-related offence"), default=False)
    sentence_years = models.PositiveSmallIntegerField(_("sentence: years"), default=0)
    sentence_months = models.PositiveSmallIntegerField(_("sentence: months"), default=0)
    sentence_days = models.PositiveSmallIntegerField(_("sentence: days"), default=0)
    remand_credit_days = models.PositiveIntegerField(_("days credited for remand"), default=0)
    is_current = models.BooleanField(_("current"), default=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    release_type = models.CharField(_("release type"), max_length=20,
                                    choices=ReleaseType.choices, blank=True)

    sentence_start = models.DateField(_("sentence start"), null=True, blank=True)
    sentence_start_source = _source_field()
    conditional_release_eligibility = models.DateField(
        _("conditional release eligibility"), null=True, blank=True)
    conditional_release_eligibility_source = _source_field()
    expected_release = models.DateField(_("expected release"), null=True, blank=True)
    expected_release_source = _source_field()
    sentence_end = models.DateField(_("sentence end"), null=True, blank=True)
    sentence_end_source = _source_field()

    class Meta:
        ordering = ["-admitted_on", "-id"]
        verbose_name = _("custody episode")
        verbose_name_plural = _("custody episodes")
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=models.Q(is_current=True),
                                    name="one_current_custody_episode"),
        ]

    def __str__(self):
        return f"{self.person.reference} @ {self.facility.name} ({self.admitted_on})"

    @property
    def sentence(self) -> Sentence | None:
        if not self.sentence_start or self.legal_status == LegalStatus.REMAND:
            return None
        return Sentence(self.sentence_start, self.sentence_years, self.sentence_months,
                        self.sentence_days, self.remand_credit_days)

    def release_fraction(self) -> Fraction:
        j = self.person.jurisdiction
        return Fraction(j.conditional_release_numerator, j.conditional_release_denominator)

    def key_dates(self) -> list[dict]:
        """The four key dates with their sources, in order, for display."""
        return [
            {"key": kd.value, "label": kd.label, "value": getattr(self, kd.value),
             "source": getattr(self, f"{kd.value}_source"),
             "source_label": KeyDateSource(getattr(self, f"{kd.value}_source")).label
             if getattr(self, f"{kd.value}_source") else "",
             "overridden": getattr(self, f"{kd.value}_source") == KeyDateSource.MANUAL_OVERRIDE,
             "computed": kd in COMPUTED_KEY_DATES}
            for kd in KeyDate
        ]


class KeyDateOverride(models.Model):
    """The history of manual key-date overrides (and their removal), with the reason."""

    episode = models.ForeignKey(CustodyEpisode, on_delete=models.CASCADE,
                                related_name="key_date_overrides")
    key_date = models.CharField(max_length=40, choices=KeyDate.choices)
    previous_value = models.DateField(null=True, blank=True)
    new_value = models.DateField(null=True, blank=True,
                                 help_text="Empty when the override was removed.")
    reason = models.TextField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-id"]


class RetainedAccess(models.Model):
    """Read access an agency keeps to a person after responsibility passed to another agency
    (the prison after the handover to probation), until a date: its staff with a person-level
    role there see the person as they did, read-only, through `until` inclusive, then no more.
    Written by `services.responsibility_transfer`; `ended_at` is set (and audited) by the daily
    job once the date has passed, but the access rule reads `until` itself."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="retained_access")
    agency = models.ForeignKey("organisations.Agency", verbose_name=_("agency"),
                               on_delete=models.PROTECT, related_name="+")
    until = models.DateField(_("read access until"))
    granted_at = models.DateTimeField()
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    source_uuid = models.UUIDField(null=True, blank=True,
                                   help_text="The record that passed responsibility (a handover).")
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-granted_at", "-id"]
        indexes = [models.Index(fields=["agency", "until"])]

    def __str__(self):
        return f"{self.person.reference}: {self.agency} until {self.until}"


class TimelineEvent(PublicModel):
    """Something that happened in a person's case, shown on their timeline.

    Written by services of every module; `compartment` decides who sees it, and the text is
    rendered at display time (people/timeline.py) so it appears in the reader's language.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="timeline")
    occurred_at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=40)
    compartment = models.CharField(max_length=20)
    params = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["person", "-occurred_at"])]


class DisclosureChannel(models.TextChoices):
    CONSULTATION = "consultation", _("Consulted the record")
    REFERRAL = "referral", _("Referral")
    CONFERENCE = "conference", _("Case conference")
    HANDOVER = "handover", _("Handover")
    SUBJECT_ACCESS = "subject_access", _("Subject access: to the data subject")


class Disclosure(models.Model):
    """One disclosure of a person's data across an agency boundary (DOMAIN.md §13): who received
    it, for which agency, what categories, for what purpose, and the information-sharing
    agreement it relied on. Append-only, written in the transaction of what disclosed it (a
    consultation's audit event, a referral sent, an item shared at a conference); the DPO
    searches it beside the audit trail."""

    occurred_at = models.DateTimeField(db_index=True)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="disclosures")
    from_agency = models.ForeignKey("organisations.Agency", on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("from"))
    recipient_agency = models.ForeignKey("organisations.Agency", on_delete=models.PROTECT,
                                         related_name="+", verbose_name=_("to"))
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("recipient"))
    categories = models.JSONField(_("categories"), default=list)
    purpose = models.CharField(_("purpose"), max_length=300)
    agreement = models.ForeignKey("organisations.SharingAgreement", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="disclosures",
                                  verbose_name=_("agreement"))
    channel = models.CharField(_("channel"), max_length=20, choices=DisclosureChannel.choices)
    object_type = models.CharField(max_length=60, blank=True)
    object_uuid = models.CharField(max_length=36, blank=True)
    audit_event = models.ForeignKey("core.AuditEvent", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")
        indexes = [models.Index(fields=["person", "occurred_at"]),
                   models.Index(fields=["recipient_agency", "occurred_at"]),
                   models.Index(fields=["agreement", "occurred_at"])]

    def __str__(self):
        return f"{self.person.reference} → {self.recipient_agency}"


class RestrictionReason(models.TextChoices):
    """Why processing of a record is restricted instead of the data being erased or corrected
    (Directive 2016/680 Art. 16(3)); stored as a code, shown in the reader's language."""

    ACCURACY_CONTESTED = "accuracy_contested", _(
        "The data subject contests its accuracy and it cannot be ascertained")
    EVIDENCE = "evidence", _("Kept as evidence: it may not be erased")
    ERASURE_REFUSED = "erasure_refused", _("Erasure is not allowed: restricted instead")
    INVESTIGATION = "investigation", _("Under review by the data protection officer")
    OTHER = "other", _("Other (see the note)")


class Restriction(models.Model):
    """A restriction of processing of one person's record, set and lifted by the data
    protection officer of the person's jurisdiction (people/restriction.py). While active
    (`lifted_at` empty) the record is read-only everywhere and each read states a purpose.
    Rows are kept after lifting: the history of restrictions is part of the record."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="restrictions")
    reason = models.CharField(_("reason"), max_length=30, choices=RestrictionReason.choices)
    note = EncryptedTextField(_("note"), blank=True)
    restricted_at = models.DateTimeField(_("restricted at"))
    restricted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                      related_name="+")
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    lift_note = EncryptedTextField(_("why it was lifted"), blank=True)

    class Meta:
        ordering = ["-restricted_at", "-id"]
        verbose_name = _("restriction")
        verbose_name_plural = _("restrictions")
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=models.Q(lifted_at__isnull=True),
                                    name="one_active_restriction"),
        ]

    def __str__(self):
        return f"{self.person.reference}: {self.reason}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None
