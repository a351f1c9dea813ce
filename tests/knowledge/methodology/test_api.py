"""The methodology API: the same rules as the pages, in the API's shapes and statuses, and in
the schema."""

import pytest
from django.urls import reverse

from alliance.core.models import AuditAction, AuditEvent
from alliance.knowledge.methodology import services
from alliance.knowledge.models import MethodologyStatus

from ...conftest import login
from ..builders import entry
from .builders import draft, methodology, version, with_draft

pytestmark = pytest.mark.django_db


def api(name, *args):
    return reverse(f"api:{name}", args=args)


def test_a_reader_lists_the_approved_methodologies_only(kb):
    with_draft(kb.regional_coordinator)
    methodology(kb.regional_coordinator, approve=False, title="Never approved")
    body = login(kb.treatment_a).get(api("methodology-list")).json()
    assert body["count"] == 1
    assert body["results"][0]["current_version"] == 1
    assert body["results"][0]["draft_version"] is None
    editor = login(kb.editor_j1).get(api("methodology-list")).json()
    assert editor["count"] == 2
    assert {r["title"]: r["draft_version"] for r in editor["results"]} == {
        "Common methodology": 2, "Never approved": 1}


def test_a_coordinator_creates_a_methodology_and_others_are_refused(kb):
    response = login(kb.regional_coordinator).post(
        api("methodology-list"), {"title": "Pre-release"}, content_type="application/json")
    assert response.status_code == 201
    assert [v["status"] for v in response.json()["versions"]] == ["draft"]
    refused = login(kb.editor_j1).post(api("methodology-list"), {"title": "Mine"},
                                       content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    blank = login(kb.regional_coordinator).post(api("methodology-list"), {"title": ""},
                                                content_type="application/json")
    assert blank.status_code == 400 and "title" in blank.json()["fields"]


def test_a_methodology_lists_the_versions_the_reader_sees(kb):
    m = with_draft(kb.regional_coordinator)
    reader = login(kb.treatment_a).get(api("methodology-detail", m.uuid)).json()
    assert [v["number"] for v in reader["versions"]] == [1]
    editor = login(kb.editor_j2).get(api("methodology-detail", m.uuid)).json()
    assert [(v["number"], v["status"], v["based_on"]) for v in editor["versions"]] == [
        (2, "draft", 1), (1, "approved", None)]


def test_a_version_comes_with_its_chapters_and_numbered_references(kb):
    cited = entry(kb.treatment_a, title="Mentors after release", jurisdiction=kb.j1)
    m = methodology(kb.regional_coordinator, citations=[cited])
    body = login(kb.treatment_a).get(api("methodology-version", version(m, 1).uuid)).json()
    assert [c["key"] for c in body["chapters"]] == ["principles", "motivation"]
    assert body["chapters"][0]["references"] == [1]
    assert body["chapters"][0]["citations"] == [str(cited.uuid)]
    assert body["references"][0] == {
        "number": 1, "entry": str(cited.uuid), "title": "Mentors after release",
        "kind": "good_practice", "jurisdiction": "Jurisdiction One", "organisation": "",
        "published_at": body["references"][0]["published_at"], "status": "published"}
    assert body["actions"] == ["view"]


def test_a_draft_is_not_found_by_a_reader(kb):
    m = with_draft(kb.regional_coordinator)
    v2 = draft(m)
    client = login(kb.treatment_a)
    assert client.get(api("methodology-version", v2.uuid)).status_code == 404
    assert client.get(api("methodology-version-changes", v2.uuid)).status_code == 404
    body = login(kb.editor_j1).get(api("methodology-version", v2.uuid)).json()
    assert body["actions"] == ["edit", "view"]


def test_an_editor_adds_changes_moves_and_removes_chapters(kb):
    cited = entry(kb.treatment_a)
    m = methodology(kb.regional_coordinator, approve=False)
    v1 = version(m, 1)
    client = login(kb.editor_j1)
    added = client.post(api("methodology-chapter-list", v1.uuid), {
        "title": "Dynamic security", "body": "Daily conversation.",
        "citations": [str(cited.uuid)]}, content_type="application/json")
    assert added.status_code == 201
    chapter = added.json()["chapters"][2]
    assert (chapter["key"], chapter["references"], chapter["version"]) == (
        "dynamic-security", [1], 1)
    address = api("methodology-chapter", v1.uuid, chapter["uuid"])
    changed = client.patch(address, {"version": chapter["version"], "title": "Security"},
                           content_type="application/json")
    assert changed.status_code == 200
    after = changed.json()["chapters"][2]
    assert after["version"] == 2
    assert (after["title"], after["key"], after["body"]) == (
        "Security", "dynamic-security", "Daily conversation.")
    assert after["citations"] == [str(cited.uuid)]  # absent fields keep their value
    stale = client.patch(address, {"version": chapter["version"], "title": "Stale"},
                         content_type="application/json")
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"
    moved = client.post(api("methodology-chapter-move", v1.uuid, chapter["uuid"]),
                        {"direction": "up"}, content_type="application/json")
    assert [c["key"] for c in moved.json()["chapters"]] == [
        "principles", "dynamic-security", "motivation"]
    edge = client.post(api("methodology-chapter-move", v1.uuid, chapter["uuid"]),
                       {"direction": "sideways"}, content_type="application/json")
    assert edge.status_code == 400 and "direction" in edge.json()["fields"]
    assert client.delete(address + f"?version={after['version']}").status_code == 204
    assert not v1.chapters.filter(key="dynamic-security").exists()
    assert AuditEvent.objects.filter(object_uuid=chapter["uuid"]).values_list(
        "action", flat=True).count() == 4  # created, changed, moved, removed


def test_the_api_refuses_citing_an_unpublished_entry_with_the_reason(kb):
    unpublished = entry(kb.treatment_a, status="draft")
    m = methodology(kb.regional_coordinator, approve=False)
    response = login(kb.editor_j1).post(
        api("methodology-chapter-list", version(m, 1).uuid),
        {"title": "Cites", "citations": [str(unpublished.uuid)]},
        content_type="application/json")
    assert response.status_code == 400
    assert "published" in response.json()["fields"]["citations"][0]


def test_the_api_applies_the_person_data_check(kb):
    m = methodology(kb.regional_coordinator, approve=False)
    address = api("methodology-chapter-list", version(m, 1).uuid)
    client = login(kb.editor_j1)
    warned = client.post(address, {"title": "Case", "body": "Born 12.3.1985."},
                         content_type="application/json")
    assert warned.status_code == 400 and "body" in warned.json()["fields"]
    confirmed = client.post(address, {"title": "Case", "body": "Born 12.3.1985.",
                                      "confirm_no_person_data": True},
                            content_type="application/json")
    assert confirmed.status_code == 201


def test_a_chapter_of_a_frozen_version_is_refused_with_the_reason(kb):
    m = methodology(kb.regional_coordinator)
    v1 = version(m, 1)
    chapter = v1.chapters.first()
    response = login(kb.editor_j1).patch(
        api("methodology-chapter", v1.uuid, chapter.uuid),
        {"version": chapter.version, "title": "New"},
        content_type="application/json")
    assert response.status_code == 403
    assert "approved and frozen" in response.json()["detail"]


def test_a_chapter_is_found_only_under_its_own_version(kb):
    one = methodology(kb.regional_coordinator, approve=False)
    other = methodology(kb.regional_coordinator, approve=False, title="Other")
    chapter = version(other, 1).chapters.first()
    response = login(kb.editor_j1).delete(api("methodology-chapter", version(one, 1).uuid,
                                              chapter.uuid))
    assert response.status_code == 404 and version(other, 1).chapters.count() == 2


def test_a_coordinator_approves_starts_the_next_version_and_is_told_of_the_draft(kb):
    m = methodology(kb.regional_coordinator, approve=False)
    v1 = version(m, 1)
    client = login(kb.regional_coordinator)
    assert login(kb.editor_j1).post(api("methodology-version-approve", v1.uuid),
                                    {"version": v1.version},
                                    content_type="application/json").status_code == 403
    approved = client.post(api("methodology-version-approve", v1.uuid), {"version": v1.version},
                           content_type="application/json")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    started = client.post(api("methodology-version-start", m.uuid))
    assert started.status_code == 201
    v2 = started.json()
    assert (v2["number"], v2["status"], v2["based_on"]) == (2, "draft", 1)
    assert len(v2["chapters"]) == 2
    again = client.post(api("methodology-version-start", m.uuid))
    assert again.status_code == 400 and "Version 2 is still a draft" in again.json()["detail"]
    unsummarised = client.post(api("methodology-version-approve", v2["uuid"]),
                               {"version": v2["version"]}, content_type="application/json")
    assert unsummarised.status_code == 400
    assert "change_summary" in unsummarised.json()["fields"]
    stale = client.post(api("methodology-version-approve", v2["uuid"]),
                        {"version": v2["version"] - 1, "change_summary": "x"},
                        content_type="application/json")
    assert stale.status_code == 409
    assert draft(m).status == MethodologyStatus.DRAFT


def test_the_changes_come_as_data(kb):
    m = with_draft(kb.regional_coordinator)
    v2 = draft(m)
    principles = v2.chapters.get(key="principles")
    services.chapter_update(actor=kb.editor_j1, chapter=principles, expected_version=None,
                            title="Principles", body="Rehabilitation rests on trust.")
    services.chapter_add(actor=kb.editor_j1, version=v2, title="After release")
    body = login(kb.editor_j1).get(api("methodology-version-changes", v2.uuid)).json()
    assert (body["from_version"]["number"], body["to_version"]["number"]) == (1, 2)
    assert body["summary"]["added"] == 1 and body["summary"]["text_changed"] == 1
    chapters = {c["key"]: c for c in body["chapters"]}
    assert chapters["after-release"]["status"] == "added"
    assert chapters["motivation"]["status"] == "unchanged"
    kinds = [s["kind"] for s in chapters["principles"]["segments"]]
    assert "insert" in kinds and "delete" in kinds
    same = login(kb.editor_j1).get(api("methodology-version-changes", v2.uuid),
                                   {"from": str(v2.uuid)}).json()
    assert same["summary"]["added"] == 0 and all(
        c["status"] == "unchanged" for c in same["chapters"])


def test_the_changes_refuse_a_version_of_another_methodology(kb):
    m = methodology(kb.regional_coordinator)
    other = methodology(kb.regional_coordinator, title="Other")
    client = login(kb.treatment_a)
    address = api("methodology-version-changes", version(m, 1).uuid)
    response = client.get(address, {"from": str(version(other, 1).uuid)})
    assert response.status_code == 400 and "from" in response.json()["fields"]
    assert client.get(address, {"from": "not-a-uuid"}).status_code == 400
    first = client.get(address).json()
    assert first["from_version"] is None and first["chapters"] == []


def test_the_writes_leave_audit_rows(kb):
    client = login(kb.regional_coordinator)
    before = AuditEvent.objects.count()
    created = client.post(api("methodology-list"), {"title": "Audited"},
                          content_type="application/json").json()
    v1 = created["versions"][0]
    client.post(api("methodology-chapter-list", v1["uuid"]), {"title": "One"},
                content_type="application/json")
    client.post(api("methodology-version-approve", v1["uuid"]), {"version": v1["version"] + 1},
                content_type="application/json")
    actions = list(AuditEvent.objects.order_by("id").values_list("action", "object_type")[before:])
    assert actions == [
        (AuditAction.CREATE, "knowledge.methodology"),
        (AuditAction.CREATE, "knowledge.methodologyversion"),
        (AuditAction.CREATE, "knowledge.chapter"),
        (AuditAction.CHANGE, "knowledge.methodologyversion")]


def test_the_schema_documents_the_methodology_endpoints(kb):
    paths = login(kb.treatment_a).get(reverse("api-schema"), {"format": "json"}).json()["paths"]
    base = "/api/v1/methodology/"
    assert {"get", "post"} <= set(paths[base])
    assert "get" in paths[base + "{methodology_uuid}/"]
    assert "post" in paths[base + "{methodology_uuid}/versions/"]
    assert "get" in paths[base + "versions/{version_uuid}/"]
    assert "post" in paths[base + "versions/{version_uuid}/chapters/"]
    assert {"patch", "delete"} <= set(paths[base + "versions/{version_uuid}/chapters/"
                                                   "{chapter_uuid}/"])
    assert "post" in paths[base + "versions/{version_uuid}/chapters/{chapter_uuid}/move/"]
    assert "post" in paths[base + "versions/{version_uuid}/approve/"]
    changes = paths[base + "versions/{version_uuid}/changes/"]["get"]
    assert "from" in {p["name"] for p in changes["parameters"]}
    assert "409" in paths[base + "versions/{version_uuid}/approve/"]["post"]["responses"]


def test_the_list_runs_as_many_queries_for_many_rows_as_for_one(kb,
                                                                django_assert_max_num_queries):
    methodology(kb.regional_coordinator)
    client = login(kb.editor_j1)
    client.get(api("methodology-list"))
    with django_assert_max_num_queries(20) as few:
        client.get(api("methodology-list"))
    for n in range(5):
        with_draft(kb.regional_coordinator, title=f"Methodology {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(api("methodology-list")).json()["count"] == 6
