"""Who sees and does what with tasks and notifications (the core/policy.py shape).

Tasks: a user sees the tasks assigned to them, to a role they hold in the task's agency, and the
tasks they created for someone else (to follow them up) — and of those only the ones about
people they may see now, or about no person. Only the assignee, or a holder of the assigned
role in that agency, may mark a task done. Notifications: the recipient's own, nobody else's.
"""

from django.db.models import Q, QuerySet

from alliance.accounts.access import profile_for
from alliance.core.policy import NO_GRANT, Grant, get_for_user
from alliance.people.access import Action, persons, visible_condition

from .models import Notification, Task


class TaskAction:
    VIEW = "view"
    MARK_DONE = "mark_done"


class NotificationAction:
    VIEW = "view"
    MARK_READ = "mark_read"


def _active(user) -> bool:
    return user.is_authenticated and user.is_active


def role_condition(user) -> Q:
    """Tasks assigned to a role the user holds in that agency (no query: the profile is
    loaded once per request)."""
    condition = Q(pk__in=[])
    for grant in profile_for(user).grants:
        if grant.roles:
            condition |= Q(assignee_agency_id=grant.agency_id,
                           assignee_role__in=sorted(grant.roles))
    return condition


def assigned_condition(user) -> Q:
    """Tasks the user may do: their own and their roles'."""
    return Q(assignee=user) | role_condition(user)


def is_assignee(user, task) -> bool:
    if not _active(user):
        return False
    if task.assignee_id is not None:
        return task.assignee_id == user.pk
    return any(g.agency_id == task.assignee_agency_id and task.assignee_role in g.roles
               for g in profile_for(user).grants)


class TaskPolicy:
    object_type = "work.task"

    def visible(self, user) -> QuerySet[Task]:
        if not _active(user):
            return Task.objects.none()
        return Task.objects.filter(assigned_condition(user) | Q(created_by=user)).filter(
            Q(person__isnull=True) | visible_condition(user, "person__"))

    def grant(self, user, task) -> Grant:
        """The same rule as `visible`, for one task: view it if it is yours, your role's or
        one you created, about someone you see (or no one); mark it done if it is yours or
        your role's."""
        if not _active(user):
            return NO_GRANT
        mine = is_assignee(user, task)
        if not mine and task.created_by_id != user.pk:
            return NO_GRANT
        if task.person_id is not None and not persons.grant(user, task.person).can(Action.VIEW):
            return NO_GRANT
        actions = {TaskAction.VIEW, TaskAction.MARK_DONE} if mine else {TaskAction.VIEW}
        return Grant(actions=frozenset(actions), agency=task.assignee_agency)

    def person_of(self, task):
        return task.person


class NotificationPolicy:
    object_type = "work.notification"

    def visible(self, user) -> QuerySet[Notification]:
        if not _active(user):
            return Notification.objects.none()
        return Notification.objects.filter(recipient=user)

    def grant(self, user, notification) -> Grant:
        if not _active(user) or notification.recipient_id != user.pk:
            return NO_GRANT
        return Grant(actions=frozenset({NotificationAction.VIEW, NotificationAction.MARK_READ}))

    def person_of(self, notification):
        return notification.person


task_policy = TaskPolicy()
notification_policy = NotificationPolicy()


def tasks_visible_to(user) -> QuerySet[Task]:
    return task_policy.visible(user)


def tasks_assigned_to(user) -> QuerySet[Task]:
    """The user's worklist: visible tasks that are theirs or their roles' to do."""
    return task_policy.visible(user).filter(assigned_condition(user))


def notifications_visible_to(user) -> QuerySet[Notification]:
    return notification_policy.visible(user)


def get_task_for_user(user, task_uuid, action: str = TaskAction.VIEW):
    """(task, grant): 404 when not visible, 403 when visible but the action not allowed."""
    return get_for_user(task_policy, user, task_uuid, action,
                        queryset=Task.objects.select_related("person", "assignee_agency"))


def get_notification_for_user(user, notification_uuid,
                              action: str = NotificationAction.VIEW):
    return get_for_user(notification_policy, user, notification_uuid, action,
                        queryset=Notification.objects.select_related("person"))
