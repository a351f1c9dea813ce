"""Every write to tasks and notifications. Modules create and close tasks only through
`task_ensure` and `task_close`, and tell users things only through `notify`.

All of them are atomic and write their audit event in the same transaction; none stores text in
a language or anything from a compartment (registry.clean_params).
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alliance.accounts.models import Membership, Role
from alliance.core import audit
from alliance.core.errors import check_version
from alliance.core.models import AuditAction
from alliance.people.access import persons_visible_to

from . import registry
from .access import TaskAction, task_policy
from .models import ALLOWED_TRANSITIONS, Notification, Task, TaskStatus


def _source(obj) -> tuple[str, object]:
    return obj._meta.label_lower, obj.uuid


def _actor(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


# --- assignment rules --------------------------------------------------------------------------

def _team_agency_ids(person) -> set[int]:
    """The agencies of the current members of the person's open case team. (Reached through
    the person's reverse relations: the cases app sits above this one and will create tasks.)"""
    return {member.agency_id for case in person.cases.filter(status="open").prefetch_related("team")
            for member in case.team.all() if member.ended_at is None}


def check_assignment(*, person, assignee=None, agency=None, role: str = "") -> None:
    """Refuse, with the reason, an assignment to someone who could not do the task: exactly one
    of a user or a role in an agency; about a person, the user must see them (their case team
    or the agency responsible for them), and the agency must be the responsible one or on the
    person's open case team."""
    if (assignee is None) == (agency is None or not role):
        raise ValidationError(_("Assign the task to one user, or to a role in an agency."))
    if assignee is not None:
        if not assignee.is_active:
            raise ValidationError({"assignee": _("%(user)s can no longer sign in, so cannot "
                                                 "be given a task.") % {"user": assignee}})
        if person is not None and not persons_visible_to(assignee).filter(pk=person.pk).exists():
            raise ValidationError({"assignee": _(
                "%(user)s is neither on the case team of %(reference)s nor in the agency "
                "responsible for them, so cannot be given this task.") % {
                "user": assignee, "reference": person.reference}})
        return
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role: %(role)s") % {"role": role}})
    if person is not None and agency.pk != person.responsible_agency_id \
            and agency.pk not in _team_agency_ids(person):
        raise ValidationError({"agency": _(
            "%(agency)s is neither responsible for %(reference)s nor on their case team, so "
            "its staff cannot be given this task.") % {"agency": agency,
                                                       "reference": person.reference}})


# --- tasks -------------------------------------------------------------------------------------

@transaction.atomic
def task_ensure(*, kind: str, source, due_on: datetime.date, person=None, assignee=None,
                agency=None, role: str = "", params=None, created_by=None) -> Task:
    """The open task of this kind for this source, created or brought up to date.

    Idempotent: at most one task of a kind is open per source (a partial unique constraint);
    ensuring it again with the same values changes nothing and writes nothing, a changed due
    date, assignee or parameter updates it (and is audited)."""
    task_kind = registry.task_kind(kind)
    params = registry.clean_params(task_kind, params)
    check_assignment(person=person, assignee=assignee, agency=agency, role=role)
    source_type, source_uuid = _source(source)
    wanted = {"person": person, "assignee": assignee, "assignee_agency": None if assignee
              else agency, "assignee_role": "" if assignee else role, "due_on": due_on,
              "params": params}
    open_tasks = Task.objects.select_for_update().filter(
        source_type=source_type, source_uuid=source_uuid, kind=kind, status=TaskStatus.OPEN)
    task = open_tasks.first()
    if task is None:
        try:
            with transaction.atomic():
                task = Task.objects.create(kind=kind, source_type=source_type,
                                           source_uuid=source_uuid, created_by=_actor(created_by),
                                           **wanted)
        except IntegrityError:
            # Another request created it between our read and our insert: update theirs.
            task = open_tasks.first()
            if task is None:
                raise
        else:
            audit.record(actor=created_by, action=AuditAction.CREATE, obj=task, person=person,
                         details=_audit_details(task))
            return task
    changed = sorted(name for name, value in wanted.items()
                     if _value(getattr(task, name)) != _value(value))
    if changed:
        for name, value in wanted.items():
            setattr(task, name, value)
        task.version += 1
        task.save()
        audit.record(actor=created_by, action=AuditAction.CHANGE, obj=task, person=person,
                     details={**_audit_details(task), "fields": changed})
    return task


def _value(value):
    return value.pk if hasattr(value, "pk") else value


def _audit_details(task) -> dict:
    return {"kind": task.kind, "due_on": task.due_on.isoformat(), "status": task.status,
            "assignee": task.assignee.get_username() if task.assignee else "",
            "agency": task.assignee_agency.name if task.assignee_agency else "",
            "role": task.assignee_role, "source": f"{task.source_type}:{task.source_uuid}"}


def _close(task, *, status: str, actor) -> Task:
    if status not in ALLOWED_TRANSITIONS[TaskStatus(task.status)]:
        raise ValidationError(_("This task is already %(status)s.") % {
            "status": task.get_status_display().lower()})
    task.status = status
    task.closed_at, task.closed_by = timezone.now(), _actor(actor)
    task.version += 1
    task.save()
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=task, person=task.person,
                 details={"kind": task.kind, "status": status})
    return task


@transaction.atomic
def task_close(*, source, kind: str | None = None, status: str = TaskStatus.DONE,
               actor=None) -> list[Task]:
    """Close the open tasks that came from `source` (of `kind`, or of every kind) as done or
    cancelled. Closing what is already closed is a no-op."""
    if status not in (TaskStatus.DONE, TaskStatus.CANCELLED):
        raise ValueError(f"a task is closed as done or cancelled, not {status!r}")
    source_type, source_uuid = _source(source)
    tasks = Task.objects.select_for_update(of=("self",)).filter(
        source_type=source_type, source_uuid=source_uuid, status=TaskStatus.OPEN)
    if kind is not None:
        tasks = tasks.filter(kind=kind)
    return [_close(task, status=status, actor=actor)
            for task in tasks.select_related("person", "assignee", "assignee_agency")]


@transaction.atomic
def task_done(*, actor, task, expected_version: int | None) -> Task:
    """A user marks their task done: only its assignee, or a holder of the assigned role in
    that agency (else 403); a stale version is a Conflict (409)."""
    # Checked on the locked row, with its person as they are now.
    locked = Task.objects.select_for_update(of=("self",)).select_related("person").get(pk=task.pk)
    if not task_policy.grant(actor, locked).can(TaskAction.MARK_DONE):
        raise PermissionDenied(_("Only the person the task is assigned to, or a holder of its "
                                 "role in that agency, may mark it done."))
    check_version(locked, expected_version)
    return _close(locked, status=TaskStatus.DONE, actor=actor)


# --- notifications -----------------------------------------------------------------------------

@transaction.atomic
def notify(*, recipient, kind: str, person=None, target=None, params=None,
           occurrence: str = "", actor=None) -> Notification | None:
    """Tell `recipient` that something happened. Only the kind's allowed, short parameters are
    stored (a reference, dates), never compartment content; `target` is the object whose own
    page the notification links to; `actor`, whose action caused it (None: the system). With an
    `occurrence` (e.g. a due date), the same notification is sent once: sending it again
    returns None."""
    notification_kind = registry.notification_kind(kind)
    params = registry.clean_params(notification_kind, params)
    if not recipient.is_active:
        return None
    target_type, target_uuid = _source(target) if target is not None else ("", None)
    if occurrence and Notification.objects.filter(
            recipient=recipient, kind=kind, target_type=target_type, target_uuid=target_uuid,
            occurrence=occurrence).exists():
        return None
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient, kind=kind, person=person, params=params,
                target_type=target_type, target_uuid=target_uuid, occurrence=occurrence[:40])
    except IntegrityError:
        if occurrence:  # sent by a concurrent run in the meantime
            return None
        raise
    audit.record(actor=actor, action=AuditAction.CREATE, obj=notification, person=person,
                 details={"kind": kind, "recipient": recipient.get_username(),
                          "target": f"{target_type}:{target_uuid or ''}"})
    return notification


@transaction.atomic
def notification_read(*, actor, notification) -> Notification:
    """The recipient marks a notification read (again: no change)."""
    if notification.recipient_id != actor.pk:
        raise PermissionDenied(_("This notification is not yours."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at", "updated_at"])
        audit.record(actor=actor, action=AuditAction.CHANGE, obj=notification,
                     person=notification.person, details={"read": True})
    return notification


@transaction.atomic
def notifications_read_all(*, actor) -> int:
    """The recipient marks all their unread notifications read. Returns how many."""
    unread = list(Notification.objects.select_for_update().filter(
        recipient=actor, read_at__isnull=True))
    now = timezone.now()
    for notification in unread:
        notification.read_at = now
    Notification.objects.bulk_update(unread, ["read_at"])
    if unread:
        audit.record(actor=actor, action=AuditAction.CHANGE, object_type="work.notification",
                     details={"read": True, "count": len(unread),
                              "notifications": [str(n.uuid) for n in unread]})
    return len(unread)


def role_holders(agency, role: str) -> list:
    """The active users who hold `role` in `agency` now."""
    memberships = Membership.objects.filter(agency=agency, is_active=True,
                                            user__is_active=True).select_related("user")
    return sorted((m.user for m in memberships if role in m.roles), key=lambda u: u.pk)


def notify_role(*, agency, role: str, kind: str, person=None, target=None, params=None,
                occurrence: str = "", actor=None, exclude=()) -> list[Notification]:
    """Tell every holder of a role in an agency (but the users in `exclude`); see `notify`."""
    excluded = {getattr(u, "pk", u) for u in exclude}
    sent = [notify(recipient=user, kind=kind, person=person, target=target, params=params,
                   occurrence=occurrence, actor=actor)
            for user in role_holders(agency, role) if user.pk not in excluded]
    return [n for n in sent if n is not None]


def notify_assignees(*, task, kind: str, target=None, params=None, occurrence: str = "",
                     actor=None) -> list[Notification]:
    """Tell whoever may do `task` (its user, or every holder of its role there)."""
    if task.assignee_id is not None:
        sent = notify(recipient=task.assignee, kind=kind, person=task.person, target=target,
                      params=params, occurrence=occurrence, actor=actor)
        return [sent] if sent is not None else []
    return notify_role(agency=task.assignee_agency, role=task.assignee_role, kind=kind,
                       person=task.person, target=target, params=params,
                       occurrence=occurrence, actor=actor)
