import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from alliance.core.models import AuditEvent
from alliance.people.models import Person

from ..conftest import login

pytestmark = pytest.mark.django_db


def _token_client(user):
    out = io.StringIO()
    call_command("issue_api_token", user.username, stdout=out)
    return Client(HTTP_AUTHORIZATION=f"Token {out.getvalue().strip()}")


def test_it_lists_visible_persons_with_custody_and_classification_by_token(world):
    client = _token_client(world.treatment_a)
    body = client.get(reverse("api:person-list")).json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["reference"] == world.person_a.reference
    assert row["classification"] == "at_risk"
    assert row["identity"]["family_name"] == "Krasniqi"
    keys = {k["key"]: k for k in row["custody_episodes"][0]["key_dates"]}
    assert keys["sentence_end"] == {"key": "sentence_end", "value": "2029-12-11",
                                    "source": "computed"}
    assert AuditEvent.objects.latest("id").action == "list"


def test_it_answers_401_without_a_token_and_404_for_another_prison(world):
    assert Client().get(reverse("api:person-list")).status_code == 401
    assert Client(HTTP_AUTHORIZATION="Token nonsense").get(
        reverse("api:person-list")).status_code == 401
    client = _token_client(world.treatment_b)
    assert client.get(reverse("api:person-list")).json()["count"] == 0
    assert client.get(reverse("api:person-detail", args=[world.person_a.uuid])).status_code == 404


def test_every_api_read_of_a_person_is_audited(world):
    client = _token_client(world.treatment_a)
    client.get(reverse("api:person-detail", args=[world.person_a.uuid]),
               HTTP_X_ALLIANCE_PURPOSE="Nightly sync with the prison register")
    event = AuditEvent.objects.filter(action="view").latest("id")
    assert (event.person_id, event.purpose) == (world.person_a.pk,
                                                "Nightly sync with the prison register")


def test_it_creates_a_person_and_reports_field_errors(world):
    client = login(world.manager_a)
    bad = client.post(reverse("api:person-list"), {"given_name": "X"},
                      content_type="application/json")
    assert bad.status_code == 400
    assert {"family_name", "responsible_agency"} <= set(bad.json()["fields"])
    good = client.post(reverse("api:person-list"), {
        "responsible_agency": str(world.prison_a.uuid), "given_name": "Ilir",
        "family_name": "Gashi", "data_subject_category": "remand", "classification": "other",
        "classification_reason": "Admission screening"}, content_type="application/json")
    assert good.status_code == 201, good.json()
    assert good.json()["identity"]["given_name"] == "Ilir"
    assert Person.objects.filter(uuid=good.json()["uuid"]).exists()


def test_a_stale_patch_gets_409(world):
    client = login(world.manager_a)
    url = reverse("api:person-detail", args=[world.person_a.uuid])
    version = client.get(url).json()["version"]
    first = client.patch(url, {"version": version, "national_id": "1"},
                         content_type="application/json")
    assert first.status_code == 200 and first.json()["version"] == version + 1
    stale = client.patch(url, {"version": version, "national_id": "2"},
                         content_type="application/json")
    assert stale.status_code == 409
    assert Person.objects.get(pk=world.person_a.pk).national_id == "1"


def test_a_treatment_officer_may_read_but_not_patch(world):
    client = login(world.treatment_a)
    url = reverse("api:person-detail", args=[world.person_a.uuid])
    assert client.patch(url, {"version": 1}, content_type="application/json").status_code == 403


def test_cases_are_listed_with_their_team(world):
    body = login(world.manager_a).get(reverse("api:case-list")).json()
    assert body["results"][0]["person_reference"] == world.person_a.reference
    assert body["results"][0]["case_manager"] == "manager_a"


def test_the_schema_describes_persons_and_cases(world):
    schema = login(world.treatment_a).get(reverse("api-schema")).content.decode()
    assert "/api/v1/persons/" in schema and "/api/v1/cases/" in schema
    docs = login(world.treatment_a).get(reverse("api-docs")).content.decode()
    assert "http://" not in docs.replace("http://testserver", "") and "https://" not in docs
