import pytest
from django.urls import reverse

from alliance.core.models import AuditEvent

from ..conftest import login

pytestmark = pytest.mark.django_db


def test_it_shows_the_caseload_to_a_treatment_officer_of_the_prison(world):
    response = login(world.treatment_a).get(reverse("people:caseload"))
    assert response.status_code == 200
    assert world.person_a.reference in response.content.decode()
    assert "Krasniqi" in response.content.decode()


def test_it_hides_the_person_from_another_prison(world):
    client = login(world.treatment_b)
    caseload = client.get(reverse("people:caseload")).content.decode()
    assert world.person_a.reference not in caseload
    assert client.get(reverse("people:detail", args=[world.person_a.uuid])).status_code == 404


def test_it_shows_custody_key_dates_classification_team_and_timeline(world):
    response = login(world.treatment_a).get(reverse("people:detail", args=[world.person_a.uuid]))
    html = response.content.decode()
    assert response.status_code == 200
    for text in ["Prison A", "Expected release", "Computed from the sentence",
                 "Classification history", "Screening at admission.", "Case team", "Timeline",
                 "Case opened", "Arben Krasniqi"]:
        assert text in html, text


def test_it_logs_each_view_of_a_person(world):
    before = AuditEvent.objects.filter(action="view", person=world.person_a).count()
    login(world.treatment_a).get(reverse("people:detail", args=[world.person_a.uuid]))
    event = AuditEvent.objects.filter(action="view", person=world.person_a).latest("id")
    assert AuditEvent.objects.filter(action="view", person=world.person_a).count() == before + 1
    assert event.actor == world.treatment_a
    assert event.agency == world.prison_a
    assert event.outcome == "success"


def test_it_finds_a_person_by_exact_name_in_either_script_and_without_diacritics(world):
    from alliance.people import services

    from ..factories import person_fields

    marko = services.person_create(actor=world.manager_a, **person_fields(
        world.prison_a, given_name="Marko", family_name="Petrović", aliases="", national_id=""))
    client = login(world.treatment_a)
    for query in ["Марко Петровић", "marko petrovic", "PETROVIĆ, Marko", "Petrović"]:
        html = client.get(reverse("people:caseload"), {"q": query}).content.decode()
        assert marko.reference in html, query
        assert world.person_a.reference not in html, query
    html = client.get(reverse("people:caseload"), {"q": "Petrovi"}).content.decode()
    assert marko.reference not in html  # exact match only: no partial-name fishing


def test_it_finds_a_person_by_national_id_and_reference_prefix(world):
    client = login(world.treatment_a)
    html = client.get(reverse("people:caseload"), {"q": "1705990450011"}).content.decode()
    assert world.person_a.reference in html
    html = client.get(reverse("people:caseload"), {"q": world.person_a.reference[:5]}).content
    assert world.person_a.reference in html.decode()


def test_it_logs_a_search_without_keeping_the_term(world):
    login(world.treatment_a).get(reverse("people:caseload"), {"q": "Arben Krasniqi"})
    event = AuditEvent.objects.filter(action="search").latest("id")
    assert "Krasniqi" not in str(event.details)
    assert event.details["references"] == [world.person_a.reference]
    assert len(event.details["query_hash"]) == 64
