"""The training API as a client uses it: planning, reading, changing (409 when stale), the
attendees, the results, cancelling, "me"; refusals in the API's error shape; the schema."""

import pytest
from django.urls import reverse

from alliance.assessments.models import Certification
from alliance.core.models import AuditAction, AuditEvent
from alliance.knowledge.models import TrainingSession

from ...api.helpers import ENVELOPE, assert_error
from ...conftest import login
from .builders import INSTRUMENT, course, days, record, session

pytestmark = pytest.mark.django_db

LIST = "/api/v1/training/sessions/"


def _url(made, suffix=""):
    return reverse("api:training-session-detail", args=[made.uuid]) + suffix


def _send(client, method, url, data):
    return getattr(client, method)(url, data, content_type="application/json")


def test_a_trainer_plans_a_session_and_reads_it(kb):
    client = login(kb.trainer)
    response = _send(client, "post", LIST, {
        "agency": str(kb.admin_hq.uuid), "course": str(course().uuid), "kind": "booster",
        "starts_on": days(20).isoformat(), "online": True})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "booster" and body["status"] == "planned"
    assert body["trainer"]["uuid"] == str(kb.trainer.uuid)
    assert body["course"]["instrument_code"] == INSTRUMENT
    assert set(body["actions"]) == {"view", "edit", "cancel", "attendees", "record"}
    assert AuditEvent.objects.filter(object_uuid=body["uuid"], action=AuditAction.CREATE
                                     ).exists()
    listed = client.get(LIST, {"when": "upcoming"}).json()
    assert set(listed) == ENVELOPE and [s["uuid"] for s in listed["results"]] == [body["uuid"]]
    assert client.get(LIST, {"when": "past"}).json()["count"] == 0


def test_planning_refuses_bad_input_with_the_fields(kb):
    client = login(kb.trainer)
    body = assert_error(_send(client, "post", LIST, {
        "agency": str(kb.admin_hq.uuid), "course": str(course().uuid), "kind": "lecture",
        "starts_on": days(3).isoformat()}), 400, "invalid")
    assert set(body["fields"]) == {"kind", "place"}
    body = assert_error(_send(client, "post", LIST, {
        "agency": str(kb.prison_a.uuid), "course": str(course().uuid), "kind": "booster",
        "starts_on": days(3).isoformat(), "online": True}), 400)
    assert "agency" in body["fields"]
    assert_error(_send(login(kb.manager_a), "post", LIST, {}), 403, "permission_denied")
    assert not TrainingSession.objects.exists()


def test_a_stale_patch_answers_409(kb):
    made = session(kb, starts_on=days(5))
    client = login(kb.trainer)
    response = _send(client, "patch", _url(made), {"version": made.version, "place": "Ohrid"})
    assert response.status_code == 200 and response.json()["place"] == "Ohrid"
    assert response.json()["starts_on"] == days(5).isoformat()
    assert_error(_send(client, "patch", _url(made), {"version": made.version,
                                                     "place": "Skopje"}), 409, "conflict")
    assert_error(_send(login(kb.manager_a), "patch", _url(made), {"version": 2}), 404)


def test_attendees_and_results_through_the_api(kb):
    made = session(kb)
    client = login(kb.trainer)
    response = _send(client, "put", _url(made, "attendees/"), {
        "version": made.version, "attendees": [str(kb.treatment_a.uuid),
                                               str(kb.treatment_b.uuid)]})
    assert response.status_code == 200, response.content
    body = response.json()
    assert {a["user"]["uuid"] for a in body["attendances"]} == {str(kb.treatment_a.uuid),
                                                               str(kb.treatment_b.uuid)}
    refused = assert_error(_send(client, "put", _url(made, "attendees/"), {
        "version": body["version"], "attendees": [str(kb.manager_other.uuid)]}), 400)
    assert str(kb.manager_other) in refused["fields"]["attendees"][0]
    response = _send(client, "post", _url(made, "results/"), {
        "version": body["version"], "results": [
            {"user": str(kb.treatment_a.uuid), "result": "passed", "score": 81},
            {"user": str(kb.treatment_b.uuid), "result": "absent"}]})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "recorded" and body["actions"] == ["view"]
    cert = Certification.objects.get(user=kb.treatment_a)
    passed = next(a for a in body["attendances"] if a["user"]["uuid"] == str(kb.treatment_a.uuid))
    assert passed["certification"] == str(cert.uuid) and passed["score"] == 81


def test_results_refusals_name_the_row(kb):
    made = session(kb, attendees=[kb.treatment_a], kind="booster")
    body = assert_error(_send(login(kb.trainer), "post", _url(made, "results/"), {
        "version": made.version, "results": [{"user": str(kb.treatment_a.uuid),
                                              "result": "passed"}]}), 400, "invalid")
    assert "enrol them in a certification course" in body["fields"]["results.0.result"][0]
    future = session(kb, attendees=[kb.treatment_a], starts_on=days(4))
    body = assert_error(_send(login(kb.trainer), "post", _url(future, "results/"), {
        "version": future.version, "results": [{"user": str(kb.treatment_a.uuid),
                                                "result": "passed"}]}), 400)
    assert "Record results after the session has taken place" in body["fields"]["results"][0]


def test_cancelling_through_the_api(kb):
    made = session(kb)
    client = login(kb.trainer)
    assert_error(client.delete(_url(made) + "?version=99"), 409, "conflict")
    assert client.delete(_url(made) + f"?version={made.version}").status_code == 204
    assert not TrainingSession.objects.exists()


def test_a_manager_reads_the_session_of_their_staff_and_another_manager_gets_404(kb):
    made = record(kb, session(kb, attendees=[kb.treatment_a, kb.treatment_b]),
                  {kb.treatment_a: "passed", kb.treatment_b: "failed"})
    body = login(kb.manager_a).get(_url(made)).json()
    results = {a["user"]["uuid"]: a["result"] for a in body["attendances"]}
    assert results == {str(kb.treatment_a.uuid): "passed", str(kb.treatment_b.uuid): None}
    assert_error(login(kb.manager_other).get(_url(made)), 404, "not_found")
    assert_error(login(kb.treatment_a).get(_url(made)), 404, "not_found")
    assert_error(login(kb.treatment_a).get(LIST), 403, "permission_denied")


def test_me_is_the_callers_own_record(kb):
    Certification.objects.create(user=kb.treatment_a, instrument_code=INSTRUMENT,
                                 certified_on=days(-700), expires_on=days(25),
                                 booster_due_on=days(-3))
    session(kb, attendees=[kb.treatment_a], starts_on=days(10))
    body = login(kb.treatment_a).get(reverse("api:training-me")).json()
    assert [c["state"] for c in body["certifications"]] == ["expiring"]
    assert [(d["kind"], d["overdue"]) for d in body["due"]] == [("booster", True),
                                                                ("renew", False)]
    assert len(body["upcoming"]) == 1 and body["attended"] == []
    assert body["recent_practice"] == 0
    assert login(kb.treatment_b).get(reverse("api:training-me")).json()["certifications"] == []


def test_the_schema_documents_the_training_api(kb):
    schema = login(kb.trainer).get(reverse("api-schema"), {"format": "json"}).json()
    paths = schema["paths"]
    assert set(paths[LIST]) >= {"get", "post"}
    detail = "/api/v1/training/sessions/{session_uuid}/"
    assert set(paths[detail]) >= {"get", "patch", "delete"}
    assert "409" in paths[detail]["patch"]["responses"]
    assert "409" in paths[detail + "attendees/"]["put"]["responses"]
    assert "409" in paths[detail + "results/"]["post"]["responses"]
    assert "get" in paths["/api/v1/training/me/"]
    envelope = paths[LIST]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert envelope["$ref"].endswith("List")
