"""The session policy states each rule once: a session is in a user's list exactly when its
grant lets them read it, for every persona and every kind of session."""

import pytest

from alliance.accounts.models import Role
from alliance.knowledge.training import services
from alliance.knowledge.training.access import (
    SessionAction,
    can_use_training,
    training_sessions,
)

from ...factories import member
from .builders import course, days, record, session

pytestmark = pytest.mark.django_db


@pytest.fixture
def sessions(kb):
    kb.trainer_j2 = member(kb.prison_other, Role.TRAINER)
    kb.trainer_regional = member(kb.regional, Role.TRAINER)
    kb.trainer_prison_a = member(kb.prison_a, Role.TRAINER)
    j1 = session(kb, attendees=[kb.treatment_a])
    j1_recorded = record(kb, session(kb, attendees=[kb.treatment_b]),
                         {kb.treatment_b: "passed"})
    prison_a = services.session_create(actor=kb.trainer_prison_a, agency=kb.prison_a,
                                       course=course(), kind="booster", starts_on=days(4),
                                       online=True)
    j2 = services.session_create(actor=kb.trainer_j2, agency=kb.prison_other, course=course(),
                                 kind="certification", starts_on=days(4), online=True)
    regional = services.session_create(actor=kb.trainer_regional, agency=kb.regional,
                                       course=course(), kind="certification",
                                       starts_on=days(4), online=True)
    services.attendees_set(actor=kb.trainer_regional, session=regional,
                           users=[kb.manager_other], expected_version=regional.version)
    kb.all_sessions = {"j1": j1, "j1_recorded": j1_recorded, "prison_a": prison_a, "j2": j2,
                       "regional": regional}
    return kb


PERSONAS = ["trainer", "trainer_j2", "trainer_regional", "trainer_prison_a", "manager_a",
            "manager_other", "treatment_a", "treatment_b", "dpo", "admin",
            "regional_coordinator", "editor_j1"]
EXPECTED = {
    "trainer": {"j1", "j1_recorded", "prison_a"},
    "trainer_prison_a": {"j1", "j1_recorded", "prison_a"},
    "trainer_j2": {"j2"},
    "trainer_regional": {"j1", "j1_recorded", "prison_a", "j2", "regional"},
    "manager_a": {"j1", "prison_a"},  # treatment A attends j1; prison A organises prison_a
    "manager_other": {"j2", "regional"},  # organised by their prison; their own attendance
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_list_and_the_grant_agree(sessions, persona):
    user = getattr(sessions, persona)
    listed = set(training_sessions.visible(user).values_list("pk", flat=True))
    readable = {name for name, s in sessions.all_sessions.items()
                if training_sessions.grant(user, s).can(SessionAction.VIEW)}
    assert {s.pk for name, s in sessions.all_sessions.items() if name in readable} == listed
    assert readable == EXPECTED.get(persona, set())


def test_only_trainers_change_and_record_and_nothing_once_recorded(sessions):
    w = sessions
    j1, recorded = w.all_sessions["j1"], w.all_sessions["j1_recorded"]
    assert training_sessions.grant(w.trainer, j1).actions == {
        "view", "edit", "cancel", "attendees", "record"}
    # a trainer of prison A (same jurisdiction, another agency): changes it, does not record
    assert training_sessions.grant(w.trainer_prison_a, j1).actions == {
        "view", "edit", "cancel", "attendees"}
    assert training_sessions.grant(w.manager_a, j1).actions == {"view"}
    assert training_sessions.grant(w.trainer, recorded).actions == {"view"}


def test_the_menu_entry_is_for_managers_and_trainers(sessions):
    w = sessions
    assert can_use_training(w.manager_a) and can_use_training(w.trainer)
    assert not any(can_use_training(getattr(w, p)) for p in (
        "treatment_a", "dpo", "admin", "regional_coordinator", "editor_j1", "ngo_worker"))
