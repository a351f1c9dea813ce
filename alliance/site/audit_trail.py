"""The audit trail as data protection officers read it: who may, which events, and the search.

AuditEventPolicy follows core/policy.py: the list filter and the object check are one rule."""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from alliance.accounts.access import profile_for
from alliance.accounts.models import Role
from alliance.core import crypto
from alliance.core.models import AuditEvent
from alliance.core.policy import NO_GRANT, Grant


def can_read_audit(user) -> bool:
    return user.is_authenticated and profile_for(user).is_dpo


def audit_events_visible_to(user) -> QuerySet[AuditEvent]:
    """Which events a DPO reads.

    A DPO of an agency in a jurisdiction reads the events about that jurisdiction's people
    (whoever acted, from any agency, including refused attempts to reach them) and the events
    of that jurisdiction's agencies' staff (including failed sign-ins to their accounts).

    A DPO of an agency with no jurisdiction (the regional programme's, or a DPO appointed for
    the installation as a whole) is the system-level DPO: they read the events tied to no
    jurisdiction at all — sign-in attempts on names that are no account, the activity of
    regional bodies' staff that concerns no person, actions of the system itself.
    """
    if not can_read_audit(user):
        raise PermissionDenied(_("Only a data protection officer can read the audit trail."))
    grants = profile_for(user).grants_with(Role.DATA_PROTECTION_OFFICER)
    jurisdictions = {g.jurisdiction_id for g in grants if g.jurisdiction_id}
    condition = (Q(agency__jurisdiction_id__in=jurisdictions)
                 | Q(person__jurisdiction_id__in=jurisdictions))
    if any(not g.jurisdiction_id for g in grants):
        condition |= Q(person__isnull=True) & (
            Q(agency__isnull=True) | Q(agency__jurisdiction__isnull=True))
    return AuditEvent.objects.filter(condition)


class AuditEventPolicy:
    """Events are read, never changed: the grant is "view" for the DPOs who see the event."""

    object_type = "core.auditevent"

    def visible(self, user) -> QuerySet[AuditEvent]:
        return audit_events_visible_to(user) if can_read_audit(user) else AuditEvent.objects.none()

    def grant(self, user, event) -> Grant:
        if self.visible(user).filter(pk=event.pk).exists():
            return Grant(actions=frozenset({"view"}))
        return NO_GRANT

    def person_of(self, event):
        return None


audit_events = AuditEventPolicy()


@dataclass
class AuditFilters:
    actor: str = ""
    person_reference: str = ""
    action: str = ""
    outcome: str = ""
    date_from: date | None = None
    date_to: date | None = None
    search_term: str = ""  # matched against the keyed hash kept for searches


def audit_search(user, filters: AuditFilters):
    qs = audit_events_visible_to(user)
    if filters.actor:
        qs = qs.filter(actor_username__iexact=filters.actor.strip())
    if filters.person_reference:
        qs = qs.filter(person_reference__iexact=filters.person_reference.strip())
    if filters.action:
        qs = qs.filter(action=filters.action)
    if filters.outcome:
        qs = qs.filter(outcome=filters.outcome)
    tz = timezone.get_current_timezone()
    if filters.date_from:
        qs = qs.filter(occurred_at__gte=datetime.combine(filters.date_from, time.min, tz))
    if filters.date_to:
        qs = qs.filter(occurred_at__lte=datetime.combine(filters.date_to, time.max, tz))
    if filters.search_term:
        qs = qs.filter(details__query_hash=crypto.blind_index(filters.search_term))
    return qs.order_by("-id")
