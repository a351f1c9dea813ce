"""Enrolments, sessions, refusals and the refusal pattern, the stage of change and the
working-alliance schedule, through the services."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from alliance.assessments.models import AssessmentDue
from alliance.plans import services
from alliance.plans.models import AllianceMeasure, Offer
from alliance.plans.selectors import attendance_rate, with_attendance
from alliance.plans.work import alliance_due
from alliance.work.models import Notification, Task, TaskStatus

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today


def record(w, session, attendance, **extra):
    session.refresh_from_db()
    return services.session_record(actor=w.treatment_a, session=session, expected_version=None,
                                   attendance=attendance, **extra)


def refusal(**extra):
    return {"reason": "distrust", "reason_words": "Not with them.",
            "strategy": "motivational_interviewing", **extra}


def test_an_enrolment_in_another_jurisdictions_intervention_is_refused(planning):
    w = planning
    with pytest.raises(ValidationError) as exc:
        services.enrolment_create(actor=w.treatment_a, person=w.person_a,
                                  intervention=w.elsewhere, practitioner=w.treatment_a,
                                  started_on=TODAY())
    assert "intervention" in exc.value.message_dict


def test_a_future_session_cannot_be_marked_attended(enrolled):
    w = enrolled
    future = w.sessions[-1]
    assert future.scheduled_at > timezone.now()
    with pytest.raises(ValidationError) as exc:
        record(w, future, "attended", note="Went well")
    assert "attendance" in exc.value.message_dict
    future.refresh_from_db()
    assert future.attendance == "" and future.note == ""


def test_attendance_statistics_count_what_the_person_could_attend(enrolled):
    w = enrolled
    record(w, w.sessions[0], "attended")
    record(w, w.sessions[1], "refused", **refusal())
    record(w, w.sessions[2], "cancelled")
    record(w, w.sessions[3], "attended")
    row = with_attendance(type(w.enrolment).objects.filter(pk=w.enrolment.pk)).get()
    assert (row.sessions_total, row.sessions_attended, row.sessions_refused,
            row.sessions_cancelled, row.sessions_pending) == (5, 2, 1, 1, 1)
    assert attendance_rate(row) == 67


def test_a_refused_session_needs_the_reason_and_the_strategy_and_is_an_offer(enrolled):
    w = enrolled
    with pytest.raises(ValidationError) as exc:
        record(w, w.sessions[0], "refused")
    assert {"reason", "strategy"} <= set(exc.value.message_dict)
    record(w, w.sessions[0], "refused", **refusal())
    offer = Offer.objects.get(session=w.sessions[0])
    assert (offer.response, offer.reason, offer.strategy) == ("refused", "distrust",
                                                              "motivational_interviewing")


def test_the_third_refusal_in_thirty_days_marks_a_reassessment_due_and_tells_the_manager(
        enrolled):
    w = enrolled
    AssessmentDue.objects.filter(person=w.person_a).delete()
    services.offer_record(actor=w.treatment_a, person=w.person_a, response="refused",
                          offered_on=TODAY() - datetime.timedelta(days=40), **refusal())
    for s in w.sessions[2:4]:
        record(w, s, "refused", **refusal())
    assert not AssessmentDue.objects.filter(person=w.person_a).exists()
    services.offer_record(actor=w.treatment_a, person=w.person_a, response="refused",
                          offered_on=TODAY(), intervention=w.cbt, **refusal())
    due = AssessmentDue.objects.get(person=w.person_a)
    assert due.reason == "significant_event" and due.due_on == TODAY()
    assert Notification.objects.filter(kind="refusal_pattern", recipient=w.manager_a).count() == 1


def test_a_concern_is_a_task_and_a_notification_for_the_case_manager(enrolled):
    w = enrolled
    record(w, w.sessions[0], "attended", note="Talked about his brother.", concern=True)
    task = Task.objects.get(kind="session_concern", status=TaskStatus.OPEN)
    assert task.assignee == w.manager_a
    notification = Notification.objects.get(kind="session_concern", recipient=w.manager_a)
    assert "brother" not in str(notification.params)


def test_session_notes_are_refused_from_staff_without_the_treatment_compartment(enrolled):
    w = enrolled
    w.sessions[0].refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.session_record(actor=w.manager_a, session=w.sessions[0], expected_version=None,
                                attendance="attended", note="Secret")
    assert "note" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.session_record(actor=w.security_a, session=w.sessions[0],
                                expected_version=None, attendance="attended")


@pytest.mark.parametrize("attended, since, measures, due", [
    (2, 2, 0, False), (3, 3, 0, True), (7, 4, 1, False), (8, 5, 1, True)])
def test_the_alliance_schedule(attended, since, measures, due):
    assert alliance_due(attended=attended, attended_since_last=since, measures=measures,
                        first_after=3, every=5) is due


def test_the_third_attended_session_makes_an_alliance_measure_due_and_a_measure_closes_it(
        enrolled):
    w = enrolled
    for s in w.sessions[:2]:
        record(w, s, "attended")
    assert not Task.objects.filter(kind="alliance_measure_due").exists()
    record(w, w.sessions[2], "attended")
    task = Task.objects.get(kind="alliance_measure_due", status=TaskStatus.OPEN)
    assert task.assignee == w.treatment_a
    ratings = {code: "often" for code in ("G1", "G2", "G3", "T1", "T2", "T3", "B1", "B2", "B3")}
    ratings["B3"] = "always"
    measure = services.alliance_record(
        actor=w.treatment_a, person=w.person_a, instrument_version=w.instruments.alliance,
        practitioner=w.treatment_a, enrolment=w.enrolment, occasion="scheduled",
        taken_on=TODAY(), ratings=ratings)
    assert measure.scores["goal"] == 4.0 and measure.scores["bond"] == pytest.approx(4.33)
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE


def test_an_alliance_rating_outside_the_scale_is_refused(enrolled):
    w = enrolled
    with pytest.raises(ValidationError) as exc:
        services.alliance_record(
            actor=w.treatment_a, person=w.person_a, instrument_version=w.instruments.alliance,
            practitioner=w.treatment_a, occasion="scheduled", taken_on=TODAY(),
            ratings={"G1": "very_often"})
    assert "item_G1" in exc.value.message_dict
    assert not AllianceMeasure.objects.exists()


def test_a_suspected_rupture_makes_a_measure_due_today(enrolled):
    w = enrolled
    record(w, w.sessions[0], "attended", rupture_suspected=True)
    task = Task.objects.get(kind="alliance_measure_due")
    assert task.due_on == TODAY()


def test_the_stage_of_change_is_for_treatment_staff(planning):
    w = planning
    with pytest.raises(PermissionDenied):
        services.stage_record(actor=w.manager_a, person=w.person_a, stage="contemplation",
                              assessed_on=TODAY(), rationale="r")
    entry = services.stage_record(actor=w.treatment_a, person=w.person_a, stage="contemplation",
                                  assessed_on=TODAY(), rationale="Talks about leaving.")
    assert entry.stage == "contemplation"


def test_a_recorded_attendance_is_corrected_only_with_a_reason_and_the_refusal_is_withdrawn(
        enrolled):
    w = enrolled
    record(w, w.sessions[0], "refused", **refusal())
    assert Offer.objects.filter(session=w.sessions[0]).exists()
    with pytest.raises(ValidationError) as exc:
        record(w, w.sessions[0], "attended")
    assert "correction_reason" in exc.value.message_dict
    session = record(w, w.sessions[0], "attended", correction_reason="Wrong button on the wing.")
    assert (session.attendance, session.correction_reason) == ("attended",
                                                               "Wrong button on the wing.")
    assert session.corrected_at is not None
    assert not Offer.objects.filter(session=w.sessions[0]).exists()


def test_a_correction_to_refused_needs_the_reason_and_counts_as_a_refusal(enrolled):
    w = enrolled
    record(w, w.sessions[0], "attended")
    with pytest.raises(ValidationError) as exc:
        record(w, w.sessions[0], "refused", correction_reason="It was the other man.")
    assert {"reason", "strategy"} <= set(exc.value.message_dict)
    record(w, w.sessions[0], "refused", correction_reason="It was the other man.", **refusal())
    assert Offer.objects.get(session=w.sessions[0]).response == "refused"
