"""Who sees and does what with plans, enrolments, sessions, offers, stages of change and
working-alliance measures (the core/policy.py shape: one rule for the list filter and the
object check). Everything starts from the person's policy (people/access.py).

* **The case team's share** (anyone who holds the person's case-team compartment): the current
  and past plans, enrolments, sessions with their attendance and shared summary, offers and
  refusals, the stage of change.
* **The treatment compartment**: session notes, the rationale of a stage of change, the
  working-alliance measures. Security-sector staff never hold it.
* **Planners** build and review the plan, enrol the person and schedule sessions: the record
  keepers of the responsible agency and the person's case manager (who may run the case), and
  the treatment staff of the responsible agency. Drafts are theirs alone; a plan waiting for
  countersignature is theirs and the countersigning managers'.
* **Countersigning** is for a prison or case manager of the responsible agency who neither
  wrote nor submitted the plan.
* A session's **facilitator** records it (if they still see the person), as planners do.
"""

from django.db.models import Q, QuerySet

from alliance.accounts.access import profile_for
from alliance.accounts.models import Role
from alliance.assessments.access import countersign_agency_ids
from alliance.core import audit
from alliance.core.compartments import Compartment, DataCategory
from alliance.core.policy import NO_GRANT, Grant, get_for_user
from alliance.people.access import (
    HOLDING_AGENCY_ROLES,
    RECORD_KEEPER_ROLES,
    SECTOR_COMPARTMENTS,
    Action,
    compartment_holders,
    get_person_for_user,
    managed_person_ids,
    open_team_scopes,
    person_grant,
    person_scope,
    refuse,
    visible_condition,
)

from .models import (
    AllianceMeasure,
    Enrolment,
    Offer,
    Plan,
    PlanStatus,
    Session,
    StageOfChange,
)

FINAL_PLAN = [PlanStatus.COUNTERSIGNED, PlanStatus.SUPERSEDED]


class PlanAction:
    VIEW = "view"
    EDIT = "edit"  # goals, steps, summary, the person's position; submit (a draft)
    COUNTERSIGN = "countersign"  # countersign or return (a submitted plan)
    REVISE = "revise"  # open the next version (of the current plan)
    REVIEW = "review"  # record a review (of the current plan)


class WorkAction:
    """What may be done with a person's engagement records (enrolments, sessions, offers)."""

    VIEW = "view"
    MANAGE = "manage"  # enrol, schedule, record offers and refusals, end an enrolment
    RECORD = "record"  # record what happened at a session
    VIEW_NOTE = "view_note"  # the session note, the rationale: the treatment compartment


# --- the rules, stated once ----------------------------------------------------------------------

def _planning_agency_ids(user) -> set[int]:
    """Agencies where the user plans for the people the agency is responsible for: record
    keepers there, and the treatment sector's staff."""
    return {g.agency_id for g in profile_for(user).grants_with(*HOLDING_AGENCY_ROLES)
            if g.roles & RECORD_KEEPER_ROLES or g.sector == "treatment"}


def planner_condition(user, via: str = "person__") -> Q:
    """People whose plan and engagement `user` organises, as a filter."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    return (Q(**{f"{via}responsible_agency_id__in": sorted(_planning_agency_ids(user))})
            | Q(**{f"{via}pk__in": managed_person_ids(user)}))


def is_planner(user, person, grant: Grant) -> bool:
    """The same rule as `planner_condition`, for one person the user sees."""
    return grant.can(Action.VIEW) and _plans_for(user, person)


def holds(grant: Grant, compartment: str) -> bool:
    return compartment in grant.compartments


def _team_share(user, model) -> QuerySet:
    return model.objects.filter(visible_condition(user, "person__")).filter(
        compartment_holders(user, DataCategory.PLAN_PROGRESS, "person__"))


def _plans_for(user, person) -> bool:
    """`planner_condition`, decided for one person."""
    return (person.responsible_agency_id in _planning_agency_ids(user)
            or person.pk in managed_person_ids(user))


# --- plans ---------------------------------------------------------------------------------------

class PlanPolicy:
    object_type = "plans.plan"

    def visible(self, user) -> QuerySet[Plan]:
        reviewing = (Q(status=PlanStatus.SUBMITTED)
                     & Q(person__responsible_agency_id__in=sorted(countersign_agency_ids(user))))
        return _team_share(user, Plan).filter(
            Q(status__in=FINAL_PLAN) | planner_condition(user) | reviewing)

    def for_person(self, user, person) -> QuerySet[Plan]:
        """`visible(user).filter(person=person)`, the person's part decided in memory."""
        plans = Plan.objects.filter(person_scope(user, person, DataCategory.PLAN_PROGRESS))
        if _plans_for(user, person):
            return plans
        statuses = set(FINAL_PLAN)
        if person.responsible_agency_id in countersign_agency_ids(user):
            statuses.add(PlanStatus.SUBMITTED)
        return plans.filter(status__in=sorted(statuses))

    def grant(self, user, plan) -> Grant:
        return self.grant_on_person(user, plan, person_grant(user, plan.person))

    def grant_on_person(self, user, plan, person: Grant) -> Grant:
        if not person.can(Action.VIEW) or not holds(person, DataCategory.PLAN_PROGRESS):
            return NO_GRANT
        planner = is_planner(user, plan.person, person)
        countersigner = (plan.status == PlanStatus.SUBMITTED
                         and plan.person.responsible_agency_id in countersign_agency_ids(user))
        if plan.status not in FINAL_PLAN and not planner and not countersigner:
            return NO_GRANT
        actions = {PlanAction.VIEW}
        if planner and plan.status == PlanStatus.DRAFT:
            actions.add(PlanAction.EDIT)
        if planner and plan.status == PlanStatus.COUNTERSIGNED:
            actions |= {PlanAction.REVISE, PlanAction.REVIEW}
        if countersigner and user.pk not in {plan.author_id, plan.submitted_by_id}:
            actions.add(PlanAction.COUNTERSIGN)
        return Grant(person.compartments, frozenset(actions), person.agency)

    def person_of(self, plan):
        return plan.person


# --- enrolments, sessions, offers, stages: the case team's share ---------------------------------

def work_grant(user, person, grant: Grant) -> Grant:
    """What `user` may do with a person's engagement records, given their grant on the person."""
    if not grant.can(Action.VIEW) or not holds(grant, DataCategory.PLAN_PROGRESS):
        return NO_GRANT
    actions = {WorkAction.VIEW}
    if is_planner(user, person, grant):
        actions |= {WorkAction.MANAGE, WorkAction.RECORD}
    if holds(grant, Compartment.TREATMENT):
        actions.add(WorkAction.VIEW_NOTE)
    return Grant(grant.compartments, frozenset(actions), grant.agency)


class _TeamSharePolicy:
    """A record of a person's engagement that the case team sees whole (the treatment parts are
    cut by the grant's VIEW_NOTE)."""

    model = None

    def visible(self, user) -> QuerySet:
        return _team_share(user, self.model)

    def for_person(self, user, person) -> QuerySet:
        """`visible(user).filter(person=person)`, the person's part decided in memory."""
        return self.model.objects.filter(
            person_scope(user, person, DataCategory.PLAN_PROGRESS))

    def grant(self, user, obj) -> Grant:
        return work_grant(user, obj.person, person_grant(user, obj.person))

    def person_of(self, obj):
        return obj.person


class EnrolmentPolicy(_TeamSharePolicy):
    object_type = "plans.enrolment"
    model = Enrolment


class SessionPolicy(_TeamSharePolicy):
    object_type = "plans.session"
    model = Session

    def grant(self, user, session) -> Grant:
        return self.grant_on_person(user, session, person_grant(user, session.person))

    def grant_on_person(self, user, session, person: Grant) -> Grant:
        grant = work_grant(user, session.person, person)
        if grant is NO_GRANT or WorkAction.RECORD in grant.actions:
            return grant
        # The facilitator (e.g. a community provider on the team) records their own sessions.
        if session.facilitator_id == user.pk:
            return Grant(grant.compartments, grant.actions | {WorkAction.RECORD}, grant.agency)
        return grant


class OfferPolicy(_TeamSharePolicy):
    object_type = "plans.offer"
    model = Offer


class StagePolicy(_TeamSharePolicy):
    object_type = "plans.stageofchange"
    model = StageOfChange


class AllianceMeasurePolicy:
    """Working-alliance measures are the treatment compartment's, whole."""

    object_type = "plans.alliancemeasure"

    def visible(self, user) -> QuerySet[AllianceMeasure]:
        return AllianceMeasure.objects.filter(visible_condition(user, "person__")).filter(
            compartment_holders(user, Compartment.TREATMENT, "person__"))

    def for_person(self, user, person) -> QuerySet[AllianceMeasure]:
        """`visible(user).filter(person=person)`, the person's part decided in memory."""
        return AllianceMeasure.objects.filter(person_scope(user, person, Compartment.TREATMENT))

    def grant(self, user, measure) -> Grant:
        person = person_grant(user, measure.person)
        if not person.can(Action.VIEW) or not holds(person, Compartment.TREATMENT):
            return NO_GRANT
        return Grant(person.compartments, frozenset({WorkAction.VIEW}), person.agency)

    def person_of(self, measure):
        return measure.person


plans = PlanPolicy()
enrolments = EnrolmentPolicy()
sessions = SessionPolicy()
offers = OfferPolicy()
stages = StagePolicy()
alliance_measures = AllianceMeasurePolicy()


# --- the one way in ------------------------------------------------------------------------------

def get_plan_for_user(user, plan_uuid, action: str = PlanAction.VIEW) -> tuple[Plan, Grant]:
    """The plan and grant: 404 when not visible, 403 when the action is not allowed."""
    plan, grant = get_for_user(plans, user, plan_uuid, action, queryset=Plan.objects.select_related(
        "person__jurisdiction", "person__responsible_agency", "author", "submitted_by",
        "countersigned_by", "assessment__instrument_version", "previous")
        .defer("assessment__instrument_version__definition"))
    audit.consulted(actor=user, obj=plan, agency=grant.agency)
    return plan, grant


def get_enrolment_for_user(user, enrolment_uuid, action: str = WorkAction.VIEW):
    enrolment, grant = get_for_user(
        enrolments, user, enrolment_uuid, action, queryset=Enrolment.objects.select_related(
            "person__jurisdiction", "person__responsible_agency", "intervention__provider",
            "practitioner"))
    audit.consulted(actor=user, obj=enrolment, agency=grant.agency)
    return enrolment, grant


def get_session_for_user(user, session_uuid, action: str = WorkAction.VIEW):
    session, grant = get_for_user(
        sessions, user, session_uuid, action, queryset=Session.objects.select_related(
            "person__jurisdiction", "person__responsible_agency", "enrolment__intervention",
            "facilitator", "recorded_by"))
    audit.consulted(actor=user, obj=session, agency=grant.agency)
    return session, grant


def get_alliance_measure_for_user(user, measure_uuid):
    measure, grant = get_for_user(
        alliance_measures, user, measure_uuid, WorkAction.VIEW,
        queryset=AllianceMeasure.objects.select_related(
            "person", "practitioner", "instrument_version__instrument", "enrolment__intervention")
        .defer("instrument_version__definition"))
    audit.consulted(actor=user, obj=measure, agency=grant.agency)
    return measure, grant


def get_person_for_plan_work(user, person_uuid, action: str = WorkAction.VIEW):
    """The person and the user's engagement grant on them (404 not visible; 403 without the
    case team's share, or without the action)."""
    person, grant = get_person_for_user(user, person_uuid, Action.VIEW)
    work = work_grant(user, person, grant)
    if not work.can(action):
        refuse(user, person_uuid, person=person, action=action, not_found=False,
               object_type="people.person")
    return person, work


def get_person_for_treatment(user, person_uuid):
    """The person, if the user holds their treatment compartment (alliance measures, stage of
    change rationale): 404 not visible, 403 otherwise."""
    person, grant = get_person_for_user(user, person_uuid, Action.VIEW)
    if not holds(grant, Compartment.TREATMENT):
        refuse(user, person_uuid, person=person, action="treatment", not_found=False,
               object_type="people.person")
    return person, work_grant(user, person, grant)


# --- the catalogue -------------------------------------------------------------------------------

def catalogue_jurisdiction_ids(user) -> set[int]:
    """Jurisdictions whose intervention catalogue the user keeps: prison managers of an agency
    there. (System administrators keep it in the admin.)"""
    return {g.agency.jurisdiction_id for g in profile_for(user).grants_with(Role.PRISON_MANAGER)}


# --- the working alliance across people ----------------------------------------------------------

def can_see_alliance_trends(user) -> bool:
    """Whether the user holds the treatment compartment for anyone (a treatment-sector place in
    a holding agency, or a treatment scope on an open case team), the people's rule
    (people/access.py): the per-practitioner alliance trends and their menu entry."""
    if not user.is_authenticated or not user.is_active:
        return False
    if any(Compartment.TREATMENT in SECTOR_COMPARTMENTS.get(g.sector, set())
           for g in profile_for(user).grants_with(*HOLDING_AGENCY_ROLES)):
        return True
    return any(Compartment.TREATMENT in scopes for scopes in open_team_scopes(user).values())
