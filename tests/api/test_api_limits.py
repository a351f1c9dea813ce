"""Bodies larger than the API accepts get 413 in the error shape whatever their content type,
whatever length they declare, and however they are sent; pages refuse oversized forms with 413
too. Nothing is read past the limit and nothing is saved."""

import json
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, FakePayload, encode_multipart
from django.urls import reverse

from alliance.people.models import Person

from ..conftest import login
from ..factories import person_fields
from .helpers import assert_error

pytestmark = pytest.mark.django_db

LIMIT = 200


@pytest.fixture
def limited(world, settings):
    settings.API_MAX_BODY_BYTES = LIMIT
    world.client = login(world.manager_a)
    world.url = reverse("api:person-list")
    world.people = Person.objects.count()
    return world


def _person_json(w, family_name="Gashi") -> str:
    fields = person_fields(w.prison_a, family_name=family_name)
    return json.dumps({**fields, "responsible_agency": str(w.prison_a.uuid),
                       "date_of_birth": fields["date_of_birth"].isoformat()})


BIG = {"given_name": "x" * (LIMIT * 2)}
BODIES = {
    "application/json": json.dumps(BIG),
    "application/json; charset=utf-8": json.dumps(BIG),
    "application/x-www-form-urlencoded": urlencode(BIG),
    MULTIPART_CONTENT: encode_multipart(BOUNDARY, BIG),
    # Not a type the API reads (otherwise 415): too large comes first.
    "text/plain": "x" * (LIMIT * 2),
    "application/octet-stream": b"\x00" * (LIMIT * 2),
    "": "x" * (LIMIT * 2),
}


@pytest.mark.parametrize("content_type", list(BODIES), ids=lambda t: t or "no type")
def test_a_body_over_the_limit_gets_413_whatever_its_content_type(limited, content_type):
    response = limited.client.generic("POST", limited.url, BODIES[content_type],
                                      content_type=content_type)
    body = assert_error(response, 413, "request_too_large")
    assert str(LIMIT) in body["detail"]
    assert Person.objects.count() == limited.people


def test_a_small_body_of_a_type_the_api_does_not_read_still_gets_415(limited):
    response = limited.client.post(limited.url, "x", content_type="text/plain")
    assert_error(response, 415, "unsupported_media_type")


def test_a_body_declaring_more_than_the_limit_is_refused_before_it_is_read(limited):
    payload = FakePayload(b'{"given_name": "x"}')
    response = limited.client.post(limited.url, content_type="application/json",
                                   CONTENT_LENGTH=str(LIMIT + 1), **{"wsgi.input": payload})
    assert_error(response, 413, "request_too_large")
    assert payload.read_started is False  # not a byte read


def test_a_body_longer_than_its_declared_length_is_cut_at_that_length(limited, settings):
    settings.API_MAX_BODY_BYTES = 10 * LIMIT
    text = _person_json(limited)
    # declares a tenth of what it sends: only that much is read, which is not JSON
    response = limited.client.post(limited.url, text, content_type="application/json",
                                   CONTENT_LENGTH=str(len(text) // 10))
    assert_error(response, 400, "parse_error")
    assert Person.objects.count() == limited.people


def test_a_chunked_body_without_a_length_is_read_as_empty_never_past_the_limit(limited):
    # Django reads no more than CONTENT_LENGTH, and nothing without it: a chunked body of any
    # size is an empty body (400 naming the required fields), never a 5xx nor a stored record.
    response = limited.client.post(limited.url, "x" * (100 * LIMIT),
                                   content_type="application/json", CONTENT_LENGTH="",
                                   HTTP_TRANSFER_ENCODING="chunked")
    body = assert_error(response, 400, "invalid")
    assert "family_name" in body["fields"]
    assert Person.objects.count() == limited.people


def test_the_valid_body_of_these_tests_is_accepted_under_the_limit(limited, settings):
    # Otherwise "nothing saved" above would prove nothing.
    settings.API_MAX_BODY_BYTES = 10 * LIMIT
    response = limited.client.post(limited.url, _person_json(limited),
                                   content_type="application/json")
    assert response.status_code == 201, response.json()
    assert Person.objects.count() == limited.people + 1


def test_a_form_over_djangos_own_limit_gets_413_in_the_shape_too(limited, settings):
    # A multipart body is measured by Django as well (DATA_UPLOAD_MAX_MEMORY_SIZE, files not
    # counted): when that limit is the lower, its refusal answers the same way.
    settings.API_MAX_BODY_BYTES = 100 * LIMIT
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = LIMIT
    response = limited.client.generic("POST", limited.url, BODIES[MULTIPART_CONTENT],
                                      content_type=MULTIPART_CONTENT)
    assert_error(response, 413, "request_too_large")


def test_a_page_refuses_a_form_over_the_limit_with_413(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = LIMIT
    client = login(world.manager_a)
    response = client.post(reverse("people:create"), {"family_name": "x" * (2 * LIMIT)})
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    assert "larger than the server accepts" in response.content.decode()
    assert Person.objects.filter(pk__gt=world.person_a.pk).count() == 0


def test_the_page_limits_are_settings(settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2_621_440
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE == 2_621_440
    assert settings.API_MAX_BODY_BYTES < settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def test_an_accept_header_that_is_not_json_gets_406_in_json(world):
    client = login(world.manager_a)
    response = client.get(reverse("api:person-list"), HTTP_ACCEPT="text/html")
    assert_error(response, 406, "not_acceptable")


def test_errors_of_the_schema_endpoint_are_json_too(world):
    response = Client().get(reverse("api-schema"))
    assert_error(response, 401, "not_authenticated")
