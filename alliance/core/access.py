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
