"""Recording a session's results: a pass certifies (or renews), a booster moves the booster
date, a fail or an absence certifies nothing; what may not be recorded is refused with the
reason, and every change is in the audit trail."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from alliance.assessments import accreditation
from alliance.assessments import services as assessment_services
from alliance.assessments.models import Certification
from alliance.core.errors import Conflict
from alliance.core.models import AuditAction, AuditEvent
from alliance.knowledge.models import SessionStatus, TrainingAttendance
from alliance.knowledge.training import selectors, services
from alliance.people.key_dates import add_months

from ...conftest import complete_ratings
from .builders import INSTRUMENT, course, days, record, session

pytestmark = pytest.mark.django_db


def _certifications(user):
    return list(Certification.objects.filter(user=user).order_by("certified_on", "pk"))


def test_a_pass_of_a_certification_course_certifies_the_attendee(kb):
    # given a two-day course that ended three days ago
    made = session(kb, attendees=[kb.treatment_a, kb.treatment_b], starts_on=days(-4),
                   ends_on=days(-3))
    # when the trainer records a pass and a fail
    made = record(kb, made, {kb.treatment_a: ("passed", 86), kb.treatment_b: ("failed", 40)})
    # then treatment A is certified from the last day, for the course's validity
    [cert] = _certifications(kb.treatment_a)
    assert cert.instrument_code == INSTRUMENT and cert.course == course()
    assert cert.certified_on == days(-3)
    assert cert.expires_on == add_months(days(-3), 36)
    assert cert.booster_due_on == add_months(days(-3), 12)
    assert _certifications(kb.treatment_b) == []
    attendance = TrainingAttendance.objects.get(session=made, user=kb.treatment_a)
    assert (attendance.result, attendance.score, attendance.certification) == (
        "passed", 86, cert)
    assert made.status == SessionStatus.RECORDED and made.recorded_at is not None


def test_a_pass_with_a_current_certification_renews_it_and_keeps_the_old_as_history(kb):
    old = Certification.objects.create(user=kb.treatment_a, instrument_code=INSTRUMENT,
                                       certified_on=days(-1000), expires_on=days(20))
    record(kb, session(kb, attendees=[kb.treatment_a]), {kb.treatment_a: "passed"})
    old_again, new = _certifications(kb.treatment_a)
    assert old_again == old and old_again.expires_on == days(20)  # unchanged: history
    assert new.certified_on == days(-7)
    event = AuditEvent.objects.get(object_type="assessments.certification",
                                   object_uuid=str(new.uuid))
    assert event.action == AuditAction.CREATE
    assert event.details["renews"] == str(old.uuid)
    assert event.details["before"]["expires_on"] == days(20).isoformat()
    assert event.details["after"]["expires_on"] == new.expires_on.isoformat()
    # the overview shows the new one as current, the old one as renewed
    [row] = accreditation.certification_overview([kb.treatment_a])
    assert {c.pk: c.state for c in row["certifications"]} == {old.pk: "renewed",
                                                               new.pk: "valid"}


def test_a_booster_moves_the_booster_date_of_the_current_certification(kb):
    cert = Certification.objects.create(user=kb.treatment_a, instrument_code=INSTRUMENT,
                                        certified_on=days(-400), expires_on=days(700),
                                        booster_due_on=days(-35))
    made = session(kb, attendees=[kb.treatment_a], kind="booster")
    record(kb, made, {kb.treatment_a: "passed"})
    cert.refresh_from_db()
    assert cert.booster_due_on == add_months(days(-7), 12)
    assert Certification.objects.filter(user=kb.treatment_a).count() == 1
    assert TrainingAttendance.objects.get(session=made).certification == cert
    event = AuditEvent.objects.get(object_type="assessments.certification",
                                   object_uuid=str(cert.uuid))
    assert event.action == AuditAction.CHANGE
    assert event.details["before"]["booster_due_on"] == days(-35).isoformat()


def test_a_booster_for_someone_without_a_current_certification_is_refused_naming_them(kb):
    made = session(kb, attendees=[kb.treatment_a], kind="booster")
    with pytest.raises(ValidationError) as refused:
        record(kb, made, {kb.treatment_a: "passed"})
    [message] = refused.value.message_dict["results.0.result"]
    assert str(kb.treatment_a) in message and "enrol them in a certification course" in message
    made.refresh_from_db()
    assert made.status == SessionStatus.PLANNED


@pytest.mark.parametrize("result", ["failed", "absent"])
def test_a_fail_or_an_absence_certifies_nothing(kb, result):
    record(kb, session(kb, attendees=[kb.treatment_a]), {kb.treatment_a: result})
    assert _certifications(kb.treatment_a) == []
    assert TrainingAttendance.objects.get(user=kb.treatment_a).result == result


def test_results_of_a_session_in_the_future_are_refused(kb):
    made = session(kb, attendees=[kb.treatment_a], starts_on=days(3))
    with pytest.raises(ValidationError) as refused:
        record(kb, made, {kb.treatment_a: "passed"})
    assert "Record results after the session has taken place" in str(refused.value)
    assert _certifications(kb.treatment_a) == []


def test_every_attendee_needs_a_result(kb):
    made = session(kb, attendees=[kb.treatment_a, kb.treatment_b])
    with pytest.raises(ValidationError) as refused:
        record(kb, made, {kb.treatment_a: "passed"})
    assert str(kb.treatment_b) in " ".join(refused.value.message_dict["results"])
    with pytest.raises(ValidationError) as refused:
        record(kb, made, {kb.treatment_a: ("passed", 140), kb.treatment_b: "pending"})
    # rows are named by the attendee's place in the session's list (by name)
    place = {a.user: n for n, a in enumerate(selectors.attendance_list(made))}
    assert set(refused.value.message_dict) == {f"results.{place[kb.treatment_a]}.score",
                                               f"results.{place[kb.treatment_b]}.result"}


def test_a_stale_recording_is_a_conflict(kb):
    made = session(kb, attendees=[kb.treatment_a])
    with pytest.raises(Conflict):
        services.results_record(actor=kb.trainer, session=made, expected_version=1,
                                results=[{"user": kb.treatment_a, "result": "passed"}])


def test_a_recorded_session_is_frozen(kb):
    made = record(kb, session(kb, attendees=[kb.treatment_a]), {kb.treatment_a: "passed"})
    with pytest.raises(PermissionDenied):
        record(kb, made, {kb.treatment_a: "failed"})
    with pytest.raises(PermissionDenied):
        services.attendees_set(actor=kb.trainer, session=made, users=[],
                               expected_version=made.version)
    assert Certification.objects.filter(user=kb.treatment_a).count() == 1


def test_only_the_trainer_or_a_trainer_of_the_agency_records(kb):
    from alliance.accounts.models import Role

    from ...factories import member

    made = session(kb, attendees=[kb.treatment_a])
    other_trainer = member(kb.prison_a, Role.TRAINER)  # J1, another agency: may edit, not record
    with pytest.raises(PermissionDenied):
        services.results_record(actor=other_trainer, session=made, expected_version=None,
                                results=[{"user": kb.treatment_a, "result": "passed"}])
    colleague = member(kb.admin_hq, Role.TRAINER)
    services.results_record(actor=colleague, session=made, expected_version=None,
                            results=[{"user": kb.treatment_a, "result": "passed"}])
    assert Certification.objects.filter(user=kb.treatment_a).exists()


def test_a_person_reference_in_a_note_is_refused(kb):
    made = session(kb, attendees=[kb.treatment_a])
    with pytest.raises(ValidationError) as refused:
        services.results_record(
            actor=kb.trainer, session=made, expected_version=made.version, confirmed=True,
            results=[{"user": kb.treatment_a, "result": "passed",
                      "note": f"Practised on the file of {kb.person_a.reference}"}])
    assert "results.0.note" in refused.value.message_dict
    assert not Certification.objects.filter(user=kb.treatment_a).exists()


def test_an_assessor_certified_by_a_session_may_then_finalise_an_assessment(kb, instruments):
    draft = assessment_services.assessment_start(actor=kb.treatment_a, person=kb.person_a,
                                                 instrument_version=instruments.risk_needs)
    complete_ratings(draft, kb.treatment_a)
    draft = assessment_services.assessment_update(
        actor=kb.treatment_a, assessment=draft, expected_version=None,
        sources=[{"kind": "file", "description": "File"}], overall_judgement="low",
        judgement_rationale="R")
    assert not accreditation.is_certified(kb.treatment_a, instruments.risk_needs)
    with pytest.raises(ValidationError):
        assessment_services.assessment_submit(actor=kb.treatment_a, assessment=draft,
                                              expected_version=None)
    # when they pass the course
    record(kb, session(kb, attendees=[kb.treatment_a]), {kb.treatment_a: "passed"})
    # then they are certified, and submit
    assert accreditation.is_certified(kb.treatment_a, instruments.risk_needs)
    submitted = assessment_services.assessment_submit(actor=kb.treatment_a, assessment=draft,
                                                      expected_version=None)
    assert submitted.status != "draft"


def test_a_course_without_booster_interval_sets_no_booster_date(kb):
    plain = course(name="Screening", instrument_code="alliance-screening",
                   booster_after_months=0, validity_months=24)
    record(kb, session(kb, attendees=[kb.treatment_a], the_course=plain),
           {kb.treatment_a: "passed"})
    [cert] = _certifications(kb.treatment_a)
    assert cert.booster_due_on is None
    assert cert.expires_on == add_months(days(-7), 24)
    assert isinstance(cert.expires_on, datetime.date)
