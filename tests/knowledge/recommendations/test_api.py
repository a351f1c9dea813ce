"""The recommendations API as a client uses it: each published recommendation with every
jurisdiction's status, and setting one (409 when stale); refusals in the API's error shape; the
schema."""

import pytest
from django.urls import reverse

from alliance.knowledge.models import EntryStatus, RecommendationAdoption, Theme

from ...api.helpers import ENVELOPE, assert_error
from ...conftest import login
from ...factories import UserFactory
from . import builders

pytestmark = pytest.mark.django_db

LIST = "/api/v1/recommendations/"


def _url(rec, code):
    return reverse("api:recommendation-adoption", args=[rec.uuid, code])


def _put(client, url, data):
    return client.put(url, data, content_type="application/json")


@pytest.fixture
def w(kb):
    kb.rec = builders.recommendation(kb, themes=[Theme.STAFF])
    builders.adopt(kb, kb.rec, kb.j2, "adopted", note="Since 2024.")
    return kb


def test_it_lists_each_recommendation_with_every_jurisdiction(w):
    builders.recommendation(w, title="Not yet", status=EntryStatus.REVIEWED)
    response = login(w.editor_j1).get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == ENVELOPE and body["count"] == 1
    row = body["results"][0]
    assert row["uuid"] == str(w.rec.uuid) and row["themes"] == ["staff"]
    assert [(c["jurisdiction"], c["status"], c["version"], c["editable"])
            for c in row["adoption"]] == [("J1", "not_considered", 0, True),
                                          ("J2", "adopted", 1, False)]
    assert row["adoption"][1]["note"] == "Since 2024."


def test_it_filters_the_list(w):
    client = login(w.treatment_a)
    assert client.get(LIST, {"status": "adopted"}).json()["count"] == 1
    assert client.get(LIST, {"theme": "family_work"}).json()["count"] == 0
    body = assert_error(client.get(LIST, {"status": "maybe"}), 400, "invalid")
    assert "status" in body["fields"]


def test_it_refuses_the_list_to_an_account_with_no_place(w):
    assert_error(login(UserFactory()).get(LIST), 403, "permission_denied")


def test_a_knowledge_editor_sets_their_jurisdictions_status(w):
    response = _put(login(w.editor_j1), _url(w.rec, "J1"),
                    {"status": "in_progress", "note": "Piloting.", "version": 0})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["jurisdiction"], body["status"], body["version"]) == ("J1", "in_progress", 1)
    assert RecommendationAdoption.objects.get(jurisdiction=w.j1).note == "Piloting."


def test_it_refuses_another_jurisdictions_status(w):
    response = _put(login(w.editor_j1), _url(w.rec, "J2"),
                    {"status": "not_adopted", "version": 1})
    assert_error(response, 403, "permission_denied")
    assert RecommendationAdoption.objects.get(jurisdiction=w.j2).status == "adopted"


def test_it_refuses_a_reader(w):
    assert_error(_put(login(w.treatment_a), _url(w.rec, "J1"),
                      {"status": "adopted", "version": 0}), 403)


def test_a_stale_status_answers_409(w):
    response = _put(login(w.regional_coordinator), _url(w.rec, "J2"),
                    {"status": "not_adopted", "version": 0})
    assert_error(response, 409, "conflict")
    assert RecommendationAdoption.objects.get(jurisdiction=w.j2).status == "adopted"


def test_an_unpublished_recommendation_or_unknown_jurisdiction_is_not_found(w):
    draft = builders.recommendation(w, status=EntryStatus.DRAFT)
    client = login(w.regional_coordinator)
    assert_error(_put(client, _url(draft, "J1"), {"status": "adopted", "version": 0}), 404)
    assert_error(_put(client, _url(w.rec, "ZZ"), {"status": "adopted", "version": 0}), 404)


def test_it_refuses_bad_input_with_the_reason(w):
    client = login(w.regional_coordinator)
    body = assert_error(_put(client, _url(w.rec, "J1"), {"status": "maybe", "version": 0}),
                        400, "invalid")
    assert "status" in body["fields"]
    body = assert_error(_put(client, _url(w.rec, "J1"), {
        "status": "adopted", "version": 0, "note": f"Worked for {w.person_a.reference}",
        "confirm_no_person_data": True}), 400)
    assert "reference of a person" in body["fields"]["note"][0]


def test_the_schema_documents_the_recommendation_endpoints(w):
    paths = login(w.treatment_a).get(reverse("api-schema"), {"format": "json"}).json()["paths"]
    assert "get" in paths["/api/v1/recommendations/"]
    put = paths["/api/v1/recommendations/{entry_uuid}/adoption/{jurisdiction_code}/"]["put"]
    assert {"200", "400", "403", "404", "409"} <= set(put["responses"])


def test_the_list_runs_as_many_queries_for_many_recommendations_as_for_one(
        w, django_assert_max_num_queries):
    client = login(w.treatment_a)
    client.get(LIST)
    with django_assert_max_num_queries(20) as one:
        client.get(LIST)
    for n in range(10):
        rec = builders.recommendation(w, title=f"Recommendation {n}")
        builders.adopt(w, rec, w.j1, "in_progress")
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(LIST).json()["count"] == 11
