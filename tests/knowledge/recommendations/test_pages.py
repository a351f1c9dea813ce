"""The recommendation pages as people use them: the adoption matrix with its filters and
totals, its CSV export, the page that sets a jurisdiction's status, and the entry page's
adoption table (the partial); refusals, the stale edit, and a matrix that costs the same for
many recommendations as for one."""

import csv
import io

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from alliance.core.models import AuditAction, AuditEvent
from alliance.knowledge.models import EntryStatus, EntryText, RecommendationAdoption, Theme
from alliance.knowledge.recommendations.selectors import adoption_rows, reader_title

from ...conftest import login
from ...factories import UserFactory
from . import builders

pytestmark = pytest.mark.django_db

MATRIX = reverse("knowledge:recommendation_matrix")
EXPORT = reverse("knowledge:recommendation_export")


def _edit(rec, jurisdiction, **query):
    url = reverse("knowledge:adoption_edit", args=[rec.uuid, jurisdiction.code])
    return url + ("?from=entry" if query.get("from_entry") else "")


@pytest.fixture
def w(kb):
    kb.rec = builders.recommendation(kb, themes=[Theme.STAFF])
    kb.other = builders.recommendation(kb, title="Train every officer in dynamic security",
                                       themes=[Theme.DYNAMIC_SECURITY])
    builders.adopt(kb, kb.rec, kb.j1, "adopted", note="In the rules since March.")
    builders.adopt(kb, kb.other, kb.j1, "in_progress")
    builders.adopt(kb, kb.other, kb.j2, "not_adopted")
    return kb


def test_the_matrix_shows_each_recommendation_by_jurisdiction_with_totals(w):
    response = login(w.treatment_a).get(MATRIX)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Separate the case manager" in page and "Train every officer" in page
    assert reverse("knowledge:entry_detail", args=[w.rec.uuid]) in page
    assert 'title="In the rules since March."' in page
    assert "Not considered" in page
    totals = page[page.index("<tfoot"):page.index("</tfoot>")]
    # J1: adopted 1, in progress 1, not adopted 0, not considered 0; J2: 0, 0, 1, 1.
    assert [line.count("<td>") for line in totals.split("<tr>")[1:]] == [2, 2, 2, 2]
    assert "<td>1</td><td>0</td>" in totals and "<td>0</td><td>1</td>" in totals
    assert _edit(w.rec, w.j1) not in page  # a reader sets nothing


def test_the_matrix_links_the_cells_the_reader_may_set(w):
    page = login(w.editor_j1).get(MATRIX).content.decode()
    assert _edit(w.rec, w.j1) in page and _edit(w.rec, w.j2) not in page


def test_the_matrix_filters_by_theme_and_status(w):
    client = login(w.treatment_a)
    page = client.get(MATRIX, {"theme": Theme.DYNAMIC_SECURITY}).content.decode()
    assert "Train every officer" in page and "Separate the case manager" not in page
    page = client.get(MATRIX, {"status": "not_adopted"}).content.decode()
    assert "Train every officer" in page and "Separate the case manager" not in page
    page = client.get(MATRIX, {"status": "not_considered"}).content.decode()
    assert "Separate the case manager" in page and "Train every officer" not in page
    page = client.get(MATRIX, {"theme": Theme.FAMILY_WORK}).content.decode()
    assert "No recommendation matches the filter." in page


def test_the_matrix_shows_only_published_recommendations(w):
    builders.recommendation(w, title="Still a draft", status=EntryStatus.DRAFT)
    assert "Still a draft" not in login(w.regional_coordinator).get(MATRIX).content.decode()


def test_an_empty_matrix_says_what_to_do(kb):
    page = login(kb.treatment_a).get(MATRIX).content.decode()
    assert "No recommendation is published yet." in page


def test_the_title_is_in_the_readers_language_when_a_version_exists(w):
    EntryText.objects.create(entry=w.rec, language="sq", title="Ndani menaxherin e rastit",
                             description="…", written_by=w.editor_j1)
    client = login(w.treatment_a)
    client.cookies["django_language"] = "sq"
    page = client.get(MATRIX, HTTP_ACCEPT_LANGUAGE="sq").content.decode()
    assert "Ndani menaxherin e rastit" in page
    assert "Train every officer" in page  # no Albanian version: the original
    with translation.override("mk"):  # a reader of Macedonian: no version in it, the original
        assert reader_title(w.rec) == "Separate the case manager from the security officer"


def test_it_refuses_the_matrix_to_an_account_with_no_place(w):
    client = login(UserFactory())
    assert client.get(MATRIX).status_code == 403
    assert client.get(EXPORT).status_code == 403


def test_the_matrix_runs_as_many_queries_for_many_recommendations_as_for_one(
        w, django_assert_max_num_queries):
    client = login(w.editor_j1)
    client.get(MATRIX)
    with django_assert_max_num_queries(25) as one:
        client.get(MATRIX)
    for n in range(10):
        rec = builders.recommendation(w, title=f"Recommendation {n}")
        builders.adopt(w, rec, w.j2, "adopted")
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(MATRIX).status_code == 200


def test_the_csv_export_holds_the_matrix_and_is_audited(w):
    response = login(w.treatment_a).get(EXPORT, {"theme": Theme.STAFF})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["Recommendation", "Id", "Published"]
    assert rows[0][3:] == ["Jurisdiction One: status", "Jurisdiction One: note",
                           "Jurisdiction Two: status", "Jurisdiction Two: note"]
    assert rows[1][0] == "Separate the case manager from the security officer"
    assert rows[1][3:] == ["Adopted", "In the rules since March.", "Not considered", ""]
    assert len(rows) == 2
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT,
                                     details__object_type="knowledge.recommendationadoption"
                                     ).exists()


def test_the_csv_keeps_a_formula_as_text(w):
    builders.adopt(w, w.rec, w.j2, "in_progress", note="=HYPERLINK(\"x\")")
    content = b"".join(login(w.treatment_a).get(EXPORT).streaming_content).decode()
    assert "'=HYPERLINK" in content


def test_a_knowledge_editor_sets_their_jurisdictions_status_through_the_form(w):
    client = login(w.editor_j2)
    page = client.get(_edit(w.rec, w.j2)).content.decode()
    assert "Where Jurisdiction Two stands" in page and "Not considered yet." in page
    response = client.post(_edit(w.rec, w.j2), {"status": "in_progress", "note": "Drafting.",
                                                "version": 0})
    assert response.status_code == 302 and response["Location"] == MATRIX
    adoption = RecommendationAdoption.objects.get(entry=w.rec, jurisdiction=w.j2)
    assert (adoption.status, adoption.note) == ("in_progress", "Drafting.")


def test_the_form_returns_to_the_entry_when_opened_from_it(w):
    response = login(w.regional_coordinator).post(
        _edit(w.rec, w.j2, from_entry=True), {"status": "adopted", "version": 0})
    assert response["Location"] == reverse("knowledge:entry_detail", args=[w.rec.uuid])


def test_it_refuses_another_jurisdictions_status(w):
    client = login(w.editor_j1)
    assert client.get(_edit(w.rec, w.j2)).status_code == 403
    assert client.post(_edit(w.rec, w.j2), {"status": "adopted", "version": 0}
                       ).status_code == 403
    assert not RecommendationAdoption.objects.filter(jurisdiction=w.j2, entry=w.rec).exists()


def test_it_refuses_a_reader(w):
    assert login(w.treatment_a).get(_edit(w.rec, w.j1)).status_code == 403


def test_an_unpublished_recommendation_or_unknown_jurisdiction_is_not_found(w):
    draft = builders.recommendation(w, title="Draft", status=EntryStatus.REVIEWED)
    client = login(w.regional_coordinator)
    assert client.get(_edit(draft, w.j1)).status_code == 404
    assert client.get(reverse("knowledge:adoption_edit", args=[w.rec.uuid, "XX"])
                      ).status_code == 404


def test_a_stale_status_answers_409(w):
    adoption = RecommendationAdoption.objects.get(entry=w.rec, jurisdiction=w.j1)
    client = login(w.editor_j1)
    client.post(_edit(w.rec, w.j1), {"status": "not_adopted", "version": adoption.version})
    response = client.post(_edit(w.rec, w.j1), {"status": "in_progress",
                                                "version": adoption.version})
    assert response.status_code == 409
    adoption.refresh_from_db()
    assert adoption.status == "not_adopted"


def test_a_warning_in_the_note_asks_for_the_confirmation(w):
    client = login(w.editor_j2)
    data = {"status": "adopted", "note": "Board of 17.5.1990 decided", "version": 0}
    page = client.post(_edit(w.rec, w.j2), data).content.decode()
    assert "looks like a date of birth" in page and 'name="confirm_no_person_data"' in page
    assert client.post(_edit(w.rec, w.j2), {**data, "confirm_no_person_data": "on"}
                       ).status_code == 302


def test_the_entry_pages_table_links_only_the_jurisdictions_the_reader_sets(w):
    rows = adoption_rows(w.rec)
    html = render_to_string("knowledge/recommendations/_adoption.html", {
        "entry": w.rec, "adoption_rows": rows, "adoption_editable": {w.j2.pk}})
    assert "In the rules since March." in html and "Not considered" in html
    assert _edit(w.rec, w.j2, from_entry=True).replace("&", "&amp;") in html
    assert _edit(w.rec, w.j1) not in html
    read_only = render_to_string("knowledge/recommendations/_adoption.html", {
        "entry": w.rec, "adoption_rows": rows})
    assert "adoption/" not in read_only and reverse(
        "knowledge:adoption_edit", args=[w.rec.uuid, "J2"]) not in read_only
