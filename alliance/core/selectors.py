"""Audit trail search for the DPO page and its export."""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils import timezone

from . import crypto
from .access import audit_events_visible_to


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
