"""Recording, changing and deleting meetings through the services: who may, what is refused
and why, the stale edit, the person-data check and the audit trail."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from alliance.core.errors import Conflict
from alliance.core.models import AuditAction, AuditEvent
from alliance.knowledge.meetings import services
from alliance.knowledge.meetings.services import Participation
from alliance.knowledge.models import EntryStatus, Meeting, MeetingKind

from ..builders import entry
from . import builders

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def _fields(w, **overrides):
    fields = dict(kind=MeetingKind.WORKING_GROUP, title="Working group", starts_on=TODAY,
                  place="Skopje", participations=[Participation(w.j1, 2, "")])
    fields.update(overrides)
    return fields


def _errors(excinfo) -> dict:
    return excinfo.value.message_dict


def test_it_records_a_meeting_with_participants_and_entries(kb):
    w = kb
    practice = entry(w.editor_j1)
    meeting = builders.meeting(w, entries=[practice], outcomes="Agreed a common checklist.")
    assert meeting.created_by == w.regional_coordinator
    assert {p.jurisdiction_id: p.participants for p in meeting.participations.all()} == {
        w.j1.pk: 3, w.j2.pk: 2, None: 1}
    assert list(meeting.entries.all()) == [practice]
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_uuid=str(meeting.uuid))
    assert event.object_type == "knowledge.meeting"
    assert event.details["after"]["participants"] == {"J1": 3, "J2": 2, "regional": 1}
    assert event.details["after"]["entries"] == [str(practice.uuid)]


def test_the_regional_programmes_knowledge_editor_records_a_meeting(kb):
    meeting = builders.meeting(kb, actor=kb.editor_regional)
    assert meeting.created_by == kb.editor_regional


@pytest.mark.parametrize("persona", ["treatment_a", "editor_j1", "manager_a", "dpo"])
def test_it_requires_the_regional_programme_to_record(kb, persona):
    with pytest.raises(PermissionDenied):
        builders.meeting(kb, actor=getattr(kb, persona))
    assert not Meeting.objects.exists()


def test_it_refuses_an_end_before_the_start(kb):
    with pytest.raises(ValidationError) as excinfo:
        services.meeting_create(actor=kb.regional_coordinator, **_fields(
            kb, ends_on=TODAY - datetime.timedelta(days=1)))
    assert "cannot end before it starts" in _errors(excinfo)["ends_on"][0]


def test_it_requires_a_place_unless_online(kb):
    with pytest.raises(ValidationError) as excinfo:
        services.meeting_create(actor=kb.regional_coordinator, **_fields(kb, place=""))
    assert "online" in _errors(excinfo)["place"][0]
    meeting = services.meeting_create(actor=kb.regional_coordinator,
                                      **_fields(kb, place="", online=True))
    assert meeting.online and meeting.place == ""


def test_it_refuses_a_jurisdiction_listed_twice_and_a_row_without_participants(kb):
    w = kb
    with pytest.raises(ValidationError) as excinfo:
        services.meeting_create(actor=w.regional_coordinator, **_fields(w, participations=[
            Participation(w.j1, 2, ""), Participation(w.j1, 1, ""), Participation(w.j2, 0, "")]))
    errors = _errors(excinfo)
    assert "listed twice" in errors["participations"][0]
    assert "at least 1" in errors["participations.2.participants"][0]


def test_it_presents_only_published_entries(kb):
    w = kb
    draft = entry(w.editor_j1, title="Unfinished", status=EntryStatus.DRAFT)
    with pytest.raises(ValidationError) as excinfo:
        services.meeting_create(actor=w.regional_coordinator, **_fields(w, entries=[draft]))
    assert "Only published entries" in _errors(excinfo)["entries"][0]
    assert "Unfinished" in _errors(excinfo)["entries"][0]


def test_an_entry_withdrawn_since_stays_on_the_meeting(kb):
    w = kb
    practice = entry(w.editor_j1)
    meeting = builders.meeting(w, entries=[practice])
    practice.status = EntryStatus.WITHDRAWN
    practice.save()
    meeting = services.meeting_update(actor=w.regional_coordinator, meeting=meeting,
                                      expected_version=meeting.version,
                                      **_fields(w, title="Renamed", entries=[practice]))
    assert list(meeting.entries.all()) == [practice]


def test_it_refuses_a_persons_reference_even_when_confirmed(kb):
    w = kb
    with pytest.raises(ValidationError) as excinfo:
        services.meeting_create(actor=w.regional_coordinator, confirmed=True, **_fields(
            w, agenda=f"Discussed {w.person_a.reference} at length"))
    assert "reference of a person" in _errors(excinfo)["agenda"][0]
    assert not Meeting.objects.exists()


def test_a_name_in_the_participants_warns_until_confirmed(kb):
    w = kb
    rows = [Participation(w.j2, 1, ""), Participation(w.j1, 2, "Arben Krasniqi, Prison A")]
    with pytest.raises(ValidationError) as excinfo:
        services.meeting_create(actor=w.regional_coordinator, **_fields(w, participations=rows))
    assert "may be the name of a person" in _errors(excinfo)["participations.1.names"][0]
    meeting = services.meeting_create(actor=w.regional_coordinator, confirmed=True,
                                      **_fields(w, participations=rows))
    assert meeting.participations.get(jurisdiction=w.j1).names == "Arben Krasniqi, Prison A"


def test_it_does_not_check_again_a_text_confirmed_before(kb):
    w = kb
    meeting = services.meeting_create(actor=w.regional_coordinator, confirmed=True, **_fields(
        w, outcomes="Next meeting on 17.5.1990 in the archive room"))
    meeting = services.meeting_update(actor=w.regional_coordinator, meeting=meeting,
                                      expected_version=meeting.version, **_fields(
                                          w, title="Renamed",
                                          outcomes=meeting.outcomes))
    assert meeting.title == "Renamed"


def test_it_changes_a_meeting_and_audits_before_and_after(kb):
    w = kb
    meeting = builders.meeting(w)
    changed = services.meeting_update(
        actor=w.editor_regional, meeting=meeting, expected_version=meeting.version,
        **_fields(w, title="Working group on motivation", place="Tirana",
                  participations=[Participation(w.j1, 4, "")]))
    assert changed.version == meeting.version + 1
    assert changed.place == "Tirana"
    event = AuditEvent.objects.get(action=AuditAction.CHANGE, object_uuid=str(meeting.uuid))
    assert {"place", "participants", "agenda"} <= set(event.details["fields"])
    assert event.details["before"]["place"] == "Podgorica"
    assert event.details["after"]["participants"] == {"J1": 4}


def test_it_refuses_a_stale_change(kb):
    w = kb
    meeting = builders.meeting(w)
    services.meeting_update(actor=w.regional_coordinator, meeting=meeting,
                            expected_version=meeting.version, **_fields(w, title="First"))
    with pytest.raises(Conflict):
        services.meeting_update(actor=w.regional_coordinator, meeting=meeting,
                                expected_version=meeting.version, **_fields(w, title="Second"))
    assert Meeting.objects.get().title == "First"


def test_a_change_to_nothing_writes_nothing(kb):
    w = kb
    meeting = services.meeting_create(actor=w.regional_coordinator, **_fields(w))
    same = services.meeting_update(actor=w.regional_coordinator, meeting=meeting,
                                   expected_version=meeting.version, **_fields(w))
    assert same.version == meeting.version
    assert not AuditEvent.objects.filter(action=AuditAction.CHANGE).exists()


def test_a_coordinator_deletes_a_meeting_and_the_audit_keeps_it(kb):
    w = kb
    meeting = builders.meeting(w)
    services.meeting_delete(actor=w.regional_coordinator, meeting=meeting,
                            expected_version=meeting.version)
    assert not Meeting.objects.exists()
    event = AuditEvent.objects.get(action=AuditAction.DELETE)
    assert event.object_uuid == str(meeting.uuid)
    assert event.details["before"]["title"] == "Working group on motivation"


def test_a_knowledge_editor_may_not_delete_a_meeting(kb):
    w = kb
    meeting = builders.meeting(w)
    with pytest.raises(PermissionDenied):
        services.meeting_delete(actor=w.editor_regional, meeting=meeting)
    assert Meeting.objects.exists()
