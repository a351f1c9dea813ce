"""The meetings API as a client uses it: the list, recording, reading, changing (409 when
stale) and deleting a meeting; refusals in the API's error shape; the schema."""

import datetime

import pytest
from django.urls import reverse

from alliance.core.models import AuditAction, AuditEvent
from alliance.knowledge.models import EntryStatus, Meeting

from ...api.helpers import ENVELOPE, assert_error
from ...conftest import login
from ...factories import UserFactory
from ..builders import entry
from . import builders

pytestmark = pytest.mark.django_db

LIST = "/api/v1/meetings/"
TODAY = datetime.date.today()


def _url(meeting):
    return reverse("api:meeting-detail", args=[meeting.uuid])


def _send(client, method, url, data):
    return getattr(client, method)(url, data, content_type="application/json")


def _body(w, **overrides):
    body = {"kind": "working_group", "title": "Working group on dynamic security",
            "starts_on": TODAY.isoformat(), "online": True,
            "participations": [{"jurisdiction": "J1", "participants": 4, "names": ""},
                               {"jurisdiction": None, "participants": 1}]}
    body.update(overrides)
    return body


def test_it_lists_the_meetings_latest_first(kb):
    w = kb
    older = builders.meeting(w, title="Older", days_from_today=-60)
    newer = builders.meeting(w, title="Newer", days_from_today=-3)
    response = login(w.probation_officer).get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == ENVELOPE
    assert [m["uuid"] for m in body["results"]] == [str(newer.uuid), str(older.uuid)]
    assert body["results"][0]["participants_total"] == 6
    assert login(w.treatment_a).get(LIST, {"kind": "training"}).json()["count"] == 0


def test_it_refuses_the_list_to_an_account_with_no_place(kb):
    assert_error(login(UserFactory()).get(LIST), 403, "permission_denied")


def test_it_records_a_meeting(kb):
    w = kb
    practice = entry(w.editor_j1)
    response = _send(login(w.regional_coordinator), "post", LIST,
                     _body(w, entries=[str(practice.uuid)]))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["participants_total"] == 5
    assert [p["jurisdiction"] for p in body["participations"]] == ["J1", None]
    assert body["entries"][0]["uuid"] == str(practice.uuid)
    assert body["actions"] == ["delete", "edit", "view"]
    assert AuditEvent.objects.filter(action=AuditAction.CREATE,
                                     object_uuid=body["uuid"]).exists()


def test_it_refuses_to_record_for_others(kb):
    response = _send(login(kb.editor_j1), "post", LIST, _body(kb))
    assert_error(response, 403, "permission_denied")
    assert not Meeting.objects.exists()


def test_it_refuses_bad_input_with_the_reason(kb):
    w = kb
    draft = entry(w.editor_j1, status=EntryStatus.DRAFT)
    client = login(w.regional_coordinator)
    body = assert_error(_send(client, "post", LIST, _body(w, entries=[str(draft.uuid)])),
                        400, "invalid")
    assert "only published entries" in body["fields"]["entries"][0]
    body = assert_error(_send(client, "post", LIST, _body(w, online=False)), 400, "invalid")
    assert "place" in body["fields"]
    body = assert_error(_send(client, "post", LIST, _body(
        w, agenda=f"About {w.person_a.reference}", confirm_no_person_data=True)), 400)
    assert "reference of a person" in body["fields"]["agenda"][0]
    body = assert_error(_send(client, "post", LIST, _body(w, participations=[
        {"jurisdiction": "J1", "participants": 1, "names": "Arben Krasniqi"}])), 400)
    assert "participations.0.names" in body["fields"]
    assert not Meeting.objects.exists()


def test_it_reads_a_meeting(kb):
    meeting = builders.meeting(kb)
    body = login(kb.ngo_worker).get(_url(meeting)).json()
    assert body["title"] == meeting.title and body["actions"] == ["view"]
    assert body["participations"][-1] == {"jurisdiction": None, "participants": 1, "names": "",
                                          "jurisdiction_name": None}


def test_it_hides_a_meeting_from_an_account_with_no_place(kb):
    meeting = builders.meeting(kb)
    assert_error(login(UserFactory()).get(_url(meeting)), 404, "not_found")


def test_it_changes_what_is_sent_and_keeps_the_rest(kb):
    w = kb
    meeting = builders.meeting(w)
    response = _send(login(w.editor_regional), "patch", _url(meeting),
                     {"version": meeting.version, "outcomes": "A checklist."})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["outcomes"] == "A checklist." and body["place"] == "Podgorica"
    assert body["participants_total"] == 6 and body["version"] == meeting.version + 1


def test_a_stale_change_answers_409(kb):
    w = kb
    meeting = builders.meeting(w)
    client = login(w.regional_coordinator)
    _send(client, "patch", _url(meeting), {"version": meeting.version, "title": "First"})
    response = _send(client, "patch", _url(meeting), {"version": meeting.version,
                                                      "title": "Second"})
    assert_error(response, 409, "conflict")
    assert Meeting.objects.get().title == "First"


def test_it_refuses_a_change_to_a_reader(kb):
    meeting = builders.meeting(kb)
    response = _send(login(kb.treatment_a), "patch", _url(meeting),
                     {"version": meeting.version, "title": "Mine"})
    assert_error(response, 403, "permission_denied")


def test_a_coordinator_deletes_a_meeting(kb):
    w = kb
    meeting = builders.meeting(w)
    assert_error(login(w.editor_regional).delete(_url(meeting)), 403)
    assert_error(login(w.regional_coordinator).delete(_url(meeting) + "?version=7"), 409)
    # Without the version read, nothing is deleted: a client must say what it saw.
    assert_error(login(w.regional_coordinator).delete(_url(meeting)), 400)
    assert Meeting.objects.exists()
    response = login(w.regional_coordinator).delete(_url(meeting) + f"?version={meeting.version}")
    assert response.status_code == 204
    assert not Meeting.objects.exists()


def test_the_schema_documents_the_meeting_endpoints(kb):
    paths = login(kb.treatment_a).get(reverse("api-schema"), {"format": "json"}).json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/meetings/"])
    detail = paths["/api/v1/meetings/{meeting_uuid}/"]
    assert {"get", "patch", "delete"} <= set(detail)
    assert "409" in detail["patch"]["responses"] and "409" in detail["delete"]["responses"]


def test_the_list_runs_as_many_queries_for_many_meetings_as_for_one(
        kb, django_assert_max_num_queries):
    w = kb
    client = login(w.treatment_a)
    builders.meeting(w)
    client.get(LIST)
    with django_assert_max_num_queries(20) as one:
        client.get(LIST)
    for n in range(10):
        builders.meeting(w, title=f"Meeting {n}", days_from_today=-n)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(LIST).json()["count"] == 11
