"""Bounded pagination (core/pagination.py): a page is read with LIMIT size + 1 and no COUNT, so
its cost does not grow with the list; the total is known on the last page only."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alliance.cases import services as case_services
from alliance.core.api import Pagination
from alliance.core.pagination import bounded_page
from alliance.organisations.models import Agency
from alliance.people import services as people_services
from tests.conftest import login
from tests.factories import AgencyFactory, person_fields


def _agencies(n):
    AgencyFactory.create_batch(n)
    return Agency.objects.order_by("pk")


def test_it_says_there_is_more_without_counting_on_the_first_page(db):
    # given a list one row longer than a page
    agencies = _agencies(4)
    # when
    page = bounded_page(agencies, 1, 3)
    # then
    assert page.has_next() and not page.has_previous()
    assert page.paginator.count is None and page.paginator.num_pages is None
    assert [a.pk for a in page] == list(agencies.values_list("pk", flat=True)[:3])


def test_it_gives_the_total_on_the_last_page(db):
    agencies = _agencies(4)
    page = bounded_page(agencies, 2, 3)
    assert not page.has_next() and page.has_previous()
    assert (page.paginator.count, page.paginator.num_pages) == (4, 2)
    assert [a.pk for a in page] == [agencies.last().pk]
    assert page.start_index() == 4


def test_it_answers_the_last_page_past_the_end(db):
    agencies = _agencies(4)
    page = bounded_page(agencies, 9, 3)
    assert page.number == 2
    assert (page.paginator.count, page.paginator.num_pages) == (4, 2)


def test_it_answers_page_one_for_a_page_that_is_not_a_number(db):
    page = bounded_page(_agencies(2), "x", 3)
    assert page.number == 1 and not page.has_other_pages()
    assert page.paginator.count == 2


def test_it_runs_no_count_on_the_first_page(db):
    agencies = _agencies(4)
    with CaptureQueriesContext(connection) as queries:
        page = bounded_page(agencies, 1, 3)
    assert len(queries) == 1
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
    assert len(page) == 3


def test_it_answers_the_last_page_for_a_page_number_beyond_any_offset(db):
    page = bounded_page(_agencies(4), 10**30, 3)
    assert page.number == 2 and page.paginator.count == 4


def test_an_api_list_gives_next_and_no_total_until_its_last_page(world, monkeypatch):
    # given two open cases in prison A, one a page
    second = people_services.person_create(actor=world.manager_a, **person_fields(
        world.prison_a, given_name="Drita", family_name="Hoxha"))
    case_services.case_open(actor=world.manager_a, person=second)
    monkeypatch.setattr(Pagination, "page_size", 1)
    client = login(world.manager_a)
    # when the first page is read, it counts nothing (but the throttle's cache table)
    with CaptureQueriesContext(connection) as queries:
        first = client.get(reverse("api:case-list")).json()
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert all("alliance_cache" in sql for sql in counts), counts
    # then the envelope says there is more, without a total; the last page gives it
    assert (first["count"], first["pages"], first["page"]) == (None, None, 1)
    assert first["next"].endswith("?page=2") and len(first["results"]) == 1
    last = client.get(first["next"]).json()
    assert (last["count"], last["pages"], last["page"], last["next"]) == (2, 2, 2, None)
