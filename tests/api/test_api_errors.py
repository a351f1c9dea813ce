"""Every error of the API answers in one JSON shape: {"detail", "code"} and, for invalid input,
"fields" — including addresses under /api/ that match no endpoint."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.urls import reverse

from alliance.core import errorviews
from alliance.core.api import flatten_errors

from ..conftest import login
from .helpers import assert_error

pytestmark = pytest.mark.django_db


def _person(world):
    return reverse("api:person-detail", args=[world.person_a.uuid])


def test_invalid_input_names_each_field(world):
    response = login(world.manager_a).post(reverse("api:person-list"), {"given_name": "X"},
                                           content_type="application/json")
    body = assert_error(response, 400, "invalid")
    assert body["detail"] == "Invalid input."
    assert body["fields"]["family_name"] == ["This field is required."]
    assert "given_name" not in body["fields"]


def test_an_error_about_the_whole_input_is_also_the_detail(world):
    response = login(world.manager_a).post(reverse("api:person-list"), [1, 2],
                                           content_type="application/json")
    body = assert_error(response, 400, "invalid")
    assert body["fields"] == {"non_field_errors": [body["detail"]]}


def test_it_answers_401_without_credentials_or_with_a_bad_token(world):
    assert_error(Client().get(_person(world)), 401, "not_authenticated")
    assert_error(Client(HTTP_AUTHORIZATION="Token nonsense").get(_person(world)), 401,
                 "authentication_failed")


def test_it_keeps_the_message_of_the_access_functions(world):
    refused = login(world.treatment_a).patch(_person(world), {"version": 1},
                                             content_type="application/json")
    assert assert_error(refused, 403, "permission_denied")["detail"] == (
        "You may see this person but not do that.")
    hidden = login(world.treatment_b).get(_person(world))
    assert assert_error(hidden, 404, "not_found")["detail"] == (
        "No such person, or not one you may see.")


def test_it_answers_405_to_a_method_an_endpoint_lacks(world):
    assert_error(login(world.manager_a).delete(_person(world)), 405, "method_not_allowed")


def test_a_stale_version_gets_409_in_the_shape(world):
    client = login(world.manager_a)
    stale = {"version": world.person_a.version - 1, "national_id": "2"}
    body = assert_error(client.patch(_person(world), stale, content_type="application/json"),
                        409, "conflict")
    assert "not saved" in body["detail"]


@pytest.mark.parametrize("path", ["/api/v1/nope/", "/api/nope", "/api/v1/persons/not-a-uuid/"])
def test_an_address_under_api_that_matches_nothing_gets_json_404(world, path):
    assert_error(Client().get(path), 404, "not_found")
    body = assert_error(login(world.manager_a).get(path), 404, "not_found")
    assert "persons" not in body["detail"]  # never the list of URL patterns


def test_pages_outside_the_api_keep_their_html_404(world):
    response = login(world.manager_a).get("/people/nope/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


def test_an_unexpected_error_answers_json_500(world, monkeypatch):
    def broken(kind=""):
        raise RuntimeError("database on fire")

    monkeypatch.setattr("alliance.assessments.selectors.instrument_versions", broken)
    client = login(world.manager_a)
    client.raise_request_exception = False
    body = assert_error(client.get(reverse("api:instrument-list")), 500, "server_error")
    assert "fire" not in body["detail"]


def test_a_refusal_outside_a_view_under_api_is_json_too():
    request = RequestFactory().get("/api/v1/somewhere/")
    response = errorviews.permission_denied(request, PermissionDenied("Not for you."))
    assert (response.status_code, response["Content-Type"]) == (403, "application/json")
    assert response.content == b'{"detail": "Not for you.", "code": "permission_denied"}'


def test_nested_errors_are_flattened_to_dotted_paths():
    detail = {"sources": [{}, {"kind": ["Bad kind."]}],
              "ratings": {"BA1": ["Not on the scale."]},
              "bias_answers": {"faith": {"non_field_errors": ["Answer it."]}},
              "non_field_errors": ["Incomplete."], "__all__": ["Also this."]}
    assert flatten_errors(detail) == {
        "sources.1.kind": ["Bad kind."], "ratings.BA1": ["Not on the scale."],
        "bias_answers.faith": ["Answer it."], "non_field_errors": ["Incomplete.", "Also this."]}
    assert flatten_errors(["Just this."]) == {"non_field_errors": ["Just this."]}
