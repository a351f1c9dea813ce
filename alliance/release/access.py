"""Who sees and does what with release steps, support plans, handovers and follow-ups (the
core/policy.py shape: one rule for the list filter and the object check). Everything starts
from the person's policy (people/access.py).

* **Seeing**: everything here is the case team's share. Whoever holds the person's case-team
  compartment sees it: staff of the responsible agency, the case team, and — read-only, for a
  while after the handover — the prison that was responsible.
* **Working** (complete steps, write the support plan, record conditions, contacts, breaches
  and follow-ups, send a handover): the record keepers and the treatment staff of the
  responsible agency, the person's case manager on the case team, and the case team's members
  placed there by a probation service or a ministry division (the agencies that take the person
  on after release). Sending or withdrawing a handover is the sending side's: not the receiving
  agency's.
* **Acknowledging** a handover: a member of the person's open case team placed there by the
  receiving agency, or a record keeper of that agency who sees the person.
* **Recording the release** ends the custody episode: the people app's MANAGE_CUSTODY rule.
"""

from django.db.models import Q, QuerySet

from alliance.accounts.access import profile_for
from alliance.core import audit, context
from alliance.core.compartments import DataCategory
from alliance.core.policy import NO_GRANT, Grant, get_for_user
from alliance.organisations.models import Agency
from alliance.people.access import (
    HOLDING_AGENCY_ROLES,
    RECORD_KEEPER_ROLES,
    Action,
    compartment_holders,
    get_person_for_user,
    managed_person_ids,
    open_places,
    person_grant,
    persons,
    places_by_person,
    refuse,
    visible_condition,
)
from alliance.people.models import Person

from .models import FollowUp, Handover, HandoverStatus, ReleaseStep, SupportPlan

# Case-team places from these agency types may work on the release (organisations.AgencyType).
RECEIVING_AGENCY_TYPES = ("probation", "ministry_division")


class ReleaseAction:
    VIEW = "view"
    WORK = "work"  # steps, support plan, supervision, follow-ups; send or withdraw a handover
    ACKNOWLEDGE = "acknowledge"  # a handover, by the receiving agency
    WITHDRAW = "withdraw"  # a handover waiting for acknowledgement, by the sending side


# --- the rules, stated once ----------------------------------------------------------------------

def _working_agency_ids(user) -> set[int]:
    """Agencies where the user works on the release of the people the agency is responsible
    for: record keepers there, and the treatment sector's staff."""
    return {g.agency_id for g in profile_for(user).grants_with(*HOLDING_AGENCY_ROLES)
            if g.roles & RECORD_KEEPER_ROLES or g.sector == "treatment"}


def record_keeper_agency_ids(user) -> set[int]:
    return {g.agency_id for g in profile_for(user).grants_with(*RECORD_KEEPER_ROLES)}


def _places(user) -> dict[int, dict]:
    """person id -> {"agencies": the agencies of the user's places on that person's open case
    team, "manager": whether the user manages the case, "receiving": whether a place is from a
    receiving agency type}. Once per request, for the lists' filters."""
    return context.remembered(("release_places", user.pk), lambda: _read_places(user))


def _place(user, person_id: int) -> dict | None:
    """`_places(user).get(person_id)`, worked out for this person alone (a page about one
    person, for a worker on thousands of case teams)."""
    rows = places_by_person(user).get(person_id)
    return _read_places(user, rows)[person_id] if rows else None


def _read_places(user, rows=None) -> dict[int, dict]:
    """From the places every policy reads (`open_places`, or `rows` of it) and the cases the
    user manages (`managed_person_ids`), both read once per request: no query of its own but,
    for a place through an agency the user no longer belongs to, that agency's type."""
    managed = set(managed_person_ids(user))
    rows = open_places(user) if rows is None else rows
    types = {g.agency_id: g.agency_type for g in profile_for(user).grants}
    unknown = {agency_id for _, _, agency_id, _ in rows if agency_id not in types}
    if unknown:
        types.update(Agency.objects.filter(pk__in=unknown).values_list("pk", "type"))
    places: dict[int, dict] = {}
    for person_id, _responsible, agency_id, _scopes in rows:
        place = places.setdefault(person_id, {"agencies": set(), "manager": False,
                                              "receiving": False})
        place["agencies"].add(agency_id)
        # The case is open (a place counts only on an open case): managing it is managing
        # this person's open case.
        place["manager"] |= person_id in managed
        place["receiving"] |= types.get(agency_id) in RECEIVING_AGENCY_TYPES
    # A case manager off the team works on the release through their agency (a record keeper
    # there) or not at all: counting their open cases here gave the prison's case manager work
    # on a person the prison only keeps read access to after the handover.
    return places


def _worker_person_ids(user) -> list[int]:
    return sorted(pid for pid, place in _places(user).items()
                  if place["manager"] or place["receiving"])


def worker_condition(user, via: str = "person__") -> Q:
    """People whose release `user` works on, as a filter."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    return (Q(**{f"{via}responsible_agency_id__in": sorted(_working_agency_ids(user))})
            | Q(**{f"{via}pk__in": _worker_person_ids(user)}))


def is_worker(user, person, grant: Grant) -> bool:
    """The same rule as `worker_condition`, for one person the user sees (holding the case
    team's share: read-only access kept after a handover gives VIEW only, and so no work —
    the responsible agency is no longer theirs)."""
    if not grant.can(Action.VIEW) or DataCategory.RELEASE_SUPPORT not in grant.compartments:
        return False
    if person.responsible_agency_id in _working_agency_ids(user):
        return True
    place = _place(user, person.pk)
    return bool(place and (place["manager"] or place["receiving"]))


def release_grant(user, person, grant: Grant) -> Grant:
    """What `user` may do with a person's release records, given their grant on the person."""
    if not grant.can(Action.VIEW) or DataCategory.RELEASE_SUPPORT not in grant.compartments:
        return NO_GRANT
    actions = {ReleaseAction.VIEW}
    if is_worker(user, person, grant):
        actions.add(ReleaseAction.WORK)
    return Grant(grant.compartments, frozenset(actions), grant.agency)


def on_receiving_side(user, person_id: int, agency_id: int) -> bool:
    """Whether `user` speaks for the agency a handover goes to: placed on the person's open
    case team by it, or one of its record keepers. They acknowledge a handover; they neither
    send nor withdraw one."""
    place = _place(user, person_id)
    return (bool(place and agency_id in place["agencies"])
            or agency_id in record_keeper_agency_ids(user))


def can_acknowledge(user, handover, grant: Grant) -> bool:
    """A handover waiting for the receiving agency: its members on the person's open case team,
    or its record keepers, if they see the person."""
    if handover.status != HandoverStatus.SENT or not grant.can(Action.VIEW):
        return False
    return on_receiving_side(user, handover.person_id, handover.to_agency_id)


def _team_share(user, model) -> QuerySet:
    return model.objects.filter(visible_condition(user, "person__")).filter(
        compartment_holders(user, DataCategory.RELEASE_SUPPORT, "person__"))


# --- the policies ------------------------------------------------------------------------------

class _ReleasePolicy:
    """A person's release record: the case team's share, whole."""

    model = None

    def visible(self, user) -> QuerySet:
        return _team_share(user, self.model)

    def grant(self, user, obj) -> Grant:
        return release_grant(user, obj.person, person_grant(user, obj.person))

    def person_of(self, obj):
        return obj.person


class ReleaseStepPolicy(_ReleasePolicy):
    object_type = "release.releasestep"
    model = ReleaseStep


class SupportPlanPolicy(_ReleasePolicy):
    object_type = "release.supportplan"
    model = SupportPlan


class FollowUpPolicy(_ReleasePolicy):
    object_type = "release.followup"
    model = FollowUp


class HandoverPolicy(_ReleasePolicy):
    object_type = "release.handover"
    model = Handover

    def grant(self, user, handover) -> Grant:
        return self.grant_on_person(user, handover, person_grant(user, handover.person))

    def grants(self, user, rows) -> dict[int, Grant]:
        """handover id -> grant, for handovers already obtained through `visible` (lists): one
        query for the person grants, whatever the number of rows."""
        on_person = persons.grants(user, list({h.person_id: h.person for h in rows}.values()))
        return {h.pk: self.grant_on_person(user, h, on_person[h.person_id]) for h in rows}

    def grant_on_person(self, user, handover, person: Grant) -> Grant:
        """The release grant, with ACKNOWLEDGE for the receiving side of a handover waiting
        for it, and WITHDRAW for the sending side (who may work) of one still waiting."""
        grant = release_grant(user, handover.person, person)
        if grant is NO_GRANT or handover.status != HandoverStatus.SENT:
            return grant
        extra = set()
        if can_acknowledge(user, handover, person):
            extra.add(ReleaseAction.ACKNOWLEDGE)
        elif grant.can(ReleaseAction.WORK) and not on_receiving_side(
                user, handover.person_id, handover.to_agency_id):
            extra.add(ReleaseAction.WITHDRAW)
        return Grant(grant.compartments, grant.actions | extra, grant.agency)


release_steps = ReleaseStepPolicy()
support_plans = SupportPlanPolicy()
follow_ups = FollowUpPolicy()
handovers = HandoverPolicy()


# --- the one way in ------------------------------------------------------------------------------

_PERSON = ("person__jurisdiction", "person__responsible_agency")


def get_step_for_user(user, step_uuid, action: str = ReleaseAction.VIEW):
    step, grant = get_for_user(release_steps, user, step_uuid, action,
                               queryset=ReleaseStep.objects.select_related(
                                   *_PERSON, "template", "agency", "episode", "completed_by"))
    audit.consulted(actor=user, obj=step, agency=grant.agency)
    return step, grant


def get_support_plan_for_user(user, plan_uuid, action: str = ReleaseAction.VIEW):
    plan, grant = get_for_user(support_plans, user, plan_uuid, action,
                               queryset=SupportPlan.objects.select_related(
                                   *_PERSON, "episode", "municipality", "supervising_agency"))
    audit.consulted(actor=user, obj=plan, agency=grant.agency)
    return plan, grant


def get_handover_for_user(user, handover_uuid, action: str = ReleaseAction.VIEW):
    handover, grant = get_for_user(handovers, user, handover_uuid, action,
                                   queryset=Handover.objects.select_related(
                                       *_PERSON, "episode", "from_agency", "to_agency",
                                       "sent_by", "acknowledged_by", "withdrawn_by"))
    audit.consulted(actor=user, obj=handover, agency=grant.agency)
    return handover, grant


def get_follow_up_for_user(user, follow_up_uuid, action: str = ReleaseAction.VIEW):
    follow_up, grant = get_for_user(follow_ups, user, follow_up_uuid, action,
                                    queryset=FollowUp.objects.select_related(
                                        *_PERSON, "episode", "agency", "recorded_by"))
    audit.consulted(actor=user, obj=follow_up, agency=grant.agency)
    return follow_up, grant


def get_support_row_for_user(user, model, row_uuid, action: str, plan_path: str = "plan"):
    """A row of a support plan (pathway entry, action, condition), reached through its plan:
    the same 404 when it does not exist or its plan is not visible, then the plan's getter
    (403 without `action`, audited). Returns (row, plan, grant); the row's plan is the one the
    getter loaded."""
    row = (model.objects.filter(uuid=row_uuid,
                                **{f"{plan_path}__in": support_plans.visible(user)})
           .select_related(plan_path).first())
    if row is None:
        # The person behind the row, if it exists, is named in the refusal's audit row (so
        # their DPO sees who tried), never in the answer.
        person = (Person.objects.filter(pk__in=model.objects.filter(uuid=row_uuid).values(
            f"{plan_path}__person")).first())
        refuse(user, row_uuid, action=action, not_found=True, person=person,
               object_type=model._meta.label_lower)
    holder = row.entry if plan_path == "entry__plan" else row
    plan, grant = get_support_plan_for_user(user, holder.plan.uuid, action)
    holder.plan = plan
    return row, plan, grant


def get_person_for_release(user, person_uuid, action: str = ReleaseAction.VIEW):
    """The person and the user's release grant on them (404 not visible; 403 without the case
    team's share, or without the action)."""
    person, grant = get_person_for_user(user, person_uuid, Action.VIEW)
    release = release_grant(user, person, grant)
    if not release.can(action):
        refuse(user, person_uuid, person=person, action=action, not_found=False,
               object_type="people.person")
    return person, release
