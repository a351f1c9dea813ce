"""The assessments module's work: reassessments due, countersignature waiting, assessments
returned — created and closed through the work app's services as the workflow moves."""

import datetime

import pytest

from alliance.accounts.models import Membership
from alliance.assessments import services as assessment_services
from alliance.assessments import work as assessment_work
from alliance.assessments.models import AssessmentDue
from alliance.work.models import Notification, Task

from .conftest import submit

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def _open(kind):
    return Task.objects.filter(kind=kind, status="open")


def test_submitting_opens_a_task_for_the_prison_managers_and_tells_them(assessing):
    assessment = submit(assessing)
    task = _open("countersignature_waiting").get()
    assert (task.assignee, task.assignee_agency, task.assignee_role) == (
        None, assessing.prison_a, "prison_manager")
    assert task.source_uuid == assessment.uuid and task.created_by == assessing.treatment_a
    note = Notification.objects.get(kind="countersignature_waiting")
    assert note.recipient == assessing.manager_a and note.target_uuid == assessment.uuid
    assert note.params == {"reference": assessing.person_a.reference}


def test_countersigning_closes_it(assessing):
    assessment = submit(assessing)
    assessment_services.assessment_countersign(actor=assessing.manager_a, assessment=assessment,
                                               expected_version=None)
    task = Task.objects.get(kind="countersignature_waiting")
    assert task.status == "done" and task.closed_by == assessing.manager_a


def test_returning_closes_it_and_tells_the_assessors(assessing):
    assessment = submit(assessing)
    assessment_services.assessment_return(actor=assessing.manager_a, assessment=assessment,
                                          comments="Secret comment", expected_version=None)
    assert not _open("countersignature_waiting").exists()
    note = Notification.objects.get(kind="assessment_returned")
    assert note.recipient == assessing.treatment_a
    assert "Secret comment" not in str(note.params)


def test_a_due_reassessment_is_the_lead_assessors_task(assessing):
    due_on = TODAY + datetime.timedelta(days=12)
    assessment_services.mark_reassessment_due(person=assessing.person_a,
                                              reason="significant_event", compartment="security",
                                              detail="observation_escalated", due_on=due_on)
    task = _open("reassessment_due").get()
    assert task.assignee == assessing.treatment_a and task.due_on == due_on
    assert task.person == assessing.person_a
    # Not yet due: nobody is notified until it is.
    assert not Notification.objects.filter(kind="reassessment_due").exists()


def test_without_an_assessment_it_is_the_treatment_officers_task(world):
    assessment_services.mark_reassessment_due(person=world.person_a, reason="significant_event",
                                              compartment="treatment", due_on=TODAY)
    task = _open("reassessment_due").get()
    assert (task.assignee_agency, task.assignee_role) == (world.prison_a, "treatment_officer")
    note = Notification.objects.get(kind="reassessment_due")
    assert note.recipient == world.treatment_a
    assert note.params == {"reference": world.person_a.reference, "due_on": TODAY.isoformat()}


def test_an_inactive_lead_assessor_gives_way_to_the_role(assessing):
    Membership.objects.filter(user=assessing.treatment_a).update(is_active=False)
    assessment_services.mark_reassessment_due(person=assessing.person_a,
                                              reason="significant_event", compartment="treatment",
                                              due_on=TODAY)
    task = _open("reassessment_due").get()
    assert task.assignee is None and task.assignee_role == "treatment_officer"


def test_a_due_date_far_ahead_is_no_task_yet(world):
    assessment_services.mark_reassessment_due(person=world.person_a, reason="interval",
                                              compartment="treatment",
                                              due_on=TODAY + datetime.timedelta(days=60))
    assert not Task.objects.exists()
    # The daily job opens it once it comes within 30 days.
    assessment_work.daily_reassessments(TODAY + datetime.timedelta(days=31))
    assert _open("reassessment_due").get().due_on == TODAY + datetime.timedelta(days=60)


def test_an_earlier_due_date_moves_the_task(assessing):
    assessment_services.mark_reassessment_due(person=assessing.person_a, reason="interval",
                                              compartment="treatment",
                                              due_on=TODAY + datetime.timedelta(days=20))
    assessment_services.mark_reassessment_due(person=assessing.person_a,
                                              reason="significant_event", compartment="security",
                                              detail="observation_escalated", due_on=TODAY)
    task = _open("reassessment_due").get()
    assert task.due_on == TODAY and task.version == 2
    assert Notification.objects.filter(kind="reassessment_due").count() == 1


def test_a_newer_countersigned_assessment_closes_the_task(assessing):
    assessment_services.mark_reassessment_due(person=assessing.person_a,
                                              reason="significant_event", compartment="treatment",
                                              due_on=TODAY)
    task = _open("reassessment_due").get()
    assessment_services.assessment_countersign(actor=assessing.manager_a,
                                               assessment=submit(assessing),
                                               expected_version=None)
    task.refresh_from_db()
    assert task.status == "done"
    assert AssessmentDue.objects.get(person=assessing.person_a).due_on > TODAY
    assert not _open("reassessment_due").exists()
    # The daily job agrees, and creates nothing.
    assert assessment_work.daily_reassessments(TODAY) == 0
    assert not _open("reassessment_due").exists()


def test_the_daily_function_closes_a_task_once_an_assessment_was_countersigned(assessing):
    assessment_services.mark_reassessment_due(person=assessing.person_a,
                                              reason="significant_event", compartment="treatment",
                                              due_on=TODAY)
    task = _open("reassessment_due").get()
    # Countersigned behind the services' back (an import, say): the daily job notices.
    assessment = submit(assessing)
    type(assessment).objects.filter(pk=assessment.pk).update(
        status="countersigned", countersigned_at=task.created_at + datetime.timedelta(seconds=1))
    assert assessment_work.daily_reassessments(TODAY) == 2  # closed, and a new task opened
    task.refresh_from_db()
    assert task.status == "done"
