"""The caseload and the API person list cost the same whatever the number of people: the same
queries for one person and for fifty, no COUNT of the whole list, a page read by the person
row's indexed release key, and names decrypted only for the rows that show them."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alliance.core import crypto
from alliance.people import selectors
from alliance.people import services as people_services

from ..conftest import login
from ..factories import person_fields

pytestmark = pytest.mark.django_db

PAGES = {
    "caseload": lambda w: reverse("people:caseload"),
    "caseload, filtered": lambda w: reverse("people:caseload") + "?classification=at_risk",
    "caseload, searched by name": lambda w: reverse("people:caseload") + "?q=Arben+Krasniqi",
    "caseload, searched by reference": lambda w: (
        reverse("people:caseload") + "?q=" + w.person_a.reference[:4]
    ),
    "caseload, HTMX table": lambda w: reverse("people:caseload"),
    "API persons": lambda w: reverse("api:person-list"),
    "API persons, searched": lambda w: reverse("api:person-list") + "?q=Arben+Krasniqi",
}


def _get(client, name, url):
    headers = {"HX-Request": "true"} if "HTMX" in name else {}
    return client.get(url, headers=headers)


def _captured(client, name, url):
    _get(client, name, url)  # the first request of a session loads more
    with CaptureQueriesContext(connection) as ctx:
        assert _get(client, name, url).status_code == 200, name
    return ctx.captured_queries


def _counts(world) -> dict:
    client = login(world.treatment_a)
    return {name: len(_captured(client, name, url(world))) for name, url in PAGES.items()}


def _admit(world, person, years: int):
    people_services.custody_episode_create(
        actor=world.manager_a,
        person=person,
        facility=world.prison_a,
        unit=world.unit_a,
        admitted_on=datetime.date(2024, 1, 10),
        legal_status="sentenced",
        sentence_years=years,
        sentence_start=datetime.date(2024, 1, 10),
        sentence_start_source="court_judgment",
    )


def _add_people(world, n: int) -> list:
    """`n` more people in prison A: two in three admitted (sentences of 1 to 9 years), the rest
    on the register with no custody (no expected release)."""
    added = []
    for i in range(n):
        person = people_services.person_create(
            actor=world.manager_a,
            **person_fields(
                world.prison_a,
                given_name=f"Given{i}",
                family_name=f"Family{i}",
                national_id=f"ID{i:06d}",
            ),
        )
        if i % 3:
            _admit(world, person, 1 + i % 9)
        added.append(person)
    return added


def test_no_list_runs_more_queries_with_more_people(world):
    with_one = _counts(world)
    _add_people(world, 49)
    assert _counts(world) == with_one


def test_a_page_counts_nothing(world, monkeypatch):
    # given more people than a page holds
    monkeypatch.setattr(selectors, "PAGE_SIZE", 10)
    _add_people(world, 25)
    client = login(world.treatment_a)
    for name, url in PAGES.items():
        # then no page of any list counts the whole list
        # (the menu's own counts of the reader's tasks and notifications are not the list's)
        queries = _captured(client, name, url(world))
        assert not [
            q for q in queries if "COUNT(" in q["sql"].upper() and 'FROM "people_person"' in q["sql"]
        ], name


def test_a_later_page_runs_the_same_queries_as_the_first(world, monkeypatch):
    monkeypatch.setattr(selectors, "PAGE_SIZE", 10)
    _add_people(world, 29)
    client = login(world.treatment_a)
    first = _captured(client, "caseload", reverse("people:caseload"))
    third = _captured(client, "caseload", reverse("people:caseload") + "?page=3")
    assert len(third) == len(first)


def test_it_lists_soonest_release_first_and_no_date_last_across_pages(world, monkeypatch):
    # given 21 people, 14 of them in custody
    monkeypatch.setattr(selectors, "PAGE_SIZE", 8)
    _add_people(world, 20)
    # when the three pages are read
    pages = [
        selectors.caseload_page(world.treatment_a, selectors.CaseloadFilters(), n) for n in (1, 2, 3)
    ]
    people = [row.person for _page, rows in pages for row in rows]
    # then everyone appears once, by expected release (then reference), undated people last
    assert len({p.pk for p in people}) == len(people) == 21
    dated = [p for p in people if p.expected_release_on]
    assert people == dated + [p for p in people if not p.expected_release_on]
    assert len(dated) == 14
    keys = [(p.expected_release_on, p.reference) for p in dated]
    assert keys == sorted(keys)
    undated = [p.reference for p in people[len(dated) :]]
    assert undated == sorted(undated)
    # and only the last page knows the total
    assert [(page.has_next(), page.paginator.count) for page, _rows in pages] == [
        (True, None),
        (True, None),
        (False, 21),
    ]


def test_the_page_says_next_page_instead_of_counting(world, monkeypatch):
    monkeypatch.setattr(selectors, "PAGE_SIZE", 10)
    _add_people(world, 14)
    client = login(world.treatment_a)
    first = client.get(reverse("people:caseload"), {"classification": "at_risk"}).content.decode()
    assert "?classification=at_risk&amp;page=2" in first  # the filter is kept
    nav = first.split('class="pagination')[1].split("</nav>")[0]
    assert "Next page" in nav and "Page 1" in nav and " of " not in nav
    last = client.get(reverse("people:caseload"), {"classification": "at_risk", "page": "2"})
    html = last.content.decode()
    assert "15 people" in html and "Next page" not in html


def test_a_page_past_the_last_answers_the_last(world, monkeypatch):
    monkeypatch.setattr(selectors, "PAGE_SIZE", 10)
    _add_people(world, 14)
    page, rows = selectors.caseload_page(world.treatment_a, selectors.CaseloadFilters(), 9)
    assert (page.number, len(rows), page.paginator.count) == (2, 5, 15)


def test_the_api_list_answers_more_without_a_total(world, monkeypatch):
    monkeypatch.setattr(selectors, "PAGE_SIZE", 10)
    _add_people(world, 14)
    client = login(world.treatment_a)
    first = client.get(reverse("api:person-list")).json()
    assert (first["count"], first["pages"], len(first["results"])) == (None, None, 10)
    assert first["next"].endswith("page=2")
    last = client.get(first["next"]).json()
    assert (last["count"], last["pages"], last["page"], last["next"]) == (15, 2, 2, None)
    shown = {r["reference"] for r in first["results"]} | {r["reference"] for r in last["results"]}
    assert len(shown) == 15


def test_a_search_by_exact_name_still_finds_one_among_many(world):
    _add_people(world, 30)
    client = login(world.treatment_a)
    html = client.get(reverse("people:caseload"), {"q": "given17 FAMILY17"}).content.decode()
    assert "Family17, Given17" in html and "Family18" not in html
    body = client.get(reverse("api:person-list"), {"q": "Family17"}).json()
    assert [r["identity"]["given_name"] for r in body["results"]] == ["Given17"]
    assert body["count"] == 1


def test_it_decrypts_only_the_names_it_shows(world, monkeypatch):
    # given a reader who holds the identity of everyone in prison A
    client = login(world.treatment_a)
    url = reverse("people:caseload")
    client.get(url)
    decrypted = []
    real = crypto.decrypt

    def counting(token, *args, **kwargs):
        decrypted.append(token)
        return real(token, *args, **kwargs)

    monkeypatch.setattr(crypto, "decrypt", counting)

    def decrypts() -> int:
        decrypted.clear()
        assert client.get(url).status_code == 200
        return len(decrypted)

    with_one = decrypts()
    _add_people(world, 9)
    # then each further row costs its two names, not its five identity fields
    assert decrypts() - with_one == 2 * 9
