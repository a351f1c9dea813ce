"""What the plans module puts in people's work (alliance.work): tasks, notifications and its
daily function. Registered from apps.py; the event functions are called by the services inside
their transaction. Parameters are references and dates only, never compartment content.

* plan_countersignature_waiting (task and notification): the prison managers of the responsible
  agency when a plan is submitted; closed when it is countersigned or returned.
* plan_returned (notification): the plan's author, when a manager returns it.
* plan_review_due (task): the person's case manager (else the case managers of the responsible
  agency) when the current plan's review is within REVIEW_HORIZON; closed by a review or the
  next version.
* session_concern (task and notification): the case manager, when a session is flagged.
* alliance_measure_due (task): the enrolment's practitioner if they hold the person's treatment
  compartment (else the responsible agency's treatment officers), when the schedule says so or a
  rupture is suspected; closed by a measure for that enrolment, or the enrolment's end.
* refusal_pattern (notification): the case manager, when refusals make a pattern.
"""

import datetime

from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliance.accounts.models import Role
from alliance.cases.models import Case, CaseStatus
from alliance.core.compartments import Compartment
from alliance.people.access import person_grant
from alliance.work import registry
from alliance.work import services as work
from alliance.work.models import Task, TaskStatus

from .models import AllianceMeasure, Attendance, Plan, PlanStatus

PLAN_COUNTERSIGNATURE = "plan_countersignature_waiting"
PLAN_RETURNED = "plan_returned"
PLAN_REVIEW_DUE = "plan_review_due"
SESSION_CONCERN = "session_concern"
ALLIANCE_DUE = "alliance_measure_due"
REFUSAL_PATTERN = "refusal_pattern"

COUNTERSIGN_WITHIN = datetime.timedelta(days=7)
REVIEW_HORIZON = datetime.timedelta(days=14)
CONCERN_WITHIN = datetime.timedelta(days=2)
ALLIANCE_WITHIN = datetime.timedelta(days=7)


def _plan_page(obj) -> str:
    uuid = getattr(obj, "source_uuid", None) or obj.target_uuid
    return reverse("plans:plan", args=[uuid])


def _person_plan(obj) -> str:
    return reverse("people:detail", args=[obj.person.uuid]) + "#plan-h"


def _session_page(obj) -> str:
    uuid = getattr(obj, "source_uuid", None) or obj.target_uuid
    return reverse("plans:session", args=[uuid])


def _alliance_page(task) -> str:
    return (reverse("plans:alliance_record", args=[task.person.uuid])
            + f"?enrolment={task.source_uuid}")


def _engagement_page(obj) -> str:
    return reverse("people:detail", args=[obj.person.uuid]) + "#engagement-h"


def register() -> None:
    registry.register_task_kind(PLAN_COUNTERSIGNATURE,
                                label=_("Countersign the plan of %(reference)s"), url=_plan_page)
    registry.register_notification_kind(
        PLAN_COUNTERSIGNATURE, label=_("The plan of %(reference)s is waiting for "
                                       "countersignature."), url=_plan_page)
    registry.register_notification_kind(
        PLAN_RETURNED, label=_("The plan of %(reference)s was returned to you with comments."),
        url=_plan_page)
    registry.register_task_kind(PLAN_REVIEW_DUE, label=_("Review the plan of %(reference)s"),
                                url=_person_plan)
    registry.register_task_kind(SESSION_CONCERN,
                                label=_("A session with %(reference)s raised a concern"),
                                url=_session_page)
    registry.register_notification_kind(
        SESSION_CONCERN, label=_("A session with %(reference)s raised a concern."),
        url=_session_page)
    registry.register_task_kind(
        ALLIANCE_DUE, label=_("Take a working-alliance measure with %(reference)s"),
        url=_alliance_page)
    registry.register_notification_kind(
        REFUSAL_PATTERN, label=_("%(reference)s has refused %(count)s times in %(days)s days."),
        params=("reference", "count", "days"), url=_engagement_page)
    registry.register_daily("plans.plan_review_due", daily_plan_reviews)


def _reference(person) -> dict:
    return {"reference": person.reference}


def case_manager(person):
    """The case manager of the person's open case, if they can still work with the person."""
    case = (Case.objects.filter(person=person, status=CaseStatus.OPEN)
            .select_related("case_manager").first())
    manager = case.case_manager if case else None
    if manager is not None and manager.is_active and person_grant(manager, person).can("view"):
        return manager
    return None


def _to_case_manager(person) -> dict:
    manager = case_manager(person)
    if manager is not None:
        return {"assignee": manager}
    return {"agency": person.responsible_agency, "role": Role.CASE_MANAGER}


def _tell_case_manager(person, kind, target, params, actor, occurrence="") -> None:
    manager = case_manager(person)
    if manager is not None:
        work.notify(recipient=manager, kind=kind, person=person, target=target, params=params,
                    actor=actor, occurrence=occurrence)
    else:
        work.notify_role(agency=person.responsible_agency, role=Role.CASE_MANAGER, kind=kind,
                         person=person, target=target, params=params, actor=actor,
                         occurrence=occurrence)


# --- the plan ------------------------------------------------------------------------------------

def on_plan_submitted(plan, actor) -> None:
    person = plan.person
    work.task_ensure(kind=PLAN_COUNTERSIGNATURE, source=plan, person=person,
                     agency=person.responsible_agency, role=Role.PRISON_MANAGER,
                     due_on=timezone.localdate() + COUNTERSIGN_WITHIN,
                     params=_reference(person), created_by=actor)
    work.notify_role(agency=person.responsible_agency, role=Role.PRISON_MANAGER,
                     kind=PLAN_COUNTERSIGNATURE, person=person, target=plan,
                     params=_reference(person), actor=actor,
                     exclude=[plan.author_id, actor.pk])


def on_plan_returned(plan, actor) -> None:
    work.task_close(source=plan, kind=PLAN_COUNTERSIGNATURE, actor=actor)
    work.notify(recipient=plan.author, kind=PLAN_RETURNED, person=plan.person, target=plan,
                params=_reference(plan.person), actor=actor)


def on_plan_countersigned(plan, actor) -> None:
    work.task_close(source=plan, kind=PLAN_COUNTERSIGNATURE, actor=actor)
    sync_plan_review(plan, today=timezone.localdate(), actor=actor)


def on_plan_superseded(plan, actor) -> None:
    work.task_close(source=plan, kind=PLAN_REVIEW_DUE, actor=actor,
                    status=TaskStatus.CANCELLED)


def on_plan_reviewed(plan, actor) -> None:
    work.task_close(source=plan, kind=PLAN_REVIEW_DUE, actor=actor)
    sync_plan_review(plan, today=timezone.localdate(), actor=actor)


def sync_plan_review(plan, *, today: datetime.date, actor=None) -> int:
    """Ensure the review task of the current plan when its review is within REVIEW_HORIZON.
    Idempotent; returns 1 when it created or changed the task."""
    if plan.status != PlanStatus.COUNTERSIGNED or plan.next_review_on is None \
            or plan.next_review_on > today + REVIEW_HORIZON:
        return 0
    before = Task.objects.filter(source_uuid=plan.uuid, kind=PLAN_REVIEW_DUE,
                                 status=TaskStatus.OPEN).values_list("version", flat=True).first()
    task = work.task_ensure(kind=PLAN_REVIEW_DUE, source=plan, person=plan.person,
                            due_on=plan.next_review_on, params=_reference(plan.person),
                            created_by=actor, **_to_case_manager(plan.person))
    return int(before != task.version)


def daily_plan_reviews(today: datetime.date) -> int:
    """The daily function: every current plan whose review is within the horizon or overdue."""
    changed = 0
    due = (Plan.objects.filter(status=PlanStatus.COUNTERSIGNED,
                               next_review_on__lte=today + REVIEW_HORIZON)
           .select_related("person__responsible_agency").order_by("pk"))
    for plan in due.iterator(chunk_size=500):
        changed += sync_plan_review(plan, today=today)
    return changed


# --- sessions and engagement ---------------------------------------------------------------------

def on_session_concern(session, actor) -> None:
    person = session.person
    work.task_ensure(kind=SESSION_CONCERN, source=session, person=person,
                     due_on=timezone.localdate() + CONCERN_WITHIN, params=_reference(person),
                     created_by=actor, **_to_case_manager(person))
    _tell_case_manager(person, SESSION_CONCERN, session, _reference(person), actor)


def on_refusal_pattern(person, offer, actor) -> None:
    jurisdiction = person.jurisdiction
    _tell_case_manager(person, REFUSAL_PATTERN, person, {
        "reference": person.reference, "count": jurisdiction.refusal_pattern_count,
        "days": jurisdiction.refusal_pattern_days}, actor,
        occurrence=offer.offered_on.isoformat())


def _alliance_assignment(enrolment) -> dict:
    practitioner = enrolment.practitioner
    if practitioner.is_active and \
            Compartment.TREATMENT in person_grant(practitioner, enrolment.person).compartments:
        return {"assignee": practitioner}
    return {"agency": enrolment.person.responsible_agency, "role": Role.TREATMENT_OFFICER}


def alliance_due(*, attended: int, attended_since_last: int, measures: int, first_after: int,
                 every: int) -> bool:
    """Whether a scheduled working-alliance measure is due for an enrolment: after the first
    `first_after` attended sessions, then every `every` attended sessions since the last."""
    if measures == 0:
        return attended >= first_after
    return attended_since_last >= every


def alliance_counts(enrolment) -> dict:
    """Attended sessions of the enrolment, measures taken for it, and attended sessions since
    the last measure (two queries)."""
    measures = AllianceMeasure.objects.filter(enrolment=enrolment).aggregate(
        n=Count("pk"), last=Max("taken_on"))
    last = measures["last"]
    attended = enrolment.sessions.filter(attendance=Attendance.ATTENDED).aggregate(
        n=Count("pk"), since=Count("pk", filter=Q(scheduled_at__date__gt=last) if last
                                   else Q(pk__isnull=False)))
    return {"attended": attended["n"], "attended_since_last": attended["since"],
            "measures": measures["n"]}


def on_alliance_check(enrolment, actor, *, rupture: bool = False) -> None:
    """After an attended session (or a suspected rupture): ensure the measure's task when the
    jurisdiction's schedule says one is due."""
    jurisdiction = enrolment.person.jurisdiction
    due = rupture or alliance_due(first_after=jurisdiction.alliance_first_after_sessions,
                                  every=jurisdiction.alliance_every_sessions,
                                  **alliance_counts(enrolment))
    if due:
        work.task_ensure(kind=ALLIANCE_DUE, source=enrolment, person=enrolment.person,
                         due_on=timezone.localdate() + (datetime.timedelta(0) if rupture
                                                        else ALLIANCE_WITHIN),
                         params=_reference(enrolment.person), created_by=actor,
                         **_alliance_assignment(enrolment))


def on_alliance_recorded(enrolment, actor) -> None:
    work.task_close(source=enrolment, kind=ALLIANCE_DUE, actor=actor)


def on_enrolment_ended(enrolment, actor) -> None:
    work.task_close(source=enrolment, kind=ALLIANCE_DUE, actor=actor,
                    status=TaskStatus.CANCELLED)
