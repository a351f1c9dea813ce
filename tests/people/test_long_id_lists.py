"""A practitioner on many case teams: the access filters pass the people's ids as one parameter
(core/lookups.py, `ids_in`) above people.access.LONG_ID_LIST, and must select exactly what the
plain IN list selects, on SQLite and PostgreSQL alike."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alliance.accounts.models import Membership
from alliance.cases import services as case_services
from alliance.core.compartments import Compartment, DataCategory
from alliance.people import access
from alliance.people import services as people_services
from alliance.people.models import Person

from ..conftest import login
from ..factories import person_fields

pytestmark = pytest.mark.django_db

TEAM = 12


@pytest.fixture
def on_many_teams(world):
    """The NGO worker on the case teams of TEAM people of prison A (and not of the others)."""
    w = world
    membership = Membership.objects.get(user=w.ngo_worker)
    w.team_people = []
    for n in range(TEAM + 3):
        person = people_services.person_create(actor=w.manager_a, **person_fields(
            w.prison_a, given_name=f"Given{n}", national_id=f"LONG{n:05d}"))
        case = case_services.case_open(actor=w.manager_a, person=person)
        if n < TEAM:
            case_services.team_member_add(actor=w.manager_a, case=case, team_role="Mentor",
                                          scopes=[], membership=membership)
            w.team_people.append(person.pk)
    return w


def _selected(user) -> dict:
    return {
        "visible": set(access.persons.visible(user).values_list("pk", flat=True)),
        "identity": set(Person.objects.filter(access.compartment_holders(
            user, Compartment.IDENTITY)).values_list("pk", flat=True)),
        "case team": set(Person.objects.filter(access.compartment_holders(
            user, DataCategory.CASE_TEAM)).values_list("pk", flat=True)),
    }


def test_a_long_list_of_ids_selects_what_the_in_list_selects(on_many_teams, monkeypatch):
    w = on_many_teams
    short = _selected(w.ngo_worker)
    assert short["visible"] == set(w.team_people)  # the teams only, not the other three
    monkeypatch.setattr(access, "LONG_ID_LIST", 3)
    with CaptureQueriesContext(connection) as ctx:
        long = _selected(w.ngo_worker)
    assert long == short
    marker = "unnest" if connection.vendor == "postgresql" else "json_each"
    # Visible and case team (the places gave no identity scope: that list is empty).
    assert short["identity"] == set()
    assert len([q for q in ctx.captured_queries if marker in q["sql"]]) == 2
    # One parameter for the ids, not TEAM of them.
    assert all(q["sql"].count(str(w.team_people[-1])) <= 1 for q in ctx.captured_queries)


def test_the_pages_of_a_worker_on_many_teams_show_the_same_people(on_many_teams, monkeypatch):
    w = on_many_teams
    client = login(w.ngo_worker)
    url = reverse("api:person-list")
    before = [p["reference"] for p in client.get(url).json()["results"]]
    monkeypatch.setattr(access, "LONG_ID_LIST", 3)
    after = [p["reference"] for p in client.get(url).json()["results"]]
    assert after == before and len(after) == TEAM
    person = Person.objects.get(pk=w.team_people[0])
    assert client.get(reverse("people:detail", args=[person.uuid])).status_code == 200
