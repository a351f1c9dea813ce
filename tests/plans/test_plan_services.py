"""The plan: built from the person's own needs, countersigned by someone other than its author,
changed only through versions, reviewed on schedule."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from alliance.plans import services
from alliance.plans.models import Goal, PlanStatus
from alliance.work.models import Task, TaskStatus

from .builders import countersigned_assessment, current_plan

pytestmark = pytest.mark.django_db


def test_a_plan_starts_with_a_goal_for_each_assessed_need(planning):
    plan = services.plan_start(actor=planning.treatment_a, person=planning.person_a)
    needs = set(services.need_codes(plan))
    assert needs, "the fixture's assessment found needs"
    assert plan.assessment == planning.assessment
    assert {g.need_area for g in plan.goals.all()} == needs


def test_a_goal_cannot_be_linked_to_a_need_the_person_was_not_assessed_with(planning):
    plan = services.plan_start(actor=planning.treatment_a, person=planning.person_a)
    with pytest.raises(ValidationError) as exc:
        services.goal_save(actor=planning.treatment_a, plan=plan, expected_version=None,
                           text="Find work", need_area="no_such_need")
    assert "need_area" in exc.value.message_dict
    assert plan.goals.count() == len(services.need_codes(plan))


def test_the_author_cannot_countersign_their_plan(planning):
    w = planning
    plan = services.plan_start(actor=w.manager_a, person=w.person_a)
    for goal in plan.goals.all():
        services.step_save(actor=w.manager_a, plan=plan, expected_version=None, goal=goal,
                           text="Step", actor_kind="staff", actor_user=w.treatment_a)
    services.plan_update(actor=w.manager_a, plan=plan, expected_version=None,
                         position="could_not_answer", position_words="")
    plan = services.plan_submit(actor=w.manager_a, plan=plan, expected_version=None)
    with pytest.raises(PermissionDenied):
        services.plan_countersign(actor=w.manager_a, plan=plan, expected_version=None)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


def test_a_plan_is_submitted_only_with_steps_and_the_persons_position(planning):
    plan = services.plan_start(actor=planning.treatment_a, person=planning.person_a)
    with pytest.raises(ValidationError) as exc:
        services.plan_submit(actor=planning.treatment_a, plan=plan, expected_version=None)
    assert set(exc.value.message_dict) == {"goals", "position"}


def test_countersignature_makes_it_current_and_schedules_its_review(planning):
    plan = current_plan(planning)
    assert plan.status == PlanStatus.COUNTERSIGNED
    assert plan.next_review_on > datetime.date.today()
    assert not Task.objects.filter(source_uuid=plan.uuid, kind="plan_countersignature_waiting",
                                   status=TaskStatus.OPEN).exists()


def test_a_countersigned_plan_changes_only_through_a_new_version(current_plan):
    w = current_plan
    goal = w.plan.goals.first()
    with pytest.raises(PermissionDenied):
        services.goal_save(actor=w.treatment_a, plan=w.plan, expected_version=None, goal=goal,
                           text="Changed")
    with pytest.raises(ValidationError):
        services.plan_revise(actor=w.treatment_a, plan=w.plan, reason="  ")
    new = services.plan_revise(actor=w.treatment_a, plan=w.plan, reason="New assessment")
    assert new.number == 2 and new.previous == w.plan and new.status == PlanStatus.DRAFT
    assert [g.text for g in new.goals.all()] == [g.text for g in w.plan.goals.all()]
    assert Goal.objects.get(pk=goal.pk).text == goal.text
    # The person's position is asked again for each version.
    assert new.position == ""
    new = services.plan_update(actor=w.treatment_a, plan=new, expected_version=None,
                               position="disagrees", position_words="Too many sessions.")
    new = services.plan_submit(actor=w.treatment_a, plan=new, expected_version=None)
    services.plan_countersign(actor=w.manager_a, plan=new, expected_version=None)
    w.plan.refresh_from_db()
    assert w.plan.status == PlanStatus.SUPERSEDED


def test_a_new_version_is_built_on_the_newest_assessment(current_plan):
    w = current_plan
    newer = countersigned_assessment(w, rating="high")
    new = services.plan_revise(actor=w.treatment_a, plan=w.plan, reason="Reassessed")
    assert new.assessment == newer


def test_security_staff_do_not_plan(planning):
    with pytest.raises(PermissionDenied):
        services.plan_start(actor=planning.security_a, person=planning.person_a)


def test_a_review_due_soon_is_a_task_for_the_case_manager(current_plan):
    from alliance.plans.work import daily_plan_reviews

    w = current_plan
    assert daily_plan_reviews(w.plan.next_review_on) == 1
    task = Task.objects.get(kind="plan_review_due", status=TaskStatus.OPEN)
    assert task.assignee == w.manager_a
    services.plan_review(actor=w.treatment_a, plan=w.plan, expected_version=None,
                         note="On track", reviewed_on=datetime.date.today(),
                         next_review_on=datetime.date.today() + datetime.timedelta(days=90))
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
