import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from alliance.core.errors import Conflict
from alliance.core.models import AuditEvent
from alliance.people import services
from alliance.people.models import CustodyEpisode, KeyDateOverride, KeyDateSource
from alliance.people.services import key_dates_changed

from ..conftest import login

pytestmark = pytest.mark.django_db


def _episode(world):
    return CustodyEpisode.objects.get(pk=world.episode_a.pk)


def test_it_computes_key_dates_with_their_source(world):
    e = _episode(world)
    assert e.sentence_end == datetime.date(2029, 12, 11)  # 6 years less 30 days of remand
    assert e.sentence_end_source == KeyDateSource.COMPUTED
    assert e.sentence_start_source == KeyDateSource.COURT_JUDGMENT


def test_it_recalculates_computed_dates_when_the_sentence_changes(world):
    e = _episode(world)
    received = []

    def handler(episode, changes, actor, **kwargs):
        received.append(changes)

    key_dates_changed.connect(handler)
    try:
        services.custody_episode_update(actor=world.manager_a, episode=e,
                                        expected_version=e.version, sentence_years=4)
    finally:
        key_dates_changed.disconnect(handler)
    e.refresh_from_db()
    assert e.sentence_end == datetime.date(2027, 12, 11)
    assert received and "sentence_end" in received[0]
    assert AuditEvent.objects.latest("id").details["key_dates"]["sentence_end"] == [
        "2029-12-11", "2027-12-11"]


def test_an_override_survives_recalculation_until_it_is_removed(world):
    e = _episode(world)
    granted = datetime.date(2027, 6, 1)
    services.key_date_override(actor=world.manager_a, episode=e, key_date="expected_release",
                               value=granted, reason="Conditional release granted, 14/2027",
                               expected_version=e.version)
    e.refresh_from_db()
    assert (e.expected_release, e.expected_release_source) == (granted, "manual_override")
    services.custody_episode_update(actor=world.manager_a, episode=e, expected_version=e.version,
                                    sentence_years=8)
    e.refresh_from_db()
    assert e.expected_release == granted  # kept
    assert e.sentence_end == datetime.date(2031, 12, 11)  # recalculated
    services.key_date_clear_override(actor=world.manager_a, episode=e, key_date="expected_release",
                                     reason="Decision annulled on appeal",
                                     expected_version=e.version)
    e.refresh_from_db()
    assert (e.expected_release, e.expected_release_source) == (datetime.date(2031, 12, 11),
                                                               "computed")
    history = list(KeyDateOverride.objects.filter(episode=e).order_by("id"))
    assert [(h.new_value, h.reason) for h in history] == [
        (granted, "Conditional release granted, 14/2027"), (None, "Decision annulled on appeal")]


def test_an_override_needs_a_reason_and_a_computed_date(world):
    e = _episode(world)
    with pytest.raises(ValidationError) as excinfo:
        services.key_date_override(actor=world.manager_a, episode=e, key_date="expected_release",
                                   value=datetime.date(2027, 1, 1), reason=" ",
                                   expected_version=e.version)
    assert "reason" in excinfo.value.message_dict
    with pytest.raises(ValidationError):
        services.key_date_override(actor=world.manager_a, episode=e, key_date="sentence_start",
                                   value=datetime.date(2027, 1, 1), reason="x",
                                   expected_version=e.version)


def test_it_refuses_an_override_by_a_treatment_officer(world):
    e = _episode(world)
    with pytest.raises(PermissionDenied):
        services.key_date_override(actor=world.treatment_a, episode=e, key_date="expected_release",
                                   value=datetime.date(2027, 1, 1), reason="x",
                                   expected_version=e.version)


def test_a_stale_edit_of_a_custody_episode_is_a_conflict(world):
    e = _episode(world)
    services.custody_episode_update(actor=world.manager_a, episode=e, expected_version=e.version,
                                    remand_credit_days=60)
    with pytest.raises(Conflict):
        services.custody_episode_update(actor=world.manager_a, episode=e,
                                        expected_version=e.version, remand_credit_days=90)
    e.refresh_from_db()
    assert e.remand_credit_days == 60


def test_the_override_page_answers_409_on_a_stale_version_and_keeps_the_input(world):
    url = reverse("people:key_date_override", args=[world.episode_a.uuid, "expected_release"])
    response = login(world.manager_a).post(url, {
        "value": "2027-05-01", "reason": "Decision 3/2027", "version": world.episode_a.version - 1
        if world.episode_a.version > 1 else 999})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this record" in html
    assert "Decision 3/2027" in html


def test_a_transfer_ends_the_current_episode_and_moves_responsibility(world):
    services.custody_episode_create(
        actor=world.manager_a, person=world.person_a, facility=world.prison_b,
        admitted_on=datetime.date(2025, 3, 1), legal_status="sentenced", offences="",
        terrorism_related=True, sentence_years=6, sentence_months=0, sentence_days=0,
        remand_credit_days=30, sentence_start=datetime.date(2024, 1, 10),
        sentence_start_source="prison_record")
    old = CustodyEpisode.objects.get(pk=world.episode_a.pk)
    assert (old.is_current, old.release_type, old.ended_on) == (False, "transfer",
                                                                datetime.date(2025, 3, 1))
    world.person_a.refresh_from_db()
    assert world.person_a.responsible_agency == world.prison_b
    # Prison A's treatment officer loses sight of them; prison B's gains it.
    assert login(world.treatment_a).get(
        reverse("people:detail", args=[world.person_a.uuid])).status_code == 404
    assert login(world.treatment_b).get(
        reverse("people:detail", args=[world.person_a.uuid])).status_code == 200


def test_the_episode_form_rejects_bad_input_with_field_errors_and_saves_nothing(world):
    url = reverse("people:custody_edit", args=[world.episode_a.uuid])
    response = login(world.manager_a).post(url, {
        "facility": world.prison_a.pk, "admitted_on": "2024-01-10", "legal_status": "sentenced",
        "sentence_years": "-1", "sentence_months": "14", "sentence_days": "0",
        "remand_credit_days": "0", "sentence_start": "2024-01-10",
        "sentence_start_source": "court_judgment", "version": world.episode_a.version})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ensure this value is greater than or equal to 0" in html
    assert "Ensure this value is less than or equal to 11" in html
    assert _episode(world).sentence_years == 6


@pytest.mark.parametrize("release_type, category", [
    ("conditional", "released_supervised"), ("end_of_sentence", "released"),
    ("deportation", "released")])
def test_a_release_moves_the_data_subject_category_with_it(world, release_type, category):
    assert world.person_a.data_subject_category == "convicted"
    services.custody_episode_update(actor=world.manager_a, episode=world.episode_a,
                                    expected_version=None, ended_on=datetime.date(2026, 1, 5),
                                    release_type=release_type)
    world.person_a.refresh_from_db()
    assert world.person_a.data_subject_category == category
    assert AuditEvent.objects.filter(person=world.person_a, details__to=category).exists()


def test_a_transfer_keeps_the_data_subject_category(world):
    services.custody_episode_create(
        actor=world.manager_a, person=world.person_a, facility=world.prison_b,
        admitted_on=datetime.date(2025, 3, 1), legal_status="sentenced")
    world.person_a.refresh_from_db()
    assert world.person_a.data_subject_category == "convicted"
