"""The review and publication workflow across personas: who sees an entry at each step (404
for the others), who may move it (403 with the reason for the others), the refusals with their
reasons, the tasks and notifications, and the audit row of each step."""

import pytest
from django.urls import reverse

from alliance.core.models import AuditAction, AuditEvent
from alliance.knowledge.entries import services, work
from alliance.knowledge.models import EntryStatus, KnowledgeEntry
from alliance.work.models import Notification, Task, TaskStatus

from ...conftest import login
from .helpers import page, published, reviewed, submitted, write

pytestmark = pytest.mark.django_db


def status_for(entry, user, name="entry_detail"):
    return login(user).get(page(name, entry)).status_code


def audited(entry, action=AuditAction.CHANGE, **details):
    rows = AuditEvent.objects.filter(object_uuid=str(entry.uuid), action=action)
    return [r for r in rows if all(r.details.get(k) == v for k, v in details.items())]


# --- who sees what -----------------------------------------------------------------------------

def test_a_draft_is_its_authors_alone(kb):
    draft = write(kb.treatment_a, jurisdiction=kb.j1)
    assert status_for(draft, kb.treatment_a) == 200
    for persona in ("editor_j1", "editor_j2", "editor_regional", "regional_coordinator",
                    "treatment_b", "manager_other"):
        assert status_for(draft, getattr(kb, persona)) == 404, persona


def test_a_submitted_draft_opens_to_the_reviewers_of_its_jurisdiction_only(kb):
    entry = submitted(kb)
    assert status_for(entry, kb.editor_j1) == 200
    for persona in ("editor_j2", "editor_regional", "regional_coordinator", "treatment_b",
                    "manager_other"):
        assert status_for(entry, getattr(kb, persona)) == 404, persona


def test_a_reviewed_entry_is_read_in_its_jurisdiction_and_by_the_coordinators(kb):
    entry = reviewed(kb)
    for persona in ("treatment_b", "manager_a", "probation_officer", "editor_j1",
                    "regional_coordinator"):
        assert status_for(entry, getattr(kb, persona)) == 200, persona
    for persona in ("manager_other", "editor_j2", "editor_regional"):
        assert status_for(entry, getattr(kb, persona)) == 404, persona


def test_a_published_entry_is_read_across_the_region(kb):
    entry = published(kb)
    for persona in ("treatment_a", "treatment_b", "manager_other", "editor_j2",
                    "editor_regional", "regional_coordinator", "ngo_worker"):
        assert status_for(entry, getattr(kb, persona)) == 200, persona


# --- moving it ---------------------------------------------------------------------------------

def test_the_author_submits_and_the_reviewers_of_the_jurisdiction_get_a_task(kb):
    draft = write(kb.treatment_a, jurisdiction=kb.j1)
    response = login(kb.treatment_a).post(page("entry_submit", draft),
                                          {"version": draft.version})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.submitted_at is not None and draft.status == EntryStatus.DRAFT
    task = Task.objects.get(kind=work.ENTRY_REVIEW, source_uuid=draft.uuid)
    assert (task.assignee_agency, task.assignee_role) == (kb.admin_hq, "knowledge_editor")
    assert audited(draft, event="submitted")


def test_a_reviewer_marks_it_reviewed_the_coordinators_get_a_task_and_the_author_is_told(kb):
    entry = submitted(kb)
    response = login(kb.editor_j1).post(page("entry_review", entry), {
        "version": entry.version, "note": "Clear and useful."})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.status, entry.reviewed_by, entry.review_note) == (
        EntryStatus.REVIEWED, kb.editor_j1, "Clear and useful.")
    assert Task.objects.get(kind=work.ENTRY_REVIEW, source_uuid=entry.uuid).status == \
        TaskStatus.DONE
    publish = Task.objects.get(kind=work.ENTRY_PUBLISH, source_uuid=entry.uuid)
    assert (publish.assignee_agency, publish.assignee_role) == (kb.regional,
                                                                "regional_coordinator")
    assert Notification.objects.filter(recipient=kb.treatment_a, kind=work.ENTRY_REVIEWED,
                                       target_uuid=entry.uuid).exists()
    assert audited(entry, event="reviewed")


def test_a_reviewer_cannot_review_their_own_entry(kb):
    own = services.entry_submit(actor=kb.editor_j1, entry=write(kb.editor_j1,
                                                                jurisdiction=kb.j1),
                                expected_version=None)
    response = login(kb.editor_j1).post(page("entry_review", own), {"version": own.version})
    assert response.status_code == 403
    assert "another reviewer" in response.content.decode()
    own.refresh_from_db()
    assert own.status == EntryStatus.DRAFT


def test_a_reviewer_of_another_jurisdiction_does_not_even_see_it(kb):
    entry = submitted(kb)
    response = login(kb.editor_j2).post(page("entry_review", entry), {"version": entry.version})
    assert response.status_code == 404


def test_a_reviewer_returns_it_with_a_note_and_the_author_submits_again(kb):
    entry = submitted(kb)
    client = login(kb.editor_j1)
    refused = client.post(page("entry_return", entry), {"version": entry.version, "note": ""})
    assert refused.status_code == 200
    assert "Say what the author should change." in refused.content.decode()
    response = client.post(page("entry_return", entry), {
        "version": entry.version, "note": "Say which wing and for how long."})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == EntryStatus.DRAFT and entry.submitted_at is None
    assert Notification.objects.filter(recipient=kb.treatment_a, kind=work.ENTRY_RETURNED).exists()
    assert Task.objects.get(kind=work.ENTRY_REVIEW, source_uuid=entry.uuid).status == \
        TaskStatus.DONE
    assert audited(entry, event="returned", note_length=len("Say which wing and for how long."))
    # The author reads the note, and the reviewer no longer sees the draft.
    author_page = login(kb.treatment_a).get(page("entry_detail", entry)).content.decode()
    assert "Say which wing and for how long." in author_page
    assert status_for(entry, kb.editor_j1) == 404
    services.entry_submit(actor=kb.treatment_a, entry=entry, expected_version=entry.version)
    assert Task.objects.filter(kind=work.ENTRY_REVIEW, source_uuid=entry.uuid,
                               status=TaskStatus.OPEN).count() == 1


def test_publishing_without_review_is_refused_with_the_reason(kb):
    # The coordinator's own regional draft, submitted: the coordinator sees it, but it is not
    # reviewed yet.
    entry = services.entry_submit(actor=kb.regional_coordinator, entry=write(
        kb.regional_coordinator, jurisdiction=None), expected_version=None)
    response = login(kb.regional_coordinator).post(page("entry_publish", entry),
                                                   {"version": entry.version})
    assert response.status_code == 200
    assert "has not been reviewed" in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == EntryStatus.DRAFT


def test_the_coordinator_publishes_a_reviewed_entry_and_the_author_is_told(kb):
    entry = reviewed(kb)
    response = login(kb.regional_coordinator).post(page("entry_publish", entry),
                                                   {"version": entry.version})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.status, entry.published_by) == (EntryStatus.PUBLISHED,
                                                  kb.regional_coordinator)
    assert Task.objects.get(kind=work.ENTRY_PUBLISH, source_uuid=entry.uuid).status == \
        TaskStatus.DONE
    assert Notification.objects.filter(recipient=kb.treatment_a,
                                       kind=work.ENTRY_PUBLISHED).exists()
    assert audited(entry, event="published")


def test_only_a_coordinator_publishes(kb):
    entry = reviewed(kb)
    for persona in ("editor_j1", "treatment_b", "treatment_a"):
        response = login(getattr(kb, persona)).post(page("entry_publish", entry),
                                                    {"version": entry.version})
        assert response.status_code == 403, persona
        assert "Only a regional coordinator publishes" in response.content.decode()


def test_the_coordinator_withdraws_with_a_reason(kb):
    entry = published(kb)
    client = login(kb.regional_coordinator)
    refused = client.post(page("entry_withdraw", entry), {"version": entry.version})
    assert "Say why the entry is withdrawn." in refused.content.decode()
    response = client.post(page("entry_withdraw", entry), {
        "version": entry.version, "reason": "Superseded by the 2026 guidance."})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == EntryStatus.WITHDRAWN
    assert status_for(entry, kb.manager_other) == 404
    assert status_for(entry, kb.treatment_a) == 200
    assert audited(entry, event="withdrawn", previous="published")


def test_a_stale_action_is_a_conflict(kb):
    entry = submitted(kb)
    response = login(kb.editor_j1).post(page("entry_review", entry),
                                        {"version": entry.version - 1})
    assert response.status_code == 409
    entry.refresh_from_db()
    assert entry.status == EntryStatus.DRAFT


def test_the_author_deletes_a_draft_and_its_review_task_is_cancelled(kb):
    entry = submitted(kb)
    response = login(kb.treatment_a).post(page("entry_delete", entry),
                                          {"version": entry.version})
    assert response.status_code == 302
    assert not KnowledgeEntry.objects.filter(pk=entry.pk).exists()
    assert Task.objects.get(kind=work.ENTRY_REVIEW, source_uuid=entry.uuid).status == \
        TaskStatus.CANCELLED
    assert audited(entry, AuditAction.DELETE)


def test_nobody_else_deletes_a_draft(kb):
    entry = submitted(kb)
    assert login(kb.editor_j1).post(page("entry_delete", entry),
                                    {"version": entry.version}).status_code == 403
    assert KnowledgeEntry.objects.filter(pk=entry.pk).exists()


def test_a_regional_entry_goes_to_the_regional_programmes_editors(kb):
    entry = services.entry_submit(actor=kb.treatment_a, entry=write(
        kb.treatment_a, jurisdiction=None), expected_version=None)
    task = Task.objects.get(kind=work.ENTRY_REVIEW, source_uuid=entry.uuid)
    assert (task.assignee_agency, task.assignee_role) == (kb.regional, "knowledge_editor")
    assert status_for(entry, kb.editor_regional) == 200
    assert status_for(entry, kb.editor_j1) == 404


def test_the_status_machine_allows_no_way_back_from_withdrawn():
    assert services.ALLOWED_TRANSITIONS[EntryStatus.WITHDRAWN] == set()
    assert EntryStatus.PUBLISHED not in services.ALLOWED_TRANSITIONS[EntryStatus.DRAFT]


def test_a_regional_entry_goes_to_the_coordinators_when_the_programme_has_no_editor(kb):
    from alliance.accounts.models import Membership

    Membership.objects.filter(user=kb.editor_regional).update(is_active=False)
    entry = services.entry_submit(actor=kb.treatment_a, entry=write(
        kb.treatment_a, jurisdiction=None), expected_version=None)
    task = Task.objects.get(kind=work.ENTRY_REVIEW, source_uuid=entry.uuid)
    assert (task.assignee_agency, task.assignee_role) == (kb.regional, "regional_coordinator")


def test_withdrawing_a_reviewed_entry_cancels_the_publication_task(kb):
    entry = reviewed(kb)
    services.entry_withdraw(actor=kb.regional_coordinator, entry=entry, expected_version=None,
                            reason="Duplicate of another entry.")
    assert Task.objects.get(kind=work.ENTRY_PUBLISH, source_uuid=entry.uuid).status == \
        TaskStatus.CANCELLED
    assert Notification.objects.filter(recipient=kb.treatment_a,
                                       kind=work.ENTRY_WITHDRAWN).exists()


def test_the_review_task_opens_the_entry_for_its_reviewer(kb):
    entry = submitted(kb)
    work_page = login(kb.editor_j1).get(reverse("work:my_work")).content.decode()
    assert "Review a knowledge entry" in work_page
    assert page("entry_detail", entry) in work_page
