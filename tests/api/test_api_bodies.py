"""Request bodies the API refuses before any view or service sees them: too deep, too large,
carrying NUL or other control characters. Each is refused with 400/413 in the error shape, and
nothing is saved, on every endpoint that writes."""

import json
from urllib.parse import urlencode

import pytest
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from alliance.assessments.models import ItemRating

from ..assessments.test_assessments_api import _screening
from ..conftest import login
from ..factories import person_fields
from .helpers import assert_error, saved_state

pytestmark = pytest.mark.django_db

DEEP_OBJECT = '{"a":' * 5000 + "1" + "}" * 5000
DEEP_ARRAY = '{"given_name": ' + "[" * 5000 + "]" * 5000 + "}"


def _person_create(w, text="Gashi"):
    fields = person_fields(w.prison_a, family_name=text)
    return {**fields, "responsible_agency": str(w.prison_a.uuid),
            "date_of_birth": fields["date_of_birth"].isoformat()}


# (name, persona, method, url, a body that would be accepted, with `text` in one string)
WRITES = [
    ("person create", "manager_a", "post", lambda w: reverse("api:person-list"),
     _person_create),
    ("person update", "manager_a", "patch",
     lambda w: reverse("api:person-detail", args=[w.person_a.uuid]),
     lambda w, text="2": {"version": w.person_a.version, "national_id": text}),
    ("screening create", "treatment_a", "post",
     lambda w: reverse("api:person-screenings", args=[w.person_a.uuid]),
     lambda w, text="Seen": _screening(w.instruments.screening, rationale=text)),
    ("assessment create", "treatment_a", "post",
     lambda w: reverse("api:person-assessments", args=[w.person_a.uuid]),
     # The string is a key here: keys are checked as well as values.
     lambda w, text="note": {"instrument_version": str(w.instruments.risk_needs.uuid),
                             text: ""}),
    ("assessment update", "treatment_a", "patch",
     lambda w: reverse("api:assessment-detail", args=[w.draft.uuid]),
     lambda w, text="Fits": {"version": w.draft.version, "formulation": text}),
    ("assessment item", "treatment_a", "put",
     lambda w: reverse("api:assessment-item", args=[w.draft.uuid, "BA1"]),
     lambda w, text="Seen": {"rating": "low", "evidence": text, "stamp": ""}),
    ("assessment submit", "treatment_a", "post",
     lambda w: reverse("api:assessment-submit", args=[w.draft.uuid]),
     lambda w, text="x": {"version": w.draft.version, "note": [text]}),
]
IDS = [w[0] for w in WRITES]


def _send(world, write, body: str, **extra):
    _name, persona, method, url, _valid = write
    client = login(getattr(world, persona))
    return getattr(client, method)(url(world), body, content_type="application/json", **extra)


@pytest.mark.parametrize("write", WRITES, ids=IDS)
@pytest.mark.parametrize("body", [DEEP_OBJECT, DEEP_ARRAY], ids=["object", "array"])
def test_it_refuses_json_nested_5000_deep_and_saves_nothing(assessing, write, body):
    before = saved_state(assessing)
    response = _send(assessing, write, body)
    assert "32" in assert_error(response, 400, "too_deep")["detail"]
    assert saved_state(assessing) == before


@pytest.mark.parametrize("write", WRITES, ids=IDS)
def test_it_refuses_nul_in_a_json_string_and_saves_nothing(assessing, write):
    before = saved_state(assessing)
    response = _send(assessing, write, json.dumps(write[4](assessing, "Ga\x00shi")))
    body = assert_error(response, 400, "invalid_characters")
    assert "control characters" in body["detail"] or "control characters" in str(body["fields"])
    assert saved_state(assessing) == before


@pytest.mark.parametrize("write", WRITES[:3], ids=IDS[:3])
def test_the_valid_bodies_of_these_tests_are_accepted(assessing, write):
    # Otherwise "nothing saved" above would prove nothing.
    response = _send(assessing, write, json.dumps(write[4](assessing)))
    assert response.status_code in (200, 201), response.json()


@pytest.mark.parametrize("text", ["a\x01b", "a\x1fb", "a\x7fb", "\ud800"],
                         ids=["SOH", "US", "DEL", "lone surrogate"])
def test_it_refuses_other_control_characters_and_names_the_field(assessing, text):
    response = _send(assessing, WRITES[0], json.dumps(_person_create(assessing, text)))
    body = assert_error(response, 400, "invalid_characters")
    assert list(body["fields"]) == ["family_name"]


def test_it_names_the_dotted_path_of_a_nested_value(assessing):
    data = _screening(assessing.instruments.screening,
                      bias_answers={"faith": {"answer": "no", "note": "\x00"}})
    response = _send(assessing, WRITES[2], json.dumps(data))
    assert list(assert_error(response, 400)["fields"]) == ["bias_answers.faith.note"]
    assert not assessing.person_a.screenings.exists()


def test_it_accepts_tab_and_line_breaks(assessing):
    response = _send(assessing, WRITES[4], json.dumps(WRITES[4][4](assessing, "One\r\n\tTwo")))
    assert response.status_code == 200, response.json()
    assert response.json()["formulation"] == "One\r\n\tTwo"


def test_it_refuses_a_body_over_one_mebibyte_with_413(assessing, settings):
    assert settings.API_MAX_BODY_BYTES == 1024 * 1024
    before = saved_state(assessing)
    big = json.dumps(_person_create(assessing, "G" * (1024 * 1024)))
    response = _send(assessing, WRITES[0], big)
    assert "1048576" in assert_error(response, 413, "request_too_large")["detail"]
    assert saved_state(assessing) == before


@pytest.mark.parametrize("write", WRITES, ids=IDS)
def test_the_limit_is_a_setting_and_holds_on_every_write(assessing, settings, write):
    settings.API_MAX_BODY_BYTES = 200
    before = saved_state(assessing)
    response = _send(assessing, write, json.dumps(write[4](assessing, "x" * 300)))
    assert_error(response, 413, "request_too_large")
    assert saved_state(assessing) == before


def test_a_form_body_meets_the_same_limits(assessing, settings):
    client = login(assessing.treatment_a)
    url = reverse("api:assessment-item", args=[assessing.draft.uuid, "BA1"])
    settings.API_MAX_BODY_BYTES = 200
    multipart = encode_multipart(BOUNDARY, {"rating": "low", "evidence": "x" * 300})
    assert_error(client.put(url, multipart, content_type=MULTIPART_CONTENT), 413,
                 "request_too_large")
    settings.API_MAX_BODY_BYTES = 1024
    form = urlencode({"rating": "low", "evidence": "Seen\x00"})
    response = client.put(url, form, content_type="application/x-www-form-urlencoded")
    assert list(assert_error(response, 400, "invalid_characters")["fields"]) == ["evidence"]
    assert not ItemRating.objects.exists()


def test_it_answers_415_to_a_body_that_is_not_json(assessing):
    response = _send(assessing, WRITES[0], "given_name=x", CONTENT_TYPE="text/plain")
    assert_error(response, 415, "unsupported_media_type")


@pytest.mark.parametrize("text", ["{", '{"a": NaN}', '{"a": 1', "\xff"])
def test_it_refuses_malformed_json_with_400(assessing, text):
    response = _send(assessing, WRITES[0], text.encode("latin-1"))
    assert_error(response, 400, "parse_error")


def test_a_malformed_body_is_explained_in_the_readers_language(assessing):
    """DRF words parse errors in English only, with the parser's internals appended."""
    _name, persona, method, url, _valid = WRITES[0]
    client = login(getattr(assessing, persona))

    def detail():
        response = getattr(client, method)(url(assessing), b"{", content_type="application/json")
        return assert_error(response, 400, "parse_error")["detail"]

    english = detail()
    assert "JSON parse error" not in english
    client.post("/i18n/setlang/", {"language": "sq"})
    assert detail() != english
