"""The knowledge base's pages: the list with its tabs, filters and counts at a constant cost;
an entry in the chosen language; writing, editing and translating through the forms, with the
person-data check on the fields; attachments refused over the limit or of a refused type, and
their download (audited, refused to who cannot see the entry); the catalogue's evidence."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from alliance.core.models import AuditAction, AuditEvent
from alliance.knowledge.entries import services
from alliance.knowledge.models import Attachment, EntryStatus, KnowledgeEntry
from alliance.plans.models import Intervention

from ...conftest import login
from ..builders import entry as built
from .helpers import page, published, reviewed, submitted, write

pytestmark = pytest.mark.django_db

LIST = reverse("knowledge:entry_list")
NEW = reverse("knowledge:entry_new")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def new_entry_form(w, **changes):
    data = {"kind": "good_practice", "language": "en", "jurisdiction": str(w.j1.uuid),
            "agency": str(w.prison_a.uuid), "organisation": "", "target_group": "vep",
            "themes": ["motivation", "dynamic_security"], "title": "Dynamic security walks",
            "objectives": "Know the wing.", "description": "Officers walk the wing daily.",
            "findings": "Fewer incidents."}
    data.update(changes)
    return data


# --- the list ----------------------------------------------------------------------------------

def test_the_list_shows_published_entries_with_their_facts(kb):
    entry = published(kb, findings="It worked.")
    services.translation_save(actor=kb.treatment_a, entry=entry, language="sq",
                              title="Intervista motivuese", description="Biseda javore.")
    body = login(kb.manager_other).get(LIST).content.decode()
    assert "Motivational interviewing in the high-security wing" in body
    assert "Good practice" in body and "Jurisdiction One" in body
    assert "Motivation of resistant prisoners" in body
    assert "Shqip" in body and "English" in body
    assert "Short weekly conversations" in body


def test_the_title_shows_in_the_readers_language_when_a_version_exists(kb):
    entry = published(kb)
    services.translation_save(actor=kb.treatment_a, entry=entry, language="sq",
                              title="Intervista motivuese në krahun e sigurisë",
                              description="Biseda javore.")
    client = login(kb.manager_other)
    client.cookies["django_language"] = "sq"
    body = client.get(LIST, HTTP_ACCEPT_LANGUAGE="sq").content.decode()
    assert "Intervista motivuese në krahun e sigurisë" in body


def test_the_tabs_count_what_each_reader_has(kb):
    published(kb, title="Published one")
    submitted(kb, title="Waiting one")
    write(kb.treatment_a, jurisdiction=kb.j1, title="My private draft")
    reviewed(kb, title="Reviewed one")
    editor = login(kb.editor_j1).get(LIST, {"tab": "review"}).content.decode()
    assert "Waiting one" in editor and "Reviewed one" not in editor
    coordinator = login(kb.regional_coordinator).get(LIST, {"tab": "review"}).content.decode()
    assert "Reviewed one" in coordinator and "Waiting one" not in coordinator
    mine = login(kb.treatment_a).get(LIST, {"tab": "mine"})
    assert [r.title for r in mine.context["kb"].rows].count("My private draft") == 1
    assert dict((code, count) for code, _label, count in mine.context["kb"].tabs) == {
        "published": 1, "mine": 4}
    # No review queue for someone who reviews nothing: the tab falls back to published.
    other = login(kb.treatment_b).get(LIST, {"tab": "review"})
    assert other.context["kb"].tab == "published"


def test_the_filters_narrow_the_list(kb):
    published(kb, title="About motivation")
    published(kb, title="About families", themes=("family_work",), kind="lesson_learnt")
    client = login(kb.treatment_b)
    titles = lambda **q: [r.title for r in client.get(LIST, q).context["kb"].rows]  # noqa: E731
    assert titles(theme="family_work") == ["About families"]
    assert titles(kind="good_practice") == ["About motivation"]
    assert titles(jurisdiction="J2") == []
    assert titles(jurisdiction="regional") == []
    assert sorted(titles(jurisdiction="J1")) == ["About families", "About motivation"]
    assert titles(language="sq") == []
    assert sorted(titles(kind="nonsense")) == ["About families", "About motivation"]


def test_the_list_empty_state_says_what_to_do(kb):
    body = login(kb.treatment_a).get(LIST, {"tab": "mine"}).content.decode()
    assert "You have not written an entry yet." in body


def test_someone_with_no_place_is_refused(kb):
    from ...factories import UserFactory

    outsider = UserFactory()
    assert login(outsider).get(LIST).status_code == 403
    assert login(outsider).get(NEW).status_code == 403


def test_the_list_runs_as_many_queries_for_many_entries_as_for_one(kb,
                                                                   django_assert_max_num_queries):
    client = login(kb.treatment_b)
    published(kb)
    client.get(LIST)  # the session's first request loads more
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get(LIST, {"q": "motivational"}).status_code == 200
    for n in range(12):
        e = built(kb.treatment_a, title=f"Motivational practice {n}", jurisdiction=kb.j1)
        services.translation_save(actor=kb.treatment_a, entry=e, language="sq",
                                  title=f"Praktikë {n}", description="Përshkrim.")
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(LIST, {"q": "motivational"})
    assert len(response.context["kb"].rows) == 13


# --- one entry ---------------------------------------------------------------------------------

def test_the_entry_shows_the_chosen_language_and_offers_the_others(kb):
    entry = published(kb)
    services.translation_save(actor=kb.editor_j1, entry=entry, language="sr-cyrl",
                              title="Мотивациони разговор", description="Кратки разговори.")
    client = login(kb.manager_other)
    body = client.get(page("entry_detail", entry), {"language": "sr-cyrl"}).content.decode()
    assert "Мотивациони разговор" in body and "Кратки разговори." in body
    assert "Српски (ћирилица)" in body and "English" in body
    body = client.get(page("entry_detail", entry)).content.decode()
    assert "Short weekly conversations" in body


def test_the_entry_shows_its_history_and_notes_the_consultation(kb):
    entry = published(kb)
    response = login(kb.manager_other).get(page("entry_detail", entry))
    history = [e.code for e in response.context["history"]]
    assert history == ["written", "submitted", "reviewed", "published"]
    assert AuditEvent.objects.filter(actor=kb.manager_other, action=AuditAction.VIEW,
                                     object_uuid=str(entry.uuid)).exists()


def test_the_entry_shows_the_meetings_where_it_was_presented(kb):
    from alliance.knowledge.models import Meeting

    entry = published(kb)
    meeting = Meeting.objects.create(kind="working_group", title="Working group on motivation",
                                     starts_on=datetime.date(2026, 3, 4), online=True,
                                     created_by=kb.regional_coordinator)
    meeting.entries.add(entry)
    body = login(kb.treatment_b).get(page("entry_detail", entry)).content.decode()
    assert "Working group on motivation" in body


def test_a_published_recommendation_shows_its_adoption_by_jurisdiction(kb):
    entry = published(kb, kind="recommendation", title="Train every officer")
    body = login(kb.treatment_b).get(page("entry_detail", entry)).content.decode()
    assert "Adoption by jurisdiction" in body and "Jurisdiction Two" in body


# --- writing -----------------------------------------------------------------------------------

def test_anyone_with_a_place_writes_a_draft(kb):
    response = login(kb.ngo_worker).post(NEW, new_entry_form(kb, agency=str(kb.ngo.uuid)))
    assert response.status_code == 302
    entry = KnowledgeEntry.objects.get()
    assert (entry.author, entry.status, entry.jurisdiction, entry.agency) == (
        kb.ngo_worker, EntryStatus.DRAFT, kb.j1, kb.ngo)
    assert sorted(entry.themes.values_list("theme", flat=True)) == ["dynamic_security",
                                                                    "motivation"]
    assert "dynamic security walks" in entry.search_document
    assert AuditEvent.objects.filter(action=AuditAction.CREATE,
                                     object_uuid=str(entry.uuid)).exists()


def test_a_new_entry_without_a_title_or_theme_is_refused_with_the_reasons(kb):
    response = login(kb.treatment_a).post(NEW, new_entry_form(kb, title="", themes=[]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Give the entry a title." in body and "Choose at least one theme." in body
    assert not KnowledgeEntry.objects.exists()


def test_an_entry_for_a_jurisdiction_where_one_does_not_work_is_refused(kb):
    # J2 is not offered to treatment A; a forged choice is refused by the form.
    response = login(kb.treatment_a).post(NEW, new_entry_form(kb, jurisdiction=str(kb.j2.uuid)))
    assert response.status_code == 200
    assert not KnowledgeEntry.objects.exists()


def test_a_persons_reference_in_the_text_is_refused_on_the_field(kb):
    text = f"We worked with {kb.person_a.reference} for a year."
    response = login(kb.treatment_a).post(NEW, new_entry_form(
        kb, description=text, confirm_no_person_data="on"))
    assert response.status_code == 200
    field = response.context["form"]["description"]
    assert any("is the reference of a person" in e for e in field.errors)
    assert not KnowledgeEntry.objects.exists()


def test_a_date_of_birth_warns_and_saves_once_confirmed(kb):
    data = new_entry_form(kb, findings="The man born 12.3.1985 took part.")
    client = login(kb.treatment_a)
    warned = client.post(NEW, data)
    assert warned.status_code == 200
    assert any("looks like a date of birth" in e
               for e in warned.context["form"]["findings"].errors)
    assert "This text holds no person-level data" in warned.content.decode()
    assert client.post(NEW, {**data, "confirm_no_person_data": "on"}).status_code == 302
    assert KnowledgeEntry.objects.count() == 1


def test_a_persons_name_warns(kb):
    response = login(kb.treatment_a).post(NEW, new_entry_form(
        kb, description="Arben Krasniqi joined the group."))
    assert any("may be the name of a person" in e
               for e in response.context["form"]["description"].errors)


def test_the_author_edits_a_draft_and_a_stale_edit_is_a_conflict(kb):
    entry = write(kb.treatment_a, jurisdiction=kb.j1)
    client = login(kb.treatment_a)
    data = new_entry_form(kb, title="A better title", version=entry.version)
    data.pop("language")
    assert client.post(page("entry_edit", entry), data).status_code == 302
    entry.refresh_from_db()
    assert str(entry) == "A better title" and entry.version == 2
    change = AuditEvent.objects.filter(action=AuditAction.CHANGE,
                                       object_uuid=str(entry.uuid)).last()
    # which texts changed and their lengths; never the words (the trail keeps them for ever)
    assert "title" in change.details["texts_changed"]
    assert change.details["text_lengths"]["title"] == [
        len("Motivational interviewing in the high-security wing"), len("A better title")]
    assert "A better title" not in str(change.details)
    stale = client.post(page("entry_edit", entry), {**data, "title": "Lost", "version": 1})
    assert stale.status_code == 409
    entry.refresh_from_db()
    assert str(entry) == "A better title"


def test_nobody_but_the_author_edits_and_not_once_reviewed(kb):
    entry = submitted(kb)
    assert login(kb.editor_j1).get(page("entry_edit", entry)).status_code == 403
    assert login(kb.treatment_b).get(page("entry_edit", entry)).status_code == 404
    entry = reviewed(kb)
    assert login(kb.treatment_a).get(page("entry_edit", entry)).status_code == 403


def test_a_reviewer_adds_a_translation_that_search_finds(kb):
    entry = reviewed(kb)
    response = login(kb.editor_j1).post(page("entry_translate", entry), {
        "language": "mk", "title": "Мотивациско интервју", "description": "Кратки разговори "
        "секоја недела.", "version": entry.version})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.texts.filter(language="mk").exists()
    rows = login(kb.treatment_b).get(LIST, {"q": "интервју", "tab": "published"})
    assert rows.context["kb"].counts["published"] == 0  # reviewed, not published yet
    services.entry_publish(actor=kb.regional_coordinator, entry=entry, expected_version=None)
    found = login(kb.manager_other).get(LIST, {"q": "intervju"}).context["kb"].rows
    assert [r.entry for r in found] == [entry]


def test_the_original_language_is_not_a_translation(kb):
    entry = write(kb.treatment_a, jurisdiction=kb.j1)
    response = login(kb.treatment_a).post(page("entry_translate", entry), {
        "language": "en", "title": "x", "description": "y", "version": entry.version})
    assert response.status_code == 200
    assert not entry.texts.exclude(language="en").exists()


def test_a_translation_is_removed_but_never_the_original(kb):
    entry = write(kb.treatment_a, jurisdiction=kb.j1)
    services.translation_save(actor=kb.treatment_a, entry=entry, language="sq", title="T",
                              description="D")
    entry.refresh_from_db()
    client = login(kb.treatment_a)
    client.post(page("translation_delete", entry, "en"), {"version": entry.version})
    assert entry.texts.filter(language="en").exists()
    client.post(page("translation_delete", entry, "sq"), {"version": entry.version})
    assert not entry.texts.filter(language="sq").exists()


def test_links_to_interventions_offered_now(kb):
    offered = Intervention.objects.create(jurisdiction=kb.j1, code="MI", name="Motivational "
                                          "interviewing", type="individual", format="individual")
    gone = Intervention.objects.create(jurisdiction=kb.j1, code="OLD", name="Old course",
                                       type="individual", format="individual", is_active=False)
    entry = reviewed(kb)
    client = login(kb.editor_j1)
    assert str(gone.uuid) not in client.get(page("entry_link", entry)).content.decode()
    response = client.post(page("entry_link", entry), {"interventions": [str(offered.uuid)],
                                                       "version": entry.version})
    assert response.status_code == 302
    assert list(entry.interventions.all()) == [offered]
    with pytest.raises(Exception, match="not offered any more"):
        services.entry_link_interventions(actor=kb.editor_j1, entry=entry,
                                          interventions=[offered, gone])


def test_the_catalogue_lists_the_published_entries_linked_to_an_intervention(kb):
    offered = Intervention.objects.create(jurisdiction=kb.j1, code="MI", name="Motivational "
                                          "interviewing", type="individual", format="individual")
    public = published(kb, title="Evidence that is published")
    pending = reviewed(kb, title="Evidence still in review")
    for e in (public, pending):
        e.interventions.add(offered)
    body = login(kb.treatment_a).get(reverse("plans:interventions")).content.decode()
    assert "Evidence that is published" in body
    assert "Evidence still in review" not in body


# --- attachments -------------------------------------------------------------------------------

def attach(client, entry, name="report.pdf", data=PDF, content_type="application/pdf"):
    return client.post(page("attachment_add", entry), {
        "file": SimpleUploadedFile(name, data, content_type=content_type)})


def test_the_author_attaches_a_file_kept_encrypted(kb):
    entry = write(kb.treatment_a, jurisdiction=kb.j1)
    response = attach(login(kb.treatment_a), entry)
    assert response.status_code == 302
    attachment = Attachment.objects.get(entry=entry)
    assert (attachment.file_name, attachment.size) == ("report.pdf", len(PDF))
    assert bytes(attachment.data.ciphertext) != PDF
    entry.refresh_from_db()
    assert "report pdf" in entry.search_document
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_uuid=str(attachment.uuid))
    assert event.details["after"]["size"] == len(PDF)
    assert "report.pdf" not in str(event.details)  # a file's name may name someone
    assert "ciphertext" not in str(event.details)


def test_a_file_named_after_a_persons_reference_is_refused(kb):
    entry = write(kb.treatment_a, jurisdiction=kb.j1)
    response = attach(login(kb.treatment_a), entry, name=f"{kb.person_a.reference}.pdf")
    assert response.status_code == 200
    assert response.context["forms"]["attach"]["file"].errors
    assert not Attachment.objects.filter(entry=entry).exists()


def test_an_attachment_over_the_limit_is_refused_with_the_reason(kb, settings):
    settings.KNOWLEDGE_ATTACHMENT_MAX_BYTES = 100
    entry = write(kb.treatment_a, jurisdiction=kb.j1)
    response = attach(login(kb.treatment_a), entry, data=PDF + b"0" * 200)
    assert response.status_code == 200
    errors = response.context["forms"]["attach"]["file"].errors
    assert errors and "limit" in errors[0]
    assert not Attachment.objects.exists()


def test_an_attachment_of_a_refused_type_is_refused_with_the_reason(kb):
    entry = write(kb.treatment_a, jurisdiction=kb.j1)
    response = attach(login(kb.treatment_a), entry, name="tool.exe", data=b"MZ\x90\x00",
                      content_type="application/octet-stream")
    assert response.status_code == 200
    assert response.context["forms"]["attach"]["file"].errors
    renamed = attach(login(kb.treatment_a), entry, name="fake.pdf", data=b"MZ\x90\x00")
    assert renamed.context["forms"]["attach"]["file"].errors
    assert not Attachment.objects.exists()


def test_only_the_author_attaches_to_a_draft(kb):
    entry = submitted(kb)
    assert attach(login(kb.editor_j1), entry).status_code == 403
    assert not Attachment.objects.exists()


def test_a_download_is_the_file_audited_as_an_export(kb):
    entry = write(kb.treatment_a, jurisdiction=kb.j1)
    attachment = services.attachment_add(actor=kb.treatment_a, entry=entry, upload=(
        SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf")))
    entry = services.entry_submit(actor=kb.treatment_a, entry=entry, expected_version=None)
    response = login(kb.editor_j1).get(page("attachment_download", entry, attachment.uuid))
    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert AuditEvent.objects.filter(actor=kb.editor_j1, action=AuditAction.EXPORT,
                                     object_uuid=str(attachment.uuid)).exists()


def test_a_download_is_refused_to_who_cannot_see_the_entry(kb):
    entry = write(kb.treatment_a, jurisdiction=kb.j1)
    attachment = services.attachment_add(actor=kb.treatment_a, entry=entry, upload=(
        SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf")))
    for persona in ("editor_j1", "manager_other"):
        response = login(getattr(kb, persona)).get(page("attachment_download", entry,
                                                        attachment.uuid))
        assert response.status_code == 404, persona
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_the_author_removes_an_attachment(kb):
    entry = write(kb.treatment_a, jurisdiction=kb.j1)
    attachment = services.attachment_add(actor=kb.treatment_a, entry=entry, upload=(
        SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf")))
    response = login(kb.treatment_a).post(page("attachment_remove", entry, attachment.uuid))
    assert response.status_code == 302
    assert not Attachment.objects.exists()
    assert AuditEvent.objects.filter(action=AuditAction.DELETE,
                                     object_uuid=str(attachment.uuid)).exists()
