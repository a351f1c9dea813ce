"""Tasks, notifications and the record of the daily job.

Nothing here is stored in a language: a task or a notification is a `kind` code with a few
non-sensitive parameters (a person's reference, a date), rendered in the reader's language from
the registry of kinds (registry.py) that each module fills from its own apps.py.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from alliance.accounts.models import Role
from alliance.core.models import PublicModel, VersionedModel


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


# The task status machine (STYLE.md rule 5): services refuse any other move. A closed task stays
# closed; when the same work is due again, a new task is opened.
ALLOWED_TRANSITIONS = {
    TaskStatus.OPEN: {TaskStatus.DONE, TaskStatus.CANCELLED},
    TaskStatus.DONE: set(),
    TaskStatus.CANCELLED: set(),
}


class Task(VersionedModel):
    """Something someone has to do by a date: assigned to one user, or to a role in an agency
    (any holder of the role there may do it). `source_type`/`source_uuid` name the object it
    came from; there is at most one open task of a kind per source."""

    kind = models.CharField(_("kind"), max_length=60)
    params = models.JSONField(default=dict, blank=True)
    person = models.ForeignKey("people.Person", verbose_name=_("person"), null=True, blank=True,
                               on_delete=models.CASCADE, related_name="tasks")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assigned to"),
                                 null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="tasks")
    assignee_agency = models.ForeignKey("organisations.Agency", verbose_name=_("agency"),
                                        null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+")
    assignee_role = models.CharField(_("role"), max_length=40, choices=Role.choices, blank=True)
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=20, choices=TaskStatus.choices,
                              default=TaskStatus.OPEN)
    source_type = models.CharField(max_length=60)
    source_uuid = models.UUIDField()
    # Empty: created by the system (the daily job, or a rule reacting to another change).
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        constraints = [
            models.UniqueConstraint(fields=["source_type", "source_uuid", "kind"],
                                    condition=Q(status="open"),
                                    name="one_open_task_per_source_and_kind"),
            models.CheckConstraint(
                condition=(Q(assignee__isnull=False, assignee_agency__isnull=True,
                             assignee_role="")
                           | (Q(assignee__isnull=True, assignee_agency__isnull=False)
                              & ~Q(assignee_role=""))),
                name="task_assigned_to_a_user_or_a_role"),
        ]
        indexes = [
            models.Index(fields=["assignee", "status", "due_on"]),
            models.Index(fields=["assignee_agency", "assignee_role", "status", "due_on"]),
        ]

    def __str__(self):
        return f"{self.kind} {self.source_type}:{self.source_uuid} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status == TaskStatus.OPEN


class Notification(PublicModel):
    """Tells one user that something happened. It carries no compartment content: a kind, a
    person's reference and dates, and which object it is about; the link goes to that object's
    own page, whose policy decides at click time."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="notifications")
    kind = models.CharField(_("kind"), max_length=60)
    params = models.JSONField(default=dict, blank=True)
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+")
    target_type = models.CharField(max_length=60, blank=True)
    target_uuid = models.UUIDField(null=True, blank=True)
    # Set by senders that must say something once (the daily job: "due on 2026-03-01"): a second
    # notification with the same recipient, kind, target and occurrence is not sent.
    occurrence = models.CharField(max_length=40, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "target_type", "target_uuid", "occurrence"],
                condition=~Q(occurrence=""), name="notification_once_per_occurrence"),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return f"{self.kind} → {self.recipient_id}"


class DailyRun(models.Model):
    """One row per daily function: when it last completed, and whether a server runs it now.

    A server claims a function by setting `running_since` in one conditional UPDATE (see
    daily.py), so two servers starting the job at once never both run it."""

    name = models.CharField(max_length=100, unique=True)
    last_run_on = models.DateField(null=True, blank=True)
    running_since = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_result = models.JSONField(default=dict, blank=True)

    def __str__(self):
        return self.name
