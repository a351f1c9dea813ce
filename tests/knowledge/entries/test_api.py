"""The knowledge base API: the list with search and filters, an entry with every language
version, writing and changing a draft (409 when stale), translations, the workflow's actions with
their refusals and reasons, the person-data check, an attachment's bytes, and the schema."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alliance.core.models import AuditAction, AuditEvent
from alliance.knowledge.entries import services
from alliance.knowledge.models import EntryStatus, KnowledgeEntry

from ...conftest import login
from ..builders import entry as built
from .helpers import api, published, reviewed, submitted, write

pytestmark = pytest.mark.django_db

LIST = reverse("api:knowledge-entry-list")


def body(**changes):
    data = {"kind": "lesson_learnt", "jurisdiction": "J1", "target_group": "staff",
            "language": "sr-latn", "themes": ["staff"], "title": "Obuka osoblja",
            "description": "Osoblje je prošlo obuku o dinamičkoj bezbednosti."}
    data.update(changes)
    return data


def post(user, url, data=None):
    return login(user).post(url, data or {}, content_type="application/json")


def test_the_list_is_what_the_caller_sees(kb):
    public = published(kb)
    draft = write(kb.treatment_a, jurisdiction=kb.j1, title="Private draft")
    other = login(kb.manager_other).get(LIST).json()
    assert [r["uuid"] for r in other["results"]] == [str(public.uuid)]
    assert other["results"][0]["jurisdiction"] == "J1"
    assert other["results"][0]["languages"] == ["en"]
    mine = login(kb.treatment_a).get(LIST, {"scope": "mine"}).json()
    assert {r["uuid"] for r in mine["results"]} == {str(public.uuid), str(draft.uuid)}
    assert mine["count"] == 2


def test_the_list_refuses_a_bad_filter_with_the_reason(kb):
    response = login(kb.treatment_a).get(LIST, {"kind": "gossip"})
    assert response.status_code == 400
    assert "kind" in response.json()["fields"]


def test_the_list_runs_as_many_queries_for_many_rows_as_for_one(kb):
    published(kb)
    client = login(kb.manager_other)
    client.get(LIST)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(LIST).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for n in range(8):
        e = built(kb.treatment_a, title=f"Entry {n}", jurisdiction=kb.j1)
        services.translation_save(actor=kb.treatment_a, entry=e, language="mk",
                                  title=f"Запис {n}", description="Опис.")
    assert count() <= few


def test_a_member_writes_a_draft(kb):
    response = post(kb.probation_officer, LIST, body())
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["status"], data["original_language"], data["jurisdiction"]) == (
        "draft", "sr-latn", "J1")
    assert data["texts"][0]["title"] == "Obuka osoblja"
    assert "submit" in data["actions"]
    assert AuditEvent.objects.filter(action=AuditAction.CREATE,
                                     object_uuid=data["uuid"]).exists()


def test_a_draft_for_a_jurisdiction_where_one_does_not_work_is_refused(kb):
    response = post(kb.treatment_a, LIST, body(jurisdiction="J2"))
    assert response.status_code == 400
    assert "jurisdiction" in response.json()["fields"]


def test_a_persons_reference_is_refused_even_when_confirmed(kb):
    response = post(kb.treatment_a, LIST, body(
        description=f"Rad sa {kb.person_a.reference} je trajao godinu dana.",
        confirm_no_person_data=True))
    assert response.status_code == 400
    assert "reference of a person" in response.json()["fields"]["description"][0]
    assert not KnowledgeEntry.objects.exists()


def test_a_warning_is_refused_until_confirmed(kb):
    text = "Rođen 12.3.1985, uključen u program."
    warned = post(kb.treatment_a, LIST, body(findings=text))
    assert warned.status_code == 400
    assert "date of birth" in warned.json()["fields"]["findings"][0]
    assert post(kb.treatment_a, LIST, body(findings=text,
                                           confirm_no_person_data=True)).status_code == 201


def test_the_detail_has_every_language_version(kb):
    entry = published(kb)
    services.translation_save(actor=kb.treatment_a, entry=entry, language="sq",
                              title="Intervista", description="Biseda.")
    data = login(kb.manager_other).get(api("knowledge-entry-detail", entry)).json()
    assert {t["language"] for t in data["texts"]} == {"en", "sq"}
    assert data["actions"] == ["view"]
    assert data["reviewed_by"] == kb.editor_j1.username


def test_an_invisible_entry_is_404(kb):
    draft = write(kb.treatment_a, jurisdiction=kb.j1)
    response = login(kb.editor_j1).get(api("knowledge-entry-detail", draft))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_the_author_patches_a_draft_and_a_stale_patch_is_409(kb):
    entry = write(kb.treatment_a, jurisdiction=kb.j1)
    client = login(kb.treatment_a)
    url = api("knowledge-entry-detail", entry)
    response = client.patch(url, {"version": entry.version, "title": "Sharper title",
                                  "themes": ["staff", "motivation"]},
                            content_type="application/json")
    assert response.status_code == 200, response.json()
    assert response.json()["title"] == "Sharper title"
    assert sorted(response.json()["themes"]) == ["motivation", "staff"]
    stale = client.patch(url, {"version": entry.version, "title": "Lost"},
                         content_type="application/json")
    assert stale.status_code == 409
    assert stale.json()["code"] == "conflict"


def test_someone_else_may_not_patch(kb):
    entry = submitted(kb)
    response = login(kb.editor_j1).patch(api("knowledge-entry-detail", entry), {
        "version": entry.version, "title": "x"}, content_type="application/json")
    assert response.status_code == 403


def test_the_author_deletes_a_draft(kb):
    entry = write(kb.treatment_a, jurisdiction=kb.j1)
    client = login(kb.treatment_a)
    # Without the version read, nothing is deleted: a client must say what it saw.
    assert client.delete(api("knowledge-entry-detail", entry)).status_code == 400
    response = client.delete(api("knowledge-entry-detail", entry) + f"?version={entry.version}")
    assert response.status_code == 204
    assert not KnowledgeEntry.objects.exists()


def test_translations_are_put_and_deleted(kb):
    entry = reviewed(kb)
    url = api("knowledge-entry-translation", entry, "sr-cyrl")
    client = login(kb.editor_j1)
    text = {"title": "Мотивациони разговор", "description": "Разговори."}
    # Without the entry's version read, nothing is written.
    assert client.put(url, text, content_type="application/json").status_code == 400
    response = client.put(url, {**text, "version": entry.version},
                          content_type="application/json")
    assert response.status_code == 200, response.json()
    assert "sr-cyrl" in response.json()["languages"]
    version = response.json()["version"]
    assert client.put(api("knowledge-entry-translation", entry, "en"), {
        "title": "x", "description": "y", "version": version},
        content_type="application/json").status_code == 400
    assert client.delete(url).status_code == 400
    assert client.delete(url + f"?version={version}").status_code == 204
    assert client.delete(url + f"?version={version + 1}").status_code == 404
    assert login(kb.treatment_b).put(url, {"title": "x", "description": "y", "version": 1},
                                     content_type="application/json").status_code == 403


def test_the_workflow_through_the_api(kb):
    entry = write(kb.treatment_a, jurisdiction=kb.j1)
    response = post(kb.treatment_a, api("knowledge-entry-submit", entry),
                    {"version": entry.version})
    assert response.status_code == 200
    version = response.json()["version"]
    own = post(kb.treatment_a, api("knowledge-entry-review", entry), {"version": version})
    assert own.status_code == 403
    returned = post(kb.editor_j1, api("knowledge-entry-return", entry), {"version": version})
    assert returned.status_code == 400 and "note" in returned.json()["fields"]
    reviewed_ = post(kb.editor_j1, api("knowledge-entry-review", entry),
                     {"version": version, "note": "Good."})
    assert reviewed_.json()["status"] == "reviewed"
    version = reviewed_.json()["version"]
    assert post(kb.treatment_b, api("knowledge-entry-publish", entry),
                {"version": version}).status_code == 403
    assert post(kb.regional_coordinator, api("knowledge-entry-publish", entry),
                {"version": version - 1}).status_code == 409
    done = post(kb.regional_coordinator, api("knowledge-entry-publish", entry),
                {"version": version})
    assert done.json()["status"] == "published"
    withdrawn = post(kb.regional_coordinator, api("knowledge-entry-withdraw", entry),
                     {"version": done.json()["version"], "reason": "Outdated."})
    assert withdrawn.json()["status"] == "withdrawn"


def test_publishing_without_review_is_refused_with_the_reason_in_the_api(kb):
    entry = services.entry_submit(actor=kb.regional_coordinator, entry=write(
        kb.regional_coordinator, jurisdiction=None), expected_version=None)
    response = post(kb.regional_coordinator, api("knowledge-entry-publish", entry),
                    {"version": entry.version})
    assert response.status_code == 400
    assert "has not been reviewed" in response.json()["detail"]
    entry.refresh_from_db()
    assert entry.status == EntryStatus.DRAFT


def test_an_attachment_downloads_for_who_sees_the_entry(kb):
    entry = write(kb.treatment_a, jurisdiction=kb.j1)
    data = "Bilješke sa sastanka\n".encode()
    attachment = services.attachment_add(actor=kb.treatment_a, entry=entry, upload=(
        SimpleUploadedFile("bilješke.txt", data, content_type="text/plain")))
    detail = login(kb.treatment_a).get(api("knowledge-entry-detail", entry)).json()
    url = detail["attachments"][0]["url"]
    response = login(kb.treatment_a).get(url)
    assert response.status_code == 200 and response.content == data
    assert "bilje%C5%A1ke.txt" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT,
                                     object_uuid=str(attachment.uuid)).exists()
    assert login(kb.manager_other).get(url).status_code == 404


def test_the_schema_documents_the_knowledge_endpoints(kb):
    paths = login(kb.treatment_a).get(reverse("api-schema"), {"format": "json"}).json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/knowledge/"])
    assert {"get", "patch", "delete"} <= set(paths["/api/v1/knowledge/{entry_uuid}/"])
    assert {"put", "delete"} <= set(
        paths["/api/v1/knowledge/{entry_uuid}/translations/{language}/"])
    for action in ("submit", "review", "return", "publish", "withdraw"):
        operation = paths[f"/api/v1/knowledge/{{entry_uuid}}/{action}/"]["post"]
        assert "409" in operation["responses"], action
    download = paths["/api/v1/knowledge/{entry_uuid}/attachments/{attachment_uuid}/"]["get"]
    assert "application/octet-stream" in download["responses"]["200"]["content"]
    parameters = {p["name"] for p in paths["/api/v1/knowledge/"]["get"]["parameters"]}
    assert {"q", "scope", "kind", "theme", "jurisdiction", "language"} <= parameters
