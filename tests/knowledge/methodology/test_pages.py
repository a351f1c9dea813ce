"""The methodology pages across personas: reading approved versions and drafts, writing
chapters, approving, starting a version, the change view and the PDF."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alliance.core.models import AuditAction, AuditEvent
from alliance.knowledge.methodology import pdf, services
from alliance.knowledge.models import MethodologyStatus

from ...conftest import login
from ...factories import UserFactory
from ..builders import entry
from .builders import draft, methodology, version, with_draft

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"knowledge:{name}", args=args)


# --- reading ---------------------------------------------------------------------------------------

def test_a_member_reads_an_approved_version_with_its_references(kb):
    cited = entry(kb.treatment_a, title="Mentors after release")
    m = methodology(kb.regional_coordinator, citations=[cited])
    client = login(kb.treatment_a)
    listing = client.get(url("methodology_list")).content.decode()
    assert "Common methodology" in listing and "Version 1" in listing
    page = client.get(url("methodology_version", version(m, 1).uuid))
    assert page.status_code == 200
    html = page.content.decode()
    assert "1. Principles" in html and "2. Motivation" in html
    assert 'href="#ref-1"' in html and "Mentors after release" in html
    assert url("entry_detail", cited.uuid) in html
    assert "Add a chapter" not in html and "Approve this version" not in html


def test_a_methodology_page_shows_the_versions_and_the_current_contents(kb):
    m = with_draft(kb.regional_coordinator)
    html = login(kb.treatment_a).get(url("methodology_detail", m.uuid)).content.decode()
    assert "Contents of version 1" in html and "Principles" in html
    assert "Version 2" not in html  # the draft is not theirs to see
    editor = login(kb.editor_j2).get(url("methodology_detail", m.uuid)).content.decode()
    assert "Version 2 is being written" in editor and "Open the draft" in editor


def test_a_draft_is_not_found_by_a_reader_of_approved_versions(kb):
    m = with_draft(kb.regional_coordinator)
    v2 = draft(m)
    client = login(kb.treatment_a)
    for address in (url("methodology_version", v2.uuid), url("methodology_version_pdf", v2.uuid),
                    url("methodology_chapter_edit", v2.chapters.first().uuid),
                    url("methodology_changes", m.uuid) + "?to=2"):
        assert client.get(address).status_code == 404, address
    assert AuditEvent.objects.filter(actor=kb.treatment_a, outcome="denied",
                                     object_uuid=str(v2.uuid)).exists()


def test_a_methodology_never_approved_is_hidden_from_readers(kb):
    m = methodology(kb.regional_coordinator, approve=False, title="Still being written")
    client = login(kb.treatment_a)
    assert "Still being written" not in client.get(url("methodology_list")).content.decode()
    assert client.get(url("methodology_detail", m.uuid)).status_code == 404
    assert login(kb.editor_j1).get(url("methodology_detail", m.uuid)).status_code == 200


def test_an_account_without_a_place_is_refused(kb):
    nobody = UserFactory(username="nobody")
    assert login(nobody).get(url("methodology_list")).status_code == 403


def test_the_list_is_empty_with_a_way_forward(kb):
    html = login(kb.regional_coordinator).get(url("methodology_list")).content.decode()
    assert "No methodology yet" in html and url("methodology_new") in html
    html = login(kb.treatment_a).get(url("methodology_list")).content.decode()
    assert "No methodology has been approved yet" in html


# --- writing -------------------------------------------------------------------------------------

def test_a_coordinator_creates_a_methodology_through_the_form(kb):
    client = login(kb.regional_coordinator)
    response = client.post(url("methodology_new"), {"title": "Pre-release methodology"})
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "Pre-release methodology" in html and "Version 1 is being written" in html
    assert login(kb.editor_j1).get(url("methodology_new")).status_code == 403


def test_an_editor_adds_a_chapter_citing_a_published_entry(kb):
    cited = entry(kb.treatment_a, title="Weekly conversations")
    m = methodology(kb.regional_coordinator, chapters=(), approve=False)
    v1 = version(m, 1)
    client = login(kb.editor_j1)
    form = client.get(url("methodology_chapter_new", v1.uuid)).content.decode()
    assert "Weekly conversations" in form
    response = client.post(url("methodology_chapter_new", v1.uuid), {
        "title": "Dynamic security", "body": "Staff know the people in their care.",
        "citations": [str(cited.uuid)]})
    assert response.status_code == 302
    chapter = v1.chapters.get()
    assert (chapter.key, list(chapter.citations.all())) == ("dynamic-security", [cited])


def test_the_chapter_form_refuses_an_unpublished_entry(kb):
    unpublished = entry(kb.editor_j1, status="reviewed", title="Not yet published")
    m = methodology(kb.regional_coordinator, chapters=(), approve=False)
    client = login(kb.editor_j1)
    form = client.get(url("methodology_chapter_new", version(m, 1).uuid)).content.decode()
    assert "Not yet published" not in form
    response = client.post(url("methodology_chapter_new", version(m, 1).uuid), {
        "title": "Cites", "citations": [str(unpublished.uuid)]})
    assert response.status_code == 200 and not version(m, 1).chapters.exists()
    assert response.context["form"].errors["citations"]


def test_the_chapter_form_warns_of_a_date_of_birth_until_confirmed(kb):
    m = methodology(kb.regional_coordinator, chapters=(), approve=False)
    client = login(kb.editor_j1)
    data = {"title": "A case", "body": "A man born on 12.3.1985 took part."}
    response = client.post(url("methodology_chapter_new", version(m, 1).uuid), data)
    assert response.status_code == 200
    assert "12.3.1985" in " ".join(response.context["form"].errors["body"])
    assert "This text holds no person-level data" in response.content.decode()
    response = client.post(url("methodology_chapter_new", version(m, 1).uuid),
                           {**data, "confirm_no_person_data": "on"})
    assert response.status_code == 302 and version(m, 1).chapters.count() == 1


def test_the_chapter_form_refuses_a_persons_reference(kb):
    m = methodology(kb.regional_coordinator, chapters=(), approve=False)
    response = login(kb.editor_j1).post(url("methodology_chapter_new", version(m, 1).uuid), {
        "title": "A case", "body": f"See {kb.person_a.reference}.",
        "confirm_no_person_data": "on"})
    assert response.status_code == 200 and response.context["form"].errors["body"]
    assert not version(m, 1).chapters.exists()


def test_an_editor_changes_a_chapter_and_a_stale_form_answers_409(kb):
    m = methodology(kb.regional_coordinator, approve=False)
    chapter = version(m, 1).chapters.get(key="principles")
    read = chapter.version
    client = login(kb.editor_j1)
    data = {"title": "Principles", "body": "Rewritten.", "version": read}
    assert client.post(url("methodology_chapter_edit", chapter.uuid), data).status_code == 302
    stale = login(kb.editor_j2).post(url("methodology_chapter_edit", chapter.uuid),
                                     {**data, "body": "From an old page."})
    assert stale.status_code == 409
    assert "Someone else changed this record" in stale.content.decode()
    chapter.refresh_from_db()
    assert chapter.body == "Rewritten."


def test_a_frozen_version_refuses_changes_with_the_reason(kb):
    m = methodology(kb.regional_coordinator)
    v1 = version(m, 1)
    client = login(kb.editor_j1)
    for address in (url("methodology_chapter_new", v1.uuid),
                    url("methodology_chapter_edit", v1.chapters.first().uuid)):
        response = client.get(address)
        assert response.status_code == 403
        assert "approved and frozen" in response.content.decode()


def test_an_editor_moves_and_removes_chapters(kb):
    m = methodology(kb.regional_coordinator, approve=False)
    v1 = version(m, 1)
    motivation = v1.chapters.get(key="motivation")
    client = login(kb.editor_j1)
    assert client.post(url("methodology_chapter_move", motivation.uuid),
                       {"direction": "up"}).status_code == 302
    assert list(v1.chapters.order_by("position").values_list("key", flat=True)) == [
        "motivation", "principles"]
    response = client.post(url("methodology_chapter_delete", motivation.uuid),
                           {"version": motivation.version})
    assert response.status_code == 302
    assert list(v1.chapters.values_list("key", "position")) == [("principles", 1)]


def test_a_reader_cannot_write_a_chapter(kb):
    m = methodology(kb.regional_coordinator, approve=False)
    chapter = version(m, 1).chapters.first()
    # a draft is not theirs to see at all
    assert login(kb.treatment_a).post(url("methodology_chapter_move", chapter.uuid),
                                      {"direction": "down"}).status_code == 404


# --- approving and the next version ------------------------------------------------------------

def test_a_coordinator_approves_and_the_version_is_frozen(kb):
    m = methodology(kb.regional_coordinator, approve=False)
    v1 = version(m, 1)
    client = login(kb.regional_coordinator)
    page = client.get(url("methodology_version_approve", v1.uuid)).content.decode()
    assert "What you approve" in page and "Principles" in page
    response = client.post(url("methodology_version_approve", v1.uuid),
                           {"version": v1.version, "change_summary": "First version."})
    assert response.status_code == 302
    v1.refresh_from_db()
    assert v1.status == MethodologyStatus.APPROVED
    assert AuditEvent.objects.filter(object_uuid=str(v1.uuid), action=AuditAction.CHANGE,
                                     details__after__status="approved").exists()
    assert client.get(url("methodology_version_approve", v1.uuid)).status_code == 403


def test_the_approval_form_says_what_is_missing(kb):
    m = with_draft(kb.regional_coordinator)
    v2 = draft(m)
    response = login(kb.regional_coordinator).post(url("methodology_version_approve", v2.uuid),
                                                   {"version": v2.version})
    assert response.status_code == 200
    assert "Say what changed since the previous version" in response.content.decode()


def test_an_approval_after_a_change_answers_409(kb):
    m = methodology(kb.regional_coordinator, approve=False)
    v1 = version(m, 1)
    read = v1.version
    services.chapter_add(actor=kb.editor_j1, version=v1, title="Late")
    response = login(kb.regional_coordinator).post(url("methodology_version_approve", v1.uuid),
                                                   {"version": read})
    assert response.status_code == 409


def test_a_knowledge_editor_may_not_approve(kb):
    m = methodology(kb.regional_coordinator, approve=False)
    response = login(kb.editor_j1).get(url("methodology_version_approve", version(m, 1).uuid))
    assert response.status_code == 403
    assert "Only a regional coordinator approves" in response.content.decode()


def test_a_coordinator_starts_the_next_version_and_a_second_draft_is_refused(kb):
    m = methodology(kb.regional_coordinator)
    client = login(kb.regional_coordinator)
    response = client.post(url("methodology_version_start", m.uuid))
    v2 = draft(m)
    assert response["Location"] == url("methodology_version", v2.uuid)
    assert v2.chapters.count() == 2
    again = client.post(url("methodology_version_start", m.uuid), follow=True)
    assert "Version 2 is still a draft" in again.content.decode()
    assert login(kb.editor_j1).post(url("methodology_version_start", m.uuid)).status_code == 403


# --- the change view ---------------------------------------------------------------------------

def _second_version(kb):
    """Version 2: principles retitled, motivation rewritten and cited, a chapter added before
    them, another moved to the end... and one removed."""
    dropped = entry(kb.treatment_a, title="Cited in version 1 only")
    new = entry(kb.treatment_a, title="Newly cited practice")
    m = methodology(kb.regional_coordinator, citations=[dropped], chapters=(
        ("Principles", "Individual assessment."),
        ("Motivation", "The offer is repeated and recorded."),
        ("Security", "Staff know the people."),
        ("Old annex", "To be removed.")))
    v2 = services.version_start(actor=kb.regional_coordinator, methodology=m)
    chapters = {c.key: c for c in v2.chapters.all()}
    editor = kb.editor_j1
    services.chapter_update(actor=editor, chapter=chapters["principles"], expected_version=None,
                            title="Principles of the work", body="Individual assessment.",
                            citations=[])
    services.chapter_update(actor=editor, chapter=chapters["motivation"], expected_version=None,
                            title="Motivation",
                            body="The offer is repeated every month and recorded.",
                            citations=[new.uuid])
    services.chapter_move(actor=editor, chapter=chapters["principles"], direction="down")
    services.chapter_move(actor=editor, chapter=chapters["principles"], direction="down")
    services.chapter_delete(actor=editor, chapter=chapters["old-annex"])
    services.chapter_add(actor=editor, version=v2, title="After release", body="Support.")
    return m, v2


def test_the_change_view_shows_every_kind_of_change(kb):
    m, v2 = _second_version(kb)
    response = login(kb.editor_j1).get(url("methodology_changes", m.uuid) + "?from=1&to=2")
    html = response.content.decode()
    assert response.status_code == 200
    assert "What changed from version 1 to version 2" in html
    assert "Added" in html and "After release" in html
    assert "Removed" in html and "Old annex" in html
    assert "Moved from place 1 to 3" in html
    assert "Was: “Principles”" in html
    assert '<ins class="bg-success-subtle">every month </ins>' in html
    assert "Now cites" in html and "Newly cited practice" in html
    assert "No longer cites" in html and "Cited in version 1 only" in html


def test_the_change_view_compares_with_the_version_it_is_based_on_by_default(kb):
    m, v2 = _second_version(kb)
    services.version_approve(actor=kb.regional_coordinator, version=v2, expected_version=None,
                             change_summary="Rewritten.")
    html = login(kb.treatment_a).get(url("methodology_changes", m.uuid)).content.decode()
    assert "What changed from version 1 to version 2" in html and "Rewritten." in html


def test_the_change_view_escapes_what_was_written(kb):
    m = with_draft(kb.regional_coordinator)
    chapter = draft(m).chapters.get(key="principles")
    services.chapter_update(actor=kb.editor_j1, chapter=chapter, expected_version=None,
                            title="<b>Bold</b>", body="<script>alert(1)</script>")
    html = login(kb.editor_j1).get(url("methodology_changes", m.uuid) + "?from=1&to=2"
                                   ).content.decode()
    assert "<script>alert(1)" not in html and "<b>Bold</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_change_view_of_the_first_version_says_there_is_nothing_to_compare(kb):
    m = methodology(kb.regional_coordinator)
    html = login(kb.treatment_a).get(url("methodology_changes", m.uuid)).content.decode()
    assert "nothing to compare it with" in html


def test_the_change_view_refuses_an_unknown_version(kb):
    m = methodology(kb.regional_coordinator)
    client = login(kb.treatment_a)
    assert client.get(url("methodology_changes", m.uuid) + "?to=9").status_code == 404
    assert client.get(url("methodology_changes", m.uuid) + "?to=x").status_code == 404


# --- the PDF -------------------------------------------------------------------------------------

def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_the_pdf_has_a_cover_the_contents_and_the_references(kb):
    cited = entry(kb.treatment_a, title="Mentors after release", jurisdiction=kb.j1,
                  agency=kb.prison_a)
    m = methodology(kb.regional_coordinator, citations=[cited])
    v1 = version(m, 1)
    html = pdf.version_html(pdf.version_context(_request(kb.treatment_a), v1))
    assert "Common methodology" in html and "Approved on" in html
    assert "Mentors after release" in html and "Prison A" in html and "Jurisdiction One" in html
    assert f"http://testserver{url('entry_detail', cited.uuid)}" in html
    assert 'class="watermark"' not in html
    response = login(kb.treatment_a).get(url("methodology_version_pdf", v1.uuid))
    if response.status_code == 302:
        pytest.skip("WeasyPrint cannot run on this machine")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert 'filename="common-methodology-v1.pdf"' in response["Content-Disposition"]
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_uuid=str(v1.uuid),
                                     actor=kb.treatment_a).exists()


def test_a_drafts_pdf_is_watermarked(kb):
    m = with_draft(kb.regional_coordinator)
    v2 = draft(m)
    html = pdf.version_html(pdf.version_context(_request(kb.editor_j1), v2))
    assert 'class="watermark">Draft<' in html
    response = login(kb.editor_j1).get(url("methodology_version_pdf", v2.uuid))
    if response.status_code == 302:
        pytest.skip("WeasyPrint cannot run on this machine")
    assert response.content.startswith(b"%PDF")
    assert "-v2-draft.pdf" in response["Content-Disposition"]


# --- constant queries --------------------------------------------------------------------------

def test_the_pages_run_as_many_queries_for_many_rows_as_for_few(kb):
    cited = [entry(kb.treatment_a, title=f"Practice {n}") for n in range(3)]
    m = with_draft(kb.regional_coordinator, citations=cited[:1])
    client = login(kb.editor_j1)
    pages = [url("methodology_list"), url("methodology_detail", m.uuid),
             url("methodology_version", draft(m).uuid),
             url("methodology_changes", m.uuid) + "?from=1&to=2"]

    def counts():
        result = []
        for address in pages:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(address).status_code == 200
            result.append(len(queries))
        return result

    counts()  # the first request of a session sets up what later ones reuse
    few = counts()
    for n in range(3):
        methodology(kb.regional_coordinator, title=f"Methodology {n}", citations=cited)
    v2 = draft(m)
    for n in range(4):
        services.chapter_add(actor=kb.editor_j1, version=v2, title=f"Chapter {n}", body="Text.",
                             citations=[e.uuid for e in cited])
    assert counts() == few
