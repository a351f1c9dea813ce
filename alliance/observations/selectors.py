"""What the dynamic-security pages and the person page's sections read: one shape per page,
a constant number of queries whatever the numbers of rows. Lists come from the policies'
`visible(user)`; every read of raw material is noted for the audit (with its purpose, see
purpose.py) by the caller's getter or here."""

import datetime

from django.db.models import Count, Max, Q
from django.utils import timezone

from alliance.core import audit

from .access import SecurityAction, security_grant, summaries
from .models import Observation, ObservationStatus


def security_section(user, person, grant) -> dict:
    """The person page's security section (the security compartment): counts only; the entries
    themselves are on the person's security record, opened with a purpose."""
    security = security_grant(user, person, grant)
    since = timezone.now() - datetime.timedelta(days=30)
    counts = Observation.objects.filter(person=person).aggregate(
        total=Count("pk"), new=Count("pk", filter=Q(status=ObservationStatus.NEW)),
        escalated=Count("pk", filter=Q(escalated=True, observed_at__gte=since)),
        last=Max("observed_at"))
    in_force = summaries.visible(user).filter(person=person, withdrawn_at__isnull=True,
                                              expires_on__gte=timezone.localdate()).count()
    return {"security": security, "counts": counts, "summaries_in_force": in_force,
            "can_record": security.can(SecurityAction.RECORD),
            "can_analyse": security.can(SecurityAction.ANALYSE)}


def received_summaries(user, person) -> list:
    """The summaries in force that the security side shared with `user` about `person`."""
    rows = list(summaries.visible(user).filter(person=person, withdrawn_at__isnull=True,
                                               expires_on__gte=timezone.localdate())
                .select_related("shared_by", "agency").order_by("-created_at"))
    for row in rows:
        audit.consulted(actor=user, obj=row)
    return rows


def shared_section(user, person, grant) -> dict:
    """The person page's "Shared by security" section (the case team's share): the summaries in
    force addressed to the reader (the security side reads them on the security record), and
    the way to record an observation for staff who are not on the security side."""
    security = security_grant(user, person, grant)
    holds = security.can(SecurityAction.VIEW)
    return {"summaries": [] if holds else received_summaries(user, person),
            "can_record": security.can(SecurityAction.RECORD) and not holds,
            "security_side": holds}
