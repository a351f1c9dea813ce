"""The work app's own kinds: what any module (or, later, a user) may use without a kind of its
own — a follow-up about a person, and the notice that a task was assigned to someone."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import registry

FOLLOW_UP = "follow_up"
TASK_ASSIGNED = "task_assigned"


def _person_page(task) -> str | None:
    return reverse("people:detail", args=[task.person.uuid]) if task.person_id else None


def _my_work(notification) -> str:
    return reverse("work:my_work")


def register() -> None:
    registry.register_task_kind(FOLLOW_UP, label=_("Follow up on %(reference)s"),
                                url=_person_page)
    registry.register_notification_kind(
        TASK_ASSIGNED, label=_("New task about %(reference)s, due on %(due_on)s."),
        params=("reference", "due_on"), url=_my_work)
