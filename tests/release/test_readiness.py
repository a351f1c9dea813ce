"""Release readiness: every step that blocks readiness done or not applicable; overdue steps
counted; one rule for a person, a page of people and a facility."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from alliance.release import services
from alliance.release.models import ReleaseStep, StepStatus
from alliance.release.readiness import Readiness, by_episode, readiness_of
from alliance.release.selectors import release_section

from .builders import complete, steps_by_code

TODAY = datetime.date(2027, 6, 15)


def step(status=StepStatus.PENDING, *, due=TODAY, blocks=True, episode=1):
    return SimpleNamespace(status=status, due_on=due, episode_id=episode,
                           template=SimpleNamespace(blocks_readiness=blocks))


def test_nobody_is_ready_without_a_programme():
    readiness = readiness_of([], TODAY)
    assert readiness == Readiness()
    assert not readiness.ready and not readiness.started and readiness.percent == 0


def test_an_outstanding_blocking_step_means_not_ready():
    readiness = readiness_of([step(StepStatus.DONE), step()], TODAY)
    assert (readiness.total, readiness.done, readiness.outstanding, readiness.blocking) == (
        2, 1, 1, 1)
    assert not readiness.ready and readiness.percent == 50


def test_an_outstanding_step_that_does_not_block_leaves_the_person_ready():
    readiness = readiness_of([step(StepStatus.DONE), step(blocks=False)], TODAY)
    assert (readiness.outstanding, readiness.blocking) == (1, 0)
    assert readiness.ready


def test_not_applicable_counts_as_resolved():
    readiness = readiness_of([step(StepStatus.NOT_APPLICABLE), step(StepStatus.DONE)], TODAY)
    assert (readiness.done, readiness.outstanding, readiness.percent) == (2, 0, 100)
    assert readiness.ready


def test_overdue_counts_only_steps_to_do_whose_date_has_passed():
    yesterday = TODAY - datetime.timedelta(days=1)
    readiness = readiness_of([
        step(due=yesterday),  # overdue
        step(due=yesterday, blocks=False),  # overdue, not blocking
        step(due=TODAY),  # due today: not yet overdue
        step(StepStatus.DONE, due=yesterday),  # done late: not overdue
        step(StepStatus.NOT_APPLICABLE, due=yesterday),
    ], TODAY)
    assert (readiness.overdue, readiness.outstanding, readiness.blocking) == (2, 3, 2)


def test_it_groups_a_page_of_people_by_episode():
    result = by_episode([step(episode=1), step(StepStatus.DONE, episode=2),
                         step(StepStatus.DONE, episode=1)], TODAY)
    assert result[1].done == 1 and not result[1].ready
    assert result[2].ready


@pytest.mark.django_db
def test_a_persons_readiness_follows_their_steps(releasing):
    w = releasing
    today = timezone.localdate()
    steps = list(ReleaseStep.objects.filter(episode=w.episode_a).select_related("template"))
    start = readiness_of(steps, today)
    # released in two months: planning, reassessment, support plan and the conference are late
    assert (start.total, start.done, start.overdue, start.blocking) == (8, 0, 4, 7)
    by_code = steps_by_code(w)
    for code in ("release_planning", "reassessment", "support_plan", "case_conference",
                 "handover", "accommodation"):
        complete(by_code[code], w.manager_a)
    services.step_not_applicable(actor=w.manager_a, step=by_code["identity_documents"],
                                 expected_version=None, reason="Documents valid")
    now = readiness_of(list(ReleaseStep.objects.filter(episode=w.episode_a)
                            .select_related("template")), today)
    # only the release day is left, and it does not block readiness
    assert (now.done, now.outstanding, now.overdue, now.blocking, now.ready) == (
        7, 1, 0, 0, True)


@pytest.mark.django_db
def test_the_person_pages_section_shows_the_same_readiness(releasing):
    from alliance.people.access import person_grant

    w = releasing
    context = release_section(w.probation_officer, w.person_a,
                              person_grant(w.probation_officer, w.person_a))
    assert context["readiness"].total == 8 and context["readiness"].overdue == 4
    assert context["can_work"] is True
    context = release_section(w.security_a, w.person_a, person_grant(w.security_a, w.person_a))
    assert context["can_work"] is False
