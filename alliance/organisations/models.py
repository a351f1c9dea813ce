from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from alliance.core.models import PublicModel, VersionedModel
from alliance.languages.names import localized


class Jurisdiction(PublicModel):
    """A beneficiary (or any other service area) with its own languages and policies."""

    code = models.CharField(_("code"), max_length=8, unique=True,
                            help_text=_("Short code used in person references, e.g. ME."))
    name = models.CharField(_("name"), max_length=100)
    names = models.JSONField(
        _("names by language"), default=dict, blank=True,
        help_text=_('Name in each interface language, e.g. {"sq": "Mali i Zi"}.'),
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    designation_footnote = models.BooleanField(
        _("shown with the designation footnote"), default=False,
        help_text=_("Shows the name with an asterisk and the UNSCR 1244/1999 footnote."),
    )
    conditional_release_numerator = models.PositiveSmallIntegerField(
        _("conditional release after (numerator)"), default=2)
    conditional_release_denominator = models.PositiveSmallIntegerField(
        _("conditional release after (denominator)"), default=3)
    reassessment_interval_months = models.PositiveSmallIntegerField(
        _("reassessment interval (months)"), default=6)
    retention_years = models.PositiveSmallIntegerField(_("retention period (years)"), default=10)
    # Rehabilitation plans and engagement (alliance.plans).
    plan_review_interval_months = models.PositiveSmallIntegerField(
        _("plan review interval (months)"), default=3)
    refusal_pattern_count = models.PositiveSmallIntegerField(
        _("refusals that make a pattern"), default=3,
        help_text=_("This many refusals within the period below mark a reassessment due and "
                    "put the person on the not-engaging worklist."))
    refusal_pattern_days = models.PositiveSmallIntegerField(
        _("refusal pattern period (days)"), default=30)
    alliance_first_after_sessions = models.PositiveSmallIntegerField(
        _("first working-alliance measure after (sessions)"), default=3)
    alliance_every_sessions = models.PositiveSmallIntegerField(
        _("then a working-alliance measure every (sessions)"), default=5)

    class Meta:
        ordering = ["name"]
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(conditional_release_denominator__gt=0)
                & models.Q(conditional_release_numerator__lte=models.F(
                    "conditional_release_denominator")),
                name="jurisdiction_release_fraction_valid",
            )
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        name = localized(self.names, self.name)
        return f"{name}*" if self.designation_footnote else name


class AgencyType(models.TextChoices):
    PRISON_ADMINISTRATION = "prison_administration", _("Prison administration")
    PRISON = "prison", _("Prison")
    PROBATION = "probation", _("Probation service")
    MINISTRY_DIVISION = "ministry_division", _("Ministry division")
    MUNICIPALITY = "municipality", _("Municipality or social service")
    COMMUNITY_PROVIDER = "community_provider", _("NGO or community provider")
    POLICE_LIAISON = "police_liaison", _("Police liaison")
    REGIONAL_PROGRAMME = "regional_programme", _("Regional programme")


class Agency(PublicModel):
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("jurisdiction"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="agencies",
        help_text=_("Empty for a regional body that serves several jurisdictions."),
    )
    name = models.CharField(_("name"), max_length=200)
    type = models.CharField(_("type"), max_length=30, choices=AgencyType.choices)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "name"], name="agency_unique_name")
        ]

    def __str__(self):
        return self.name

    @property
    def holds_people(self) -> bool:
        """Agencies that can be responsible for a person (custody or supervision)."""
        return self.type in {AgencyType.PRISON, AgencyType.PROBATION}


class FacilityUnit(PublicModel):
    """A wing, unit or department of a prison."""

    agency = models.ForeignKey(Agency, verbose_name=_("facility"), on_delete=models.PROTECT,
                               related_name="units", limit_choices_to={"type": AgencyType.PRISON})
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["agency__name", "name"]
        verbose_name = _("facility unit")
        verbose_name_plural = _("facility units")
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="unit_unique_name")
        ]

    def __str__(self):
        return f"{self.agency.name} — {self.name}"


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_FORCE = "in_force", _("Signed")
    TERMINATED = "terminated", _("Terminated")


class SharingAgreement(VersionedModel):
    """An information-sharing agreement between agencies (DOMAIN.md §10, §13): data about a
    person crosses from the agency responsible for them to another only under an agreement in
    force that names both as parties and lets the receiving party receive that category.

    In force = signed, not terminated, and today within [valid_from, valid_until]. A lapsed
    agreement stops giving access the day after `valid_until`, with no job having to run
    (people/access.py reads the dates)."""

    title = models.CharField(_("title"), max_length=200)
    reference = models.CharField(_("reference"), max_length=60, blank=True,
                                 help_text=_("The agreement's number in the register, if any."))
    legal_basis = models.TextField(_("legal basis"))
    purpose = models.TextField(_("purpose"))
    retention = models.CharField(_("retention"), max_length=200,
                                 help_text=_("How long a receiving party may keep what it "
                                             "receives, e.g. \"until the case closes, then 2 "
                                             "years\"."))
    consent_required = models.BooleanField(
        _("the person's consent is required"), default=False,
        help_text=_("Where the law asks for the person's consent before disclosure."))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    review_due = models.DateField(_("review due"))
    status = models.CharField(_("status"), max_length=12, choices=AgreementStatus.choices,
                              default=AgreementStatus.DRAFT)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    terminated_at = models.DateTimeField(null=True, blank=True)
    terminated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    termination_reason = models.TextField(_("reason for terminating"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-valid_until", "title"]
        verbose_name = _("information-sharing agreement")
        verbose_name_plural = _("information-sharing agreements")
        constraints = [
            models.CheckConstraint(condition=models.Q(valid_until__gte=models.F("valid_from")),
                                   name="agreement_valid_period"),
        ]

    def __str__(self):
        return self.title

    def in_force_on(self, day) -> bool:
        return (self.status == AgreementStatus.IN_FORCE
                and self.valid_from <= day <= self.valid_until)


class AgreementParty(models.Model):
    """One agency party to an agreement, with the data categories it may receive from the
    other parties (core.compartments.DataCategory values)."""

    agreement = models.ForeignKey(SharingAgreement, on_delete=models.CASCADE,
                                  related_name="parties")
    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.PROTECT,
                               related_name="agreement_places")
    categories = models.JSONField(_("may receive"), default=list, blank=True)

    class Meta:
        ordering = ["agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "agency"], name="agreement_party_once"),
        ]

    def __str__(self):
        return f"{self.agreement} — {self.agency}"
