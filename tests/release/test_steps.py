"""The pre-release programme follows the expected release: steps appear within the horizon,
move when the date moves (a step done stays done), pass to the agency that joins the case team;
and a practitioner's changes to a step."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance.core.models import AuditEvent
from alliance.people import services as people_services
from alliance.people.models import TimelineEvent
from alliance.release import services
from alliance.release.dates import due_before
from alliance.release.models import ReleaseStep, StepStatus, StepTemplate
from alliance.release.services import steps as step_services

from . import builders
from .builders import add_to_team, complete, months_ahead, set_release, steps_by_code

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def assert_due_with(release_on, steps):
    for step in steps:
        assert step.due_on == due_before(release_on, step.template.lead_months,
                                         step.template.lead_days), step.template.code


# --- the horizon --------------------------------------------------------------------------------

def test_no_step_appears_while_the_release_is_beyond_the_horizon(world):
    set_release(world, months_ahead(13))
    assert not ReleaseStep.objects.exists()
    assert not TimelineEvent.objects.filter(kind="release_steps_created").exists()


def test_every_step_appears_once_the_release_is_within_the_horizon(world):
    set_release(world, months_ahead(13))
    # when the release is brought forward to 11 months from now
    release_on = months_ahead(11)
    set_release(world, release_on)
    # then the eight regional steps appear, each due its lead time before the release
    steps = list(ReleaseStep.objects.filter(episode=world.episode_a).select_related("template"))
    assert len(steps) == 8
    assert_due_with(release_on, steps)
    assert {s.status for s in steps} == {StepStatus.PENDING}
    event = TimelineEvent.objects.get(person=world.person_a, kind="release_steps_created")
    assert event.params == {"count": 8, "release_on": release_on.isoformat()}
    assert AuditEvent.objects.filter(object_type="release.releasestep", action="create",
                                     person=world.person_a).count() == 1


def test_the_horizon_is_inclusive_and_the_jurisdictions_own(world):
    from alliance.release.services.common import settings_for

    config = settings_for(world.j1)
    config.horizon_months = 6
    config.save()
    set_release(world, months_ahead(7))
    assert not ReleaseStep.objects.exists()
    set_release(world, months_ahead(6))
    assert ReleaseStep.objects.count() == 8


def test_a_remand_prisoner_has_no_programme(world):
    episode = world.episode_a
    episode.legal_status = "remand"
    episode.expected_release = months_ahead(2)
    episode.save()
    assert step_services.sync_steps(episode, today=TODAY()) == 0
    assert not ReleaseStep.objects.exists()


def test_a_release_date_before_admission_is_refused_with_the_reason(world):
    # given a prisoner admitted after the sentence started (sentenced while in another place)
    episode = people_services.custody_episode_update(
        actor=world.manager_a, episode=world.episode_a, expected_version=None,
        admitted_on=datetime.date(2024, 3, 1))
    # when the release is set to before the admission
    with pytest.raises(ValidationError) as refused:
        people_services.key_date_override(
            actor=world.manager_a, episode=episode, key_date="expected_release",
            value=datetime.date(2024, 2, 1), reason="Typo", expected_version=None)
    # then it is refused, saying why
    assert "before the admission" in refused.value.message_dict["value"][0]
    episode.refresh_from_db()
    assert episode.expected_release != datetime.date(2024, 2, 1)
    assert not ReleaseStep.objects.exists()


# --- recalculation --------------------------------------------------------------------------------

def test_moving_the_release_later_moves_every_step_still_to_do(releasing):
    w = releasing
    before = w.episode_a.expected_release
    later = months_ahead(4)
    set_release(w, later)
    steps = list(ReleaseStep.objects.filter(episode=w.episode_a).select_related("template"))
    assert_due_with(later, steps)
    event = TimelineEvent.objects.filter(person=w.person_a, kind="release_steps_moved").get()
    assert event.params == {"count": 8, "release_on": later.isoformat(),
                            "previous_on": before.isoformat()}


def test_moving_the_release_earlier_moves_them_back(releasing):
    w = releasing
    set_release(w, months_ahead(5))
    earlier = TODAY() + datetime.timedelta(days=20)
    set_release(w, earlier)
    assert_due_with(earlier, ReleaseStep.objects.filter(episode=w.episode_a)
                    .select_related("template"))
    moves = TimelineEvent.objects.filter(person=w.person_a, kind="release_steps_moved")
    assert [e.params["release_on"] for e in moves.order_by("id")] == [
        months_ahead(5).isoformat(), earlier.isoformat()]


def test_a_step_done_keeps_its_date_when_the_release_moves_earlier_past_it(releasing):
    w = releasing
    set_release(w, months_ahead(6))
    # given the handover step (a month before release) done early
    handover = complete(steps_by_code(w)["handover"], w.manager_a)
    due, completed_on = handover.due_on, handover.completed_on
    assert due == due_before(months_ahead(6), 1, 0)
    # when the release is brought forward past the step's due date
    earlier = TODAY() + datetime.timedelta(days=10)
    set_release(w, earlier)
    # then the done step keeps its date and status; the others follow the release
    steps = steps_by_code(w)
    assert (steps["handover"].status, steps["handover"].due_on,
            steps["handover"].completed_on) == (StepStatus.DONE, due, completed_on)
    assert_due_with(earlier, [s for code, s in steps.items() if code != "handover"])
    moved = TimelineEvent.objects.filter(kind="release_steps_moved").latest("id")
    assert moved.params["count"] == 7


def test_a_step_not_applicable_keeps_its_date_too(releasing):
    w = releasing
    step = steps_by_code(w)["identity_documents"]
    services.step_not_applicable(actor=w.manager_a, step=step, expected_version=None,
                                 reason="Has a valid identity card")
    set_release(w, months_ahead(8))
    step.refresh_from_db()
    assert (step.status, step.due_on) == (StepStatus.NOT_APPLICABLE,
                                          due_before(months_ahead(2), 1, 0))


def test_recalculating_twice_changes_nothing(releasing):
    w = releasing
    assert step_services.sync_steps(w.episode_a, today=TODAY()) == 0
    events = TimelineEvent.objects.count(), AuditEvent.objects.count()
    assert step_services.sync_steps(w.episode_a, today=TODAY()) == 0
    assert (TimelineEvent.objects.count(), AuditEvent.objects.count()) == events


# --- who a step falls to --------------------------------------------------------------------------

def test_a_step_falls_to_the_prison_until_an_agency_of_its_type_joins_the_team(world):
    set_release(world, months_ahead(11))
    steps = steps_by_code(world)
    assert steps["support_plan"].agency == world.prison_a  # no probation service on the team
    assert steps["accommodation"].agency == world.prison_a
    # when probation joins the case team, the next recalculation passes its step on
    add_to_team(world, world.probation_officer, world.probation, "Probation officer")
    assert step_services.sync_steps(world.episode_a, today=TODAY()) >= 1
    steps = steps_by_code(world)
    assert steps["support_plan"].agency == world.probation
    assert steps["accommodation"].agency == world.prison_a  # still no ministry division
    assert AuditEvent.objects.filter(object_uuid=str(steps["support_plan"].uuid),
                                     action="change").exists()


def test_a_step_given_to_another_agency_by_hand_stays_there(releasing):
    w = releasing
    step = steps_by_code(w)["support_plan"]
    assert step.agency == w.probation
    services.step_reassign(actor=w.manager_a, step=step, expected_version=None,
                           agency=w.prison_a)
    set_release(w, months_ahead(3))
    step_services.sync_steps(w.episode_a, today=TODAY())
    step.refresh_from_db()
    assert (step.agency, step.agency_by_hand) == (w.prison_a, True)
    assert step.due_on == due_before(months_ahead(3), 6, 0)


def test_a_step_cannot_be_given_to_an_agency_off_the_team(releasing):
    w = releasing
    with pytest.raises(ValidationError) as refused:
        services.step_reassign(actor=w.manager_a, step=steps_by_code(w)["support_plan"],
                               expected_version=None, agency=w.prison_b)
    assert "case team" in refused.value.message_dict["agency"][0]


def test_a_jurisdictions_own_step_replaces_the_regional_one(world):
    StepTemplate.objects.create(jurisdiction=world.j1, code="reassessment", name="Our own",
                                lead_months=10, agency_type="prison")
    StepTemplate.objects.create(jurisdiction=world.j1, code="release_day", name="Not here",
                                is_active=False)
    set_release(world, months_ahead(11))
    steps = steps_by_code(world)
    assert len(steps) == 7 and "release_day" not in steps
    assert (steps["reassessment"].template.name, steps["reassessment"].due_on) == (
        "Our own", due_before(months_ahead(11), 10, 0))


# --- completing, reopening ------------------------------------------------------------------------

def test_a_step_needing_evidence_is_refused_without_it(releasing):
    w = releasing
    step = steps_by_code(w)["reassessment"]
    with pytest.raises(ValidationError) as refused:
        services.step_complete(actor=w.manager_a, step=step, expected_version=None,
                               evidence="   ")
    assert "evidence" in refused.value.message_dict
    step.refresh_from_db()
    assert step.status == StepStatus.PENDING


def test_a_step_with_a_checklist_needs_every_item_ticked(releasing):
    w = releasing
    step = steps_by_code(w)["identity_documents"]
    with pytest.raises(ValidationError) as refused:
        services.step_complete(actor=w.manager_a, step=step, expected_version=None,
                               checklist=["identity_card"])
    assert "Birth certificate" in refused.value.message_dict["checklist"][0]
    done = complete(step, w.manager_a)
    assert done.checklist_done == ["identity_card", "birth_certificate", "health_insurance"]


def test_a_step_cannot_be_done_in_the_future(releasing):
    w = releasing
    with pytest.raises(ValidationError) as refused:
        complete(steps_by_code(w)["release_day"], w.manager_a,
                 completed_on=TODAY() + datetime.timedelta(days=1))
    assert "completed_on" in refused.value.message_dict


def test_a_reopened_step_is_due_again_from_the_current_release(releasing):
    w = releasing
    step = complete(steps_by_code(w)["handover"], w.manager_a)
    set_release(w, months_ahead(7))
    step.refresh_from_db()
    assert step.due_on == due_before(months_ahead(2), 1, 0)  # kept while done
    step = services.step_reopen(actor=w.manager_a, step=step, expected_version=None,
                                reason="Done by mistake")
    assert (step.status, step.completed_on, step.due_on) == (
        StepStatus.PENDING, None, due_before(months_ahead(7), 1, 0))


def test_only_who_works_on_the_release_may_complete_a_step(releasing):
    w = releasing
    step = steps_by_code(w)["release_day"]
    for user in (w.security_a, w.ngo_worker, w.treatment_b):
        with pytest.raises(PermissionDenied):
            complete(step, user)
    # treatment staff of the prison, the probation officer and the reintegration officer may
    complete(step, w.probation_officer)


# --- the property: whatever the moves, done stays done and the rest follows -------------------------

CODES = ["release_planning", "reassessment", "support_plan", "case_conference", "handover",
         "accommodation", "identity_documents", "release_day"]


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(done=st.sets(st.sampled_from(CODES), max_size=4),
       moves=st.lists(st.integers(-60, 420), min_size=1, max_size=4))
def test_whatever_the_moves_done_steps_never_change_and_the_rest_follow(releasing, done, moves):
    w = releasing
    with transaction.atomic():
        steps = steps_by_code(w)
        for code in sorted(done):
            complete(steps[code], w.manager_a)
        frozen = {code: (s.status, s.due_on, s.completed_on)
                  for code, s in steps_by_code(w).items() if code in done}
        for days in moves:
            release_on = TODAY() + datetime.timedelta(days=days)
            set_release(w, release_on)
            now = steps_by_code(w)
            assert len(now) == 8
            for code, step in now.items():
                if code in done:
                    assert (step.status, step.due_on, step.completed_on) == frozen[code]
                else:
                    assert step.status == StepStatus.PENDING
                    assert step.due_on == due_before(release_on, step.template.lead_months,
                                                     step.template.lead_days)
        transaction.set_rollback(True)


def test_the_builders_release_is_two_months_ahead(releasing):
    assert builders.steps_by_code(releasing)["release_day"].due_on == months_ahead(2)


# --- a jurisdiction changes its programme -------------------------------------------------------

def test_a_jurisdictions_own_step_takes_over_the_regional_step_still_to_do(releasing):
    w = releasing
    done = complete(steps_by_code(w)["release_planning"], w.manager_a)
    regional = StepTemplate.objects.get(jurisdiction=None, code="reassessment")
    own = StepTemplate.objects.create(
        jurisdiction=w.j1, code="reassessment", name="Reassessment by the prison psychologist",
        lead_months=10, agency_type="prison", evidence_required=True)
    StepTemplate.objects.create(jurisdiction=w.j1, code="release_planning",
                                name="Planning, our way", lead_months=14)
    step_services.sync_steps(w.episode_a, today=TODAY())
    steps = steps_by_code(w)
    assert ReleaseStep.objects.filter(episode=w.episode_a).count() == 8  # no second step
    assert steps["reassessment"].template == own != regional
    assert steps["reassessment"].due_on == due_before(w.episode_a.expected_release, 10, 0)
    # a step already done keeps the template it was done under
    assert steps["release_planning"].template == done.template
    assert steps["release_planning"].status == StepStatus.DONE
