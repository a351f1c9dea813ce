"""Scoped reads for "My work", the notifications page, the API and the navigation counts.

Lists start from the policies in access.py; every response that shows people's references is
logged here, once, as a consultation naming exactly the references shown.
"""

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from django.contrib.auth import get_user_model
from django.db.models import Case, IntegerField, Subquery, Value, When
from django.utils import timezone

from alliance.accounts.models import Role
from alliance.core import audit
from alliance.core.models import AuditAction
from alliance.core.pagination import bounded_page
from alliance.people.models import IDENTITY_FIELDS, Person

from . import registry
from .access import notifications_visible_to, tasks_assigned_to
from .models import Notification, Task, TaskStatus

MY_WORK_LIMIT = 200
NOTIFICATIONS_PAGE_SIZE = 50
WEEK = datetime.timedelta(days=7)
# Lists of tasks and notifications show a person's reference, never their name: the encrypted
# identity is left undecrypted (a manager's "My work" holds up to 200 rows, five fields each).
_UNSHOWN = tuple(f"person__{name}" for name in IDENTITY_FIELDS)


class Due:
    """The due-date buckets of "My work" (and of the API's ?due= filter)."""

    OVERDUE = "overdue"
    TODAY = "today"
    WEEK = "week"  # the next seven days after today
    LATER = "later"
    ALL = (OVERDUE, TODAY, WEEK, LATER)


def due_bucket(due_on: datetime.date, today: datetime.date) -> str:
    if due_on < today:
        return Due.OVERDUE
    if due_on == today:
        return Due.TODAY
    if due_on <= today + WEEK:
        return Due.WEEK
    return Due.LATER


def due_filter(due: str, today: datetime.date) -> dict:
    """Queryset filter arguments for a due bucket."""
    return {Due.OVERDUE: {"due_on__lt": today}, Due.TODAY: {"due_on": today},
            Due.WEEK: {"due_on__gt": today, "due_on__lte": today + WEEK},
            Due.LATER: {"due_on__gt": today + WEEK}}.get(due, {})


class Whose:
    ALL = "all"
    MINE = "mine"
    ROLE = "role"
    CHOICES = (ALL, MINE, ROLE)


def tasks_for_list(user, *, status: str = TaskStatus.OPEN, due: str = "", whose: str = Whose.ALL,
                   today: datetime.date | None = None):
    """The user's own and their roles' tasks, with what a list shows, soonest due first."""
    today = today or timezone.localdate()
    qs = tasks_assigned_to(user).select_related("person", "assignee_agency").defer(*_UNSHOWN)
    if status:
        qs = qs.filter(status=status)
    if whose == Whose.MINE:
        qs = qs.filter(assignee=user)
    elif whose == Whose.ROLE:
        qs = qs.filter(assignee__isnull=True)
    return qs.filter(**due_filter(due, today)).order_by("due_on", "id")


@dataclass(frozen=True)
class TaskRow:
    """A task with what a list shows beside it for one reader, in their language (nothing is
    hung on the model instance); other attributes are the task's own."""

    task: Task
    title: str
    link: str | None
    bucket: str
    overdue: bool
    mine: bool
    role_label: str

    def __getattr__(self, name):
        return getattr(self.task, name)


@dataclass(frozen=True)
class NotificationRow:
    notification: Notification
    text: str
    link: str | None

    def __getattr__(self, name):
        return getattr(self.notification, name)


def decorate_tasks(tasks, user, today: datetime.date) -> list[TaskRow]:
    """Title, link, due bucket and assignee label, in the reader's language."""
    roles = dict(Role.choices)
    rows = []
    for task in tasks:
        bucket = due_bucket(task.due_on, today)
        rows.append(TaskRow(task, registry.task_title(task), registry.task_url(task), bucket,
                            task.is_open and bucket == Due.OVERDUE, task.assignee_id == user.pk,
                            str(roles.get(task.assignee_role, task.assignee_role))))
    return rows


def log_consultation(user, rows, resource: str, **details) -> None:
    """One audit event per response, naming the references of the people the rows show: those
    they are about, and those only named by reference in a row about nobody the reader sees (a
    referral to their agency, an invitation to a case conference), found in one query."""
    persons = {row.person.pk: row.person for row in rows if row.person is not None}
    named = {row.params.get("reference") for row in rows
             if row.person is None and (row.params or {}).get("reference")}
    if named:
        for person in Person.objects.filter(reference__in=sorted(named)):
            persons.setdefault(person.pk, person)
    persons = list(persons.values())
    audit.consulted(actor=user, action=AuditAction.LIST, persons=persons,
                    details={"resource": resource, **details})


@dataclass
class MyWork:
    sections: list = field(default_factory=list)  # [(code, tasks)] in Due.ALL order
    total: int = 0
    shown: int = 0


def my_work(user, *, whose: str = Whose.ALL, today: datetime.date | None = None) -> MyWork:
    """The open tasks of "My work" by due bucket (at most MY_WORK_LIMIT, soonest first),
    logged as one consultation."""
    today = today or timezone.localdate()
    qs = tasks_for_list(user, whose=whose, today=today)
    tasks = decorate_tasks(list(qs[:MY_WORK_LIMIT]), user, today)
    total = len(tasks) if len(tasks) < MY_WORK_LIMIT else qs.count()
    log_consultation(user, tasks, "my_work", whose=whose)
    return MyWork(sections=[(code, [t for t in tasks if t.bucket == code]) for code in Due.ALL],
                  total=total, shown=len(tasks))


def decorate_notifications(notifications) -> list[NotificationRow]:
    return [NotificationRow(n, registry.notification_text(n), registry.notification_url(n))
            for n in notifications]


def notifications_for_list(user, *, unread_only: bool = False):
    """The user's notifications, unread first, newest first."""
    qs = notifications_visible_to(user).select_related("person").defer(*_UNSHOWN)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.annotate(read=Case(When(read_at__isnull=True, then=Value(0)), default=Value(1),
                                 output_field=IntegerField())).order_by("read", "-created_at",
                                                                        "-id")


def notifications_page(user, page_number=1):
    """One page of the user's notifications, logged as one consultation."""
    page = bounded_page(notifications_for_list(user), page_number, NOTIFICATIONS_PAGE_SIZE)
    rows = decorate_notifications(list(page.object_list))
    log_consultation(user, rows, "notifications", page=page.number)
    return page, rows


class _Count(Subquery):
    """COUNT(*) of a queryset, as a column of another query."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) counted)"
    output_field = IntegerField()

    def __init__(self, queryset, **extra):
        # Unordered: a count needs no sort (the models' default ordering would add one).
        super().__init__(queryset.order_by(), **extra)


class WorkCounts:
    """The navigation's counts: open tasks due today or overdue, and unread notifications. One
    query for both, run only if a template shows them (htmx partials usually do not)."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def _counts(self) -> tuple[int, int]:
        due = tasks_assigned_to(self.user).filter(
            status=TaskStatus.OPEN, due_on__lte=timezone.localdate()).values("pk")
        unread = notifications_visible_to(self.user).filter(read_at__isnull=True).values("pk")
        return get_user_model().objects.filter(pk=self.user.pk).annotate(
            due=_Count(due), unread=_Count(unread)).values_list("due", "unread").get()

    @property
    def due_tasks(self) -> int:
        return self._counts[0]

    @property
    def unread(self) -> int:
        return self._counts[1]

    @property
    def total(self) -> int:
        return self.due_tasks + self.unread


def open_task(*, source, kind: str):
    """The open task of `kind` that came from `source`, if any (for modules keeping their tasks
    in line with their own records; not a list shown to anyone)."""
    return Task.objects.filter(source_type=source._meta.label_lower, source_uuid=source.uuid,
                               kind=kind, status=TaskStatus.OPEN).first()
