"""What the release module puts in people's work (alliance.work): tasks, notifications and its
daily functions. Registered from apps.py; the event functions are called by the services inside
their transaction. Parameters are references and dates only, never compartment content.

* release_step_due (task): the step's agency (the role that does steps there, see
  `ROLE_FOR_AGENCY_TYPE`), from `task_within_days` before the due date; its due date follows
  the step's; closed when the step is done or not applicable.
* release_step_overdue (notification): the case manager, once per due date.
* handover_waiting (task and notification): the receiving agency's members on the case team.
* handover_acknowledged (notification): the sender. handover_withdrawn: the receivers.
* follow_up_due (task): the follow-up's agency, a week before it is due; closed when recorded.
* follow_up_concern (notification): the case manager, when a follow-up reports a new offence or
  re-engagement with violent groups.
* breach_recorded (notification): the case manager.
"""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliance.accounts.models import Role
from alliance.plans.work import case_manager
from alliance.work import registry
from alliance.work import services as work
from alliance.work.models import TaskStatus

RELEASE_STEP_DUE = "release_step_due"
RELEASE_STEP_OVERDUE = "release_step_overdue"
HANDOVER_WAITING = "handover_waiting"
HANDOVER_ACKNOWLEDGED = "handover_acknowledged"
HANDOVER_WITHDRAWN = "handover_withdrawn"
FOLLOW_UP_DUE = "follow_up_due"
FOLLOW_UP_CONCERN = "follow_up_concern"
BREACH_RECORDED = "breach_recorded"

FOLLOW_UP_TASK_WITHIN = datetime.timedelta(days=7)
HANDOVER_WITHIN = datetime.timedelta(days=7)

ROLE_FOR_AGENCY_TYPE = {
    "prison": Role.CASE_MANAGER,
    "probation": Role.PROBATION_OFFICER,
    "ministry_division": Role.REINTEGRATION_OFFICER,
    "municipality": Role.COMMUNITY_PROVIDER,
    "community_provider": Role.COMMUNITY_PROVIDER,
}


def _uuid(obj):
    return getattr(obj, "source_uuid", None) or obj.target_uuid


def _step_page(obj) -> str:
    return reverse("release:step", args=[_uuid(obj)])


def _handover_page(obj) -> str:
    return reverse("release:handover", args=[_uuid(obj)])


def _follow_up_page(obj) -> str:
    return reverse("release:follow_up", args=[_uuid(obj)])


def _support_plan_page(obj) -> str:
    return reverse("release:support_plan", args=[obj.person.uuid])


def register() -> None:
    from .services import follow_ups, steps

    registry.register_task_kind(
        RELEASE_STEP_DUE, label=_("Pre-release step for %(reference)s, due on %(due_on)s"),
        params=("reference", "due_on"), url=_step_page)
    registry.register_notification_kind(
        RELEASE_STEP_OVERDUE, label=_("A pre-release step for %(reference)s is overdue (due on "
                                      "%(due_on)s)."),
        params=("reference", "due_on"), url=_step_page)
    registry.register_task_kind(
        HANDOVER_WAITING, label=_("Acknowledge the handover of %(reference)s"),
        url=_handover_page)
    registry.register_notification_kind(
        HANDOVER_WAITING, label=_("The handover of %(reference)s is waiting for your agency's "
                                  "acknowledgement."), url=_handover_page)
    registry.register_notification_kind(
        HANDOVER_ACKNOWLEDGED, label=_("The handover of %(reference)s was acknowledged."),
        url=_handover_page)
    registry.register_notification_kind(
        HANDOVER_WITHDRAWN, label=_("The handover of %(reference)s was withdrawn."),
        url=_handover_page)
    registry.register_task_kind(
        FOLLOW_UP_DUE, label=_("Follow-up with %(reference)s, due on %(due_on)s"),
        params=("reference", "due_on"), url=_follow_up_page)
    registry.register_notification_kind(
        FOLLOW_UP_CONCERN, label=_("A follow-up with %(reference)s raised a concern."),
        url=_follow_up_page)
    registry.register_notification_kind(
        BREACH_RECORDED, label=_("A breach of supervision by %(reference)s was recorded."),
        url=_support_plan_page)
    registry.register_daily("release.steps", steps.daily_steps)
    registry.register_daily("release.follow_ups", follow_ups.daily_follow_ups)
    registry.register_daily("release.retained_access", _daily_retained_access)


def _daily_retained_access(today: datetime.date) -> int:
    from alliance.people.services import retained_access_expire

    return retained_access_expire(today)


def _reference(person) -> dict:
    return {"reference": person.reference}


def _team_agency_ids(person) -> set[int]:
    return {member.agency_id for case in person.cases.filter(status="open")
            for member in case.team.filter(ended_at__isnull=True)}


def assignment(person, agency, team_ids: set[int] | None = None) -> dict:
    """Who gets the task of something that falls to `agency`: the role that does such work
    there, if the agency may be given the person's tasks (responsible, or on the case team —
    `team_ids` when the caller knows them); else the case manager, who passes it on."""
    if team_ids is None:
        team_ids = _team_agency_ids(person)
    if agency.pk == person.responsible_agency_id or agency.pk in team_ids:
        return {"agency": agency, "role": ROLE_FOR_AGENCY_TYPE.get(agency.type,
                                                                   Role.CASE_MANAGER)}
    manager = case_manager(person)
    if manager is not None:
        return {"assignee": manager}
    return {"agency": person.responsible_agency, "role": Role.CASE_MANAGER}


def _tell_case_manager(person, kind, target, actor, params=None, occurrence="") -> None:
    params = params or _reference(person)
    manager = case_manager(person)
    if manager is not None:
        work.notify(recipient=manager, kind=kind, person=person, target=target, params=params,
                    actor=actor, occurrence=occurrence)
    else:
        work.notify_role(agency=person.responsible_agency, role=Role.CASE_MANAGER, kind=kind,
                         person=person, target=target, params=params, actor=actor,
                         occurrence=occurrence)


# --- steps ---------------------------------------------------------------------------------------

def _step_params(step) -> dict:
    return {**_reference(step.person), "due_on": step.due_on}


def sync_step_task(step, *, today: datetime.date, within_days: int, actor=None,
                   wanted: dict | None = None) -> int:
    """The step's task: open from `within_days` before the due date while the step is to do,
    following its due date and agency (an open task follows a date moved later too); closed
    otherwise. Idempotent; 1 when something changed."""
    from .models import StepStatus

    if step.status != StepStatus.PENDING:
        closed = work.task_close(source=step, kind=RELEASE_STEP_DUE, actor=actor,
                                 status=TaskStatus.DONE if step.status == StepStatus.DONE
                                 else TaskStatus.CANCELLED)
        return int(bool(closed))
    before = _open_task_version(step, RELEASE_STEP_DUE)
    if before is None and step.due_on > today + datetime.timedelta(days=within_days):
        return 0
    task = work.task_ensure(kind=RELEASE_STEP_DUE, source=step, person=step.person,
                            due_on=step.due_on, params=_step_params(step), created_by=actor,
                            **(wanted or assignment(step.person, step.agency)))
    return int(before != task.version)


def _unchanged(task, step, wanted: dict) -> bool:
    """Whether the open task already says what `sync_step_task` would write."""
    if "assignee" in wanted:
        who = task.assignee_id == wanted["assignee"].pk
    else:
        who = (task.assignee_id is None and task.assignee_agency_id == wanted["agency"].pk
               and task.assignee_role == wanted["role"])
    params = {k: v.isoformat() if isinstance(v, datetime.date) else v
              for k, v in _step_params(step).items()}
    return who and task.due_on == step.due_on and task.params == params


def sync_step_tasks(steps, *, today: datetime.date, within_days: int, team_ids: set[int],
                    actor=None) -> int:
    """`sync_step_task` for one person's steps, reading their open tasks in one query and
    writing only where something changes (the daily job's no-op run stays cheap)."""
    from alliance.work.models import Task

    from .models import StepStatus

    horizon = today + datetime.timedelta(days=within_days)
    open_tasks = {t.source_uuid: t for t in Task.objects.filter(
        kind=RELEASE_STEP_DUE, status=TaskStatus.OPEN, source_uuid__in=[s.uuid for s in steps])}
    changed = 0
    for step in steps:
        task = open_tasks.get(step.uuid)
        if step.status != StepStatus.PENDING:
            if task is not None:
                changed += sync_step_task(step, today=today, within_days=within_days,
                                          actor=actor)
            continue
        if task is None and step.due_on > horizon:
            continue
        wanted = assignment(step.person, step.agency, team_ids)
        if task is not None and _unchanged(task, step, wanted):
            continue
        changed += sync_step_task(step, today=today, within_days=within_days, actor=actor,
                                  wanted=wanted)
    return changed


def close_ended_step_tasks(*, episode=None, actor=None) -> int:
    """Cancel the open tasks of steps whose custody ended (a release, a transfer to another
    prison): nobody does a pre-release step after the release. Idempotent; how many closed."""
    from alliance.work.models import Task

    from .models import ReleaseStep

    waiting = Task.objects.filter(kind=RELEASE_STEP_DUE, status=TaskStatus.OPEN)
    steps = ReleaseStep.objects.filter(episode__is_current=False,
                                       uuid__in=waiting.values("source_uuid"))
    if episode is not None:
        steps = steps.filter(episode=episode)
    return sum(len(work.task_close(source=step, kind=RELEASE_STEP_DUE, actor=actor,
                                   status=TaskStatus.CANCELLED))
               for step in steps.order_by("pk"))


def _open_task_version(source, kind):
    from alliance.work.models import Task

    return Task.objects.filter(source_uuid=source.uuid, kind=kind, status=TaskStatus.OPEN) \
        .values_list("version", flat=True).first()


def on_step_overdue(step) -> int:
    """Tell the case manager once per due date that a step is overdue (one query when they
    were told already). 1 when told now."""
    from alliance.work.models import Notification

    occurrence = step.due_on.isoformat()
    told = Notification.objects.filter(kind=RELEASE_STEP_OVERDUE, target_uuid=step.uuid,
                                       occurrence=occurrence)
    if told.exists():
        return 0
    _tell_case_manager(step.person, RELEASE_STEP_OVERDUE, step, None,
                       params={**_reference(step.person), "due_on": step.due_on},
                       occurrence=occurrence)
    return int(told.exists())  # 0 when nobody holds the role there to be told


# --- handovers -----------------------------------------------------------------------------------

def _receivers(handover) -> list:
    """The receiving agency's members on the person's open case team, still active."""
    return [member.user for case in handover.person.cases.filter(status="open")
            for member in case.team.filter(ended_at__isnull=True, agency=handover.to_agency)
            .select_related("user") if member.user.is_active]


def on_handover_sent(handover, actor) -> None:
    person = handover.person
    receivers = _receivers(handover)
    target = {"assignee": receivers[0]} if receivers else {
        "agency": handover.to_agency,
        "role": ROLE_FOR_AGENCY_TYPE.get(handover.to_agency.type, Role.PROBATION_OFFICER)}
    work.task_ensure(kind=HANDOVER_WAITING, source=handover, person=person,
                     due_on=timezone.localdate() + HANDOVER_WITHIN, params=_reference(person),
                     created_by=actor, **target)
    for user in receivers:
        if user.pk != actor.pk:
            work.notify(recipient=user, kind=HANDOVER_WAITING, person=person, target=handover,
                        params=_reference(person), actor=actor)


def on_handover_acknowledged(handover, actor) -> None:
    work.task_close(source=handover, kind=HANDOVER_WAITING, actor=actor)
    if handover.sent_by_id != actor.pk:
        work.notify(recipient=handover.sent_by, kind=HANDOVER_ACKNOWLEDGED,
                    person=handover.person, target=handover,
                    params=_reference(handover.person), actor=actor)


def on_handover_withdrawn(handover, actor) -> None:
    work.task_close(source=handover, kind=HANDOVER_WAITING, actor=actor,
                    status=TaskStatus.CANCELLED)
    for user in _receivers(handover):
        if user.pk != actor.pk:
            work.notify(recipient=user, kind=HANDOVER_WITHDRAWN, person=handover.person,
                        target=handover, params=_reference(handover.person), actor=actor)


# --- after release -------------------------------------------------------------------------------

def sync_follow_up_task(follow_up, *, today: datetime.date, actor=None) -> int:
    from .models import FollowUpStatus

    if follow_up.status != FollowUpStatus.SCHEDULED:
        return int(bool(work.task_close(
            source=follow_up, kind=FOLLOW_UP_DUE, actor=actor,
            status=TaskStatus.DONE if follow_up.status == FollowUpStatus.HELD
            else TaskStatus.CANCELLED)))
    if follow_up.due_on > today + FOLLOW_UP_TASK_WITHIN:
        return 0
    before = _open_task_version(follow_up, FOLLOW_UP_DUE)
    task = work.task_ensure(kind=FOLLOW_UP_DUE, source=follow_up, person=follow_up.person,
                            due_on=follow_up.due_on,
                            params={**_reference(follow_up.person), "due_on": follow_up.due_on},
                            created_by=actor, **assignment(follow_up.person, follow_up.agency))
    return int(before != task.version)


def on_follow_up_concern(follow_up, actor) -> None:
    _tell_case_manager(follow_up.person, FOLLOW_UP_CONCERN, follow_up, actor)


def on_breach(breach, person, actor) -> None:
    _tell_case_manager(person, BREACH_RECORDED, person, actor,
                       occurrence=str(breach.uuid)[:40])
