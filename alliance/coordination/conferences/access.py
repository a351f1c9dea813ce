"""Who sees and does what with case conferences and their actions (the core/policy.py shape:
one rule for the list filter and the object check).

* **Seeing a conference** (its page, its minutes, its PDF): whoever sees the person and holds
  their case-team share (the responsible agency's staff, the case team across an agreement);
  and an invited attendee who is not on the team sees *that* conference — never the person
  page — while their agency is the responsible one or an information-sharing agreement in force
  lets it receive the case team's share from the responsible agency. The attendee's agency is
  the one recorded on the invitation, and the attendee must still work there.
* **Managing it** (schedule, reschedule, cancel, record the minutes): the person's case
  manager, the conference's chair, and the record keepers of the responsible agency.
* **Closing an action**: its owner, or whoever manages the conference it came from.
"""

from django.db.models import Q, QuerySet

from alliance.accounts.access import profile_for
from alliance.core import audit, context
from alliance.core.compartments import DataCategory
from alliance.core.policy import NO_GRANT, Grant, get_for_user
from alliance.organisations.agreements import crossings
from alliance.organisations.models import SharingAgreement
from alliance.people import disclosures
from alliance.people.access import (
    RECORD_KEEPER_ROLES,
    Action,
    compartment_holders,
    get_person_for_user,
    person_grant,
    refuse,
    sees_with,
    visible_condition,
)
from alliance.people.models import DisclosureChannel

from ..models import ActionStatus, Attendee, CaseConference, ConferenceAction


class ConferenceAccess:
    """The actions of both policies (the model ConferenceAction is an agreed action)."""

    VIEW = "view"
    SCHEDULE = "schedule"  # on the person: a new conference
    MANAGE = "manage"  # reschedule, cancel, record the minutes
    CLOSE = "close"  # an action: done or dropped


Do = ConferenceAccess  # short, for this module


# --- the rules, stated once ----------------------------------------------------------------------

def _team_condition(user, via: str = "person__") -> Q:
    """The people whose conferences `user` sees through the person: visible, with the case
    team's share held."""
    return compartment_holders(user, DataCategory.CASE_TEAM, via) & visible_condition(user, via)


def may_attend(responsible_agency_id: int, agency_id: int, allowed: dict) -> bool:
    """Whether staff of `agency_id` may sit at a conference about someone `responsible_agency_id`
    is responsible for: the same agency, or an agreement in force covering the case team's
    share (`allowed`: organisations.agreements.crossings' answer)."""
    if agency_id == responsible_agency_id:
        return True
    return DataCategory.CASE_TEAM in allowed.get((responsible_agency_id, agency_id), {})


def attending(user) -> dict[int, object]:
    """conference id -> the agency through which `user` attends it, for the conferences they
    are invited to and may still see as an attendee (their agency still theirs, and the
    responsible one or under an agreement in force). Three queries at most, once per request."""
    if not user.is_authenticated or not user.is_active:
        return {}
    return context.remembered(("conference_attending", user.pk), lambda: _attending(user))


def _attending(user) -> dict[int, object]:
    agencies = {g.agency_id: g.agency for g in profile_for(user).grants}
    # Unordered: the attendees' default order (by agency name) would join the agencies to sort.
    rows = list(Attendee.objects.filter(user=user, agency_id__in=sorted(agencies)).order_by()
                .values_list("conference_id", "agency_id",
                             "conference__person__responsible_agency_id"))
    allowed = crossings({agency for _, agency, responsible in rows if agency != responsible})
    found = {conference_id: agencies[agency_id] for conference_id, agency_id, responsible in rows
             if may_attend(responsible, agency_id, allowed)}
    return found


def _manages_person(user, person, case=None) -> bool:
    """The person's case manager (of `case`, or of their open case) or a record keeper of the
    responsible agency."""
    if any(g.agency_id == person.responsible_agency_id and g.roles & RECORD_KEEPER_ROLES
           for g in profile_for(user).grants):
        return True
    if case is not None:
        return case.case_manager_id == user.pk
    return person.cases.filter(status="open", case_manager=user).exists()


def person_conference_grant(user, person, grant: Grant) -> Grant:
    """What `user` may do with a person's conferences, given their grant on the person: view
    them with the case team's share; schedule one as the case manager or a record keeper of
    the responsible agency."""
    if not grant.can(Action.VIEW) or DataCategory.CASE_TEAM not in grant.compartments:
        return NO_GRANT
    actions = {Do.VIEW}
    if _manages_person(user, person):
        actions.add(Do.SCHEDULE)
    return Grant(grant.compartments, frozenset(actions), grant.agency)


def conference_grant(user, conference, on_person: Grant | None = None) -> Grant:
    """The one rule for one conference (see the module docstring)."""
    if not user.is_authenticated or not user.is_active:
        return NO_GRANT
    person = conference.person
    on_person = person_grant(user, person) if on_person is None else on_person
    on_team = on_person.can(Action.VIEW) and DataCategory.CASE_TEAM in on_person.compartments
    as_attendee = attending(user).get(conference.pk)
    if not on_team and as_attendee is None:
        return NO_GRANT
    actions = {Do.VIEW}
    if conference.chair_id == user.pk or _manages_person(user, person, conference.case):
        actions.add(Do.MANAGE)
    if on_team:
        return Grant(on_person.compartments, frozenset(actions), on_person.agency)
    return Grant(frozenset({DataCategory.CASE_TEAM}), frozenset(actions), as_attendee)


# --- the policies ------------------------------------------------------------------------------

def _of_person(user, person, rows, conference_field: str):
    """The person's rows the user sees, the person's part decided in memory: all of them with
    the case team's share of the person, else those of the conferences they attend (whom they
    attend is not asked on the team)."""
    rows = rows.filter(person=person)
    if sees_with(user, person, DataCategory.CASE_TEAM):
        return rows
    return rows.filter(**{f"{conference_field}__in": sorted(attending(user))})


class ConferencePolicy:
    object_type = "coordination.caseconference"

    def visible(self, user) -> QuerySet[CaseConference]:
        if not user.is_authenticated or not user.is_active:
            return CaseConference.objects.none()
        return CaseConference.objects.filter(
            _team_condition(user) | Q(pk__in=sorted(attending(user))))

    def for_person(self, user, person) -> QuerySet[CaseConference]:
        """`visible(user).filter(person=person)`, the person's part decided in memory."""
        if not user.is_authenticated or not user.is_active:
            return CaseConference.objects.none()
        return _of_person(user, person, CaseConference.objects, "pk")

    def grant(self, user, conference) -> Grant:
        return conference_grant(user, conference)

    def person_of(self, conference):
        return conference.person


class ConferenceActionPolicy:
    """An action is seen with the conference it was agreed at; its owner or whoever manages
    that conference closes it while it is open."""

    object_type = "coordination.conferenceaction"

    def visible(self, user) -> QuerySet[ConferenceAction]:
        if not user.is_authenticated or not user.is_active:
            return ConferenceAction.objects.none()
        return ConferenceAction.objects.filter(
            _team_condition(user, "conference__person__")
            | Q(conference_id__in=sorted(attending(user))))

    def for_person(self, user, person) -> QuerySet[ConferenceAction]:
        """`visible(user).filter(person=person)`, the person's part decided in memory (an
        action's person is its conference's: services.minutes_record)."""
        if not user.is_authenticated or not user.is_active:
            return ConferenceAction.objects.none()
        return _of_person(user, person, ConferenceAction.objects, "conference_id")

    def grant(self, user, action) -> Grant:
        return action_grant(user, action, conference_grant(user, action.conference))

    def person_of(self, action):
        return action.person


def action_grant(user, action, on_conference: Grant) -> Grant:
    if not on_conference.can(Do.VIEW):
        return NO_GRANT
    actions = {Do.VIEW}
    if action.status == ActionStatus.OPEN and (action.owner_id == user.pk
                                               or on_conference.can(Do.MANAGE)):
        actions.add(Do.CLOSE)
    return Grant(on_conference.compartments, frozenset(actions), on_conference.agency)


conferences = ConferencePolicy()
conference_actions = ConferenceActionPolicy()


# --- the one way in ------------------------------------------------------------------------------

_PERSON = ("person__jurisdiction", "person__responsible_agency")


def get_conference_for_user(user, conference_uuid, action: str = Do.VIEW):
    """The conference and the user's grant: 404 when not visible, 403 without the action."""
    conference, grant = get_for_user(
        conferences, user, conference_uuid, action,
        queryset=CaseConference.objects.select_related(*_PERSON, "case", "agency", "chair",
                                                       "minutes_by", "created_by"))
    audit.consulted(actor=user, obj=conference, agency=grant.agency)
    _disclosed_to_attendee(user, conference, conference)
    return conference, grant


def _disclosed_to_attendee(user, conference, obj) -> None:
    """An invited attendee off the case team, from another agency than the responsible one,
    reads the conference under an agreement: the disclosure log records it (a case-team member
    reading it is logged with the response's consultation, people/disclosures.py)."""
    person = conference.person
    agency = attending(user).get(conference.pk)
    if agency is None or agency.pk == person.responsible_agency_id:
        return
    on_person = person_grant(user, person)
    if on_person.can(Action.VIEW) and DataCategory.CASE_TEAM in on_person.compartments:
        return
    agreement_id = crossings({agency.pk}).get((person.responsible_agency_id, agency.pk), {}).get(
        DataCategory.CASE_TEAM)
    agreement = SharingAgreement.objects.filter(pk=agreement_id).first()
    disclosures.record(person=person, recipient_agency=agency, recipient=user,
                       categories=[DataCategory.CASE_TEAM], channel=DisclosureChannel.CONFERENCE,
                       purpose=agreement.purpose if agreement else "", agreement=agreement,
                       obj=obj)


def get_action_for_user(user, action_uuid, action: str = Do.VIEW):
    """A conference action and the user's grant on it; same 404 / 403 rules."""
    found, grant = get_for_user(
        conference_actions, user, action_uuid, action,
        queryset=ConferenceAction.objects.select_related(
            *_PERSON, "conference", "conference__person", "conference__case", "owner"))
    audit.consulted(actor=user, obj=found, agency=grant.agency)
    _disclosed_to_attendee(user, found.conference, found)
    return found, grant


def get_person_for_conferences(user, person_uuid, action: str = Do.VIEW):
    """The person and the user's conference grant on them (404 not visible; 403 without the
    case team's share, or without the action)."""
    person, grant = get_person_for_user(user, person_uuid, Action.VIEW)
    on_conferences = person_conference_grant(user, person, grant)
    if not on_conferences.can(action):
        refuse(user, person_uuid, person=person, action=action, not_found=False,
               object_type="people.person")
    return person, on_conferences
