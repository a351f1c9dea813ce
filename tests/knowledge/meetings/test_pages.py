"""The meeting pages as people use them: the list (upcoming and past, filters, totals), a
meeting, recording and changing one through the form (with the person-data check's warning and
its confirmation), deleting one; refusals, the stale edit, and a list that costs the same for
many meetings as for one."""

import datetime

import pytest
from django.urls import reverse

from alliance.core.models import AuditAction, AuditEvent
from alliance.knowledge.models import EntryStatus, Meeting, MeetingKind

from ...conftest import login
from ...factories import UserFactory
from ..builders import entry
from . import builders

pytestmark = pytest.mark.django_db

LIST = reverse("knowledge:meeting_list")
NEW = reverse("knowledge:meeting_new")
TODAY = datetime.date.today()


def _detail(meeting):
    return reverse("knowledge:meeting_detail", args=[meeting.uuid])


def _edit(meeting):
    return reverse("knowledge:meeting_edit", args=[meeting.uuid])


def _form(**overrides) -> dict:
    data = {"kind": MeetingKind.WORKING_GROUP, "title": "Working group on pre-release",
            "starts_on": TODAY.isoformat(), "place": "Sarajevo", "agenda": "1. Opening",
            "participants_j1": "3", "names_j1": "Staff of Prison A", "participants_j2": "",
            "names_j2": "", "participants_regional": "1", "names_regional": ""}
    data.update(overrides)
    return data


def test_the_list_shows_upcoming_and_past_meetings_with_their_participants(kb):
    w = kb
    builders.meeting(w, title="Past group", days_from_today=-40)
    builders.meeting(w, title="Coming training", days_from_today=10, kind=MeetingKind.TRAINING)
    response = login(w.treatment_a).get(LIST)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("Coming training") < page.index("Past group")
    assert ">6</td>" in page  # 3 + 2 + 1 participants
    assert "Record a meeting" not in page


def test_the_list_filters_by_kind_and_year(kb):
    w = kb
    builders.meeting(w, title="Past group", days_from_today=-40)
    builders.meeting(w, title="Old training", starts_on=datetime.date(2020, 3, 1),
                     kind=MeetingKind.TRAINING)
    client = login(w.treatment_a)
    page = client.get(LIST, {"kind": "training"}).content.decode()
    assert "Old training" in page and "Past group" not in page
    page = client.get(LIST, {"year": "2020"}).content.decode()
    assert "Old training" in page and "Past group" not in page
    page = client.get(LIST, {"year": "1066", "kind": "picnic"}).content.decode()
    assert "Old training" in page and "Past group" in page


def test_an_empty_list_says_what_to_do(kb):
    page = login(kb.regional_coordinator).get(LIST).content.decode()
    assert "Record one with" in page and "No meeting has been recorded yet." in page


def test_it_refuses_the_list_to_an_account_with_no_place(kb):
    assert login(UserFactory()).get(LIST).status_code == 403


def test_the_list_runs_as_many_queries_for_many_meetings_as_for_one(
        kb, django_assert_max_num_queries):
    w = kb
    client = login(w.treatment_a)
    builders.meeting(w, days_from_today=-5)
    builders.meeting(w, days_from_today=5)
    client.get(LIST)
    with django_assert_max_num_queries(20) as one:
        client.get(LIST)
    for n in range(12):
        builders.meeting(w, title=f"Meeting {n}", days_from_today=n * 7 - 40)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(LIST).status_code == 200


def test_a_meeting_shows_its_agenda_participants_and_the_entries_presented(kb):
    w = kb
    w.j2.designation_footnote = True
    w.j2.save()
    practice = entry(w.editor_j1, title="Family days in the open wing")
    meeting = builders.meeting(w, entries=[practice], outcomes="A shared checklist.")
    page = login(w.ngo_worker).get(_detail(meeting)).content.decode()
    assert "1. Opening" in page and "A shared checklist." in page
    assert "Jurisdiction Two*" in page and "UNSCR 1244/1999" in page
    assert "Staff of Prison A" in page
    assert reverse("knowledge:entry_detail", args=[practice.uuid]) in page
    assert "Family days in the open wing" in page
    assert "Change the meeting" not in page and "Delete this meeting" not in page


def test_a_withdrawn_entry_is_shown_only_to_those_who_still_see_it(kb):
    w = kb
    practice = entry(w.editor_j1, title="Withdrawn practice")
    meeting = builders.meeting(w, entries=[practice])
    practice.status = EntryStatus.WITHDRAWN
    practice.save()
    assert "Withdrawn practice" not in login(w.treatment_a).get(_detail(meeting)).content.decode()
    assert "Withdrawn practice" in login(w.regional_coordinator).get(
        _detail(meeting)).content.decode()


def test_it_hides_a_meeting_from_an_account_with_no_place(kb):
    meeting = builders.meeting(kb)
    assert login(UserFactory()).get(_detail(meeting)).status_code == 404


def test_the_coordinator_records_a_meeting_through_the_form(kb):
    w = kb
    practice = entry(w.editor_j1)
    client = login(w.regional_coordinator)
    assert client.get(NEW).status_code == 200
    response = client.post(NEW, _form(entries=[str(practice.uuid)]))
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == _detail(meeting)
    assert {p.jurisdiction_id: p.participants for p in meeting.participations.all()} == {
        w.j1.pk: 3, None: 1}
    assert list(meeting.entries.all()) == [practice]
    assert AuditEvent.objects.filter(action=AuditAction.CREATE,
                                     object_uuid=str(meeting.uuid)).exists()


def test_it_refuses_the_form_to_those_who_do_not_record_meetings(kb):
    client = login(kb.editor_j1)
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, _form()).status_code == 403
    assert not Meeting.objects.exists()


def test_the_form_says_why_it_refuses(kb):
    client = login(kb.regional_coordinator)
    response = client.post(NEW, _form(names_j2="Someone", participants_j2=""))
    assert response.status_code == 200
    assert "Give the number of participants, or clear the names." in response.content.decode()
    response = client.post(NEW, _form(place="", ends_on=(TODAY - datetime.timedelta(days=2))
                                      .isoformat()))
    page = response.content.decode()
    assert "cannot end before it starts" in page and "mark it as online" in page
    assert not Meeting.objects.exists()


def test_a_warning_shows_the_confirmation_and_the_confirmed_form_saves(kb):
    client = login(kb.regional_coordinator)
    data = _form(names_j1="Arben Krasniqi (Prison A)")
    response = client.post(NEW, data)
    page = response.content.decode()
    assert response.status_code == 200 and not Meeting.objects.exists()
    assert "may be the name of a person" in page
    assert 'name="confirm_no_person_data"' in page
    assert 'id="id_names_j1_error"' in page  # on the row's field
    response = client.post(NEW, {**data, "confirm_no_person_data": "on"})
    assert response.status_code == 302
    assert Meeting.objects.get().participations.get(jurisdiction=kb.j1).names.startswith(
        "Arben")


def test_the_confirmation_is_not_offered_before_a_warning(kb):
    page = login(kb.regional_coordinator).get(NEW).content.decode()
    assert 'name="confirm_no_person_data"' not in page


def test_the_form_changes_a_meeting(kb):
    w = kb
    meeting = builders.meeting(w)
    client = login(w.editor_regional)
    page = client.get(_edit(meeting)).content.decode()
    assert 'value="Podgorica"' in page and "Staff of Prison A" in page
    response = client.post(_edit(meeting), _form(version=meeting.version, title="Renamed"))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.title == "Renamed" and meeting.version == 2


def test_a_stale_change_answers_409_and_keeps_the_other_change(kb):
    w = kb
    meeting = builders.meeting(w)
    client = login(w.regional_coordinator)
    client.post(_edit(meeting), _form(version=meeting.version, title="First"))
    response = client.post(_edit(meeting), _form(version=meeting.version, title="Second"))
    assert response.status_code == 409
    assert "Someone else changed this record" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.title == "First"


def test_a_knowledge_editor_of_a_jurisdiction_may_not_change_a_meeting(kb):
    meeting = builders.meeting(kb)
    assert login(kb.editor_j1).get(_edit(meeting)).status_code == 403


def test_the_coordinator_deletes_a_meeting(kb):
    w = kb
    meeting = builders.meeting(w)
    client = login(w.regional_coordinator)
    assert "Delete this meeting" in client.get(_detail(meeting)).content.decode()
    response = client.post(reverse("knowledge:meeting_delete", args=[meeting.uuid]),
                           {"version": meeting.version})
    assert response.status_code == 302 and response["Location"] == LIST
    assert not Meeting.objects.exists()
    assert AuditEvent.objects.filter(action=AuditAction.DELETE,
                                     object_uuid=str(meeting.uuid)).exists()


def test_a_knowledge_editor_may_not_delete_a_meeting(kb):
    meeting = builders.meeting(kb)
    response = login(kb.editor_regional).post(
        reverse("knowledge:meeting_delete", args=[meeting.uuid]), {"version": meeting.version})
    assert response.status_code == 403
    assert Meeting.objects.exists()
