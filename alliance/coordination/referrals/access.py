"""Who sees and does what with referrals (the core/policy.py shape: one rule for the list filter
and the object check).

* **The sending side** of a referral: users who hold the person's case-team share and act for
  the referral's `from_agency` — staff of that agency when it is responsible for the person (or
  keeps read access after a handover), members of the person's open case team placed there by
  it, and the person's case manager for any agency they belong to. They see the person's
  referrals from those agencies, drafts included; they edit and withdraw them. Sending commits
  the case to take the worker on, so it is for those who may manage the case (its record
  keepers and the case manager: people.access MANAGE_CASE).
* **The receiving side** (never a draft): the responding roles of `to_agency`
  (`RESPONDING_ROLES`), and the named worker once there is one. They read the referral's content
  and the person's reference — never the person's record: that comes with the case-team place
  the worker gets on acceptance, through the agreement gate (people/access.py).
"""

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _

from alliance.accounts.access import profile_for
from alliance.accounts.models import CASEWORK_ROLES, Role
from alliance.core import audit, context
from alliance.core.compartments import DataCategory
from alliance.core.policy import NO_GRANT, Grant, get_for_user, refuse
from alliance.organisations.models import AgencyType
from alliance.people.access import (
    Action,
    can_have_caseload,
    compartment_holders,
    holding_agency_ids,
    holds_on,
    ids_condition,
    managed_person_ids,
    person_grant,
    places_by_person,
    retained_access,
)

from ..models import Referral, ReferralStatus

# Who answers a referral for an agency of each type (a receiving agency of another type takes
# none). Municipalities' social workers hold the reintegration officer's or the community
# provider's role, whichever their administrator gave them.
RESPONDING_ROLES = {
    AgencyType.PROBATION: (Role.PROBATION_OFFICER,),
    AgencyType.COMMUNITY_PROVIDER: (Role.COMMUNITY_PROVIDER,),
    AgencyType.MINISTRY_DIVISION: (Role.REINTEGRATION_OFFICER,),
    AgencyType.MUNICIPALITY: (Role.REINTEGRATION_OFFICER, Role.COMMUNITY_PROVIDER),
    AgencyType.PRISON: (Role.CASE_MANAGER, Role.PRISON_MANAGER),
    AgencyType.POLICE_LIAISON: tuple(sorted(CASEWORK_ROLES)),
}

OPEN_STATUSES = (ReferralStatus.DRAFT, ReferralStatus.SENT, ReferralStatus.ACCEPTED,
                 ReferralStatus.IN_PROGRESS)


class ReferralAction:
    VIEW = "view"
    EDIT = "edit"  # a draft, by the sending side
    SEND = "send"  # a draft, by the sending side's case managers and record keepers
    WITHDRAW = "withdraw"  # the sending side, while open
    ACCEPT = "accept"  # the receiving side, once sent
    DECLINE = "decline"
    START = "start"  # the worker or the responding roles, once accepted
    COMPLETE = "complete"


def responding_roles(agency) -> tuple[str, ...]:
    return RESPONDING_ROLES.get(agency.type, ())


def takes_referrals(agency) -> bool:
    return bool(responding_roles(agency))


def can_use_referrals(user) -> bool:
    """Referrals are case work: the menu entry and the inbox are for caseload users."""
    return can_have_caseload(user)


# --- the rules, stated once ----------------------------------------------------------------------

def responding_agency_ids(user) -> set[int]:
    """Agencies for which `user` answers referrals (a responding role of its type there)."""
    return {g.agency_id for g in profile_for(user).grants
            if g.roles & set(RESPONDING_ROLES.get(g.agency_type, ()))}


def _sending_pairs(user) -> dict[int, set[int]]:
    """person id -> the agencies `user` acts for on that person's case besides the responsible
    agency's staff: their open case-team places, the agencies kept after a handover, and every
    agency they belong to for the people whose case they manage. Two queries, once per
    request."""
    return context.remembered(("referral_sending_pairs", user.pk), lambda: _pairs(user))


def _pairs(user) -> dict[int, set[int]]:
    places, kept = places_by_person(user), retained_access(user)
    managed, mine = set(managed_person_ids(user)), _own_agencies(user)
    return {person_id: _agencies(places.get(person_id, ()), kept.get(person_id, ()),
                                 mine if person_id in managed else ())
            for person_id in {*places, *kept, *managed}}


def _pairs_of(user, person_id: int) -> set[int]:
    """`_sending_pairs(user).get(person_id, set())`, worked out for this person alone."""
    return _agencies(places_by_person(user).get(person_id, ()),
                     retained_access(user).get(person_id, ()),
                     _own_agencies(user) if person_id in managed_person_ids(user) else ())


def _own_agencies(user) -> set[int]:
    return {g.agency_id for g in profile_for(user).grants}


def _agencies(places, kept, managing) -> set[int]:
    """The rule, stated once: the agencies of the places on the person's open case team, those
    that keep access after a handover, and, for a case the user manages, all of theirs."""
    return ({agency_id for _p, _r, agency_id, _s in places}
            | {g.agency_id for g in kept} | set(managing))


def sending_agency_ids(user, person) -> list[int]:
    """The agencies `user` may refer `person` from (the responsible agency first), if they
    hold the person's case-team share; the same rule as `_sending_condition`, for one person."""
    if not user.is_authenticated or not user.is_active:
        return []
    if not person_grant(user, person).holds(DataCategory.CASE_TEAM):
        return []
    agencies = _pairs_of(user, person.pk)
    if person.responsible_agency_id in holding_agency_ids(user):
        agencies.add(person.responsible_agency_id)
    return sorted(agencies, key=lambda a: (a != person.responsible_agency_id, a))


def _sending_condition(user) -> Q:
    condition = Q(from_agency_id__in=sorted(holding_agency_ids(user)),
                  person__responsible_agency_id=F("from_agency_id"))
    # One clause per set of agencies, not per person: a worker on hundreds of case teams gets
    # a handful of clauses (SQLite refuses expressions deeper than 1,000).
    by_agencies: dict[tuple[int, ...], list[int]] = {}
    for person_id, agencies in _sending_pairs(user).items():
        by_agencies.setdefault(tuple(sorted(agencies)), []).append(person_id)
    for agencies, people in by_agencies.items():
        condition |= ids_condition("person_id", people) & Q(from_agency_id__in=list(agencies))
    return condition & compartment_holders(user, DataCategory.CASE_TEAM, "person__")


def _receiving_condition(user) -> Q:
    return ~Q(status=ReferralStatus.DRAFT) & (
        Q(to_agency_id__in=sorted(responding_agency_ids(user))) | Q(worker_id=user.pk))


def on_sending_side(user, referral) -> bool:
    return referral.from_agency_id in sending_agency_ids(user, referral.person)


def on_receiving_side(user, referral) -> bool:
    """A responding role of the receiving agency (the worker alone does not accept)."""
    return (referral.status != ReferralStatus.DRAFT
            and referral.to_agency_id in responding_agency_ids(user))


def is_worker(user, referral) -> bool:
    return referral.status != ReferralStatus.DRAFT and referral.worker_id == user.pk


# --- the policy ----------------------------------------------------------------------------------

class ReferralPolicy:
    object_type = "coordination.referral"

    def visible(self, user) -> QuerySet[Referral]:
        if not user.is_authenticated or not user.is_active:
            return Referral.objects.none()
        return Referral.objects.filter(_sending_condition(user) | _receiving_condition(user))

    def for_person(self, user, person) -> QuerySet[Referral]:
        """`visible(user).filter(person=person)`, the person's part decided in memory."""
        if not user.is_authenticated or not user.is_active:
            return Referral.objects.none()
        sending = Q(pk__in=[])
        if holds_on(user, person, DataCategory.CASE_TEAM):
            agencies = _pairs_of(user, person.pk)
            if person.responsible_agency_id in holding_agency_ids(user):
                agencies.add(person.responsible_agency_id)
            sending = Q(from_agency_id__in=sorted(agencies))
        return Referral.objects.filter(person=person).filter(
            sending | _receiving_condition(user))

    def grant(self, user, referral) -> Grant:
        if not user.is_authenticated or not user.is_active:
            return NO_GRANT
        sending = on_sending_side(user, referral)
        receiving = on_receiving_side(user, referral)
        working = receiving or is_worker(user, referral)
        if not (sending or working):
            return NO_GRANT
        status = referral.status
        actions = {ReferralAction.VIEW}
        agency = None
        if sending:
            agency = referral.from_agency
            if status == ReferralStatus.DRAFT:
                actions.add(ReferralAction.EDIT)
                if person_grant(user, referral.person).can(Action.MANAGE_CASE):
                    actions.add(ReferralAction.SEND)
            if status in OPEN_STATUSES:
                actions.add(ReferralAction.WITHDRAW)
        if working:
            agency = agency or referral.to_agency
            if receiving and status == ReferralStatus.SENT:
                actions |= {ReferralAction.ACCEPT, ReferralAction.DECLINE}
            if status == ReferralStatus.ACCEPTED:
                actions |= {ReferralAction.START, ReferralAction.COMPLETE}
            if status == ReferralStatus.IN_PROGRESS:
                actions.add(ReferralAction.COMPLETE)
        # The compartment shown is the case team's share only (the referral's content); the
        # receiving side gets nothing of the person's record through it.
        return Grant(frozenset({DataCategory.CASE_TEAM}), frozenset(actions), agency)

    def person_of(self, referral):
        return referral.person


referrals = ReferralPolicy()


def refusal_message(referral, action: str) -> str:
    """Why `action` is refused to a user who sees the referral, in words they can act on."""
    if action in (ReferralAction.ACCEPT, ReferralAction.DECLINE):
        if referral.status != ReferralStatus.SENT:
            return _("This referral is not waiting for an answer (it is %(status)s).") % {
                "status": referral.get_status_display().lower()}
        return (_("Only %(agency)s can accept this referral.") if action == ReferralAction.ACCEPT
                else _("Only %(agency)s can decline this referral.")) % {
            "agency": referral.to_agency.name}
    if action in (ReferralAction.START, ReferralAction.COMPLETE):
        return _("Only the worker or %(agency)s's staff who answer referrals can do this, once "
                 "the referral is accepted.") % {"agency": referral.to_agency.name}
    if action == ReferralAction.SEND:
        return _("Only the case manager or a record keeper of %(agency)s may send a referral: "
                 "ask them to send this draft.") % {"agency": referral.from_agency.name}
    if action == ReferralAction.EDIT:
        return _("Only a draft can be changed, by the agency that refers.")
    if action == ReferralAction.WITHDRAW:
        return _("Only %(agency)s can withdraw this referral, while it is open.") % {
            "agency": referral.from_agency.name}
    return ""


_RELATED = ("person", "person__jurisdiction", "person__responsible_agency", "from_agency",
            "to_agency", "created_by", "sent_by", "responded_by", "worker", "completed_by",
            "withdrawn_by", "agreement")


def get_referral_for_user(user, referral_uuid, action: str = ReferralAction.VIEW):
    """(referral, grant): 404 when not visible, 403 with the reason when the action is not
    the user's; the consultation noted for the response's one audit event."""
    referral, grant = get_for_user(
        referrals, user, referral_uuid, ReferralAction.VIEW,
        queryset=Referral.objects.select_related(*_RELATED),
        not_found_message=_("No such referral, or not one you may see."))
    if not grant.can(action):
        refuse(user, referral.uuid, action=action, not_found=False, person=referral.person,
               object_type=referrals.object_type,
               message=refusal_message(referral, action))
    audit.consulted(actor=user, obj=referral, agency=grant.agency)
    return referral, grant


def referrals_visible_to(user) -> QuerySet[Referral]:
    return referrals.visible(user)
