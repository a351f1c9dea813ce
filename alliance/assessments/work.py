"""What the assessments module puts in people's work (alliance.work): tasks, notifications and
its daily function. Registered from apps.py; the event functions are called by services.py at
the end of each workflow step, inside its transaction.

* reassessment_due (task): for a person whose assessment is due within HORIZON or overdue, to
  the lead assessor of their latest assessment (else the treatment officers of the responsible
  agency), with the due date; done once a newer assessment is countersigned. A notification
  tells the assignees when it becomes due.
* countersignature_waiting (task and notification): the prison managers of the responsible
  agency, when an assessment is submitted; the task closes when it is countersigned or returned.
* assessment_returned (notification): the assessors, when a manager returns their assessment.

Parameters are the person's reference and dates only: never a due reason's detail, evidence or
comments, which belong to compartments.
"""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliance.accounts.models import Role
from alliance.people.access import persons_visible_to
from alliance.people.models import Person
from alliance.work import registry
from alliance.work import selectors as work_selectors
from alliance.work import services as work
from alliance.work.models import Task, TaskStatus

from .models import FINAL, Assessment, AssessmentDue

REASSESSMENT_DUE = "reassessment_due"
COUNTERSIGNATURE_WAITING = "countersignature_waiting"
ASSESSMENT_RETURNED = "assessment_returned"

HORIZON = datetime.timedelta(days=30)  # as the assessments worklist
COUNTERSIGN_WITHIN = datetime.timedelta(days=7)
FALLBACK_ROLE = Role.TREATMENT_OFFICER
COUNTERSIGN_ROLE = Role.PRISON_MANAGER


def _person_page(obj) -> str:
    person_uuid = obj.person.uuid if obj.person_id else getattr(obj, "target_uuid", None)
    return reverse("people:detail", args=[person_uuid]) + "#assessments-h"


def _assessment_page_of_task(task) -> str:
    return reverse("assessments:detail", args=[task.source_uuid])


def _assessment_page_of_notification(notification) -> str:
    return reverse("assessments:detail", args=[notification.target_uuid])


def register() -> None:
    registry.register_task_kind(
        REASSESSMENT_DUE, label=_("Reassessment due for %(reference)s"), url=_person_page)
    registry.register_task_kind(
        COUNTERSIGNATURE_WAITING, label=_("Countersign the assessment of %(reference)s"),
        url=_assessment_page_of_task)
    registry.register_notification_kind(
        REASSESSMENT_DUE, label=_("The reassessment of %(reference)s is due on %(due_on)s."),
        params=("reference", "due_on"), url=_person_page)
    registry.register_notification_kind(
        COUNTERSIGNATURE_WAITING,
        label=_("An assessment of %(reference)s is waiting for countersignature."),
        url=_assessment_page_of_notification)
    registry.register_notification_kind(
        ASSESSMENT_RETURNED,
        label=_("The assessment of %(reference)s was returned to you with comments."),
        url=_assessment_page_of_notification)
    registry.register_daily("assessments.reassessment_due", daily_reassessments)


# --- reassessments -----------------------------------------------------------------------------

def _assignment(person) -> dict:
    """The lead assessor of the person's latest assessment, if they can still work with the
    person; else the role that does assessments in the agency responsible for them."""
    latest = (Assessment.objects.filter(person=person).select_related("lead_assessor")
              .order_by("-created_at", "-id").first())
    lead = latest.lead_assessor if latest else None
    if lead is not None and lead.is_active and \
            persons_visible_to(lead).filter(pk=person.pk).exists():
        return {"assignee": lead}
    return {"agency": person.responsible_agency, "role": FALLBACK_ROLE}


def _assessed_since(person, moment) -> bool:
    return Assessment.objects.filter(person=person, status__in=FINAL,
                                     countersigned_at__gt=moment).exists()


@transaction.atomic
def sync_reassessment(person, *, today: datetime.date, actor=None) -> int:
    """Bring the person's reassessment task in line with their AssessmentDue row: close it once
    a newer assessment is countersigned (or nothing is due within HORIZON any more); else
    ensure it, with the due date; and when it is due, tell its assignees (once per due date).
    Idempotent. Returns how many tasks and notifications it created or changed."""
    changed = 0
    current = work_selectors.open_task(source=person, kind=REASSESSMENT_DUE)
    due = AssessmentDue.objects.filter(person=person).first()
    if current is not None and (_assessed_since(person, current.created_at) or due is None
                                or due.due_on > today + HORIZON):
        work.task_close(source=person, kind=REASSESSMENT_DUE, actor=actor)
        changed, current = changed + 1, None
    if due is None or due.due_on > today + HORIZON:
        return changed
    task = work.task_ensure(kind=REASSESSMENT_DUE, source=person, person=person,
                            due_on=due.due_on, params={"reference": person.reference},
                            created_by=actor, **_assignment(person))
    if current is None or current.version != task.version:
        changed += 1
    if due.due_on <= today:
        changed += len(work.notify_assignees(
            task=task, kind=REASSESSMENT_DUE, target=person, actor=actor,
            params={"reference": person.reference, "due_on": due.due_on},
            occurrence=due.due_on.isoformat()))
    return changed


def daily_reassessments(today: datetime.date) -> int:
    """The daily function: every person due within HORIZON or overdue, and every person whose
    reassessment task is still open (to close the ones that are no longer due)."""
    due_ids = set(AssessmentDue.objects.filter(due_on__lte=today + HORIZON)
                  .values_list("person_id", flat=True))
    open_ids = set(Task.objects.filter(kind=REASSESSMENT_DUE, status=TaskStatus.OPEN,
                                       person__isnull=False).values_list("person_id", flat=True))
    changed = 0
    persons = Person.objects.filter(pk__in=due_ids | open_ids).select_related(
        "responsible_agency").order_by("pk")
    for person in persons.iterator(chunk_size=500):
        changed += sync_reassessment(person, today=today)
    return changed


def on_due_changed(due, actor) -> None:
    """AssessmentDue changed (a trigger, a screening referral, a countersignature)."""
    sync_reassessment(due.person, today=timezone.localdate(), actor=actor)


# --- the countersignature workflow -------------------------------------------------------------

def _reference(assessment) -> dict:
    return {"reference": assessment.person.reference}


def on_submitted(assessment, actor) -> None:
    """Submitted: a task for the prison managers of the responsible agency, and a notification
    to each of them who is not one of its assessors."""
    person = assessment.person
    work.task_ensure(kind=COUNTERSIGNATURE_WAITING, source=assessment, person=person,
                     agency=person.responsible_agency, role=COUNTERSIGN_ROLE,
                     due_on=timezone.localdate() + COUNTERSIGN_WITHIN,
                     params=_reference(assessment), created_by=actor)
    work.notify_role(agency=person.responsible_agency, role=COUNTERSIGN_ROLE,
                     kind=COUNTERSIGNATURE_WAITING, person=person, target=assessment,
                     params=_reference(assessment), actor=actor,
                     exclude=assessment.participants.values_list("user_id", flat=True))


def on_returned(assessment, actor) -> None:
    """Returned: the countersignature task is done; the assessors are told."""
    work.task_close(source=assessment, kind=COUNTERSIGNATURE_WAITING, actor=actor)
    for participant in assessment.participants.select_related("user"):
        work.notify(recipient=participant.user, kind=ASSESSMENT_RETURNED,
                    person=assessment.person, target=assessment, params=_reference(assessment),
                    actor=actor)


def on_countersigned(assessment, actor) -> None:
    """Countersigned: the countersignature task is done (the reassessment task follows the due
    date, see on_due_changed)."""
    work.task_close(source=assessment, kind=COUNTERSIGNATURE_WAITING, actor=actor)
