"""Versioning of the common methodology through its services: a draft, approval that freezes
it, the next version as a copy, one draft at a time, stale edits, citations, keys, the
person-data check and the audit trail."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from alliance.core.errors import Conflict
from alliance.core.models import AuditAction, AuditEvent
from alliance.knowledge.methodology import services
from alliance.knowledge.models import Chapter, EntryStatus, MethodologyStatus

from ..builders import entry
from .builders import draft, methodology, version, with_draft

pytestmark = pytest.mark.django_db

FROZEN = "approved and frozen"


def audited(obj, action):
    return AuditEvent.objects.filter(object_uuid=str(obj.uuid), action=action,
                                     outcome="success")


def test_a_coordinator_creates_a_methodology_with_version_1_as_an_empty_draft(kb):
    m = services.methodology_create(actor=kb.regional_coordinator, title="Common methodology")
    v1 = m.versions.get()
    assert (v1.number, v1.status, v1.chapters.count()) == (1, MethodologyStatus.DRAFT, 0)
    assert v1.created_by == kb.regional_coordinator
    assert audited(m, AuditAction.CREATE).exists() and audited(v1, AuditAction.CREATE).exists()


@pytest.mark.parametrize("persona", ["editor_j1", "treatment_a", "manager_a"])
def test_only_a_coordinator_creates_a_methodology(kb, persona):
    with pytest.raises(PermissionDenied):
        services.methodology_create(actor=getattr(kb, persona), title="Mine")


def test_a_methodology_needs_a_title(kb):
    with pytest.raises(ValidationError) as exc:
        services.methodology_create(actor=kb.regional_coordinator, title="  ")
    assert "title" in exc.value.message_dict


def test_editors_of_any_jurisdiction_write_the_chapters_of_a_draft(kb):
    m = methodology(kb.regional_coordinator, chapters=(), approve=False)
    v1 = version(m, 1)
    first = services.chapter_add(actor=kb.editor_j1, version=v1, title="Principles",
                                 body="Individual assessment.")
    second = services.chapter_add(actor=kb.editor_j2, version=v1, title="Release",
                                  body="Preparation starts early.")
    assert [(c.position, c.key) for c in v1.chapters.order_by("position")] == [
        (1, "principles"), (2, "release")]
    assert first.edited_by == kb.editor_j1 and second.edited_by == kb.editor_j2
    assert audited(first, AuditAction.CREATE).get().details["after"]["title_length"] == len(
        "Principles")


@pytest.mark.parametrize("persona", ["treatment_a", "manager_a", "dpo"])
def test_other_members_cannot_write_a_chapter(kb, persona):
    m = methodology(kb.regional_coordinator, chapters=(), approve=False)
    with pytest.raises(PermissionDenied):
        services.chapter_add(actor=getattr(kb, persona), version=version(m, 1), title="Mine")


def test_approval_freezes_the_version(kb):
    m = methodology(kb.regional_coordinator)
    v1 = version(m, 1)
    assert v1.status == MethodologyStatus.APPROVED
    assert v1.approved_by == kb.regional_coordinator and v1.approved_at is not None
    chapter = v1.chapters.first()
    writes = [
        lambda: services.chapter_add(actor=kb.editor_j1, version=v1, title="More"),
        lambda: services.chapter_update(actor=kb.editor_j1, chapter=chapter,
                                        expected_version=None, title="New", body="New"),
        lambda: services.chapter_delete(actor=kb.regional_coordinator, chapter=chapter),
        lambda: services.chapter_move(actor=kb.editor_j1, chapter=chapter, direction="down"),
        lambda: services.version_approve(actor=kb.regional_coordinator, version=v1,
                                         expected_version=None, change_summary="Again"),
    ]
    for write in writes:
        with pytest.raises(PermissionDenied, match=FROZEN):
            write()
    chapter.refresh_from_db()
    assert chapter.title == "Principles" and v1.chapters.count() == 2


def test_the_approval_is_audited(kb):
    m = methodology(kb.regional_coordinator, approve=False)
    v1 = services.version_approve(actor=kb.regional_coordinator, version=version(m, 1),
                                  expected_version=None)
    event = audited(v1, AuditAction.CHANGE).get()
    assert event.details["before"]["status"] == "draft"
    assert event.details["after"]["status"] == "approved"


def test_a_knowledge_editor_cannot_approve(kb):
    m = methodology(kb.regional_coordinator, approve=False)
    with pytest.raises(PermissionDenied, match="regional coordinator"):
        services.version_approve(actor=kb.editor_j1, version=version(m, 1),
                                 expected_version=None)


def test_approval_needs_a_chapter(kb):
    m = methodology(kb.regional_coordinator, chapters=(), approve=False)
    with pytest.raises(ValidationError, match="at least one chapter"):
        services.version_approve(actor=kb.regional_coordinator, version=version(m, 1),
                                 expected_version=None)


def test_after_the_first_version_approval_needs_a_summary_of_what_changed(kb):
    m = with_draft(kb.regional_coordinator)
    with pytest.raises(ValidationError) as exc:
        services.version_approve(actor=kb.regional_coordinator, version=draft(m),
                                 expected_version=None, change_summary=" ")
    assert "change_summary" in exc.value.message_dict
    v2 = services.version_approve(actor=kb.regional_coordinator, version=draft(m),
                                  expected_version=None, change_summary="Release rewritten.")
    assert v2.status == MethodologyStatus.APPROVED and v2.change_summary == "Release rewritten."


def test_a_new_version_starts_as_a_copy_of_the_approved_one(kb):
    cited = entry(kb.treatment_a, title="Mentors after release")
    m = methodology(kb.regional_coordinator, citations=[cited])
    v1 = version(m, 1)
    v2 = services.version_start(actor=kb.regional_coordinator, methodology=m)
    assert (v2.number, v2.status, v2.based_on) == (2, MethodologyStatus.DRAFT, v1)
    old = list(v1.chapters.order_by("position"))
    new = list(v2.chapters.order_by("position"))
    assert [(c.key, c.position, c.title, c.body) for c in new] == [
        (c.key, c.position, c.title, c.body) for c in old]
    assert list(new[0].citations.all()) == [cited]
    assert {c.pk for c in new}.isdisjoint({c.pk for c in old})
    assert audited(v2, AuditAction.CREATE).get().details["after"]["chapters"] == 2
    # changing the copy leaves the approved version as it was
    services.chapter_update(actor=kb.editor_j1, chapter=new[0], expected_version=None,
                            title="Principles", body="Rewritten.", citations=[])
    assert old[0].citations.count() == 1 and Chapter.objects.get(pk=old[0].pk).body != "Rewritten."


def test_only_one_draft_at_a_time_and_the_refusal_names_it(kb):
    m = with_draft(kb.regional_coordinator)
    with pytest.raises(ValidationError, match="Version 2 is still a draft"):
        services.version_start(actor=kb.regional_coordinator, methodology=m)
    assert m.versions.count() == 2


def test_a_knowledge_editor_cannot_start_a_version(kb):
    m = methodology(kb.regional_coordinator)
    with pytest.raises(PermissionDenied):
        services.version_start(actor=kb.editor_j1, methodology=m)


def test_a_stale_chapter_edit_is_a_conflict(kb):
    m = methodology(kb.regional_coordinator, approve=False)
    chapter = version(m, 1).chapters.first()
    read = chapter.version
    services.chapter_update(actor=kb.editor_j1, chapter=chapter, expected_version=read,
                            title="Principles", body="First edit.")
    with pytest.raises(Conflict):
        services.chapter_update(actor=kb.editor_j2, chapter=chapter, expected_version=read,
                                title="Principles", body="Second edit, from an old page.")
    chapter.refresh_from_db()
    assert chapter.body == "First edit."


def test_a_chapter_edit_moves_the_chapter_version_on_and_a_move_does_not(kb):
    m = methodology(kb.regional_coordinator, approve=False)
    v1 = version(m, 1)
    chapter = v1.chapters.get(key="principles")
    read, version_read = chapter.version, v1.version
    assert read == 1
    # an edit opened before a move is still accepted after it
    services.chapter_move(actor=kb.editor_j2, chapter=chapter, direction="down")
    assert {c.key: c.version for c in v1.chapters.all()} == {"principles": 1, "motivation": 1}
    v1.refresh_from_db()
    assert v1.version == version_read + 1  # the version itself moved on: an approval is stale
    updated = services.chapter_update(actor=kb.editor_j1, chapter=chapter,
                                      expected_version=read, title="Principles",
                                      body="Rewritten.")
    assert updated.version == 2 and Chapter.objects.get(pk=chapter.pk).version == 2
    # saving without a change keeps the number
    services.chapter_update(actor=kb.editor_j1, chapter=chapter, expected_version=2,
                            title="Principles", body="Rewritten.")
    assert Chapter.objects.get(pk=chapter.pk).version == 2


def test_a_stale_chapter_removal_is_a_conflict(kb):
    m = methodology(kb.regional_coordinator, approve=False)
    chapter = version(m, 1).chapters.get(key="principles")
    services.chapter_update(actor=kb.editor_j1, chapter=chapter, expected_version=1,
                            title="Principles", body="Changed since it was read.")
    with pytest.raises(Conflict):
        services.chapter_delete(actor=kb.editor_j2, chapter=chapter, expected_version=1)
    assert version(m, 1).chapters.filter(pk=chapter.pk).exists()


def test_an_approval_of_what_changed_since_it_was_read_is_a_conflict(kb):
    m = methodology(kb.regional_coordinator, approve=False)
    v1 = version(m, 1)
    read = v1.version
    services.chapter_add(actor=kb.editor_j1, version=v1, title="Late addition")
    with pytest.raises(Conflict):
        services.version_approve(actor=kb.regional_coordinator, version=v1,
                                 expected_version=read)


def test_a_chapter_update_is_audited_with_before_and_after(kb):
    m = methodology(kb.regional_coordinator, approve=False)
    chapter = version(m, 1).chapters.first()
    services.chapter_update(actor=kb.editor_j1, chapter=chapter, expected_version=None,
                            title="Principles of the work", body=chapter.body)
    event = audited(chapter, AuditAction.CHANGE).get()
    assert event.details["fields"] == ["title"]
    # the lengths of the texts, never their words
    assert event.details["before"] == {"title_length": len("Principles")}
    assert event.details["after"] == {"title_length": len("Principles of the work")}


@pytest.mark.parametrize("status", [EntryStatus.DRAFT, EntryStatus.REVIEWED,
                                    EntryStatus.WITHDRAWN])
def test_only_published_entries_can_be_cited(kb, status):
    unpublished = entry(kb.treatment_a, status=status)
    m = methodology(kb.regional_coordinator, chapters=(), approve=False)
    with pytest.raises(ValidationError) as exc:
        services.chapter_add(actor=kb.editor_j1, version=version(m, 1), title="Cites",
                             citations=[unpublished.uuid])
    assert "published" in exc.value.message_dict["citations"][0]
    assert not version(m, 1).chapters.exists()


def test_approval_is_refused_while_a_chapter_cites_a_withdrawn_entry(kb):
    cited = entry(kb.treatment_a, title="Withdrawn later")
    m = with_draft(kb.regional_coordinator, citations=[cited])
    cited.status = EntryStatus.WITHDRAWN
    cited.save()
    with pytest.raises(ValidationError, match="no longer published: Principles"):
        services.version_approve(actor=kb.regional_coordinator, version=draft(m),
                                 expected_version=None, change_summary="Checked.")


def test_the_key_is_made_once_from_the_title(kb):
    m = methodology(kb.regional_coordinator, chapters=(), approve=False)
    v1 = version(m, 1)
    cyrillic = services.chapter_add(actor=kb.editor_j1, version=v1, title="Мотивација")
    twin = services.chapter_add(actor=kb.editor_j1, version=v1, title="Motivacija")
    assert (cyrillic.key, twin.key) == ("motivacija", "motivacija-2")
    services.chapter_update(actor=kb.editor_j1, chapter=cyrillic, expected_version=None,
                            title="Something else entirely", body="")
    cyrillic.refresh_from_db()
    assert cyrillic.key == "motivacija"


def test_a_new_chapter_is_never_paired_with_one_of_an_earlier_version(kb):
    m = with_draft(kb.regional_coordinator)
    v2 = draft(m)
    services.chapter_delete(actor=kb.editor_j1, chapter=v2.chapters.get(key="motivation"))
    again = services.chapter_add(actor=kb.editor_j1, version=v2, title="Motivation")
    assert again.key == "motivation-2"


def test_moving_and_removing_keep_the_places_in_order(kb):
    m = methodology(kb.regional_coordinator, approve=False, chapters=(
        ("One", ""), ("Two", ""), ("Three", "")))
    v1 = version(m, 1)

    def order():
        return list(v1.chapters.order_by("position").values_list("title", "position"))

    three = v1.chapters.get(title="Three")
    services.chapter_move(actor=kb.editor_j1, chapter=three, direction="up")
    assert order() == [("One", 1), ("Three", 2), ("Two", 3)]
    with pytest.raises(ValidationError, match="already the first"):
        services.chapter_move(actor=kb.editor_j1, chapter=v1.chapters.get(title="One"),
                              direction="up")
    services.chapter_delete(actor=kb.editor_j1, chapter=v1.chapters.get(title="One"))
    assert order() == [("Three", 1), ("Two", 2)]
    assert audited(three, AuditAction.CHANGE).get().details["after"] == {"position": 2}
    assert AuditEvent.objects.filter(action=AuditAction.DELETE,
                                     object_type="knowledge.chapter").count() == 1


def test_a_chapter_holding_a_persons_reference_is_refused_even_when_confirmed(kb):
    m = methodology(kb.regional_coordinator, chapters=(), approve=False)
    with pytest.raises(ValidationError) as exc:
        services.chapter_add(actor=kb.editor_j1, version=version(m, 1), title="A case",
                             body=f"As with {kb.person_a.reference}, refusal passes.",
                             confirmed=True)
    assert "body" in exc.value.message_dict
    assert not version(m, 1).chapters.exists()


def test_a_date_of_birth_is_a_warning_the_writer_confirms(kb):
    m = methodology(kb.regional_coordinator, chapters=(), approve=False)
    body = "A man born on 12.3.1985 took part."
    with pytest.raises(ValidationError) as exc:
        services.chapter_add(actor=kb.editor_j1, version=version(m, 1), title="A case",
                             body=body)
    assert "body" in exc.value.message_dict
    chapter = services.chapter_add(actor=kb.editor_j1, version=version(m, 1), title="A case",
                                   body=body, confirmed=True)
    assert chapter.body == body
