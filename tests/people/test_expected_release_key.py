"""The caseload's sort key on the person row (Person.expected_release_on) follows every write to
what it derives from, in the same transaction: the current custody episode's expected release."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from alliance.people import services
from alliance.people.models import CustodyEpisode, Person
from alliance.release import services as release_services

pytestmark = pytest.mark.django_db


def _key(world):
    return Person.objects.values_list("expected_release_on", flat=True).get(pk=world.person_a.pk)


def _episode(world):
    return CustodyEpisode.objects.get(pk=world.episode_a.pk)


def test_an_admission_sets_it(world):
    assert _key(world) == _episode(world).expected_release is not None


def test_a_sentence_correction_moves_it(world):
    e = _episode(world)
    before = e.expected_release
    services.custody_episode_update(
        actor=world.manager_a, episode=e, expected_version=e.version, sentence_years=4
    )
    assert _key(world) == _episode(world).expected_release < before


def test_a_manual_override_moves_it(world):
    e = _episode(world)
    services.key_date_override(
        actor=world.manager_a,
        episode=e,
        key_date="expected_release",
        value=datetime.date(2026, 3, 1),
        reason="Conditional release",
        expected_version=e.version,
    )
    assert _key(world) == datetime.date(2026, 3, 1)


def test_removing_the_override_brings_back_the_computed_date(world):
    e = _episode(world)
    computed = e.expected_release
    e = services.key_date_override(
        actor=world.manager_a,
        episode=e,
        key_date="expected_release",
        value=datetime.date(2026, 3, 1),
        reason="Conditional release",
        expected_version=e.version,
    )
    services.key_date_clear_override(
        actor=world.manager_a,
        episode=e,
        key_date="expected_release",
        reason="Decision annulled",
        expected_version=e.version,
    )
    assert _key(world) == computed


def test_a_transfer_takes_the_new_episodes_date(world):
    services.custody_episode_create(
        actor=world.manager_a,
        person=world.person_a,
        facility=world.prison_b,
        admitted_on=datetime.date(2025, 2, 1),
        legal_status="sentenced",
        sentence_years=2,
        sentence_start=datetime.date(2025, 2, 1),
        sentence_start_source="court_judgment",
    )
    current = CustodyEpisode.objects.get(person=world.person_a, is_current=True)
    assert current.pk != world.episode_a.pk
    assert _key(world) == current.expected_release != _episode(world).expected_release


def test_the_end_of_custody_empties_it(world):
    e = _episode(world)
    services.custody_episode_update(
        actor=world.manager_a,
        episode=e,
        expected_version=e.version,
        ended_on=datetime.date(2025, 6, 1),
        release_type="end_of_sentence",
    )
    assert _key(world) is None


def test_a_release_recorded_by_the_release_module_empties_it(world):
    release_services.release_record(
        actor=world.manager_a,
        person=world.person_a,
        released_on=timezone.localdate(),
        release_type="conditional",
    )
    assert _key(world) is None


def test_a_failed_write_leaves_it_as_it_was(world):
    e = _episode(world)
    before = _key(world)
    with pytest.raises(Exception):  # noqa: B017, PT011 - any refusal; the key must not move
        services.key_date_override(
            actor=world.treatment_b,
            episode=e,
            key_date="expected_release",
            value=datetime.date(2026, 3, 1),
            reason="Not theirs",
            expected_version=e.version,
        )
    assert _key(world) == before


def test_the_bulk_refresh_repairs_rows_written_without_the_services(world):
    # given a key gone stale (a bulk load writes episodes without the services)
    Person.objects.filter(pk=world.person_a.pk).update(expected_release_on=None)
    # when the bulk refresh runs
    services.expected_release_keys_refresh()
    # then the key is the current episode's date again
    assert _key(world) == _episode(world).expected_release


def test_the_data_migration_fills_it_for_existing_people(world):
    Person.objects.filter(pk=world.person_a.pk).update(expected_release_on=None)
    migration = importlib.import_module("alliance.people.migrations.0005_person_expected_release_on")
    migration.fill_expected_release_on(apps, None)
    assert _key(world) == _episode(world).expected_release
