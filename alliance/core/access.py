"""Who may read the audit trail: data protection officers, for their own jurisdiction."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from alliance.accounts.access import profile_for
from alliance.accounts.models import Role

from .models import AuditEvent


def can_read_audit(user) -> bool:
    return user.is_authenticated and profile_for(user).is_dpo


def audit_events_visible_to(user) -> QuerySet[AuditEvent]:
    """A DPO sees the events of agencies in their jurisdiction and about its people; a DPO of a
    regional body (no jurisdiction) sees their own agency's events."""
    if not can_read_audit(user):
        raise PermissionDenied(_("Only a data protection officer can read the audit trail."))
    grants = profile_for(user).grants_with(Role.DATA_PROTECTION_OFFICER)
    jurisdictions = {g.jurisdiction_id for g in grants if g.jurisdiction_id}
    agencies = {g.agency_id for g in grants if not g.jurisdiction_id}
    return AuditEvent.objects.filter(
        Q(agency__jurisdiction_id__in=jurisdictions)
        | Q(person__jurisdiction_id__in=jurisdictions)
        | Q(agency_id__in=agencies)
    )
