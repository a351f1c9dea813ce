"""Every API list answers the same envelope, validates its query parameters, and audits exactly
the rows of the page it returns."""

import pytest
from django.urls import reverse

from alliance.cases import services as case_services
from alliance.core.api import Pagination
from alliance.core.models import AuditEvent
from alliance.people import selectors
from alliance.people import services as people_services

from ..assessments.test_assessments_api import _screening
from ..conftest import login
from ..factories import person_fields
from .helpers import ENVELOPE, assert_error

pytestmark = pytest.mark.django_db

# name -> (persona who may read it, url)
LISTS = {
    "persons": ("manager_a", lambda w: reverse("api:person-list")),
    "cases": ("manager_a", lambda w: reverse("api:case-list")),
    "instruments": ("manager_a", lambda w: reverse("api:instrument-list")),
    "screenings": ("treatment_a",
                   lambda w: reverse("api:person-screenings", args=[w.person_a.uuid])),
    "assessments": ("treatment_a",
                    lambda w: reverse("api:person-assessments", args=[w.person_a.uuid])),
}


@pytest.fixture
def listed(assessing):
    """`assessing` plus a screening, so that every list has a row."""
    response = login(assessing.treatment_a).post(
        reverse("api:person-screenings", args=[assessing.person_a.uuid]),
        _screening(assessing.instruments.screening), content_type="application/json")
    assert response.status_code == 201, response.json()
    return assessing


def _get(world, name, params=None):
    persona, url = LISTS[name]
    return login(getattr(world, persona)).get(url(world), params or {})


@pytest.mark.parametrize("name", LISTS)
def test_every_list_answers_the_same_envelope(listed, name):
    body = _get(listed, name).json()
    assert set(body) == ENVELOPE
    assert (body["page"], body["pages"], body["next"], body["previous"]) == (1, 1, None, None)
    assert body["count"] == len(body["results"]) > 0


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("params", [{"q": "a\x00"}, {"page": "1\x00"}, {"any": "\x1b[31m"},
                                    {"a\x00": "1"}], ids=["q", "page", "unknown", "name"])
def test_every_list_refuses_control_characters_in_its_query(assessing, name, params):
    assert_error(_get(assessing, name, params), 400, "invalid_characters")


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("page", ["0", "-1", "two", "1.5"])
def test_every_list_refuses_a_page_that_is_not_a_number_from_1(assessing, name, page):
    body = assert_error(_get(assessing, name, {"page": page}), 400, "invalid")
    assert list(body["fields"]) == ["page"]


@pytest.mark.parametrize("name", LISTS)
def test_a_page_past_the_last_answers_the_last(listed, name):
    body = _get(listed, name, {"page": "99"}).json()
    assert (body["page"], body["pages"]) == (1, 1) and body["results"]


@pytest.mark.parametrize(("name", "params", "allowed"), [
    ("instruments", {"kind": "AAA"}, "screening, risk_needs, alliance, checklist"),
    ("persons", {"classification": "6"}, "vep, at_risk, other"),
    ("persons", {"category": "x"}, "remand, convicted"),
])
def test_an_unknown_filter_value_is_refused_with_the_allowed_ones(assessing, name, params,
                                                                  allowed):
    body = assert_error(_get(assessing, name, params), 400, "invalid")
    [(parameter, [message])] = body["fields"].items()
    assert parameter == next(iter(params)) and allowed in message
    assert not AuditEvent.objects.filter(action="list").exists()


@pytest.mark.parametrize(("name", "params", "count"), [
    ("instruments", {"kind": "screening"}, 1), ("instruments", {"kind": ""}, 4),
    ("persons", {"classification": "at_risk", "category": "convicted"}, 1),
    ("persons", {"classification": "vep"}, 0),
])
def test_known_filter_values_filter(assessing, name, params, count):
    assert _get(assessing, name, params).json()["count"] == count


def test_a_search_term_is_limited_in_length(world):
    body = assert_error(login(world.manager_a).get(reverse("api:person-list"), {"q": "x" * 201}),
                        400, "invalid")
    assert list(body["fields"]) == ["q"]


@pytest.mark.parametrize("name", ["persons", "cases"])
def test_the_second_page_audits_exactly_its_own_rows(world, monkeypatch, name):
    # given two people in prison A, each with an open case, shown one per page
    second = people_services.person_create(actor=world.manager_a, **person_fields(
        world.prison_a, given_name="Drita", family_name="Hoxha"))
    case_services.case_open(actor=world.manager_a, person=second)
    monkeypatch.setattr(selectors, "PAGE_SIZE", 1)
    monkeypatch.setattr(Pagination, "page_size", 1)
    # when the second page is read
    body = _get(world, name, {"page": "2"}).json()
    # then the envelope pages, and the audit names only the row shown
    assert (body["count"], body["page"], body["pages"], body["next"]) == (2, 2, 2, None)
    assert body["previous"].endswith(LISTS[name][1](world))  # page 1 is the bare address
    [row] = body["results"]
    shown = row.get("reference") or row["person_reference"]
    event = AuditEvent.objects.filter(action="list").latest("id")
    assert event.details["references"] == [shown] and event.details["page"] == 2
