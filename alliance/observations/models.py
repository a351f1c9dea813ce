"""Dynamic security (DOMAIN.md §7): observations from everyday contact, graded; the analyst's
review, links and analyses; and the sanitised summaries shared with named members of the case
team, or with its holders of a role, until an expiry date.

Compartments (docs/data-protection.md): observations, addenda, links and analyses are the
security compartment's, whole. A shared summary is what the security side chooses to tell the
case team: its recipients read it while it is in date and they still hold the person's case-team
share; the security side reads every summary it wrote.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from alliance.core.fields import EncryptedTextField
from alliance.core.models import PublicModel, VersionedModel
from alliance.languages.names import localized

from .grading import DEFAULT_SCHEME, scheme_choices

MAX_TEXT = 20_000  # characters of any one text (a long verbatim account fits many times over)


class ObservationSettings(models.Model):
    """A jurisdiction's choices for dynamic security (created with the defaults when first
    needed; kept in the admin, audited)."""

    jurisdiction = models.OneToOneField("organisations.Jurisdiction", on_delete=models.CASCADE,
                                        related_name="observation_settings",
                                        verbose_name=_("jurisdiction"))
    grading_scheme = models.CharField(_("grading scheme"), max_length=20,
                                      choices=scheme_choices, default=DEFAULT_SCHEME)
    review_within_hours = models.PositiveSmallIntegerField(
        _("review observations within (hours)"), default=72,
        help_text=_("Observations waiting longer are shown as overdue on the security "
                    "dashboard."))
    share_default_days = models.PositiveSmallIntegerField(
        _("shared summaries last (days, by default)"), default=90)
    share_max_days = models.PositiveSmallIntegerField(
        _("shared summaries last at most (days)"), default=365)

    class Meta:
        verbose_name = _("dynamic security settings")
        verbose_name_plural = _("dynamic security settings")
        constraints = [models.CheckConstraint(
            condition=models.Q(share_default_days__gte=1)
            & models.Q(share_default_days__lte=models.F("share_max_days")),
            name="observation_settings_share_days_valid")]

    def __str__(self):
        return str(self.jurisdiction)


class Category(models.TextChoices):
    BEHAVIOUR = "behaviour", _("Behaviour")
    RELATIONSHIPS = "relationships", _("Relationships and groupings")
    COMMUNICATION = "communication", _("Communication and contacts")
    IDEOLOGY = "ideology", _("Ideological expression")
    INCIDENT = "incident", _("Incident")
    POSITIVE = "positive", _("Positive engagement")


class Indicator(PublicModel):
    """An escalation indicator: a sign that, when an officer ticks it, alerts the case manager
    and the security lead, gives the analyst a task and marks a reassessment due. The regional
    defaults (no jurisdiction) apply everywhere; a jurisdiction adds its own."""

    jurisdiction = models.ForeignKey("organisations.Jurisdiction", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("jurisdiction"),
                                     help_text=_("Empty for an indicator used everywhere."))
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    names = models.JSONField(_("names by language"), default=dict, blank=True,
                             help_text=_('Name in each interface language, e.g. {"sq": "…"}.'))
    is_active = models.BooleanField(_("in use"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("escalation indicator")
        verbose_name_plural = _("escalation indicators")
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "code"],
                                               name="indicator_unique_code"),
                       models.UniqueConstraint(fields=["code"],
                                               condition=models.Q(jurisdiction__isnull=True),
                                               name="indicator_unique_regional_code")]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return localized(self.names, self.name)


class ObservationStatus(models.TextChoices):
    NEW = "new", _("New")
    REVIEWED = "reviewed", _("Reviewed")
    LINKED = "linked", _("Linked")
    SHARED = "shared", _("Shared")
    ARCHIVED = "archived", _("Archived")


# The status machine (STYLE.md rule 5): services refuse any other move. An observation is fixed
# once reviewed; linking and sharing record what the analyst did with it; archiving ends it.
ALLOWED_TRANSITIONS = {
    ObservationStatus.NEW: {ObservationStatus.REVIEWED},
    ObservationStatus.REVIEWED: {ObservationStatus.LINKED, ObservationStatus.SHARED,
                                 ObservationStatus.ARCHIVED},
    ObservationStatus.LINKED: {ObservationStatus.SHARED, ObservationStatus.ARCHIVED},
    ObservationStatus.SHARED: {ObservationStatus.ARCHIVED},
    ObservationStatus.ARCHIVED: set(),
}

# Reviewed means read by an analyst: the entry is fixed from then on (a correction is an addendum).
REVIEWED_STATUSES = [ObservationStatus.REVIEWED, ObservationStatus.LINKED,
                     ObservationStatus.SHARED, ObservationStatus.ARCHIVED]


class Observation(VersionedModel):
    """What a member of staff saw or heard, kept apart from what they make of it, graded."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="observations")
    facility = models.ForeignKey("organisations.Agency", on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("facility"))
    unit = models.ForeignKey("organisations.FacilityUnit", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("wing or unit"))
    observed_at = models.DateTimeField(_("observed at"), db_index=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    verbatim = EncryptedTextField(_("what was seen or heard"),
                                  help_text=_("The facts, and words as they were said."))
    context = EncryptedTextField(_("context"), blank=True,
                                 help_text=_("Where, when, who else was there, what led to it."))
    opinion = EncryptedTextField(_("your assessment"), blank=True,
                                 help_text=_("What you make of it, kept apart from the facts."))
    indicators = models.ManyToManyField(Indicator, blank=True, related_name="+",
                                        verbose_name=_("escalation indicators"))
    escalated = models.BooleanField(_("escalated"), default=False)
    scheme = models.CharField(_("grading scheme"), max_length=20)
    source_reliability = models.CharField(_("source reliability"), max_length=4)
    information_assessment = models.CharField(_("information assessment"), max_length=4)
    handling_code = models.CharField(_("handling code"), max_length=4)
    status = models.CharField(_("status"), max_length=10, choices=ObservationStatus.choices,
                              default=ObservationStatus.NEW, db_index=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("recorded by"))
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    feedback = EncryptedTextField(_("feedback to the observer"), blank=True)
    archived_reason = EncryptedTextField(_("reason for archiving"), blank=True)

    class Meta:
        ordering = ["-observed_at", "-id"]
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        indexes = [models.Index(fields=["person", "-observed_at"]),
                   models.Index(fields=["facility", "status"])]

    def __str__(self):
        return f"{self.person.reference} {self.observed_at:%Y-%m-%d} {self.category}"

    @property
    def is_reviewed(self) -> bool:
        return self.status in REVIEWED_STATUSES


class Addendum(PublicModel):
    """A correction or addition to an observation, once it is fixed; never edited itself."""

    observation = models.ForeignKey(Observation, on_delete=models.PROTECT,
                                    related_name="addenda")
    text = EncryptedTextField(_("addendum"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("addendum")
        verbose_name_plural = _("addenda")


class ObservationLink(PublicModel):
    """Two observations of the same person the analyst reads together (stored once, the older
    first)."""

    first = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="+")
    note = EncryptedTextField(_("why they belong together"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["first", "second"],
                                               name="observation_link_unique"),
                       models.CheckConstraint(condition=models.Q(first__lt=models.F("second")),
                                              name="observation_link_ordered")]


class Analysis(VersionedModel):
    """The analyst's reading of a person's observations: security material, never shared as
    such (a shared summary is written for that)."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="security_analyses")
    text = EncryptedTextField(_("analysis"))
    observations = models.ManyToManyField(Observation, blank=True, related_name="analyses",
                                          verbose_name=_("observations it reads"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("author"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("analysis")
        verbose_name_plural = _("analyses")


class SharedSummary(VersionedModel):
    """A sanitised summary the security side shares with named members of the case team or with
    its holders of a role, until `expires_on` (inclusive), unless withdrawn before."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="security_summaries")
    summary = EncryptedTextField(_("summary"))
    observations = models.ManyToManyField(Observation, blank=True, related_name="summaries",
                                          verbose_name=_("observations it draws on"))
    analysis = models.ForeignKey(Analysis, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="summaries", verbose_name=_("analysis"))
    shared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("shared by"))
    agency = models.ForeignKey("organisations.Agency", on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("shared from"))
    expires_on = models.DateField(_("shared until"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    withdrawn_reason = EncryptedTextField(_("reason for withdrawing"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("shared summary")
        verbose_name_plural = _("shared summaries")
        indexes = [models.Index(fields=["person", "expires_on"])]


class Recipient(models.Model):
    """One addressee of a shared summary: a named member, or every holder of a role among the
    people who hold the person's case-team share."""

    summary = models.ForeignKey(SharedSummary, on_delete=models.CASCADE,
                                related_name="recipients")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=30, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(
            condition=(models.Q(user__isnull=False, role="")
                       | models.Q(user__isnull=True) & ~models.Q(role="")),
            name="recipient_user_or_role")]
