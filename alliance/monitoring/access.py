"""Who sees which monitoring figures (one rule for pages, exports, the PDF and the API).

* **The agency level** (exact figures): the managers of an agency that holds people, i.e. the
  users holding Role.PRISON_MANAGER in a prison or a probation service, for that agency only.
* **The jurisdiction and region levels** (anonymous aggregates, suppressed): regional
  coordinators, and only those who manage no agency. A manager who could also read the
  anonymous figures could subtract their own agency's exact figures from their jurisdiction's
  and recover the other agencies' small counts, so the two levels never meet in one user.
* **Recomputing** a period: the managers of an agency (it recomputes every agency's rows for
  those months, from the same person-level records: nothing is shown by it).

Nobody else sees any figure: no person-level data reaches these pages in any case (statistics.py
reads the snapshot table only), but the figures of a small agency are themselves sensitive.
Every refusal is in the audit trail, with the reason given to the user.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from alliance.accounts.access import profile_for
from alliance.accounts.models import Role
from alliance.core import audit
from alliance.core.models import AuditAction, AuditOutcome
from alliance.organisations.models import Agency, AgencyType

HOLDS_PEOPLE = (AgencyType.PRISON, AgencyType.PROBATION)


def managed_agencies(user) -> list:
    """The agencies whose exact figures `user` sees, by name."""
    agencies = {g.agency_id: g.agency for g in profile_for(user).grants_with(Role.PRISON_MANAGER)
                if g.agency_type in HOLDS_PEOPLE}
    return sorted(agencies.values(), key=lambda a: a.name)


def sees_anonymous(user) -> bool:
    profile = profile_for(user)
    return profile.is_regional_coordinator and not managed_agencies(user)


def sees_any(user) -> bool:
    return bool(managed_agencies(user)) or sees_anonymous(user)


def _refuse(user, message: str, *, level: str, object_uuid: str = "") -> None:
    audit.record(actor=user, action=AuditAction.VIEW, object_type="monitoring.statistics",
                 object_uuid=object_uuid, outcome=AuditOutcome.DENIED,
                 details={"level": level[:20]})
    exc = PermissionDenied(message)
    exc.audited = True
    raise exc


def agency_for(user, agency_uuid) -> Agency:
    """The agency whose exact figures `user` asked for, or 403 with the reason."""
    for agency in managed_agencies(user):
        if str(agency.uuid) == str(agency_uuid):
            return agency
    if sees_anonymous(user):
        _refuse(user, _("Regional coordinators see anonymous figures for the jurisdictions and "
                        "the region, not an agency's."), level="facility",
                object_uuid=str(agency_uuid)[:36])
    _refuse(user, _("Only a manager of that prison or probation service sees its figures."),
            level="facility", object_uuid=str(agency_uuid)[:36])


def require_anonymous(user, level: str) -> None:
    """403 with the reason unless `user` may see the anonymous levels."""
    if sees_anonymous(user):
        return
    if managed_agencies(user):
        _refuse(user, _("You see the exact figures of the agencies you manage; the figures of the "
                        "jurisdictions and the region are for regional coordinators who manage "
                        "no agency, so that no one can subtract one from the other."), level=level)
    _refuse(user, _("The figures of the jurisdictions and the region are for regional "
                    "coordinators."), level=level)


def require_any(user, level: str) -> None:
    """403 with the reason unless `user` sees some level of figures (the definitions, the
    monitoring start page)."""
    if not sees_any(user):
        _refuse(user, _("The monitoring figures are for the managers of a prison or probation "
                        "service (their agency's) and for regional coordinators (the "
                        "jurisdictions' and the region's)."), level=level)


def may_recompute(user) -> bool:
    return bool(managed_agencies(user))
