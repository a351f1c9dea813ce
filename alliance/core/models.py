import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .fields import EncryptedTextField


class PublicModel(models.Model):
    """Base for domain records: a UUID for URLs and the API (integer keys stay internal)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(PublicModel):
    """A record edited by people: `version` detects a stale edit (optimistic locking)."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


class AuditAction(models.TextChoices):
    CREATE = "create", _("Create")
    CHANGE = "change", _("Change")
    DELETE = "delete", _("Delete")
    VIEW = "view", _("View")
    LIST = "list", _("List")
    SEARCH = "search", _("Search")
    EXPORT = "export", _("Export")
    DISCLOSE = "disclose", _("Disclose")
    LOGIN = "login", _("Sign-in")
    LOGOUT = "logout", _("Sign-out")
    LOGIN_FAILED = "login_failed", _("Failed sign-in")
    LOCKOUT = "lockout", _("Sign-in locked")
    UNLOCK = "unlock", _("Sign-in unlocked")
    MAINTENANCE = "maintenance", _("Maintenance")


class AuditOutcome(models.TextChoices):
    SUCCESS = "success", _("Success")
    DENIED = "denied", _("Denied")
    ERROR = "error", _("Failed with an error")


class AuditEvent(models.Model):
    """One line of the append-only, hash-chained audit trail (see core/audit.py).

    Snapshots (username, agency name, person reference) are kept beside the foreign keys so
    the trail stays readable after a user or agency is renamed, and the hash covers the
    snapshots, not the keys' targets.
    """

    occurred_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    actor_username = models.CharField(max_length=150, blank=True)
    agency = models.ForeignKey(
        "organisations.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agency_name = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=20, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField(max_length=60, blank=True, db_index=True)
    object_uuid = models.CharField(max_length=36, blank=True, db_index=True)
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person_reference = models.CharField(max_length=20, blank=True, db_index=True)
    purpose = models.CharField(max_length=300, blank=True)
    outcome = models.CharField(max_length=10, choices=AuditOutcome.choices, default="success")
    details = models.JSONField(default=dict, blank=True)
    ip_address = models.CharField(max_length=45, blank=True)
    request_id = models.CharField(max_length=36, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # Which key of AUDIT_CHAIN_KEYS sealed the hash; "" for events written before the chain was
    # keyed (plain SHA-256, accepted only before the first keyed event: core/audit.py).
    key_id = models.CharField(max_length=32, blank=True, default="")
    # The trail is several independent chains (stripes) so that concurrent writers do not queue
    # on one lock; `position` numbers an event within its stripe (1, 2, ...). Events written
    # before the stripes existed have position NULL and form the start of stripe 0.
    stripe = models.PositiveSmallIntegerField(default=0)
    position = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["person", "occurred_at"]),
                   # a stripe's head: its newest event
                   models.Index(fields=["stripe", "id"], name="core_audit_stripe_id")]
        constraints = [
            # Two writers can never chain onto the same predecessor: the database refuses the
            # second event at a position already taken, whatever a writer's lock did.
            models.UniqueConstraint(fields=["stripe", "position"],
                                    name="core_audit_one_event_per_position"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.occurred_at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.action}"


class EncryptionCanary(models.Model):
    """A known value encrypted with the current keys.

    Decrypting it at start-up tells us, before any user request, whether FIELD_ENCRYPTION_KEYS
    can read this database (a wrong key must fail loudly, not on the first person page).
    """

    value = EncryptedTextField()
    created_at = models.DateTimeField(auto_now_add=True)

    CLEARTEXT = "alliance-canary"
