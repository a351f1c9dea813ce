import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from alliance.core.errors import Conflict
from alliance.core.models import AuditEvent
from alliance.people import services
from alliance.people.models import Person

from ..conftest import login
from ..factories import person_fields

pytestmark = pytest.mark.django_db


def test_it_registers_a_person_under_a_pseudonymous_reference(world):
    response = login(world.manager_a).post(reverse("people:create"), {
        **person_fields(world.prison_a), "responsible_agency": world.prison_a.pk,
        "date_of_birth": "1990-05-17"})
    assert response.status_code == 302
    person = Person.objects.latest("id")
    assert person.reference.startswith("J1-") and "Krasniqi" not in person.reference
    event = AuditEvent.objects.filter(action="create", person=person).get()
    assert "Krasniqi" not in str(event.details)


def test_it_refuses_registration_for_an_agency_where_the_user_keeps_no_records(world):
    with pytest.raises(ValidationError):
        services.person_create(actor=world.manager_a, **person_fields(world.prison_b))


def test_a_form_error_is_translated_and_nothing_is_saved(world):
    before = Person.objects.count()
    client = login(world.manager_a)
    client.post(reverse("set_language"), {"language": "sq"})
    response = client.post(reverse("people:create"), {"responsible_agency": world.prison_a.pk})
    assert response.status_code == 200
    assert "Kjo fushë është e domosdoshme" in response.content.decode()  # Django's own sq
    assert Person.objects.count() == before


def test_a_stale_edit_of_a_person_gets_a_conflict_not_an_overwrite(world):
    person = world.person_a
    services.person_update(actor=world.manager_a, person=person, expected_version=person.version,
                           family_name="Krasniqi-Hoxha")
    with pytest.raises(Conflict):
        services.person_update(actor=world.manager_a, person=person,
                               expected_version=person.version, family_name="Other")
    assert Person.objects.get(pk=person.pk).family_name == "Krasniqi-Hoxha"


def test_the_edit_page_answers_409_and_keeps_what_was_typed(world):
    client = login(world.manager_a)
    url = reverse("people:edit", args=[world.person_a.uuid])
    data = {**person_fields(world.prison_a), "responsible_agency": world.prison_a.pk,
            "version": world.person_a.version}
    data["family_name"] = "First-Edit"
    assert client.post(url, data).status_code == 302
    data["family_name"] = "Second-Edit"
    response = client.post(url, data)
    assert response.status_code == 409
    assert "Second-Edit" in response.content.decode()
    assert Person.objects.get(pk=world.person_a.pk).family_name == "First-Edit"


def test_changing_a_name_updates_the_search_index(world):
    services.person_update(actor=world.manager_a, person=world.person_a,
                           expected_version=world.person_a.version, family_name="Berisha")
    client = login(world.treatment_a)
    assert world.person_a.reference in client.get(reverse("people:caseload"),
                                                  {"q": "Arben Berisha"}).content.decode()
    assert world.person_a.reference not in client.get(reverse("people:caseload"),
                                                      {"q": "Arben Krasniqi"}).content.decode()


def test_a_classification_change_keeps_history_and_reason(world):
    services.person_classify(actor=world.manager_a, person=world.person_a, classification="vep",
                             reason="Assessment concluded", expected_version=world.person_a.version)
    history = list(world.person_a.classification_changes.values_list("previous", "new", "reason"))
    assert history[0] == ("at_risk", "vep", "Assessment concluded")
    assert history[1][1] == "at_risk"


def test_a_treatment_officer_may_not_reclassify(world):
    with pytest.raises(PermissionDenied):
        services.person_classify(actor=world.treatment_a, person=world.person_a,
                                 classification="vep", reason="x", expected_version=None)


def test_a_regional_coordinator_sees_only_suppressed_aggregates(world):
    client = login(world.regional_coordinator)
    page = client.get(reverse("overview")).content.decode()
    assert world.person_a.reference not in page
    assert "&lt;5" in page  # one person in J1: suppressed
    assert client.get(reverse("people:caseload")).status_code == 403


def test_the_health_check_says_ok_and_nothing_more(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}  # no vendor, no version for strangers
