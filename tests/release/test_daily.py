"""The release module's part of the platform's daily job: steps appear as releases come within
the horizon, tasks as steps come due, one notification per overdue step; follow-ups and their
tasks; the handover completed for a release recorded on the custody page; kept read access
ended. Idempotent: a second run the same day changes nothing."""

import datetime

import pytest
from django.utils import timezone

from alliance.core.models import AuditEvent
from alliance.people import services as people_services
from alliance.people.models import RetainedAccess, TimelineEvent
from alliance.release.models import FollowUp, ReleaseStep
from alliance.work import daily
from alliance.work.models import Notification, Task

from .builders import (
    ensure_releasing,
    hand_over,
    months_ahead,
    released,
    set_release,
    steps_by_code,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
JOBS = ("release.steps", "release.follow_ups", "release.retained_access")


def run(today=None, *, force=True) -> dict:
    """The release module's daily functions, as the job runs them: name -> rows changed."""
    results = {}
    for name in JOBS:
        (result,) = daily.run_daily(today=today, force=force, only=name)
        assert result.outcome == "ran", result
        results[name] = result.changed
    return results


def state():
    """Everything a run could write, but the job's own bookkeeping."""
    return (list(Task.objects.order_by("id").values_list("id", "version", "status", "due_on")),
            list(Notification.objects.order_by("id").values_list("id", flat=True)),
            TimelineEvent.objects.count(),
            AuditEvent.objects.exclude(object_type="work.dailyrun").count(),
            list(ReleaseStep.objects.order_by("id").values_list("id", "version", "due_on",
                                                                "agency_id")),
            list(FollowUp.objects.order_by("id").values_list("id", "version", "agency_id")))


def test_the_functions_are_registered():
    from alliance.work import registry

    assert set(JOBS) <= set(registry.daily_functions())


def test_steps_appear_when_the_release_comes_within_the_horizon(world):
    set_release(world, months_ahead(13))
    assert run()["release.steps"] == 0
    assert not ReleaseStep.objects.exists()
    # a month later, the release is within twelve months
    later = TODAY() + datetime.timedelta(days=40)
    assert run(later)["release.steps"] > 0
    assert ReleaseStep.objects.filter(episode=world.episode_a).count() == 8


def test_a_steps_task_comes_when_it_is_due_within_the_jurisdictions_days(world):
    set_release(world, months_ahead(11))
    steps = steps_by_code(world)
    # at once: the planning step, due a month ago, has its task; the reassessment, due in about
    # two months, not yet
    assert Task.objects.filter(kind="release_step_due",
                               source_uuid=steps["release_planning"].uuid).exists()
    assert not Task.objects.filter(source_uuid=steps["reassessment"].uuid).exists()
    # forty-five days later the reassessment is due within thirty days: its task is created
    run(TODAY() + datetime.timedelta(days=45))
    task = Task.objects.get(kind="release_step_due", source_uuid=steps["reassessment"].uuid)
    assert (task.due_on, task.assignee_agency, task.assignee_role, task.status) == (
        steps["reassessment"].due_on, world.prison_a, "case_manager", "open")
    assert task.params == {"reference": world.person_a.reference,
                           "due_on": steps["reassessment"].due_on.isoformat()}
    # the support plan step, months away, has none
    assert not Task.objects.filter(source_uuid=steps["support_plan"].uuid).exists()


def test_an_overdue_step_tells_the_case_manager_once(releasing):
    w = releasing
    overdue = [s for s in steps_by_code(w).values() if s.is_overdue(TODAY())]
    assert len(overdue) == 4
    run()
    sent = Notification.objects.filter(kind="release_step_overdue")
    assert sent.count() == 4
    assert {n.recipient for n in sent} == {w.manager_a}
    assert {n.target_uuid for n in sent} == {s.uuid for s in overdue}
    run()
    run(TODAY() + datetime.timedelta(days=1))
    assert Notification.objects.filter(kind="release_step_overdue").count() == 4


def test_running_it_twice_the_same_day_changes_nothing(releasing):
    w = releasing
    hand_over(w, acknowledge=False)
    run()
    first = state()
    jobs_before = AuditEvent.objects.filter(object_type="work.dailyrun").count()
    assert run() == {name: 0 for name in JOBS}
    assert state() == first
    # the job itself notes each run, and nothing else
    assert AuditEvent.objects.filter(object_type="work.dailyrun").count() == jobs_before + 3


def test_without_force_it_runs_once_a_day(releasing):
    results = daily.run_daily(only="release.steps")
    assert [r.outcome for r in results] == ["ran"]
    assert [r.outcome for r in daily.run_daily(only="release.steps")] == ["already_ran_today"]


def test_a_release_recorded_on_the_custody_page_is_followed_up_and_handed_over(releasing):
    w = ensure_releasing(releasing)
    hand_over(w)
    # the release is recorded as the end of custody, not through the release page
    people_services.custody_episode_update(
        actor=w.manager_a, episode=w.episode_a, expected_version=None,
        ended_on=TODAY() - datetime.timedelta(days=62), release_type="conditional")
    assert not FollowUp.objects.exists()
    assert Task.objects.filter(kind="release_step_due", status="open").exists()
    changed = run()
    # nobody does a pre-release step after the release: the steps' tasks are cancelled
    assert not Task.objects.filter(kind="release_step_due", status="open").exists()
    assert Task.objects.filter(kind="release_step_due", status="cancelled").exists()
    assert changed["release.follow_ups"] > 0
    w.person_a.refresh_from_db()
    assert w.person_a.responsible_agency == w.probation
    assert {f.agency for f in FollowUp.objects.all()} == {w.probation}
    # the follow-ups due within a week have their task, for probation; the later ones not yet
    tasks = {Task.objects.get(source_uuid=f.uuid).params["due_on"]: f.offset
             for f in FollowUp.objects.all()
             if Task.objects.filter(source_uuid=f.uuid, kind="follow_up_due").exists()}
    assert sorted(tasks.values()) == ["1m", "1w"]
    assert set(Task.objects.filter(kind="follow_up_due").values_list(
        "assignee_agency", flat=True)) == {w.probation.pk}
    first = state()
    assert run() == {name: 0 for name in JOBS}
    assert state() == first


def test_a_follow_up_task_comes_a_week_before_it_is_due(releasing):
    released(releasing)
    run()
    (task,) = Task.objects.filter(kind="follow_up_due")  # the week's is due in 7 days
    assert task.source_uuid == FollowUp.objects.get(offset="1w").uuid
    run(TODAY() + datetime.timedelta(days=24))
    assert Task.objects.filter(kind="follow_up_due").count() == 2  # and the month's


def test_kept_read_access_ends_once_its_date_has_passed(releasing):
    w = released(releasing)
    kept = RetainedAccess.objects.get()
    assert run()["release.retained_access"] == 0
    assert run(kept.until + datetime.timedelta(days=1))["release.retained_access"] == 1
    assert run(kept.until + datetime.timedelta(days=2))["release.retained_access"] == 0
    kept.refresh_from_db()
    assert kept.ended_at is not None
    assert TimelineEvent.objects.filter(person=w.person_a,
                                        kind="retained_access_ended").count() == 1


def test_a_release_cancels_the_tasks_of_the_steps_left_to_do(releasing):
    w = releasing
    waiting = set(Task.objects.filter(kind="release_step_due", status="open")
                  .values_list("source_uuid", flat=True))
    assert waiting  # the overdue steps' tasks, at least
    released(w)
    assert not Task.objects.filter(kind="release_step_due", status="open").exists()
    assert set(Task.objects.filter(kind="release_step_due", status="cancelled")
               .values_list("source_uuid", flat=True)) == waiting
    assert run()["release.steps"] == 0
