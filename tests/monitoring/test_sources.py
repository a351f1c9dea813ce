"""Every indicator's computation (alliance/monitoring/sources.py) on hand-built records with
known answers: the edges of the month in local time, another agency's records, a transfer
between prisons, a release, corrections, withdrawals, sessions without attendance.

Records are written with the fields the modules' services set (conftest.Records); the last test
builds them through the services themselves and checks they are counted the same way."""

import datetime

import pytest
from django.utils import timezone

from alliance.assessments.models import AssessmentStatus, InstrumentKind
from alliance.knowledge.models import AttendanceResult
from alliance.monitoring import sources
from alliance.monitoring.indicators import INDICATORS, Kind
from alliance.monitoring.periods import add_months, month_start
from alliance.plans.models import PlanStatus
from alliance.release.models import StepStatus

from .conftest import at, month

D = datetime.date
MARCH, APRIL = month("2025-03"), month("2025-04")


def figures(source, first, last=None) -> dict:
    """{(agency id, month): numerator or (numerator, denominator)} of a source's rows."""
    out = {}
    for agency_id, when, numerator, denominator in source(month(first), month(last or first)):
        key = (agency_id, when)
        assert key not in out, f"two rows for {key}"
        assert isinstance(when, datetime.date) and when.day == 1
        out[key] = numerator if denominator is None else (numerator, denominator)
    return out


def transferred(records, w, on: datetime.date):
    """A person held in prison A from 2024, transferred to prison B on `on`."""
    person = records.person(w.prison_b)
    records.episode(person, w.prison_a, D(2024, 1, 1), ended_on=on, release_type="transfer")
    records.episode(person, w.prison_b, on)
    return person


# --- every indicator has its source --------------------------------------------------------------

def test_every_indicator_names_a_function_of_sources():
    for indicator in INDICATORS:
        assert indicator.function.__module__ == sources.__name__, indicator.code


@pytest.mark.django_db
def test_every_source_yields_nothing_without_records():
    for indicator in INDICATORS:
        assert list(indicator.function(month("2025-01"), month("2025-12"))) == [], indicator.code


# --- people screened -----------------------------------------------------------------------------

def test_screenings_count_in_their_local_month(records, monitoring_world):
    w = monitoring_world
    person = records.held(w.prison_a)
    records.screening(person, at(D(2025, 2, 28), 23, 59))
    records.screening(person, at(D(2025, 3, 1), 0, 30))  # 23:30 UTC on 28 February
    records.screening(person, at(D(2025, 3, 31), 23, 30))
    records.screening(person, at(D(2025, 4, 1), 0, 0))

    assert figures(sources.screened, "2025-03") == {(w.prison_a.pk, MARCH): 2}
    assert figures(sources.screened, "2025-02", "2025-04") == {
        (w.prison_a.pk, month("2025-02")): 1, (w.prison_a.pk, MARCH): 2, (w.prison_a.pk, APRIL): 1}


def test_a_person_screened_twice_counts_twice_and_each_agency_counts_its_own(records,
                                                                             monitoring_world):
    w = monitoring_world
    mine, theirs = records.held(w.prison_a), records.held(w.prison_other)
    records.screening(mine, at(D(2025, 3, 3)))
    records.screening(mine, at(D(2025, 3, 20)))
    records.screening(theirs, at(D(2025, 3, 5)))

    assert figures(sources.screened, "2025-03") == {(w.prison_a.pk, MARCH): 2,
                                                    (w.prison_other.pk, MARCH): 1}


def test_a_transferred_person_counts_for_the_prison_holding_them_that_day(records,
                                                                          monitoring_world):
    w = monitoring_world
    person = transferred(records, w, D(2025, 3, 15))
    records.screening(person, at(D(2025, 3, 14), 23, 59))  # prison A
    records.screening(person, at(D(2025, 3, 15), 9))  # the day of the transfer: prison B
    records.screening(person, at(D(2025, 3, 20)))  # prison B

    assert figures(sources.screened, "2025-03") == {(w.prison_a.pk, MARCH): 1,
                                                    (w.prison_b.pk, MARCH): 2}


def test_outside_custody_the_responsible_agency_counts(records, monitoring_world):
    w = monitoring_world
    on_probation = records.person(w.probation)
    released = records.person(w.probation)  # responsibility passed to probation on release
    records.episode(released, w.prison_a, D(2024, 1, 1), ended_on=D(2025, 3, 10),
                    release_type="conditional")
    records.screening(on_probation, at(D(2025, 3, 2)))
    records.screening(released, at(D(2025, 3, 10), 8))  # the day of release: still the prison
    records.screening(released, at(D(2025, 3, 11), 8))  # the day after: probation

    assert figures(sources.screened, "2025-03") == {(w.prison_a.pk, MARCH): 1,
                                                    (w.probation.pk, MARCH): 2}


# --- people assessed -----------------------------------------------------------------------------

def test_assessments_count_when_countersigned_corrections_and_drafts_excluded(records,
                                                                              monitoring_world):
    w = monitoring_world
    person = records.held(w.prison_a)
    original = records.assessment(person, at(D(2025, 3, 1), 0, 30),
                                  status=AssessmentStatus.SUPERSEDED)
    records.assessment(person, at(D(2025, 3, 20)), corrects=original)  # the correction
    records.assessment(person, at(D(2025, 3, 31), 23, 30))
    records.assessment(person, None, status=AssessmentStatus.SUBMITTED)  # not countersigned
    records.assessment(person, None, status=AssessmentStatus.DRAFT)
    records.assessment(person, at(D(2025, 3, 10)), kind=InstrumentKind.CHECKLIST)
    records.assessment(person, at(D(2025, 2, 28), 23, 59))
    records.assessment(records.held(w.prison_other), at(D(2025, 3, 5)))

    assert figures(sources.assessed, "2025-03") == {(w.prison_a.pk, MARCH): 2,
                                                    (w.prison_other.pk, MARCH): 1}


def test_an_assessment_counts_where_the_person_was_when_it_was_countersigned(records,
                                                                             monitoring_world):
    w = monitoring_world
    person = transferred(records, w, D(2025, 3, 15))
    records.assessment(person, at(D(2025, 3, 2)))
    records.assessment(person, at(D(2025, 4, 2)))

    assert figures(sources.assessed, "2025-03", "2025-04") == {(w.prison_a.pk, MARCH): 1,
                                                               (w.prison_b.pk, APRIL): 1}


# --- reassessments on time -----------------------------------------------------------------------

def test_reassessments_on_time_within_the_jurisdictions_interval(records, monitoring_world):
    w = monitoring_world  # J1: reassessment every 6 months (the default)
    w.j2.reassessment_interval_months = 3
    w.j2.save()

    def reassessed(agency, previous, completed):
        person = records.held(agency)
        records.assessment(person, at(previous), status=AssessmentStatus.SUPERSEDED)
        records.assessment(person, at(completed))
        return person

    reassessed(w.prison_a, D(2024, 9, 30), D(2025, 3, 30))  # on the due date: on time
    reassessed(w.prison_a, D(2024, 8, 31), D(2025, 2, 28))  # due 28 February: on time
    reassessed(w.prison_a, D(2024, 9, 15), D(2025, 3, 16))  # a day late
    reassessed(w.prison_other, D(2024, 12, 5), D(2025, 3, 5))  # J2: 3 months, on time
    first = records.held(w.prison_a)
    records.assessment(first, at(D(2025, 3, 10)))  # a first assessment is no reassessment
    corrected = records.held(w.prison_a)
    original = records.assessment(corrected, at(D(2024, 9, 10)),
                                  status=AssessmentStatus.SUPERSEDED)
    records.assessment(corrected, at(D(2024, 12, 1)), corrects=original,
                       status=AssessmentStatus.SUPERSEDED)
    records.assessment(corrected, at(D(2025, 3, 11)))  # due 10 March (not from the correction)

    assert figures(sources.reassessment_on_time, "2025-02", "2025-03") == {
        (w.prison_a.pk, month("2025-02")): (1, 1),
        (w.prison_a.pk, MARCH): (1, 3),
        (w.prison_other.pk, MARCH): (1, 1)}


def test_reassessment_dates_are_local_dates(records, monitoring_world):
    w = monitoring_world
    person = records.held(w.prison_a)
    # 00:30 on 1 October in Belgrade is still 30 September in UTC: due 1 April, not 30 March.
    records.assessment(person, at(D(2024, 10, 1), 0, 30), status=AssessmentStatus.SUPERSEDED)
    records.assessment(person, at(D(2025, 4, 1), 23, 30))

    assert figures(sources.reassessment_on_time, "2025-04") == {(w.prison_a.pk, APRIL): (1, 1)}


# --- people with a current plan ------------------------------------------------------------------

def test_current_plan_is_the_state_on_each_months_last_day(records, monitoring_world):
    w = monitoring_world
    a, b = w.prison_a.pk, w.prison_b.pk
    jan, feb = month("2025-01"), month("2025-02")
    planned_early = records.held(w.prison_a)
    records.case(planned_early, at(D(2024, 12, 1)))
    records.plan(planned_early, at(D(2025, 1, 31), 23, 30))
    planned_late = records.held(w.prison_a)
    records.case(planned_late, at(D(2025, 1, 15)))
    records.plan(planned_late, at(D(2025, 2, 1), 0, 30))
    closed = records.held(w.prison_a)  # the case closed on 28 February: not open at its end
    records.case(closed, at(D(2024, 6, 1)), closed=at(D(2025, 2, 28), 15))
    drafting = records.held(w.prison_a)
    records.case(drafting, at(D(2024, 6, 1)))
    records.plan(drafting, None, status=PlanStatus.DRAFT)
    revised = records.held(w.prison_a)  # version 1 superseded by version 2 in March
    records.case(revised, at(D(2024, 6, 1)))
    records.plan(revised, at(D(2024, 12, 1)), status=PlanStatus.SUPERSEDED)
    records.plan(revised, at(D(2025, 3, 10)), number=2)
    moved = transferred(records, w, D(2025, 2, 28))  # in prison B from 28 February
    records.case(moved, at(D(2024, 6, 1)))
    late_case = records.held(w.prison_a)
    records.case(late_case, at(D(2025, 3, 31), 23, 30))
    no_case = records.held(w.prison_a)
    records.plan(no_case, at(D(2024, 6, 1)))

    assert figures(sources.current_plan, "2025-01", "2025-03") == {
        (a, jan): (2, 6),  # planned_early, revised / + planned_late, closed, drafting, moved
        (a, feb): (3, 4),  # planned_early, planned_late, revised / + drafting
        (b, feb): (0, 1),  # moved
        (a, MARCH): (3, 5),  # + late_case
        (b, MARCH): (0, 1)}


def test_current_plan_counts_a_probation_case_for_probation(records, monitoring_world):
    w = monitoring_world
    person = records.person(w.probation)
    records.case(person, at(D(2024, 6, 1)))
    records.plan(person, at(D(2024, 7, 1)))

    assert figures(sources.current_plan, "2025-03") == {(w.probation.pk, MARCH): (1, 1)}


# --- engagement and refusal ----------------------------------------------------------------------

def test_engagement_and_refusal_out_of_the_sessions_recorded(records, monitoring_world):
    w = monitoring_world
    person = records.held(w.prison_a)
    records.session(person, at(D(2025, 3, 1), 0, 30), "attended")
    records.session(person, at(D(2025, 3, 15)), "attended")
    records.session(person, at(D(2025, 3, 20)), "refused")
    records.session(person, at(D(2025, 3, 25)), "not_produced")
    records.session(person, at(D(2025, 3, 26)), "cancelled")  # never took place
    records.session(person, at(D(2025, 3, 27)), "")  # no attendance recorded
    records.session(person, at(D(2025, 3, 31), 23, 30), "attended")
    records.session(person, at(D(2025, 4, 1), 0, 15), "attended")
    records.session(records.held(w.prison_b), at(D(2025, 3, 5)), "refused")

    assert figures(sources.engagement, "2025-03") == {(w.prison_a.pk, MARCH): (3, 5),
                                                      (w.prison_b.pk, MARCH): (0, 1)}
    assert figures(sources.refusal, "2025-03") == {(w.prison_a.pk, MARCH): (1, 5),
                                                   (w.prison_b.pk, MARCH): (1, 1)}


def test_a_month_of_unrecorded_sessions_has_no_rate(records, monitoring_world):
    person = records.held(monitoring_world.prison_a)
    records.session(person, at(D(2025, 3, 3)), "")
    records.session(person, at(D(2025, 3, 4)), "cancelled")

    assert figures(sources.engagement, "2025-03") == {}
    assert figures(sources.refusal, "2025-03") == {}


# --- working alliance ----------------------------------------------------------------------------

def test_alliance_is_the_sum_and_number_of_overall_scores(records, monitoring_world):
    w = monitoring_world
    person = records.held(w.prison_a)
    records.alliance(person, D(2025, 3, 1), 4.0)
    records.alliance(person, D(2025, 3, 31), 3.25)
    records.alliance(person, D(2025, 3, 15), None)  # too few answers for an overall score
    records.alliance(person, D(2025, 4, 1), 5.0)
    no_total = records.alliance(person, D(2025, 3, 16), 2.0)
    no_total.scores = {"goal": 2.0}  # an instrument without an overall subscale
    no_total.save()
    records.alliance(records.held(w.prison_other), D(2025, 3, 9), 2.5)

    assert figures(sources.alliance, "2025-03") == {(w.prison_a.pk, MARCH): (7.25, 2),
                                                    (w.prison_other.pk, MARCH): (2.5, 1)}


# --- pre-release steps on time -------------------------------------------------------------------

def test_prerelease_steps_on_time(records, monitoring_world):
    w = monitoring_world
    person = records.held(w.prison_a)
    episode = person.custody_episodes.get()
    records.step(episode, D(2025, 3, 1), StepStatus.DONE, D(2025, 3, 1))  # on the day
    records.step(episode, D(2025, 3, 31), StepStatus.DONE, D(2025, 3, 30))
    records.step(episode, D(2025, 3, 10), StepStatus.DONE, D(2025, 3, 12))  # late
    records.step(episode, D(2025, 3, 15))  # still to do, its date passed
    records.step(episode, D(2025, 3, 20), StepStatus.NOT_APPLICABLE)
    records.step(episode, D(2025, 4, 1), StepStatus.DONE, D(2025, 3, 20))
    moved = transferred(records, w, D(2025, 3, 5))  # a step of the episode in prison A
    records.step(moved.custody_episodes.get(facility=w.prison_a), D(2025, 3, 4), StepStatus.DONE,
                 D(2025, 3, 4))

    assert figures(sources.prerelease_on_time, "2025-03", "2025-04") == {
        (w.prison_a.pk, MARCH): (3, 5), (w.prison_a.pk, APRIL): (1, 1)}


def test_a_step_not_yet_due_is_not_counted_late(records, monitoring_world):
    today = timezone.localdate()
    episode = records.held(monitoring_world.prison_a).custody_episodes.get()
    records.step(episode, today)  # may still be done today
    records.step(episode, today - datetime.timedelta(days=1))  # late
    records.step(episode, today + datetime.timedelta(days=1), StepStatus.DONE, today)

    rows = figures(sources.prerelease_on_time, add_months(month_start(today), -1),
                   add_months(month_start(today), 1))
    assert sum(n for n, _ in rows.values()) == 1
    assert sum(d for _, d in rows.values()) == 2


# --- support plan at release ---------------------------------------------------------------------

def test_support_plan_in_place_at_release(records, monitoring_world):
    w = monitoring_world

    def released(on, release_type="end_of_sentence", plan=None):
        person = records.person(w.probation)
        episode = records.episode(person, w.prison_a, D(2023, 1, 1), ended_on=on,
                                  release_type=release_type)
        if plan:
            records.support_plan(episode, plan)

    released(D(2025, 3, 10), "conditional", plan=at(D(2025, 3, 10), 23, 30))  # that day
    released(D(2025, 3, 20), plan=at(D(2025, 3, 21), 0, 10))  # the day after
    released(D(2025, 3, 25))  # no support plan
    released(D(2025, 3, 1), plan=at(D(2025, 1, 5)))
    released(D(2025, 3, 12), "transfer", plan=at(D(2025, 1, 5)))  # not a release
    released(D(2025, 3, 13), "deportation")  # not into the community
    released(D(2025, 4, 1), plan=at(D(2025, 2, 1)))

    assert figures(sources.support_plan_at_release, "2025-03", "2025-04") == {
        (w.prison_a.pk, MARCH): (2, 4), (w.prison_a.pk, APRIL): (1, 1)}


# --- referrals -----------------------------------------------------------------------------------

def test_referrals_answered_on_time_for_the_sending_agency(records, monitoring_world):
    w = monitoring_world
    person = records.held(w.prison_a)

    def referral(sent, respond_by, responded=None, status=None, to=None, frm=None):
        records.referral(person, frm or w.prison_a, to or w.probation, sent,
                         respond_by=respond_by, responded=responded, status=status)

    referral(at(D(2025, 3, 1), 0, 30), D(2025, 3, 11), at(D(2025, 3, 11), 23, 30))  # on time
    referral(at(D(2025, 3, 2)), D(2025, 3, 11), at(D(2025, 3, 12), 0, 30))  # late (local day)
    referral(at(D(2025, 3, 3)), D(2025, 3, 13), at(D(2025, 3, 5)), status="declined")
    referral(at(D(2025, 3, 4)), D(2025, 3, 14), status="withdrawn")  # before an answer
    referral(at(D(2025, 3, 5)), D(2025, 3, 15), at(D(2025, 3, 6)), status="withdrawn")
    referral(at(D(2025, 3, 6)), D(2025, 3, 16))  # never answered, date passed
    referral(None, None)  # a draft
    referral(at(D(2025, 3, 31), 23, 30), D(2025, 4, 10), at(D(2025, 4, 2)))
    referral(at(D(2025, 3, 8)), D(2025, 3, 18), at(D(2025, 3, 9)), frm=w.probation, to=w.ngo)

    assert figures(sources.referral_on_time, "2025-03") == {
        (w.prison_a.pk, MARCH): (4, 6), (w.probation.pk, MARCH): (1, 1)}


def test_a_referral_still_within_its_date_is_not_counted(records, monitoring_world):
    w = monitoring_world
    today = timezone.localdate()
    person = records.held(w.prison_a)
    records.referral(person, w.prison_a, w.probation, timezone.now(),
                     respond_by=today + datetime.timedelta(days=10))

    assert figures(sources.referral_on_time, month_start(today)) == {}


def test_referral_response_days_in_local_days(records, monitoring_world):
    w = monitoring_world
    person = records.held(w.prison_a)
    records.referral(person, w.prison_a, w.probation, at(D(2025, 2, 25)),
                     respond_by=D(2025, 3, 7), responded=at(D(2025, 3, 2), 0, 30))  # 5 days
    # 23:30 on 1 March to 00:10 on 3 March, Belgrade: two days (one in UTC).
    records.referral(person, w.prison_a, w.ngo, at(D(2025, 3, 1), 23, 30),
                     respond_by=D(2025, 3, 11), responded=at(D(2025, 3, 3), 0, 10),
                     status="declined")
    records.referral(person, w.prison_a, w.ngo, at(D(2025, 3, 4)), respond_by=D(2025, 3, 14))
    records.referral(person, w.prison_a, w.probation, at(D(2025, 3, 20)),
                     respond_by=D(2025, 3, 30), responded=at(D(2025, 4, 1)))  # April

    assert figures(sources.referral_response_days, "2025-03") == {(w.prison_a.pk, MARCH): (7, 2)}


# --- staff ---------------------------------------------------------------------------------------

def test_trained_staff_count_attendances_in_each_agency_of_the_attendee(records,
                                                                        monitoring_world):
    w = monitoring_world
    course = records.training(D(2025, 3, 10), D(2025, 3, 12))
    records.attend(course, w.treatment_a)
    records.attend(course, w.treatment_b, AttendanceResult.FAILED)  # present, not passed
    records.attend(course, w.manager_a, AttendanceResult.ABSENT)
    records.attend(course, w.security_a, AttendanceResult.PENDING)  # not recorded yet
    records.attend(course, w.coordinator_manager)  # regional programme and prison B
    records.attend(records.training(D(2025, 2, 27), D(2025, 3, 2)), w.analyst_a)  # ends in March
    records.attend(records.training(D(2025, 3, 31)), w.treatment_a)  # one day
    records.attend(records.training(D(2025, 4, 1)), w.treatment_a)
    w.treatment_b.memberships.create(agency=w.probation, roles=["probation_officer"],
                                     is_active=False)  # left probation: not counted there

    assert figures(sources.trained_staff, "2025-03") == {
        (w.prison_a.pk, MARCH): 3, (w.prison_b.pk, MARCH): 2, (w.regional.pk, MARCH): 1}


def test_certified_staff_on_each_months_last_day(records, monitoring_world):
    w = monitoring_world
    a, b = w.prison_a.pk, w.prison_b.pk
    jan, feb = month("2025-01"), month("2025-02")
    records.certification(w.treatment_a, D(2025, 1, 15), D(2027, 1, 15))
    records.certification(w.security_a, D(2024, 1, 1), D(2026, 1, 1))
    records.certification(w.security_a, D(2024, 6, 1), D(2026, 6, 1))  # two: counted once
    records.certification(w.treatment_b, D(2023, 3, 1), D(2025, 2, 28))  # expires end Feb
    records.certification(w.analyst_a, D(2025, 1, 1), D(2027, 1, 1), revoked=True)
    records.certification(w.manager_a, D(2025, 3, 31), D(2028, 3, 31))
    records.certification(w.coordinator_manager, D(2024, 1, 1), D(2027, 1, 1))
    records.certification(w.probation_officer, D(2024, 1, 1), D(2027, 1, 1))
    w.probation_officer.memberships.update(is_active=False)  # left: no agency counts them

    assert figures(sources.certified_staff, "2025-01", "2025-03") == {
        (a, jan): 2, (a, feb): 2, (a, MARCH): 3,
        (b, jan): 2, (b, feb): 2, (b, MARCH): 1,
        (w.regional.pk, jan): 1, (w.regional.pk, feb): 1, (w.regional.pk, MARCH): 1}


# --- through the services ------------------------------------------------------------------------

def test_records_written_by_the_services_are_counted(world):
    """The plans builders go through the services: a countersigned assessment, a countersigned
    plan of person A (open case), a session recorded as attended, an alliance measure (every
    answer "often", 4)."""
    from ..plans import builders

    w = world
    builders.current_plan(w)
    builders.recorded_session(w)
    builders.alliance_measure(w)
    this_month = month_start(timezone.localdate())
    first = add_months(this_month, -1)  # the session was 27 days ago

    def total(source):
        rows = [row for row in source(first, this_month) if row[0] == w.prison_a.pk]
        return (sum(r[2] for r in rows), sum(r[3] or 0 for r in rows))

    assert total(sources.assessed) == (1, 0)
    assert [row[2:] for row in sources.current_plan(this_month, this_month)] == [(1, 1)]
    assert total(sources.engagement) == (1, 1)
    assert total(sources.alliance) == (4.0, 1)


def test_every_row_has_the_shape_of_its_kind(records, monitoring_world):
    """Counts: a positive count and no denominator; rates: 0 <= numerator <= denominator;
    means: a positive number of values. Over a mixed month of every kind of record."""
    w = monitoring_world
    person = records.held(w.prison_a)
    records.screening(person, at(D(2025, 3, 2)))
    records.assessment(person, at(D(2024, 9, 2)), status=AssessmentStatus.SUPERSEDED)
    records.assessment(person, at(D(2025, 3, 2)))
    records.case(person, at(D(2024, 9, 1)))
    for attendance in ("attended", "refused", "not_produced", "cancelled", ""):
        records.session(person, at(D(2025, 3, 3)), attendance)
    records.alliance(person, D(2025, 3, 4), 3.0)
    records.step(person.custody_episodes.get(), D(2025, 3, 5))
    records.referral(person, w.prison_a, w.probation, at(D(2025, 3, 6)),
                     respond_by=D(2025, 3, 9), responded=at(D(2025, 3, 12)))
    records.attend(records.training(D(2025, 3, 7)), w.treatment_a)
    records.certification(w.treatment_a, D(2025, 1, 1), D(2027, 1, 1))
    released = records.person(w.probation)
    records.episode(released, w.prison_a, D(2023, 1, 1), ended_on=D(2025, 3, 8),
                    release_type="end_of_sentence")

    for indicator in INDICATORS:
        rows = list(indicator.function(MARCH, MARCH))
        assert rows, indicator.code
        for _agency, _month, numerator, denominator in rows:
            if indicator.kind == Kind.COUNT:
                assert denominator is None and numerator > 0, indicator.code
            elif indicator.kind == Kind.RATE:
                assert 0 <= numerator <= denominator, indicator.code
            else:
                assert denominator > 0, indicator.code
