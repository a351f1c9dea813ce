"""Retention: how long each category of a person's data is kept, the review of what is past its
period, and the record of what was erased (DOMAIN.md §13: storage limits with periodic review).

What a category holds and how it is erased lives in categories.py; the daily job that lists
records past their period in review.py; the decisions in services.py.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from alliance.core.models import PublicModel, VersionedModel


class RetentionCategory(models.TextChoices):
    """The project's own data categories (core.compartments.DataCategory and the modules'
    record kinds), as retention periods are set for them."""

    IDENTITY = "identity", _("Identity (names, date of birth, identifiers, offences)")
    ASSESSMENTS = "assessments", _("Screenings and assessments")
    PLANS = "plans_sessions", _("Plans, enrolments and sessions")
    SECURITY = "security", _("Security observations and analyses")
    RELEASE = "release_support", _("Release preparation and support")
    COORDINATION = "referrals_conferences", _("Referrals and case conferences")


class ClockStart(models.TextChoices):
    """The event a retention period is counted from."""

    LAST_RELEASE = "last_release", _("the end of the last custody episode (release)")
    CASE_CLOSED = "case_closed", _("the closure of the last case")
    RECORD_CREATED = "record_created", _("the creation of each record")


class RetentionRule(VersionedModel):
    """A jurisdiction's retention period for one category. Without a row, the default of
    categories.DEFAULT_RULES applies."""

    jurisdiction = models.ForeignKey("organisations.Jurisdiction", on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("jurisdiction"))
    category = models.CharField(_("category"), max_length=30, choices=RetentionCategory.choices)
    months = models.PositiveSmallIntegerField(_("period (months)"))
    counted_from = models.CharField(_("counted from"), max_length=20, choices=ClockStart.choices)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["jurisdiction__name", "category"]
        verbose_name = _("retention period")
        verbose_name_plural = _("retention periods")
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "category"],
                                    name="retention_rule_once"),
            models.CheckConstraint(condition=models.Q(months__gte=1),
                                   name="retention_rule_months_positive"),
        ]

    def __str__(self):
        return f"{self.jurisdiction.code} {self.category}: {self.months}"


class ReviewStatus(models.TextChoices):
    OPEN = "open", _("To review")
    RETAINED = "retained", _("Kept for longer")
    ERASED = "erased", _("Erased")
    ANONYMISED = "anonymised", _("Anonymised")


class ReviewItem(PublicModel):
    """One category of one person's records past its retention period, on the DPO's worklist
    until decided. At most one open item per person and category (the daily job is idempotent)."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("category"), max_length=30, choices=RetentionCategory.choices)
    due_since = models.DateField(_("past its period since"))
    status = models.CharField(_("status"), max_length=12, choices=ReviewStatus.choices,
                              default=ReviewStatus.OPEN)
    kept_until = models.DateField(_("kept until"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["due_since", "id"]
        verbose_name = _("retention review")
        verbose_name_plural = _("retention reviews")
        constraints = [
            models.UniqueConstraint(fields=["person", "category"],
                                    condition=models.Q(status="open"),
                                    name="retention_review_one_open"),
        ]
        indexes = [models.Index(fields=["status", "category"])]

    def __str__(self):
        return f"{self.person.reference} {self.category} ({self.status})"


class ErasureRecord(PublicModel):
    """What an erasure or anonymisation did: the models and counts, never the content; why, by
    whom, when. The person row stays (the audit trail points to it), so the reference stays."""

    review_item = models.ForeignKey(ReviewItem, on_delete=models.PROTECT,
                                    related_name="erasures")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    person_reference = models.CharField(max_length=20)
    category = models.CharField(_("category"), max_length=30, choices=RetentionCategory.choices)
    action = models.CharField(_("action"), max_length=12, choices=ReviewStatus.choices)
    counts = models.JSONField(_("records"), default=dict)
    reason = models.TextField(_("reason"))
    performed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    performed_at = models.DateTimeField()

    class Meta:
        ordering = ["-performed_at", "-id"]
        verbose_name = _("erasure record")
        verbose_name_plural = _("erasure records")


class PersonRetention(models.Model):
    """A person's retention state, beside the person (the people app's model is not ours):
    anonymised once their identity was erased."""

    person = models.OneToOneField("people.Person", on_delete=models.PROTECT,
                                  related_name="retention")
    anonymised_at = models.DateTimeField(null=True, blank=True)
    anonymised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
