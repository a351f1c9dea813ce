"""Coordination between agencies (DOMAIN.md §10): referrals and case conferences.

The information-sharing agreements themselves live low in the layers (organisations
.SharingAgreement), because the people app's policy reads them for every cross-agency grant;
the disclosure log is people.Disclosure. This app holds what practitioners do across agencies:

* **Referrals**: one agency asks another to take on a piece of work with a person (an
  intervention, a support service, supervision, mentoring). Draft → sent → accepted or declined
  (with a reason) → in progress → completed, with an outcome per desired result and a
  response-time target. The receiving agency sees the referral's content only (never the
  person's record) until it accepts; on acceptance its named worker joins the case team with the
  scopes the referral asked for, within what the agreement lets that agency receive.
* **Case conferences**: scheduled with attendees from the case team's agencies (or agencies
  under an agreement), minutes with what was shared (each item a disclosure), decisions and
  actions with an owner and a due date (each a task). The next conference opens with the open
  actions of the earlier ones.

Compartment: the case team's share (DataCategory.CASE_TEAM); free text is encrypted at rest.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from alliance.core.fields import EncryptedTextField
from alliance.core.models import PublicModel, VersionedModel

MAX_TEXT = 10_000


# --- referrals -----------------------------------------------------------------------------------

class ReferralKind(models.TextChoices):
    INTERVENTION = "intervention", _("An intervention")
    SUPPORT_SERVICE = "support_service", _("A support service")
    SUPERVISION = "supervision", _("Supervision")
    MENTORING = "mentoring", _("Mentoring")
    ASSESSMENT = "assessment", _("An assessment")
    OTHER = "other", _("Other")


class ReferralStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("referral", "Draft")
    SENT = "sent", pgettext_lazy("referral", "Sent")
    ACCEPTED = "accepted", pgettext_lazy("referral", "Accepted")
    DECLINED = "declined", pgettext_lazy("referral", "Declined")
    IN_PROGRESS = "in_progress", pgettext_lazy("referral", "In progress")
    COMPLETED = "completed", pgettext_lazy("referral", "Completed")
    WITHDRAWN = "withdrawn", pgettext_lazy("referral", "Withdrawn")


# The referral status machine (STYLE.md rule 5): services refuse any other move.
REFERRAL_TRANSITIONS = {
    ReferralStatus.DRAFT: {ReferralStatus.SENT, ReferralStatus.WITHDRAWN},
    ReferralStatus.SENT: {ReferralStatus.ACCEPTED, ReferralStatus.DECLINED,
                          ReferralStatus.WITHDRAWN},
    ReferralStatus.ACCEPTED: {ReferralStatus.IN_PROGRESS, ReferralStatus.COMPLETED,
                              ReferralStatus.WITHDRAWN},
    ReferralStatus.IN_PROGRESS: {ReferralStatus.COMPLETED, ReferralStatus.WITHDRAWN},
    ReferralStatus.DECLINED: set(),
    ReferralStatus.COMPLETED: set(),
    ReferralStatus.WITHDRAWN: set(),
}
# Waiting for the receiving agency's answer; open (the work goes on).
AWAITING = {ReferralStatus.SENT}
OPEN_REFERRAL = {ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS}


class DeclineReason(models.TextChoices):
    NO_CAPACITY = "no_capacity", _("No capacity at present")
    NOT_ELIGIBLE = "not_eligible", _("The person does not meet the service's criteria")
    NOT_OUR_AREA = "not_our_area", _("Outside our area or remit")
    PERSON_REFUSED = "person_refused", _("The person refused")
    INSUFFICIENT_INFORMATION = "insufficient_information", _("Not enough information to decide")
    OTHER = "other", _("Other")


class Referral(VersionedModel):
    """A request from one agency to another to work with a person."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="referrals", verbose_name=_("person"))
    from_agency = models.ForeignKey("organisations.Agency", on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("from"))
    to_agency = models.ForeignKey("organisations.Agency", on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("to"))
    kind = models.CharField(_("referred for"), max_length=30, choices=ReferralKind.choices)
    # What the receiving agency reads before it accepts: no name, the reference only.
    reason = EncryptedTextField(_("what is asked, and why"), max_length=MAX_TEXT)
    # The compartments beyond the case team's share that the worker would be given on the team
    # (core.compartments.Compartment values: identity, treatment, security).
    scopes = models.JSONField(_("the worker would see"), default=list, blank=True)
    respond_by = models.DateField(_("answer expected by"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ReferralStatus.choices,
                              default=ReferralStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    # The agreement relied on when it was sent (the content crossed under it).
    agreement = models.ForeignKey("organisations.SharingAgreement", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    decline_reason = models.CharField(_("reason for declining"), max_length=30, blank=True,
                                      choices=DeclineReason.choices)
    decline_note = EncryptedTextField(_("note"), blank=True, max_length=MAX_TEXT)
    # The receiving agency's named worker, who joined the case team on acceptance.
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.PROTECT, related_name="referrals_worked",
                               verbose_name=_("worker"))
    team_place = models.ForeignKey("cases.CaseTeamMember", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    outcome_note = EncryptedTextField(_("outcome"), blank=True, max_length=MAX_TEXT)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    withdrawal_reason = EncryptedTextField(_("reason for withdrawing"), blank=True,
                                           max_length=MAX_TEXT)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [models.Index(fields=["to_agency", "status"]),
                   models.Index(fields=["from_agency", "status"]),
                   models.Index(fields=["person", "status"])]
        constraints = [
            models.CheckConstraint(condition=~models.Q(from_agency=models.F("to_agency")),
                                   name="referral_between_two_agencies"),
        ]

    def __str__(self):
        return f"{self.person.reference}: {self.from_agency} → {self.to_agency}"


class ResultOutcome(models.TextChoices):
    PENDING = "pending", _("Not yet known")
    ACHIEVED = "achieved", _("Achieved")
    PARTLY = "partly", _("Partly achieved")
    NOT_ACHIEVED = "not_achieved", _("Not achieved")


class DesiredResult(models.Model):
    """One result the referral hopes for, and (when completed) whether it was achieved."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="results")
    description = EncryptedTextField(_("desired result"), max_length=2000)
    outcome = models.CharField(_("outcome"), max_length=20, choices=ResultOutcome.choices,
                               default=ResultOutcome.PENDING)
    note = EncryptedTextField(_("note"), blank=True, max_length=MAX_TEXT)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]


# --- case conferences ----------------------------------------------------------------------------

class ConferenceStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


CONFERENCE_TRANSITIONS = {
    ConferenceStatus.SCHEDULED: {ConferenceStatus.HELD, ConferenceStatus.CANCELLED},
    ConferenceStatus.HELD: set(),  # minutes are corrected by a new version, not re-held
    ConferenceStatus.CANCELLED: set(),
}


class CaseConference(VersionedModel):
    """A multi-agency case conference about one person."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="conferences", verbose_name=_("person"))
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="conferences")
    # The agency that convenes it (the case manager's, usually the responsible one).
    agency = models.ForeignKey("organisations.Agency", on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("convened by"))
    scheduled_for = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200, blank=True,
                             help_text=_("A room, or \"online\"."))
    purpose = EncryptedTextField(_("purpose and agenda"), blank=True, max_length=MAX_TEXT)
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("chair"))
    status = models.CharField(_("status"), max_length=12, choices=ConferenceStatus.choices,
                              default=ConferenceStatus.SCHEDULED)
    summary = EncryptedTextField(_("summary of the discussion"), blank=True,
                                 max_length=MAX_TEXT)
    held_on = models.DateField(_("held on"), null=True, blank=True)
    minutes_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    minutes_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancellation_reason = EncryptedTextField(_("reason for cancelling"), blank=True,
                                             max_length=MAX_TEXT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["-scheduled_for", "-id"]
        verbose_name = _("case conference")
        verbose_name_plural = _("case conferences")
        indexes = [models.Index(fields=["person", "scheduled_for"])]

    def __str__(self):
        return f"{self.person.reference} — {self.scheduled_for:%Y-%m-%d}"


class Attendee(models.Model):
    """Someone invited to a conference: a user, for an agency. `attended` is filled with the
    minutes."""

    conference = models.ForeignKey(CaseConference, on_delete=models.CASCADE,
                                   related_name="attendees")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="+", verbose_name=_("attendee"))
    agency = models.ForeignKey("organisations.Agency", on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("agency"))
    attended = models.BooleanField(pgettext_lazy("conference", "attended"), null=True,
                                   blank=True)

    class Meta:
        ordering = ["agency__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "user"], name="attendee_once"),
        ]


class SharedItem(models.Model):
    """What was shared at the conference: one item of one data category. Each item is a
    disclosure to every attending agency other than the responsible one (people.Disclosure),
    under the agreement that covers it."""

    conference = models.ForeignKey(CaseConference, on_delete=models.CASCADE,
                                   related_name="shared_items")
    category = models.CharField(_("category"), max_length=30)
    description = EncryptedTextField(_("what was shared"), max_length=MAX_TEXT)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]


class Decision(models.Model):
    conference = models.ForeignKey(CaseConference, on_delete=models.CASCADE,
                                   related_name="decisions")
    text = EncryptedTextField(_("decision"), max_length=MAX_TEXT)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]


class ActionStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("conference action", "Open")
    DONE = "done", pgettext_lazy("conference action", "Done")
    DROPPED = "dropped", pgettext_lazy("conference action", "Dropped")


class ConferenceAction(PublicModel):
    """An action agreed at a conference: an owner and a due date, a task in the owner's
    worklist. It stays open across conferences until done or dropped; each later conference
    lists it (the follow-up)."""

    conference = models.ForeignKey(CaseConference, on_delete=models.CASCADE,
                                   related_name="actions")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    description = EncryptedTextField(_("action"), max_length=MAX_TEXT)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="conference_actions", verbose_name=_("owner"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=10, choices=ActionStatus.choices,
                              default=ActionStatus.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    # Where it was followed up: the conference at which it was closed, if any.
    closed_at_conference = models.ForeignKey(CaseConference, null=True, blank=True,
                                             on_delete=models.SET_NULL, related_name="+")
    note = EncryptedTextField(_("note"), blank=True, max_length=MAX_TEXT)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["person", "status"]),
                   models.Index(fields=["owner", "status"])]
