"""No lost update: two practitioners who open the same record and both save it never overwrite
each other silently. Each loads the page (or the API object) at version N; the first save wins,
the second is answered 409 with what they typed kept, and the stored text is the first one's.

The HTTP cases run on either database; the truly concurrent one (two threads, each with its own
database connection, saving at the same instant) needs PostgreSQL's row locks and is skipped on
SQLite, which serialises every writer on one file lock anyway."""

import re
import threading

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from alliance.core.models import AuditEvent
from alliance.observations.models import Observation
from alliance.people.models import Person
from alliance.plans.models import Plan

from ..conftest import login
from ..factories import person_fields
from ..observations.conftest import observe
from ..plans import builders

VERSION = re.compile(r'name="version" value="(\d+)"')


def _version_on(page) -> int:
    """The version the page hands its user (the hidden field every edit form carries)."""
    assert page.status_code == 200
    versions = set(VERSION.findall(page.content.decode()))
    assert len(versions) == 1, versions
    return int(versions.pop())


def _changes_audited(**about) -> int:
    return AuditEvent.objects.filter(action="change", outcome="success", **about).count()


def _person_form(w, version, family_name) -> dict:
    return {**person_fields(w.prison_a), "responsible_agency": w.prison_a.pk,
            "family_name": family_name, "version": version}


def _observation_form(observation, version, verbatim) -> dict:
    return {"category": observation.category, "verbatim": verbatim,
            "context": observation.context, "opinion": observation.opinion,
            "source_reliability": observation.source_reliability,
            "information_assessment": observation.information_assessment,
            "handling_code": observation.handling_code,
            "observed_at": timezone.localtime(observation.observed_at).strftime("%Y-%m-%dT%H:%M"),
            "version": version}


# --- one after the other, through HTTP -----------------------------------------------------------

@pytest.mark.django_db
def test_two_people_editing_a_person_s_identity_the_later_one_gets_409_and_keeps_the_first(world):
    url = reverse("people:edit", args=[world.person_a.uuid])
    desk, phone = login(world.manager_a), login(world.manager_a)  # the same record, two screens
    # given both opened the edit page at the same version
    seen_at_desk, seen_on_phone = _version_on(desk.get(url)), _version_on(phone.get(url))
    assert seen_at_desk == seen_on_phone

    # when both save
    first = desk.post(url, _person_form(world, seen_at_desk, "Krasniqi-Hoxha"))
    second = phone.post(url, _person_form(world, seen_on_phone, "Krasniqi-Berisha"))

    # then the first is stored, the second is refused with what was typed kept
    assert first.status_code == 302
    assert second.status_code == 409
    assert "Krasniqi-Berisha" in second.content.decode()
    person = Person.objects.get(pk=world.person_a.pk)
    assert person.family_name == "Krasniqi-Hoxha"
    assert person.version == seen_at_desk + 1


@pytest.mark.django_db
def test_two_planners_changing_a_plan_the_later_one_gets_409_and_the_first_summary_stays(world):
    plan = builders.draft_plan(world)
    url = reverse("plans:plan", args=[plan.uuid])
    edit = reverse("plans:plan_update", args=[plan.uuid])
    officer, manager = login(world.treatment_a), login(world.manager_a)
    seen_by_officer, seen_by_manager = _version_on(officer.get(url)), _version_on(manager.get(url))
    assert seen_by_officer == seen_by_manager

    first = officer.post(edit, {"summary": "Mentoring first, then the family.",
                                "review_every_months": 3, "version": seen_by_officer})
    second = manager.post(edit, {"summary": "Work first.", "review_every_months": 6,
                                 "version": seen_by_manager})

    assert first.status_code == 302
    assert second.status_code == 409
    assert "Work first." in second.content.decode()
    stored = Plan.objects.get(pk=plan.pk)
    assert (stored.summary, stored.review_every_months) == ("Mentoring first, then the family.", 3)


@pytest.mark.django_db
def test_an_observation_corrected_from_two_screens_keeps_the_first_correction(world):
    observation = observe(world, world.treatment_a, verbatim="Said X.")
    url = reverse("observations:observation_edit", args=[observation.uuid])
    desk, phone = login(world.treatment_a), login(world.treatment_a)
    seen_at_desk, seen_on_phone = _version_on(desk.get(url)), _version_on(phone.get(url))

    first = desk.post(url, _observation_form(observation, seen_at_desk, "Said Y, not X."))
    second = phone.post(url, _observation_form(observation, seen_on_phone, "Said Z."))

    assert first.status_code == 302
    assert second.status_code == 409
    assert "Said Z." in second.content.decode()
    assert Observation.objects.get(pk=observation.pk).verbatim == "Said Y, not X."


@pytest.mark.django_db
def test_two_api_clients_patching_a_plan_the_later_one_gets_a_409_conflict(world):
    plan = builders.draft_plan(world)
    url = reverse("api:plan-detail", args=[plan.uuid])
    officer, manager = login(world.treatment_a), login(world.manager_a)
    seen_by_officer = officer.get(url).json()["version"]
    seen_by_manager = manager.get(url).json()["version"]
    changes = _changes_audited(object_uuid=str(plan.uuid))

    first = officer.patch(url, {"version": seen_by_officer, "summary": "A"},
                          content_type="application/json")
    second = manager.patch(url, {"version": seen_by_manager, "summary": "B"},
                           content_type="application/json")

    assert first.status_code == 200 and first.json()["version"] == seen_by_officer + 1
    assert second.status_code == 409 and second.json()["code"] == "conflict"
    assert Plan.objects.get(pk=plan.pk).summary == "A"
    # one change audited, the refused one changed nothing
    assert _changes_audited(object_uuid=str(plan.uuid)) == changes + 1


# --- at the same instant, on PostgreSQL ----------------------------------------------------------

@pytest.fixture
def audit_flushable():
    """After the test, let the flush of a transactional test empty the append-only audit table.
    Its triggers refuse TRUNCATE, and the flush runs on this connection, which Django closes
    right after it (so the setting ends with it). Needs a superuser, as the test database's
    owner is in CI."""
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")


@pytest.mark.skipif(connection.vendor != "postgresql", reason=(
    "needs PostgreSQL: SQLite lets one writer in at a time, so two requests can never be "
    "inside the save together"))
@pytest.mark.django_db(transaction=True)
def test_two_saves_of_a_person_at_the_same_instant_give_one_success_and_one_409(
        audit_flushable, world):
    url = reverse("people:edit", args=[world.person_a.uuid])
    clients = [login(world.manager_a), login(world.manager_a)]
    seen = [_version_on(client.get(url)) for client in clients]
    assert seen[0] == seen[1]
    names = ["Krasniqi-Hoxha", "Krasniqi-Berisha"]
    changes = _changes_audited(person=world.person_a)
    together = threading.Barrier(2, timeout=30)
    statuses: dict[str, int] = {}

    def save(client, name):
        try:  # each thread has its own connection: close it, or the test database stays in use
            together.wait()
            statuses[name] = client.post(url, _person_form(world, seen[0], name)).status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=pair)
               for pair in zip(clients, names, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(statuses.values()) == [302, 409], statuses
    winner = next(name for name, status in statuses.items() if status == 302)
    person = Person.objects.get(pk=world.person_a.pk)
    assert person.family_name == winner
    assert person.version == seen[0] + 1
    assert _changes_audited(person=person) == changes + 1  # the refused save audited nothing
