"""Case conferences through their services: scheduling with a task per attendee, attendees
refused without an agreement, minutes with shared items logged as disclosures (refused when an
agreement does not cover them), actions as tasks carried over and closed by a follow-up, the
pre-release step completed, stale edits refused."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from alliance.coordination.conferences import services, work
from alliance.coordination.conferences.selectors import open_actions
from alliance.coordination.models import ActionStatus, ConferenceStatus
from alliance.core.errors import Conflict
from alliance.organisations.models import AgreementStatus
from alliance.people.models import Disclosure
from alliance.people.timeline import TimelineEvent
from alliance.work.models import Notification, Task, TaskStatus
from tests.factories import agreement
from tests.release import builders as release_builders

from . import builders

pytestmark = pytest.mark.django_db


def _tasks(kind, **filters):
    return Task.objects.filter(kind=kind, **filters)


def test_scheduling_gives_each_attendee_a_task_and_an_invitation(world):
    w = world
    conference = builders.schedule(w)
    tasks = _tasks(work.CONFERENCE_ATTEND, status=TaskStatus.OPEN)
    assert {t.assignee for t in tasks} == {w.manager_a, w.treatment_a, w.probation_officer}
    assert {t.due_on for t in tasks} == {builders.when().date()}
    # the probation officer does not see person A: their task is by reference only
    assert tasks.get(assignee=w.probation_officer).person is None
    assert tasks.get(assignee=w.treatment_a).person == w.person_a
    invited = Notification.objects.filter(kind=work.CONFERENCE_INVITED)
    assert {n.recipient for n in invited} == {w.treatment_a, w.probation_officer}
    assert {a.agency for a in conference.attendees.all()} == {w.prison_a, w.probation}
    assert TimelineEvent.objects.filter(person=w.person_a, kind="conference_scheduled").exists()


def test_it_refuses_an_attendee_whose_agency_has_no_agreement(world):
    w = world
    worker = builders.municipality(w)
    with pytest.raises(ValidationError) as refused:
        builders.schedule(w, attendees=[w.treatment_a, worker])
    message = " ".join(refused.value.message_dict["attendees"])
    assert "cannot attend" in message and "Municipality J1" in message
    assert not Task.objects.filter(kind=work.CONFERENCE_ATTEND).exists()


def test_it_refuses_an_attendee_once_the_agreement_is_terminated(world):
    w = world
    w.agreement.status = AgreementStatus.TERMINATED
    w.agreement.save()
    with pytest.raises(ValidationError, match="Probation J1"):
        builders.schedule(w)


def test_only_the_case_manager_or_a_record_keeper_schedules(world):
    with pytest.raises(PermissionDenied):
        builders.schedule(world, actor=world.treatment_a)


def test_it_needs_an_open_case(world):
    from alliance.cases import services as case_services

    w = world
    case_services.case_close(actor=w.manager_a, case=w.case_a, reason="Transferred",
                             expected_version=None)
    with pytest.raises(ValidationError, match="no open case"):
        builders.schedule(w)


def test_minutes_with_shared_items_log_a_disclosure_per_receiving_agency(world):
    w = world
    conference = builders.scheduled(w)
    builders.hold(w, conference, shared=[("plan_progress", "Attends the programme weekly"),
                                         ("release_support", "Housing arranged")])
    rows = Disclosure.objects.filter(person=w.person_a, channel="conference")
    assert rows.count() == 2  # two items, one agency other than prison A
    assert {tuple(r.categories) for r in rows} == {("plan_progress",), ("release_support",)}
    assert {r.recipient_agency for r in rows} == {w.probation}
    assert {r.agreement for r in rows} == {w.agreement}
    assert {r.recipient for r in rows} == {w.probation_officer}
    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.HELD
    assert conference.shared_items.count() == 2


def test_nothing_is_disclosed_to_an_agency_that_did_not_attend(world):
    w = world
    conference = builders.scheduled(w)
    builders.hold(w, conference, attended=[w.manager_a.pk, w.treatment_a.pk],
                  shared=[("security_summary", "No concerns")])
    assert not Disclosure.objects.filter(channel="conference").exists()


def test_a_shared_category_the_agreement_does_not_cover_is_refused(world):
    w = world
    w.agreement.status = AgreementStatus.TERMINATED
    w.agreement.save()
    agreement(w.prison_a, w.probation, categories=["case_team", "release_support"],
              created_by=w.admin)
    conference = builders.scheduled(w)
    with pytest.raises(ValidationError) as refused:
        builders.hold(w, conference, shared=[("security_summary", "Low concern")])
    message = " ".join(refused.value.message_dict["shared"])
    assert "Probation J1" in message and "Security summary" in message
    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.SCHEDULED
    assert not Disclosure.objects.filter(channel="conference").exists()
    # what it covers is fine
    builders.hold(w, conference, shared=[("release_support", "Housing arranged")])
    assert Disclosure.objects.filter(channel="conference").count() == 1


def test_an_action_without_an_owner_or_a_due_date_is_refused(world):
    w = world
    conference = builders.scheduled(w)
    with pytest.raises(ValidationError) as refused:
        builders.hold(w, conference, actions=[("Find a flat", None, None)])
    assert "needs an owner, a due date" in " ".join(refused.value.message_dict["actions"])


def test_an_action_owner_must_see_the_person_or_attend(world):
    w = world
    conference = builders.scheduled(w)
    with pytest.raises(ValidationError, match="neither sees"):
        builders.hold(w, conference, actions=[("Check", w.treatment_b,
                                               timezone.localdate())])


def test_actions_become_tasks_carry_over_and_close_by_follow_up(world):
    w = world
    action = builders.held_with_action(w)
    task = _tasks(work.CONFERENCE_ACTION, status=TaskStatus.OPEN).get()
    assert (task.assignee, task.due_on, task.source_uuid) == (w.treatment_a, action.due_on,
                                                              action.uuid)
    assert Notification.objects.filter(kind=work.CONFERENCE_ACTION_ASSIGNED,
                                       recipient=w.treatment_a).exists()
    # the attendance tasks are done with the minutes
    assert not _tasks(work.CONFERENCE_ATTEND, status=TaskStatus.OPEN).exists()
    # the next conference carries it over
    following = builders.schedule(w, days=30)
    assert open_actions(w.manager_a, w.person_a, exclude_conference=following) == [action]
    # followed up there: done, its task closed
    builders.hold(w, following, follow_ups=[(action, ActionStatus.DONE, "Enrolled")])
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    assert action.closed_at_conference == following
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert open_actions(w.manager_a, w.person_a) == []


def test_a_dropped_follow_up_needs_a_reason(world):
    w = world
    action = builders.held_with_action(w)
    following = builders.schedule(w, days=30)
    with pytest.raises(ValidationError, match="dropped"):
        builders.hold(w, following, follow_ups=[(action, ActionStatus.DROPPED, "")])


def test_the_owner_closes_an_action_from_their_worklist(world):
    w = world
    action = builders.held_with_action(w)
    with pytest.raises(PermissionDenied):
        services.action_close(actor=w.security_a, action=action, status=ActionStatus.DONE)
    services.action_close(actor=w.treatment_a, action=action, status=ActionStatus.DONE,
                          note="Enrolled")
    assert _tasks(work.CONFERENCE_ACTION).get().status == TaskStatus.DONE
    with pytest.raises(Conflict):
        services.action_close(actor=w.treatment_a, action=action, status=ActionStatus.DONE)


def test_a_stale_version_is_a_conflict(world):
    w = world
    conference = builders.scheduled(w)
    conference = services.conference_reschedule(actor=w.manager_a, conference=conference,
                                                expected_version=conference.version,
                                                scheduled_for=builders.when(9))
    stale = conference.version - 1
    with pytest.raises(Conflict):
        services.conference_record_minutes(actor=w.manager_a, conference=conference,
                                           expected_version=stale, held_on=timezone.localdate(),
                                           attended=[w.manager_a.pk])


def test_rescheduling_moves_the_tasks(world):
    w = world
    conference = builders.scheduled(w)
    services.conference_reschedule(actor=w.manager_a, conference=conference,
                                   expected_version=conference.version,
                                   scheduled_for=builders.when(12))
    assert {t.due_on for t in _tasks(work.CONFERENCE_ATTEND, status=TaskStatus.OPEN)} == {
        builders.when(12).date()}


def test_cancelling_cancels_the_tasks_and_tells_the_attendees(world):
    w = world
    conference = builders.scheduled(w)
    with pytest.raises(ValidationError):
        services.conference_cancel(actor=w.manager_a, conference=conference,
                                   expected_version=conference.version, reason="")
    services.conference_cancel(actor=w.manager_a, conference=conference,
                               expected_version=conference.version, reason="Chair ill")
    assert set(_tasks(work.CONFERENCE_ATTEND).values_list("status", flat=True)) == {
        TaskStatus.CANCELLED}
    assert {n.recipient for n in Notification.objects.filter(
        kind=work.CONFERENCE_CANCELLED)} == {w.treatment_a, w.probation_officer}
    with pytest.raises(ValidationError, match="cancelled"):
        builders.hold(w, conference)


def test_a_held_conference_completes_the_pre_release_step(world):
    w = release_builders.ensure_releasing(world)
    step = release_builders.steps_by_code(w)["case_conference"]
    assert step.status == "pending"
    conference = builders.scheduled(w)
    builders.hold(w, conference, days_ago=1)
    step.refresh_from_db()
    assert step.status == "done"
    assert step.completed_on == timezone.localdate() - datetime.timedelta(days=1)
    # a code and its parameters, written in each reader's language when shown
    assert (step.evidence, step.evidence_code) == ("", "conference_held")
    assert step.evidence_params == {"held_on": step.completed_on.isoformat(),
                                    "conference": str(conference.uuid)}
    assert str(conference.uuid) in step.evidence_text


def test_the_chair_is_reminded_of_minutes_not_recorded_a_week_on(world):
    w = world
    conference = builders.schedule(w, days=-8)
    assert work.minutes_due(timezone.localdate()) == 1
    assert work.minutes_due(timezone.localdate()) == 0  # idempotent
    task = _tasks(work.CONFERENCE_MINUTES).get()
    assert task.assignee == w.manager_a and task.status == TaskStatus.OPEN
    builders.hold(w, conference)
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE


def test_a_conference_long_before_the_step_leaves_it_open(world):
    """A sentence-planning conference a year before release is not the pre-release one."""
    w = release_builders.ensure_releasing(world, months=12)
    step = release_builders.steps_by_code(w)["case_conference"]
    assert step.due_on > timezone.localdate() + datetime.timedelta(days=200)
    builders.hold(w, builders.scheduled(w), days_ago=1)
    step.refresh_from_db()
    assert step.status == "pending"
