"""Pages whose query count would grow with the number of people are a defect: each page below
is fetched with one person and with fifty, and must run the same number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alliance.people import services as people_services

from .conftest import login
from .factories import person_fields

pytestmark = pytest.mark.django_db

PAGES = {
    "caseload": lambda w: reverse("people:caseload"),
    "caseload search": lambda w: reverse("people:caseload") + "?q=Krasniqi",
    "person page": lambda w: reverse("people:detail", args=[w.person_a.uuid]),
    "assessments worklist": lambda w: reverse("assessments:worklist"),
    "my work": lambda w: reverse("work:my_work"),
    "API persons": lambda w: reverse("api:person-list"),
    "API cases": lambda w: reverse("api:case-list"),
}


def _counts(world) -> dict:
    client = login(world.treatment_a)
    counts = {}
    for name, url in PAGES.items():
        client.get(url(world))  # the first request of a session loads more
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url(world)).status_code == 200
        counts[name] = len(ctx.captured_queries)
    return counts


def test_no_page_runs_more_queries_with_more_people(world):
    with_one = _counts(world)
    for n in range(49):
        people_services.person_create(actor=world.manager_a, **person_fields(
            world.prison_a, given_name=f"Given{n}", national_id=f"ID{n:06d}"))
    with_fifty = _counts(world)
    assert with_fifty == with_one
