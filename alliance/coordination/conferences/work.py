"""What case conferences put in people's work (alliance.work): tasks, notifications and the daily
function. Registered from apps.py; the event functions are called by the services inside their
transaction. Parameters are references and dates only, never what was said.

* conference_attend (task): each attendee, due the day of the conference; moved with it, done
  when the minutes say they attended (cancelled otherwise, or with the conference).
* conference_invited / conference_cancelled (notifications): the attendees.
* conference_action (task) and conference_action_assigned (notification): an action's owner,
  due the action's date; closed when the action is done or dropped.
* conference_minutes (task): the chair, when the minutes are still not recorded a week after
  the conference (the daily function); closed when they are, or the conference is cancelled.

A task is about the person (and so in the person's worklists) only when its assignee sees the
person; an attendee from another agency who is not on the case team gets it by reference, about
no person, and its link leads to the conference, which they see.
"""

import datetime
import uuid

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliance.people.access import persons_visible_to
from alliance.work import registry
from alliance.work import services as work
from alliance.work.models import Task, TaskStatus

from ..models import Attendee, CaseConference, ConferenceStatus

CONFERENCE_ATTEND = "conference_attend"
CONFERENCE_ACTION = "conference_action"
CONFERENCE_MINUTES = "conference_minutes"
CONFERENCE_INVITED = "conference_invited"
CONFERENCE_CANCELLED = "conference_cancelled"
CONFERENCE_ACTION_ASSIGNED = "conference_action_assigned"

MINUTES_AFTER = datetime.timedelta(days=7)


def _conference_page(obj) -> str:
    """A task names its conference in its parameters (its source is the invitation); a
    notification and the minutes task have the conference as their target or source."""
    params = getattr(obj, "params", None) or {}
    conference = params.get("conference") or getattr(obj, "target_uuid", None) \
        or obj.source_uuid
    return reverse("coordination:conference_detail", args=[conference])


def _action_page(obj) -> str:
    return reverse("coordination:action_close",
                   args=[getattr(obj, "source_uuid", None) or obj.target_uuid])


def register() -> None:
    registry.register_task_kind(
        CONFERENCE_ATTEND, label=_("Case conference about %(reference)s on %(due_on)s"),
        params=("reference", "due_on", "conference"), url=_conference_page)
    registry.register_task_kind(
        CONFERENCE_ACTION, label=_("Conference action for %(reference)s, due on %(due_on)s"),
        params=("reference", "due_on"), url=_action_page)
    registry.register_task_kind(
        CONFERENCE_MINUTES, label=_("Record the minutes of the case conference about "
                                    "%(reference)s of %(held_on)s"),
        params=("reference", "held_on"), url=_conference_page)
    registry.register_notification_kind(
        CONFERENCE_INVITED, label=_("You are invited to a case conference about %(reference)s "
                                    "on %(held_on)s."),
        params=("reference", "held_on"), url=_conference_page)
    registry.register_notification_kind(
        CONFERENCE_CANCELLED, label=_("The case conference about %(reference)s on "
                                      "%(held_on)s was cancelled."),
        params=("reference", "held_on"), url=_conference_page)
    registry.register_notification_kind(
        CONFERENCE_ACTION_ASSIGNED, label=_("A case conference gave you an action for "
                                            "%(reference)s, due on %(due_on)s."),
        params=("reference", "due_on"), url=_action_page)
    registry.register_daily("coordination.conferences", minutes_due)


class _Invitation:
    """The source of one attendee's task: one open task per attendee and conference (the work
    app keeps one open task of a kind per source). Its uuid is derived from the conference's and
    the user's, so the same invitation always finds its task."""

    _meta = Attendee._meta

    def __init__(self, conference, user):
        self.uuid = uuid.uuid5(conference.uuid, str(user.uuid))


def _about(person, user):
    """The person, if `user` sees them; else None (the task is by reference only)."""
    return person if persons_visible_to(user).filter(pk=person.pk).exists() else None


def _day(conference) -> datetime.date:
    return timezone.localtime(conference.scheduled_for).date()


def attendance_ensure(conference, users, *, actor, notify: bool = True) -> None:
    """Each attendee's task, due the day of the conference (created, or moved with it); and
    the invitation, for those newly invited (not the one who scheduled it)."""
    person, day = conference.person, _day(conference)
    for user in users:
        work.task_ensure(kind=CONFERENCE_ATTEND, source=_Invitation(conference, user),
                         person=_about(person, user), assignee=user, due_on=day,
                         params={"reference": person.reference, "due_on": day,
                                 "conference": str(conference.uuid)}, created_by=actor)
        if notify and user.pk != getattr(actor, "pk", None):
            work.notify(recipient=user, kind=CONFERENCE_INVITED, person=_about(person, user),
                        target=conference, actor=actor,
                        params={"reference": person.reference, "held_on": day})


def attendance_close(conference, attendees, *, actor) -> None:
    """The minutes are in: each attendee's task done if they came, cancelled if not; the
    reminder to record the minutes done."""
    for attendee in attendees:
        work.task_close(source=_Invitation(conference, attendee.user), kind=CONFERENCE_ATTEND,
                        actor=actor,
                        status=TaskStatus.DONE if attendee.attended else TaskStatus.CANCELLED)
    work.task_close(source=conference, kind=CONFERENCE_MINUTES, actor=actor)


def cancelled(conference, *, actor) -> None:
    """Every attendee's task cancelled, and each told (but the one who cancelled)."""
    person, day = conference.person, _day(conference)
    for attendee in conference.attendees.select_related("user"):
        work.task_close(source=_Invitation(conference, attendee.user), kind=CONFERENCE_ATTEND,
                        status=TaskStatus.CANCELLED, actor=actor)
        if attendee.user_id != actor.pk:
            work.notify(recipient=attendee.user, kind=CONFERENCE_CANCELLED,
                        person=_about(person, attendee.user), target=conference, actor=actor,
                        params={"reference": person.reference, "held_on": day})
    work.task_close(source=conference, kind=CONFERENCE_MINUTES, status=TaskStatus.CANCELLED,
                    actor=actor)


def minutes_task_cancel(conference, *, actor) -> None:
    """The conference moved: a reminder to record its minutes is premature."""
    work.task_close(source=conference, kind=CONFERENCE_MINUTES, status=TaskStatus.CANCELLED,
                    actor=actor)


def action_assigned(action, *, actor) -> None:
    """The owner's task for the action, and a word to them (unless they gave it themselves)."""
    person = action.person
    about = _about(person, action.owner)
    work.task_ensure(kind=CONFERENCE_ACTION, source=action, person=about, assignee=action.owner,
                     due_on=action.due_on, created_by=actor,
                     params={"reference": person.reference, "due_on": action.due_on})
    if action.owner_id != actor.pk:
        work.notify(recipient=action.owner, kind=CONFERENCE_ACTION_ASSIGNED, person=about,
                    target=action, actor=actor,
                    params={"reference": person.reference, "due_on": action.due_on})


def action_closed(action, *, done: bool, actor) -> None:
    work.task_close(source=action, kind=CONFERENCE_ACTION, actor=actor,
                    status=TaskStatus.DONE if done else TaskStatus.CANCELLED)


def minutes_due(today: datetime.date) -> int:
    """The chair's reminder for every conference still without minutes a week after it was
    due to be held. Idempotent (one open task per conference)."""
    cutoff = timezone.make_aware(datetime.datetime.combine(today - MINUTES_AFTER,
                                                           datetime.time.max))
    made = 0
    late = (CaseConference.objects.filter(status=ConferenceStatus.SCHEDULED,
                                          scheduled_for__lte=cutoff)
            .select_related("person", "chair").order_by("pk"))
    for conference in late.iterator(chunk_size=200):
        if not conference.chair.is_active:
            continue
        day = _day(conference)
        before = Task.objects.filter(source_uuid=conference.uuid, kind=CONFERENCE_MINUTES,
                                          status=TaskStatus.OPEN).exists()
        work.task_ensure(kind=CONFERENCE_MINUTES, source=conference,
                         person=_about(conference.person, conference.chair),
                         assignee=conference.chair, due_on=day + MINUTES_AFTER,
                         params={"reference": conference.person.reference, "held_on": day})
        made += int(not before)
    return made
