"""Setting where a jurisdiction stands on a recommendation: who may, for which jurisdiction,
on which entries; the stale edit, the person-data check and the audit trail."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from alliance.core.errors import Conflict
from alliance.core.models import AuditAction, AuditEvent
from alliance.knowledge.models import EntryKind, EntryStatus, RecommendationAdoption
from alliance.knowledge.recommendations import services
from alliance.knowledge.recommendations.access import editable_jurisdictions
from alliance.knowledge.recommendations.selectors import adoption_rows

from ..builders import entry
from . import builders

pytestmark = pytest.mark.django_db


def _set(w, actor, jurisdiction, status="in_progress", note="", version=0, **extra):
    return services.adoption_set(actor=actor, entry=w.rec, jurisdiction=jurisdiction,
                                 status=status, note=note, expected_version=version, **extra)


@pytest.fixture
def w(kb):
    kb.rec = builders.recommendation(kb)
    return kb


def test_a_knowledge_editor_sets_their_jurisdictions_status(w):
    adoption = _set(w, w.editor_j1, w.j1, note="Piloted in Prison A.")
    assert (adoption.status, adoption.note, adoption.updated_by) == (
        "in_progress", "Piloted in Prison A.", w.editor_j1)
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_uuid=str(adoption.uuid))
    assert event.object_type == "knowledge.recommendationadoption"
    assert event.details["before"] == {"status": None}
    assert event.details["after"] == {"status": "in_progress"}
    assert event.details["jurisdiction"] == "J1"


def test_a_knowledge_editor_may_not_set_another_jurisdictions_status(w):
    with pytest.raises(PermissionDenied):
        _set(w, w.editor_j1, w.j2)
    assert not RecommendationAdoption.objects.exists()


@pytest.mark.parametrize("persona", ["treatment_a", "manager_a", "dpo", "editor_regional"])
def test_others_may_not_set_a_status(w, persona):
    with pytest.raises(PermissionDenied):
        _set(w, getattr(w, persona), w.j1)


def test_a_regional_coordinator_sets_any_jurisdictions_status(w):
    _set(w, w.regional_coordinator, w.j1, "adopted")
    _set(w, w.regional_coordinator, w.j2, "not_adopted")
    assert dict(RecommendationAdoption.objects.values_list("jurisdiction__code", "status")) == {
        "J1": "adopted", "J2": "not_adopted"}
    assert editable_jurisdictions(w.regional_coordinator) == {w.j1.pk, w.j2.pk}
    assert editable_jurisdictions(w.editor_j2) == {w.j2.pk}
    assert editable_jurisdictions(w.treatment_a) == set()


def test_a_change_is_audited_with_the_status_before_and_after(w):
    first = _set(w, w.editor_j1, w.j1, "in_progress")
    second = _set(w, w.editor_j1, w.j1, "adopted", version=first.version)
    assert second.version == first.version + 1
    event = AuditEvent.objects.get(action=AuditAction.CHANGE)
    assert event.details["before"] == {"status": "in_progress"}
    assert event.details["after"] == {"status": "adopted"}


def test_it_refuses_a_stale_status(w):
    first = _set(w, w.editor_j1, w.j1, "in_progress")
    _set(w, w.regional_coordinator, w.j1, "adopted", version=first.version)
    with pytest.raises(Conflict):
        _set(w, w.editor_j1, w.j1, "not_adopted", version=first.version)
    assert RecommendationAdoption.objects.get().status == "adopted"


def test_it_refuses_a_first_status_when_someone_set_one_meanwhile(w):
    _set(w, w.regional_coordinator, w.j1, "adopted", version=0)
    with pytest.raises(Conflict):
        _set(w, w.editor_j1, w.j1, "not_adopted", version=0)


@pytest.mark.parametrize("status", [EntryStatus.DRAFT, EntryStatus.REVIEWED,
                                    EntryStatus.WITHDRAWN])
def test_it_tracks_only_published_recommendations(kb, status):
    kb.rec = builders.recommendation(kb, status=status)
    with pytest.raises(ValidationError) as excinfo:
        _set(kb, kb.regional_coordinator, kb.j1)
    assert "published recommendations only" in excinfo.value.messages[0]


def test_it_tracks_only_recommendations(kb):
    kb.rec = entry(kb.editor_j1, kind=EntryKind.GOOD_PRACTICE)
    with pytest.raises(ValidationError):
        _set(kb, kb.regional_coordinator, kb.j1)


def test_it_refuses_an_unknown_status(w):
    with pytest.raises(ValidationError) as excinfo:
        _set(w, w.editor_j1, w.j1, "maybe")
    assert "status" in excinfo.value.message_dict


def test_it_refuses_a_persons_reference_in_the_note_even_when_confirmed(w):
    with pytest.raises(ValidationError) as excinfo:
        _set(w, w.editor_j1, w.j1, note=f"Tried with {w.person_a.reference}", confirmed=True)
    assert "reference of a person" in excinfo.value.message_dict["note"][0]
    assert not RecommendationAdoption.objects.exists()


def test_a_date_of_birth_in_the_note_warns_until_confirmed(w):
    note = "Decided on 17.5.1990 by the board"
    with pytest.raises(ValidationError) as excinfo:
        _set(w, w.editor_j1, w.j1, note=note)
    assert "looks like a date of birth" in excinfo.value.message_dict["note"][0]
    assert _set(w, w.editor_j1, w.j1, note=note, confirmed=True).note == note


def test_the_same_status_again_writes_nothing(w):
    first = _set(w, w.editor_j1, w.j1, "adopted", note="Done")
    again = _set(w, w.editor_j1, w.j1, "adopted", note="Done", version=first.version)
    assert again.version == first.version
    assert AuditEvent.objects.filter(object_type="knowledge.recommendationadoption"
                                     ).count() == 1


def test_the_adoption_rows_list_every_jurisdiction_by_name(w):
    _set(w, w.editor_j2, w.j2, "adopted")
    rows = adoption_rows(w.rec)
    assert [(j.code, a.status if a else None) for j, a in rows] == [("J1", None),
                                                                    ("J2", "adopted")]
