from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from alliance.core.compartments import Compartment
from alliance.core.models import PublicModel, VersionedModel


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


# The case status machine (STYLE.md rule 5): services refuse any other move.
ALLOWED_TRANSITIONS = {
    CaseStatus.OPEN: {CaseStatus.CLOSED},
    CaseStatus.CLOSED: set(),  # a closed case stays closed; a new case is opened instead
}


class ManagementLevel(models.TextChoices):
    SINGLE_AGENCY = "single_agency", _("Single-agency")
    MULTI_AGENCY = "multi_agency", _("Multi-agency")
    SENIOR_MULTI_AGENCY = "senior_multi_agency", _("Senior multi-agency")


class Case(VersionedModel):
    """The rehabilitation case of one person across prison and community."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="cases")
    status = models.CharField(_("status"), max_length=10, choices=CaseStatus.choices,
                              default=CaseStatus.OPEN)
    opened_at = models.DateTimeField(_("opened"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closing_reason = models.TextField(_("reason for closing"), blank=True)
    case_manager = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("case manager"),
                                     null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="managed_cases")
    management_level = models.CharField(_("management level"), max_length=30,
                                        choices=ManagementLevel.choices,
                                        default=ManagementLevel.SINGLE_AGENCY)
    management_level_review_due = models.DateField(_("management level review due"), null=True,
                                                   blank=True)

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=models.Q(status="open"),
                                    name="one_open_case_per_person"),
        ]

    def __str__(self):
        return f"{self.person.reference} ({self.get_status_display()})"


class CaseTeamMember(PublicModel):
    """A named member of the case team, from any agency, with the compartments they may see."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("member"),
                             on_delete=models.PROTECT, related_name="case_memberships")
    agency = models.ForeignKey("organisations.Agency", verbose_name=_("agency"),
                               on_delete=models.PROTECT, related_name="+")
    team_role = models.CharField(_("role in the team"), max_length=100)
    scopes = models.JSONField(_("may see"), default=list,
                              help_text=_("Compartments beyond the case-team summary."))
    added_at = models.DateTimeField()
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], condition=models.Q(
                ended_at__isnull=True), name="one_active_membership_per_case"),
        ]
        indexes = [models.Index(fields=["user", "ended_at"])]

    def __str__(self):
        return f"{self.user} — {self.team_role}"

    def get_scopes_display(self) -> str:
        labels = dict(Compartment.choices)
        return "; ".join(str(labels.get(s, s)) for s in self.scopes)


class LevelReason(models.TextChoices):
    """Reasons the system gives for a level change (a person's own reason is their text)."""

    CASE_OPENED = "case_opened", _("Case opened")


class ManagementLevelChange(models.Model):
    """The management level history: each decision with its reason and next review."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="level_history")
    previous = models.CharField(max_length=30, choices=ManagementLevel.choices, blank=True)
    level = models.CharField(_("management level"), max_length=30,
                             choices=ManagementLevel.choices)
    # What the decision-maker wrote; empty when the system decided, and `reason_code` says why
    # (shown in the reader's language, never stored in the writer's).
    reason = models.TextField(_("reason"), blank=True)
    reason_code = models.CharField(_("reason"), max_length=30, choices=LevelReason.choices,
                                   blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField()
    review_due = models.DateField(_("next review"), null=True, blank=True)

    class Meta:
        ordering = ["-decided_at", "-id"]
