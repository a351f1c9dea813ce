"""The person-data check (knowledge/entries/screening.py): pure text rules first, then the
lookups of references and names, the audit rows, and what a request leaves behind."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.urls import path
from hypothesis import given
from hypothesis import strategies as st

from alliance.core.models import AuditAction, AuditEvent
from alliance.knowledge.entries import screening
from alliance.knowledge.entries.screening import enforce, screen
from alliance.people import services as people_services

from ..conftest import login
from ..factories import person_fields

TODAY = datetime.date(2025, 6, 1)


# --- pure text: dates of birth ------------------------------------------------------------------

@pytest.mark.parametrize("text, found", [
    ("Born on 12.3.1985 in a village.", "12.3.1985"),
    ("rođen 12. 3. 1985. godine", "12. 3. 1985"),
    ("12/03/1985", "12/03/1985"),
    ("12-03-1985", "12-03-1985"),
    ("1985-03-12", "1985-03-12"),
    ("12 March 1985", "12 March 1985"),
    ("March 12, 1985", "March 12, 1985"),
    ("12. mart 1985.", "12. mart 1985"),
    ("12. marta 1985.", "12. marta 1985"),
    ("rođen 1. siječnja 1990.", "1. siječnja 1990"),
    ("më 5 nëntor 1979", "5 nëntor 1979"),
    ("роден на 12 јануари 1980", "12 јануари 1980"),
    ("рођен 3. августа 1975.", "3. августа 1975"),
    ("1.1.1920", "1.1.1920"),
])
def test_it_finds_a_date_of_birth_in_the_regions_formats(text, found):
    assert screening.dates_of_birth(text, today=TODAY) == [found]


@pytest.mark.parametrize("text", [
    "The meeting on 12.3.2019 agreed the plan.",  # too recent to be an adult's birth
    "31.12.1919",  # before 1920
    "31.2.1985",  # no such day
    "12.13.1985",  # no such month
    "the years 2019-2020",
    "12 projects 1995",  # a number, a word and a year are not a date
    "version 1.2.3",
    "1985",
])
def test_it_leaves_other_numbers_and_recent_dates(text):
    assert screening.dates_of_birth(text, today=TODAY) == []


@given(st.dates(min_value=datetime.date(1920, 1, 1), max_value=datetime.date(2011, 12, 31)),
       st.sampled_from(["{d}.{m}.{y}", "{d:02}.{m:02}.{y}.", "{d}/{m}/{y}", "{y}-{m:02}-{d:02}"]))
def test_every_date_in_the_birth_years_is_found_in_every_format(date, pattern):
    text = "x " + pattern.format(d=date.day, m=date.month, y=date.year) + " y"
    assert len(screening.dates_of_birth(text, today=TODAY)) == 1


@given(st.dates(min_value=datetime.date(2012, 1, 1), max_value=datetime.date(2099, 12, 31)))
def test_no_date_of_a_younger_or_future_year_is_found(date):
    assert screening.dates_of_birth(f"{date.day}.{date.month}.{date.year}", today=TODAY) == []


# --- pure text: references and identification numbers -------------------------------------------

@pytest.mark.parametrize("token, alike", [
    ("J1-ABC234", True),  # a digit in the six characters
    ("ME-XYZABC", True),  # a jurisdiction code and six capitals, as references are printed
    ("co-worker", False),
    ("Al-Shabab", False),
    ("me-toomuch", False),
    ("self-esteem", False),
])
def test_it_tells_a_reference_shape_from_hyphenated_words(token, alike):
    assert screening.looks_like_reference(token, frozenset({"J1", "ME", "AL"})) is alike


@pytest.mark.parametrize("text, found", [
    ("his ID 123456 was", ["ID 123456"]),
    ("JMBG: 1705990450011", ["JMBG: 1705990450011"]),
    ("ЈМБГ 1705990450011", ["ЈМБГ 1705990450011"]),
    ("call 0641234567", ["0641234567"]),
    ("number I12345678K", ["I12345678K"]),
    ("the budget for 2019 was 45000", []),
    ("she said id 12345", []),
])
def test_it_finds_identification_numbers(text, found):
    assert screening.identification_numbers(text) == found


def test_word_runs_keep_the_words_as_typed_and_hash_them_normalised():
    runs = screening.word_runs("Марко Петровић, said", sizes=(2,))
    assert [(r.normalised, r.excerpt) for r in runs] == [
        ("marko petrovic", "Марко Петровић"), ("petrovic said", "Петровић, said")]


# --- the check against the database -------------------------------------------------------------

@pytest.fixture
def marko(world):
    """A second person, with a Serbian name, an alias and a national number."""
    return people_services.person_create(actor=world.manager_a, **person_fields(
        world.prison_a, given_name="Marko", family_name="Petrović", aliases="Kum",
        national_id="0101985710123"))


def _kinds(findings):
    return [(f.kind, f.excerpt) for f in findings]


def _checks():
    return AuditEvent.objects.filter(object_type=screening.OBJECT_TYPE)


@pytest.mark.django_db
def test_it_refuses_a_persons_reference_even_when_confirmed(world):
    reference = world.person_a.reference
    with pytest.raises(ValidationError) as excinfo:
        enforce({"description": f"Case {reference} went well."}, actor=world.treatment_a,
                confirmed=True)
    [message] = excinfo.value.message_dict["description"]
    assert reference in message
    assert "Remove the reference" in message
    assert excinfo.value.error_dict["description"][0].code == "reference"


@pytest.mark.django_db
def test_it_refuses_a_reference_typed_in_lowercase(world):
    typed = world.person_a.reference.lower()
    findings = screen({"findings": f"see {typed}."}, actor=world.treatment_a)
    assert _kinds(findings) == [("reference", typed)]
    assert findings[0].blocking


@pytest.mark.django_db
def test_a_reference_shape_that_is_nobodys_is_a_warning_the_author_may_confirm(world):
    text = "Form J1-ABC234 was used."
    assert _kinds(screen({"description": text}, actor=world.treatment_a)) == [
        ("reference_like", "J1-ABC234")]
    with pytest.raises(ValidationError):
        enforce({"description": text}, actor=world.treatment_a, confirmed=False)
    enforce({"description": text}, actor=world.treatment_a, confirmed=True)
    assert not _checks().exists()


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["Marko Petrović", "marko petrovic", "Марко Петровић",
                                   "PETROVIĆ Marko"])
def test_it_warns_about_a_persons_name_in_any_script_or_order(world, marko, typed):
    findings = screen({"description": f"We spoke with {typed} about work."},
                      actor=world.treatment_a)
    assert _kinds(findings) == [("person_name", typed)]
    assert not findings[0].blocking


@pytest.mark.django_db
def test_the_warning_quotes_the_words_typed_and_never_who_matched(world, marko):
    [finding] = screen({"description": "Marko Petrovic joined."}, actor=world.ngo_worker)
    assert "“Marko Petrovic”" in finding.message
    for secret in (marko.reference, "Petrović", "Kum", "Krasniqi"):
        assert secret not in finding.message


@pytest.mark.django_db
def test_an_alias_alone_is_warned_but_a_family_name_alone_is_not(world, marko):
    assert _kinds(screen({"d": "The Kum programme."}, actor=world.treatment_a)) == [
        ("person_name", "Kum")]
    assert screen({"d": "Petrović wrote the study."}, actor=world.treatment_a) == []


@pytest.mark.django_db
def test_a_persons_national_number_is_warned_like_any_number(world, marko):
    findings = screen({"d": "number 0101985710123"}, actor=world.treatment_a)
    assert _kinds(findings) == [("reference_like", "0101985710123")]
    assert _checks().get().details["kind"] == "national_id"


@pytest.mark.django_db
def test_a_confirmed_name_or_date_is_accepted(world, marko):
    enforce({"description": "Marko Petrović presented on 12.3.1985 results."},
            actor=world.treatment_a, confirmed=True)


@pytest.mark.django_db
def test_unconfirmed_warnings_are_refused_per_field_with_every_reason(world, marko):
    with pytest.raises(ValidationError) as excinfo:
        enforce({"title": "About Marko Petrović", "description": "Born 12.3.1985.",
                 "findings": "Nothing personal."}, actor=world.treatment_a, confirmed=False)
    errors = excinfo.value.error_dict
    assert set(errors) == {"title", "description"}
    assert [e.code for e in errors["title"]] == ["person_name"]
    assert [e.code for e in errors["description"]] == ["date_of_birth"]
    assert "confirm that the text holds no person-level data" in errors["description"][0].message


@pytest.mark.django_db
def test_a_real_match_is_audited_with_the_person_and_the_fields(world, marko):
    screen({"title": "Marko Petrović", "description": "and Kum, and Arben Krasniqi"},
           actor=world.ngo_worker)
    rows = {e.person_id: e for e in _checks()}
    assert set(rows) == {marko.pk, world.person_a.pk}
    row = rows[marko.pk]
    assert row.action == AuditAction.SEARCH
    assert row.actor == world.ngo_worker
    assert row.person_reference == marko.reference
    assert row.details == {"fields": ["title", "description"], "kind": "person_name",
                           "kinds": ["person_name"]}


@pytest.mark.django_db
def test_text_without_person_data_passes_and_leaves_no_audit_row(world, marko):
    text = ("Motivational interviewing in the high-security wing: staff of Prison A met "
            "weekly from March 2023; 14 of 20 participants completed the course.")
    enforce({"description": text}, actor=world.treatment_a, confirmed=False)
    assert not _checks().exists()


@pytest.mark.django_db
def test_empty_texts_are_not_checked(world, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert screen({"title": "", "description": "  ", "findings": None},
                      actor=world.treatment_a) == []


@pytest.mark.django_db
def test_a_long_text_is_checked_in_as_few_queries_as_a_short_one(
        world, marko, django_assert_max_num_queries):
    sentence = "Staff held weekly conversations in the wing and noted progress. "
    long_text = (sentence * 400)[:20_000]
    assert len(long_text.split()) > 2500
    with django_assert_max_num_queries(1):
        assert screen({"description": long_text, "findings": long_text},
                      actor=world.treatment_a) == []
    with django_assert_max_num_queries(3):  # and the references, the jurisdiction codes
        screen({"description": long_text + " J1-ABC234"}, actor=world.treatment_a)


# --- in a request: the audit row outlives the refusal ---------------------------------------------

@transaction.atomic
def _save_text(actor, text, confirmed):
    """What a service does: check, then write (here: nothing) in one transaction."""
    enforce({"description": text}, actor=actor, confirmed=confirmed)


def _save_view(request):
    try:
        _save_text(request.user, request.POST["text"], request.POST.get("confirm") == "1")
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=400)
    return HttpResponse("saved")


urlpatterns = [path("save/", _save_view)]


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_the_audit_row_of_a_refused_save_survives_its_rollback(world, marko):
    response = login(world.ngo_worker).post("/save/", {"text": "Marko Petrović came."})
    assert response.status_code == 400
    assert "may be the name of a person" in response.content.decode()
    row = _checks().get()
    assert (row.person_id, row.actor_id) == (marko.pk, world.ngo_worker.pk)
    assert row.request_id  # written with the request's context


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_the_audit_row_of_a_confirmed_save_is_written_once(world, marko):
    response = login(world.ngo_worker).post("/save/", {"text": "Marko Petrović came.",
                                                       "confirm": "1"})
    assert response.content == b"saved"
    assert _checks().count() == 1
