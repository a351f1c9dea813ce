"""Who may see and do what with a person — the one way in to person-level data.

Visibility (need-to-know):
  * staff of the agency responsible for the person (the holding prison, or the supervising
    probation service) with a person-level role there;
  * members of the person's open case team, whatever their agency — the only way across
    agencies.
Regional coordinators, data protection officers and system administrators hold no person-level
role and see no person.

After a handover, the agency that was responsible keeps read access for a while
(`RetainedAccess`, until a date): its staff see the person as they did, with no action but
VIEW. `_retained` states that rule once, for the filters and the grant alike.

Compartments: in the responsible agency, everyone holds identity and the case team's share, and
the security sector holds security, the treatment sector treatment. A case-team member holds
the share and the scopes given to them on the team. These rules are stated once, in
`_holding_compartments` and `_team_compartments`, and both the list filter (`visible`,
`compartment_holders`) and the object check (`grant`) are built from them (core/policy.py).

The case team lives in the cases app above this one; its rows are reached through the user's
reverse relation `case_memberships`, never by importing cases.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from alliance.accounts.access import profile_for
from alliance.accounts.models import NON_CASEWORK_ROLES, Role, Sector
from alliance.core import audit, context
from alliance.core.compartments import SUMMARY_CATEGORIES, Compartment
from alliance.core.lookups import Ids
from alliance.core.policy import NO_GRANT, Grant, get_for_user, refuse
from alliance.organisations.agreements import crossings
from alliance.organisations.models import Agency

from .models import CustodyEpisode, Person, RetainedAccess

__all__ = ["Action", "Grant", "persons", "custody_episodes", "get_person_for_user",
           "get_custody_episode_for_user", "persons_visible_to", "person_grant", "compartment_holders",
           "identity_holders", "visible_condition", "person_scope", "sees_with",
           "holds_on", "refuse"]


class Action:
    VIEW = "view"
    EDIT = "edit"  # identity and details
    CLASSIFY = "classify"
    MANAGE_CUSTODY = "manage_custody"
    MANAGE_CASE = "manage_case"  # open or close the case, team, case manager, management level


# Roles that see the people their own agency is responsible for.
HOLDING_AGENCY_ROLES = {
    Role.SECURITY_OFFICER, Role.SECURITY_ANALYST, Role.TREATMENT_OFFICER, Role.CASE_MANAGER,
    Role.PRISON_MANAGER, Role.PROBATION_OFFICER,
}
# Roles in the holding agency that may change the record and run the case.
RECORD_KEEPER_ROLES = {Role.CASE_MANAGER, Role.PRISON_MANAGER, Role.PROBATION_OFFICER}
RECORD_KEEPER_ACTIONS = {Action.EDIT, Action.CLASSIFY, Action.MANAGE_CUSTODY, Action.MANAGE_CASE}
# The case manager runs the case wherever they work (e.g. probation after release).
CASE_MANAGER_ACTIONS = {Action.EDIT, Action.CLASSIFY, Action.MANAGE_CASE}

SECTOR_COMPARTMENTS = {
    Sector.SECURITY: {Compartment.SECURITY},
    Sector.TREATMENT: {Compartment.TREATMENT},
    Sector.MANAGEMENT: set(),
    "": set(),
}


# --- the rules, stated once ----------------------------------------------------------------------

def _holding_grants(user) -> list:
    return profile_for(user).grants_with(*HOLDING_AGENCY_ROLES)


def _holding_compartments(grant) -> set[str]:
    return {Compartment.IDENTITY, Compartment.CASE_TEAM, *SUMMARY_CATEGORIES,
            *SECTOR_COMPARTMENTS.get(grant.sector, set())}


def _team_compartments(scopes) -> set[str]:
    """What a place on the case team gives inside the responsible agency: the case team's share
    (all its summaries) and the scopes given on the team."""
    return {Compartment.CASE_TEAM, *SUMMARY_CATEGORIES, *scopes}


def _open_team(user):
    """The user's places on open case teams (the cases app's rows, by reverse relation)."""
    return user.case_memberships.filter(case__status="open", ended_at__isnull=True)


def holding_agency_ids(user) -> set[int]:
    return {g.agency_id for g in _holding_grants(user)}


def team_crossings(user) -> dict[int, dict[str, tuple[int, int] | None]]:
    """person id -> {compartment or data category: (the agreement it crosses under, the agency
    that receives it)}, for the people on whose open case team `user` has a place (None: a
    place of the responsible agency, no boundary crossed).

    The agreement gate (DOMAIN.md §10): a place from another agency gives only what an
    information-sharing agreement in force lets that agency receive from the responsible one
    (organisations/agreements.py), within the scopes given on the team. A place that crosses
    nothing gives nothing: the person is not even visible through it. When an agreement lapses,
    the next request reads the dates and the access through it is gone. Two queries at most (the
    places, and the agreements when a place crosses), once per request."""
    return context.remembered(("team_crossings", user.pk), lambda: _gated(open_places(user)))


def open_places(user) -> list[tuple[int, int, int, list]]:
    """(person id, responsible agency id, the place's agency id, scopes) for each of the user's
    places on an open case team: one query, once per request (the policies of several modules
    read it)."""
    return context.remembered(("open_places", user.pk), lambda: list(
        _open_team(user).values_list("case__person_id", "case__person__responsible_agency_id",
                                     "agency_id", "scopes")))


def managed_person_ids(user) -> list[int]:
    """The people whose open case `user` manages: one query, once per request."""
    return context.remembered(("managed_person_ids", user.pk), lambda: sorted(
        user.managed_cases.filter(status="open").values_list("person_id", flat=True)))


def _gated(rows) -> dict[int, dict[str, tuple[int, int] | None]]:
    """`team_crossings` for these places ((person id, responsible agency id, place's agency id,
    scopes) rows): the gate, stated once. One query when a place crosses, none otherwise."""
    rows = list(rows)
    allowed = crossings({agency for _, responsible, agency, _ in rows if agency != responsible})
    held: dict[int, dict[str, tuple[int, int] | None]] = {}
    # A worker on thousands of case teams has a handful of distinct scopes and agency pairs:
    # what each gives is worked out once, not once per place.
    own: dict[tuple, dict] = {}
    crossed: dict[tuple, list] = {}
    for person_id, responsible, agency, scopes in rows:
        place = held.setdefault(person_id, {})
        if agency == responsible:
            key = tuple(scopes)
            if key not in own:
                own[key] = dict.fromkeys(_team_compartments(scopes))
            place.update(own[key])
            continue
        key = (responsible, agency, *scopes)
        if key not in crossed:
            wanted = _team_compartments(scopes)
            crossed[key] = [(compartment, (agreement_id, agency)) for compartment, agreement_id
                            in allowed.get((responsible, agency), {}).items()
                            if compartment in wanted]
        for compartment, through in crossed[key]:
            if place.get(compartment, ()) is not None:
                place.setdefault(compartment, through)
    return {person_id: place for person_id, place in held.items() if place}


def places_by_person(user) -> dict[int, list[tuple[int, int, int, list]]]:
    """`open_places` by person id: built once per request from the same rows, so that a page
    about one person finds that person's places without walking all of them."""
    def index():
        by_person: dict[int, list] = {}
        for row in open_places(user):
            by_person.setdefault(row[0], []).append(row)
        return by_person
    return context.remembered(("places_by_person", user.pk), index)


def open_team_scopes(user, person_ids=None) -> dict[int, frozenset[str]]:
    """person id -> the compartments and data categories `user` holds through places on that
    person's open case team, after the agreement gate (`team_crossings`). Built once per
    request (a worker on thousands of case teams asks for it in every filter)."""
    every = context.remembered(("team_scopes", user.pk), lambda: {
        person_id: frozenset(place) for person_id, place in team_crossings(user).items()})
    if person_ids is None:
        return every
    return {person_id: every[person_id] for person_id in set(person_ids) if person_id in every}


def retained_access(user) -> dict[int, list]:
    """person id -> the user's holding grants at agencies that keep read access to that person
    after a handover (`RetainedAccess` still in date). One query, once per request."""
    return context.remembered(("retained_access", user.pk), lambda: _retained_access(user))


def _retained_access(user) -> dict[int, list]:
    by_agency: dict[int, list] = {}
    for g in _holding_grants(user):
        by_agency.setdefault(g.agency_id, []).append(g)
    retained: dict[int, list] = {}
    if by_agency:
        rows = RetainedAccess.objects.filter(agency_id__in=sorted(by_agency),
                                             until__gte=timezone.localdate())
        for person_id, agency_id in rows.values_list("person_id", "agency_id"):
            retained.setdefault(person_id, []).extend(by_agency[agency_id])
    return retained


# Above this many ids, a filter passes them as one parameter (core/lookups.py: a worker on
# thousands of case teams would otherwise put thousands of parameters in every query).
LONG_ID_LIST = 64


def ids_condition(field: str, ids) -> Q:
    """`field` among `ids`: an IN list, or for a long one the set as one parameter."""
    if len(ids) > LONG_ID_LIST:
        return Q(**{f"{field}__ids_in": Ids(ids)})
    return Q(**{f"{field}__in": sorted(ids)})


def _condition(via: str, agencies, person_ids) -> Q:
    """People of these responsible agencies or with these ids, as a filter on Person (via="")
    or on a model with a `person` foreign key (via="person__"): plain columns, no subquery."""
    return (Q(**{f"{via}responsible_agency_id__in": sorted(agencies)})
            | ids_condition(f"{via}pk", person_ids))


def visible_condition(user, via: str = "") -> Q:
    """The people `user` may know exist (see PersonPolicy), as a filter: staff of the holding
    agency, or a member of the open case team. One query reads the user's team places."""
    if not user.is_authenticated or not user.is_active:
        return Q(**{f"{via}pk__in": []})
    return _condition(via, *_visible_sets(user))


def _visible_sets(user) -> tuple[set[int], set[int]]:
    """(responsible agencies, person ids): the people `user` may know exist."""
    return holding_agency_ids(user), context.remembered(
        ("visible_ids", user.pk), lambda: set(team_crossings(user)) | set(retained_access(user)))


def compartment_holders(user, compartment: str, via: str = "") -> Q:
    """The people for whom `user` holds `compartment` — the same rule as `PersonPolicy.grant`,
    as a filter (on Person, or through `via`)."""
    if not user.is_authenticated or not user.is_active:
        return Q(**{f"{via}pk__in": []})
    return _condition(via, *_holder_sets(user, compartment))


def _holder_sets(user, compartment: str) -> tuple[set[int], set[int]]:
    """(responsible agencies, person ids): the people for whom `user` holds `compartment`."""
    agencies = {g.agency_id for g in _holding_grants(user)
                if compartment in _holding_compartments(g)}
    return agencies, context.remembered(
        ("holder_ids", user.pk, compartment), lambda: _holder_ids(user, compartment))


def holds_on(user, person, compartment: str) -> bool:
    """Whether `person` passes `compartment_holders(user, compartment)`, decided in memory from
    the same facts as `_holder_sets`, for this person alone (a worker on thousands of case
    teams does not build everyone's set to look one person up)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return (any(g.agency_id == person.responsible_agency_id
                and compartment in _holding_compartments(g) for g in _holding_grants(user))
            or compartment in team_crossings(user).get(person.pk, ())
            or any(compartment in _holding_compartments(g)
                   for g in retained_access(user).get(person.pk, ())))


def sees_with(user, person, *compartments: str) -> bool:
    """Whether `person` passes `visible_condition(user)` and `compartment_holders(user, c)` for
    each of `compartments`: the same facts as `_visible_sets`, decided for one person."""
    if not user.is_authenticated or not user.is_active:
        return False
    visible = (person.responsible_agency_id in holding_agency_ids(user)
               or person.pk in team_crossings(user) or person.pk in retained_access(user))
    return visible and all(holds_on(user, person, c) for c in compartments)


def person_scope(user, person, *compartments: str, field: str = "person") -> Q:
    """`visible_condition(user, "person__") & compartment_holders(user, c, "person__")...`
    for the records of ONE person: decided in memory (`sees_with`), the filter left is
    `field = person`, or nothing. A person page's sections read with it: the rule is the lists'
    rule, but the database is not asked to re-check the person on every row, and planning a
    query on one person's rows then costs what the query does (docs/architecture.md)."""
    if not sees_with(user, person, *compartments):
        return Q(pk__in=[])
    return Q(**{field: person})


def _holder_ids(user, compartment: str) -> set[int]:
    """The people for whom a team place or a kept access gives `user` this compartment."""
    on_team = {pid for pid, held in open_team_scopes(user).items() if compartment in held}
    return on_team | {pid for pid, grants in retained_access(user).items()
                      if any(compartment in _holding_compartments(g) for g in grants)}


def holders_among(user, people, compartment: str) -> set[int]:
    """Which of these people (already visible) `user` holds `compartment` for: the same rule
    again, in memory, for a page of rows (no query beyond the user's team places)."""
    agencies = {g.agency_id for g in _holding_grants(user)
                if compartment in _holding_compartments(g)}
    team = open_team_scopes(user)
    kept = retained_access(user)
    return {p.pk for p in people if p.responsible_agency_id in agencies
            or compartment in team.get(p.pk, ())
            or any(compartment in _holding_compartments(g) for g in kept.get(p.pk, ()))}


def identity_holders(user) -> Q:
    """The people whose identity `user` holds. Searching by name, alias or national ID is
    limited to these, so a search never confirms whose record a reference-only user sees."""
    return compartment_holders(user, Compartment.IDENTITY)


# --- the policies ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Place:
    """A place of the user on a person's open case team, as the grant reads it."""

    agency_id: int
    scopes: list
    agency: object
    manager: bool  # the user manages the case

    @classmethod
    def of(cls, member) -> "_Place":
        return cls(member.agency_id, member.scopes, member.agency,
                   member.case.case_manager_id == member.user_id)


class PersonPolicy:
    object_type = "people.person"

    def visible(self, user) -> QuerySet[Person]:
        """Every person the user may know exists: lists, searches, exports and the API."""
        if not user.is_authenticated or not user.is_active:
            return Person.objects.none()
        return Person.objects.filter(visible_condition(user))

    def visible_object(self, user, person_uuid, queryset=None) -> Person | None:
        """The person, if `visible` would list them: read by uuid, the rule decided in memory
        (`sees_with`), so that a practitioner on thousands of case teams does not send them
        all to find one person."""
        person = (queryset if queryset is not None else Person.objects).filter(
            uuid=person_uuid).first()
        return person if person is not None and sees_with(user, person) else None

    def grant(self, user, person: Person) -> Grant:
        """The user's grant on one person: computed once per request (the page, its sections
        and the policies they call all ask for it)."""
        if not user.is_authenticated or not user.is_active:
            return NO_GRANT
        return context.remembered(
            ("person_grant", user.pk, person.pk, person.responsible_agency_id),
            lambda: self._grant(user, person, self._places_on(user, person)))

    @staticmethod
    def _places_on(user, person) -> list[_Place]:
        """The user's places on the person's open case team. From the request's memo of all
        their places (`open_places`, which the page's lists and navigation read anyway) when
        the request writes nothing (a service of a writing request may just have changed a
        team), with the cases they manage (`managed_person_ids`) and the agencies of their
        memberships: no query but, for a place through an agency they no longer belong to, that
        agency. Else one query."""
        cache = context.memo()
        if cache is None or cache.get(context.WRITING_KEY, True):
            return [_Place.of(m) for m in _open_team(user).filter(case__person=person)
                    .select_related("agency", "case")]
        rows = [(agency_id, scopes) for _p, _r, agency_id, scopes
                in places_by_person(user).get(person.pk, ())]
        if not rows:
            return []
        manager = person.pk in managed_person_ids(user)
        agencies = {g.agency_id: g.agency for g in profile_for(user).grants}
        unknown = {agency_id for agency_id, _s in rows if agency_id not in agencies}
        if unknown:
            agencies.update(Agency.objects.in_bulk(sorted(unknown)))
        return [_Place(agency_id, scopes, agencies[agency_id], manager)
                for agency_id, scopes in rows]

    def grants(self, user, people) -> dict[int, Grant]:
        """person id -> grant, for people already obtained through `visible` (worklists): one
        query, whatever the number of rows."""
        by_person: dict[int, list] = {}
        for place in (_open_team(user).filter(case__person__in=[p.pk for p in people])
                      .select_related("agency", "case")):
            by_person.setdefault(place.case.person_id, []).append(_Place.of(place))
        return {p.pk: self._grant(user, p, by_person.get(p.pk, [])) for p in people}

    def _grant(self, user, person, places) -> Grant:
        compartments, actions, agency = set(), set(), None
        for g in _holding_grants(user):
            if g.agency_id != person.responsible_agency_id:
                continue
            agency = agency or g.agency
            compartments |= _holding_compartments(g)
            actions.add(Action.VIEW)
            if g.roles & RECORD_KEEPER_ROLES:
                actions |= RECORD_KEEPER_ACTIONS
        through_team = self._through_team(user, person, places)
        if places and through_team:
            # The agency of the place that crosses nothing (the responsible agency's) first.
            agency = agency or min(places, key=lambda p: p.agency_id
                                   != person.responsible_agency_id).agency
            compartments |= through_team
            actions.add(Action.VIEW)
            if any(place.manager for place in places):
                actions |= CASE_MANAGER_ACTIONS
        for g in retained_access(user).get(person.pk, ()):  # read-only, after a handover
            agency = agency or g.agency
            compartments |= _holding_compartments(g)
            actions.add(Action.VIEW)
        return Grant(frozenset(compartments), frozenset(actions), agency)

    @staticmethod
    def _through_team(user, person, places) -> set[str]:
        """What `user`'s places on this person's team give (the request's memo of all their
        places when there is one, else these places alone: no query without a crossing)."""
        cache = context.memo()
        if cache is not None and ("team_crossings", user.pk) in cache:
            return set(cache[("team_crossings", user.pk)].get(person.pk, {}))
        rows = [(person.pk, person.responsible_agency_id, p.agency_id, p.scopes) for p in places]
        return set(_gated(rows).get(person.pk, {}))

    def person_of(self, person):
        return person


class CustodyEpisodePolicy:
    """Custody episodes are seen and managed through their person."""

    object_type = "people.custodyepisode"

    def visible(self, user) -> QuerySet[CustodyEpisode]:
        return CustodyEpisode.objects.filter(visible_condition(user, "person__"))

    def grant(self, user, episode) -> Grant:
        return persons.grant(user, episode.person)

    def person_of(self, episode):
        return episode.person


persons = PersonPolicy()
custody_episodes = CustodyEpisodePolicy()


def persons_visible_to(user) -> QuerySet[Person]:
    return persons.visible(user)


def person_grant(user, person: Person) -> Grant:
    """The user's grant for one person (services re-check their permission with it)."""
    return persons.grant(user, person)


def get_person_for_user(user, person_uuid, action: str = Action.VIEW) -> tuple[Person, Grant]:
    """The person and the user's grant, if visible (else 404) and the action allowed (else
    403). The consultation is noted for the response's one audit event."""
    person, grant = get_for_user(
        persons, user, person_uuid, action,
        queryset=Person.objects.select_related("jurisdiction", "responsible_agency"),
        not_found_message=_("No such person, or not one you may see."),
        forbidden_message=_("You may see this person but not do that."))
    audit.consulted(actor=user, obj=person, agency=grant.agency)
    return person, grant


def get_custody_episode_for_user(user, episode_uuid, action: str = Action.MANAGE_CUSTODY):
    """A custody episode and the grant on its person; same 404 / 403 rules."""
    episode, grant = get_for_user(
        custody_episodes, user, episode_uuid, action,
        queryset=CustodyEpisode.objects.select_related("person", "person__jurisdiction",
                                                       "facility", "unit"))
    audit.consulted(actor=user, obj=episode, agency=grant.agency)
    return episode, grant


# --- what a user may do at all (no particular person) ----------------------------------------------

def can_create_person(user) -> bool:
    return bool(creatable_agencies(user))


def creatable_agencies(user) -> list:
    """Agencies in which the user may register a person (as the responsible agency)."""
    return [g.agency for g in profile_for(user).grants_with(*RECORD_KEEPER_ROLES)
            if g.agency.holds_people]


def can_have_caseload(user) -> bool:
    """Whether the user works with individual people at all (else lists are refused with 403)."""
    return bool(profile_for(user).roles - NON_CASEWORK_ROLES)


def require_caseload(user) -> None:
    if not can_have_caseload(user):
        raise PermissionDenied(_("Your role does not work with individual people."))


def can_view_aggregates(user) -> bool:
    """Regional coordinators (and managers) see anonymous aggregates, never persons."""
    return profile_for(user).has_role(Role.REGIONAL_COORDINATOR, Role.PRISON_MANAGER)
