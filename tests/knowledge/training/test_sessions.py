"""Planning a session, changing it, its attendees and cancelling it: who may, what is refused
with the reason, the stale edit, and the audit row of each write."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from alliance.accounts.models import Role
from alliance.core.errors import Conflict
from alliance.core.models import AuditAction, AuditEvent
from alliance.knowledge.models import TrainingAttendance, TrainingSession
from alliance.knowledge.training import services

from ...factories import member
from .builders import course, days, session

pytestmark = pytest.mark.django_db


def _events(obj_uuid):
    return list(AuditEvent.objects.filter(object_type="knowledge.trainingsession",
                                          object_uuid=str(obj_uuid)).order_by("id"))


def test_a_trainer_plans_a_session_for_their_agency_and_it_is_audited(kb):
    made = services.session_create(actor=kb.trainer, agency=kb.admin_hq, course=course(),
                                   kind="certification", starts_on=days(10), online=True)
    assert made.trainer == kb.trainer and made.status == "planned" and made.online
    [event] = _events(made.uuid)
    assert event.action == AuditAction.CREATE and event.actor == kb.trainer
    assert event.details["after"]["starts_on"] == days(10).isoformat()


def test_only_a_trainer_of_the_agency_plans_its_sessions(kb):
    for actor, agency in [(kb.manager_a, kb.prison_a), (kb.trainer, kb.prison_a),
                          (kb.treatment_a, kb.prison_a)]:
        with pytest.raises(PermissionDenied):
            services.session_create(actor=actor, agency=agency, course=course(),
                                    kind="certification", starts_on=days(10), online=True)
    assert not TrainingSession.objects.exists()


def test_bad_input_is_refused_with_the_reasons(kb):
    with pytest.raises(ValidationError) as refused:
        services.session_create(actor=kb.trainer, agency=kb.admin_hq, course=course(),
                                kind="lecture", starts_on=days(10), ends_on=days(9),
                                trainer=kb.treatment_a)
    errors = refused.value.message_dict
    assert set(errors) == {"kind", "ends_on", "place", "trainer"}
    assert "online" in errors["place"][0]


def test_a_trainer_of_another_jurisdiction_cannot_train_a_session_here(kb):
    elsewhere = member(kb.prison_other, Role.TRAINER)
    with pytest.raises(ValidationError) as refused:
        services.session_create(actor=kb.trainer, agency=kb.admin_hq, course=course(),
                                kind="certification", starts_on=days(10), online=True,
                                trainer=elsewhere)
    assert "trainer" in refused.value.message_dict
    regional = member(kb.regional, Role.TRAINER)
    made = services.session_create(actor=kb.trainer, agency=kb.admin_hq, course=course(),
                                   kind="certification", starts_on=days(10), online=True,
                                   trainer=regional)
    assert made.trainer == regional


def test_notes_pass_the_person_data_check(kb):
    with pytest.raises(ValidationError) as refused:
        session(kb, notes=f"Case study: {kb.person_a.reference}", confirmed=True)
    assert list(refused.value.message_dict) == ["notes"]
    with pytest.raises(ValidationError):
        session(kb, notes="Born 12.3.1985 in the case study")
    made = session(kb, notes="Born 12.3.1985 in the case study", confirmed=True)
    assert made.notes.startswith("Born")


def test_a_trainer_changes_a_planned_session_and_a_stale_edit_is_a_conflict(kb):
    made = session(kb, starts_on=days(5))
    changed = services.session_update(actor=kb.trainer, session=made,
                                      expected_version=made.version, course=course(),
                                      kind="certification", starts_on=days(6),
                                      place="Ohrid")
    assert (changed.starts_on, changed.place, changed.version) == (days(6), "Ohrid", 2)
    event = _events(made.uuid)[-1]
    assert event.action == AuditAction.CHANGE
    assert set(event.details["fields"]) == {"starts_on", "place"}
    assert event.details["before"]["place"] == "Training centre"
    with pytest.raises(Conflict):
        services.session_update(actor=kb.trainer, session=made, expected_version=1,
                                course=course(), kind="certification", starts_on=days(7),
                                place="Skopje")
    made.refresh_from_db()
    assert made.starts_on == days(6)


def test_a_manager_may_not_change_a_session(kb):
    made = session(kb, attendees=[kb.treatment_a])
    with pytest.raises(PermissionDenied):
        services.session_update(actor=kb.manager_a, session=made, expected_version=None,
                                course=course(), kind="certification", starts_on=days(1),
                                place="x")


def test_attendees_are_active_staff_of_the_jurisdiction(kb):
    made = session(kb)
    made = services.attendees_set(actor=kb.trainer, session=made,
                                  users=[kb.treatment_a, kb.security_a],
                                  expected_version=made.version)
    assert set(TrainingAttendance.objects.filter(session=made).values_list(
        "user__username", flat=True)) == {"treatment_a", "security_a"}
    event = _events(made.uuid)[-1]
    assert event.details["after"]["attendees"] == ["security_a", "treatment_a"]
    # someone of Jurisdiction Two is refused, by name
    with pytest.raises(ValidationError) as refused:
        services.attendees_set(actor=kb.trainer, session=made,
                               users=[kb.treatment_a, kb.manager_other],
                               expected_version=made.version)
    assert str(kb.manager_other) in refused.value.message_dict["attendees"][0]
    # replacing the list removes who is left out
    made = services.attendees_set(actor=kb.trainer, session=made, users=[kb.treatment_b],
                                  expected_version=made.version)
    assert list(TrainingAttendance.objects.filter(session=made).values_list(
        "user__username", flat=True)) == ["treatment_b"]
    with pytest.raises(Conflict):
        services.attendees_set(actor=kb.trainer, session=made, users=[],
                               expected_version=1)


def test_a_regional_session_takes_staff_of_every_jurisdiction(kb):
    regional_trainer = member(kb.regional, Role.TRAINER)
    made = services.session_create(actor=regional_trainer, agency=kb.regional, course=course(),
                                   kind="certification", starts_on=days(3), online=True)
    services.attendees_set(actor=regional_trainer, session=made,
                           users=[kb.treatment_a, kb.manager_other],
                           expected_version=made.version)
    assert TrainingAttendance.objects.filter(session=made).count() == 2


def test_an_inactive_user_cannot_attend(kb):
    kb.treatment_b.is_active = False
    kb.treatment_b.save()
    made = session(kb)
    with pytest.raises(ValidationError):
        services.attendees_set(actor=kb.trainer, session=made, users=[kb.treatment_b],
                               expected_version=made.version)


def test_cancelling_deletes_a_planned_session_with_its_attendees(kb):
    made = session(kb, attendees=[kb.treatment_a])
    uuid = made.uuid
    with pytest.raises(Conflict):
        services.session_cancel(actor=kb.trainer, session=made, expected_version=1)
    services.session_cancel(actor=kb.trainer, session=made, expected_version=made.version)
    assert not TrainingSession.objects.filter(uuid=uuid).exists()
    assert not TrainingAttendance.objects.exists()
    event = _events(uuid)[-1]
    assert event.action == AuditAction.DELETE
    assert event.details["before"]["attendees"] == ["treatment_a"]
