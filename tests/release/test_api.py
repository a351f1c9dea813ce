"""The release API as a client uses it: a person's steps and readiness, a step and its
completion, the support plan, follow-ups and their outcomes, handovers and their
acknowledgement; with the same 404/403 rules, refusals with the reason, conflicts and audit as
the pages."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alliance.core.models import AuditEvent
from alliance.release import services
from alliance.release.models import (
    FollowUpStatus,
    Handover,
    HandoverStatus,
    StepStatus,
    SupportPlan,
)

from ..api.helpers import ENVELOPE, assert_error
from ..conftest import login
from .builders import complete, hand_over, release, released_a_while_ago, steps_by_code

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
NAMES = ("Arben", "Krasniqi", "Beni", "1705990450011")  # person A's identity (tests.factories)


def _steps(w):
    return reverse("api:person-release-steps", args=[w.person_a.uuid])


def _step(step):
    return reverse("api:release-step-detail", args=[step.uuid])


def _plan(w):
    return reverse("api:person-support-plan", args=[w.person_a.uuid])


def _follow_ups(w):
    return reverse("api:person-follow-ups", args=[w.person_a.uuid])


def _follow_up(follow_up):
    return reverse("api:follow-up-detail", args=[follow_up.uuid])


def _handover(handover, action=""):
    name = f"api:handover-{action}" if action else "api:handover-detail"
    return reverse(name, args=[handover.uuid])


HANDOVERS = "/api/v1/handovers/"


def _send(client, method, url, data=None, **headers):
    return getattr(client, method)(url, data or {}, content_type="application/json", **headers)


def _no_identity(response):
    text = response.content.decode()
    assert not [name for name in NAMES if name in text], "the person's identity was returned"


# --- a person's steps and readiness ----------------------------------------------------------------

def test_it_lists_the_persons_steps_with_their_readiness(releasing):
    w = releasing
    complete(steps_by_code(w)["reassessment"], w.manager_a)
    response = login(w.treatment_a).get(_steps(w))
    assert response.status_code == 200, response.content
    _no_identity(response)
    body = response.json()
    assert body["person"] == str(w.person_a.uuid)
    assert body["person_reference"] == w.person_a.reference
    assert body["episode"]["uuid"] == str(w.episode_a.uuid) and body["episode"]["is_current"]
    assert body["episode"]["expected_release"] == w.episode_a.expected_release.isoformat()
    steps = {s["code"]: s for s in body["steps"]}
    assert len(steps) == 8
    assert [s["due_on"] for s in body["steps"]] == sorted(s["due_on"] for s in body["steps"])
    planning = steps["release_planning"]
    assert planning["overdue"] is True and planning["status"] == "pending"
    assert (planning["lead_months"], planning["lead_days"]) == (12, 0)
    assert [(i["code"], i["done"]) for i in planning["checklist"]] == [
        ("case_manager_named", False), ("person_informed", False)]
    assert planning["agency"] == {"uuid": str(w.prison_a.uuid), "name": "Prison A"}
    assert steps["support_plan"]["agency"]["uuid"] == str(w.probation.uuid)
    done = steps["reassessment"]
    assert done["status"] == "done" and done["overdue"] is False
    assert done["completed_by"] == str(w.manager_a) and done["evidence_required"] is True
    assert done["completed_on"] == TODAY().isoformat()
    assert "evidence" not in done  # read one step at a time
    assert body["readiness"] == {"total": 8, "done": 1, "outstanding": 7,
                                 "overdue": body["readiness"]["overdue"], "blocking": 6,
                                 "ready": False}
    assert body["readiness"]["overdue"] >= 1
    assert body["actions"] == ["view", "work"]


def test_step_names_and_checklists_are_in_the_readers_language(releasing):
    body = login(releasing.treatment_a).get(_steps(releasing), HTTP_ACCEPT_LANGUAGE="mk").json()
    planning = next(s for s in body["steps"] if s["code"] == "release_planning")
    assert planning["name"] == "Започнува планирањето на отпуштањето"
    assert planning["checklist"][0]["label"] == "Определен е менаџер на случајот за отпуштањето"


def test_a_person_without_custody_has_no_programme(world):
    from alliance.people import services as people_services
    from tests.factories import person_fields

    other = people_services.person_create(actor=world.manager_a, **person_fields(
        world.prison_a, given_name="Drita", national_id="2201985455002"))
    body = login(world.manager_a).get(reverse("api:person-release-steps",
                                              args=[other.uuid])).json()
    assert body["episode"] is None and body["steps"] == []
    assert body["readiness"]["total"] == 0 and body["readiness"]["ready"] is False


def test_after_the_release_a_step_left_to_do_is_no_longer_overdue(releasing):
    w = releasing
    released_a_while_ago(w)
    body = login(w.probation_officer).get(_steps(w)).json()
    assert body["episode"]["is_current"] is False
    assert body["episode"]["released_on"] == (TODAY() - datetime.timedelta(days=40)).isoformat()
    planning = next(s for s in body["steps"] if s["code"] == "release_planning")
    assert (planning["status"], planning["overdue"]) == ("pending", False)
    assert body["actions"] == ["view", "work"]


def test_the_steps_are_not_there_for_another_prison(releasing):
    w = releasing
    step = steps_by_code(w)["reassessment"]
    for persona in ("treatment_b", "ngo_worker", "regional_coordinator", "manager_other"):
        client = login(getattr(w, persona))
        assert_error(client.get(_steps(w)), 404, "not_found")
        assert_error(client.get(_step(step)), 404, "not_found")
        assert_error(_send(client, "patch", _step(step), {"version": step.version,
                                                          "status": "done"}), 404)


def test_a_refused_read_is_audited_as_denied(releasing):
    w = releasing
    login(w.treatment_b).get(_steps(w))
    event = AuditEvent.objects.latest("id")
    assert (event.outcome, event.actor_id, event.person_id) == ("denied", w.treatment_b.pk,
                                                                w.person_a.pk)


# --- one step ------------------------------------------------------------------------------------

def test_it_shows_a_step_with_its_evidence_and_what_the_reader_may_do(releasing):
    w = releasing
    step = complete(steps_by_code(w)["case_conference"], w.manager_a,
                    evidence="Conference held, minutes in the file")
    body = login(w.security_a).get(_step(step)).json()
    assert body["evidence"] == "Conference held, minutes in the file"
    assert body["status"] == "done" and body["version"] == step.version
    assert body["actions"] == ["view"]
    assert login(w.probation_officer).get(_step(step)).json()["actions"] == ["view", "work"]


def test_an_officer_completes_a_step_with_its_evidence(releasing):
    w = releasing
    step = steps_by_code(w)["reassessment"]
    response = _send(login(w.treatment_a), "patch", _step(step), {
        "version": step.version, "status": "done", "evidence": "Reassessed on the 3rd",
        "completed_on": (TODAY() - datetime.timedelta(days=2)).isoformat()})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "done" and body["evidence"] == "Reassessed on the 3rd"
    assert body["completed_by"] == str(w.treatment_a)
    assert body["completed_on"] == (TODAY() - datetime.timedelta(days=2)).isoformat()
    assert body["version"] == step.version + 1


def test_a_step_is_completed_with_every_checklist_item(releasing):
    w = releasing
    step = steps_by_code(w)["release_planning"]
    client = login(w.manager_a)
    error = assert_error(_send(client, "patch", _step(step), {
        "version": step.version, "status": "done", "checklist": ["case_manager_named"]}),
        400, "invalid")
    assert "The person told about the programme" in error["fields"]["checklist"][0]
    response = _send(client, "patch", _step(step), {
        "version": step.version, "status": "done",
        "checklist": ["case_manager_named", "person_informed"]})
    assert response.status_code == 200, response.content
    assert all(item["done"] for item in response.json()["checklist"])


def test_a_step_without_its_required_evidence_is_refused_with_the_reason(releasing):
    w = releasing
    step = steps_by_code(w)["reassessment"]
    read = step.version
    error = assert_error(_send(login(w.treatment_a), "patch", _step(step), {
        "version": read, "status": "done", "evidence": "  "}), 400, "invalid")
    assert error["fields"]["evidence"] == [
        "This step needs its evidence: say what was done and where the record is."]
    step.refresh_from_db()
    assert (step.status, step.version) == (StepStatus.PENDING, read)


def test_a_step_found_not_applicable_and_reopened(releasing):
    w = releasing
    step = steps_by_code(w)["identity_documents"]
    client = login(w.treatment_a)
    error = assert_error(_send(client, "patch", _step(step), {
        "version": step.version, "status": "not_applicable"}), 400)
    assert error["fields"]["reason"] == ["Say why the step does not apply."]
    body = _send(client, "patch", _step(step), {
        "version": step.version, "status": "not_applicable",
        "reason": "Has a valid passport"}).json()
    assert (body["status"], body["evidence"]) == ("not_applicable", "Has a valid passport")
    body = _send(client, "patch", _step(step), {
        "version": body["version"], "status": "pending", "reason": "The passport expired"}).json()
    assert body["status"] == "pending" and body["completed_on"] is None


def test_a_step_is_given_to_an_agency_on_the_case_team(releasing):
    w = releasing
    step = steps_by_code(w)["identity_documents"]
    client = login(w.manager_a)
    error = assert_error(_send(client, "patch", _step(step), {
        "version": step.version, "agency": str(w.ngo.uuid)}), 400, "invalid")
    assert "NGO J1" in error["fields"]["agency"][0]
    assert "case team" in error["fields"]["agency"][0]
    error = assert_error(_send(client, "patch", _step(step), {
        "version": step.version, "agency": "not-a-uuid"}), 400, "invalid")
    assert "agency" in error["fields"]
    body = _send(client, "patch", _step(step), {"version": step.version,
                                                "agency": str(w.ministry.uuid)}).json()
    assert body["agency"]["uuid"] == str(w.ministry.uuid)


def test_a_change_is_one_status_or_one_agency(releasing):
    w = releasing
    step = steps_by_code(w)["identity_documents"]
    client = login(w.manager_a)
    for data in ({"version": step.version},
                 {"version": step.version, "status": "done", "agency": str(w.ministry.uuid)}):
        error = assert_error(_send(client, "patch", _step(step), data), 400, "invalid")
        assert error["fields"]["non_field_errors"]
    error = assert_error(_send(client, "patch", _step(step), {"status": "done"}), 400)
    assert error["fields"]["version"] == ["This field is required."]


def test_validation_messages_are_in_the_users_language(releasing):
    w = releasing
    step = steps_by_code(w)["identity_documents"]
    error = assert_error(_send(login(w.manager_a), "patch", _step(step), {"status": "done"},
                               HTTP_ACCEPT_LANGUAGE="mk"), 400)
    assert error["fields"]["version"] == ["Ова поле е задолжително."]


def test_security_sees_the_steps_but_may_not_change_them(releasing):
    w = releasing
    step = steps_by_code(w)["reassessment"]
    client = login(w.security_a)
    assert client.get(_steps(w)).json()["actions"] == ["view"]
    assert client.get(_step(step)).status_code == 200
    assert_error(_send(client, "patch", _step(step), {
        "version": step.version, "status": "done", "evidence": "x"}), 403, "permission_denied")
    step.refresh_from_db()
    assert step.status == StepStatus.PENDING


def test_a_stale_version_is_a_conflict(releasing):
    w = releasing
    step = steps_by_code(w)["reassessment"]
    stale = step.version
    services.step_reassign(actor=w.manager_a, step=step, expected_version=None,
                           agency=w.probation)
    assert_error(_send(login(w.treatment_a), "patch", _step(step), {
        "version": stale, "status": "done", "evidence": "Reassessed"}), 409, "conflict")
    step.refresh_from_db()
    assert step.status == StepStatus.PENDING


def test_the_steps_list_and_a_step_are_audited_as_consultations(releasing):
    w = releasing
    step = steps_by_code(w)["reassessment"]
    client = login(w.probation_officer)
    assert client.get(_steps(w)).status_code == 200
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.actor_id, event.person_id) == ("list", w.probation_officer.pk,
                                                               w.person_a.pk)
    assert event.details["resource"] == "release_steps" and event.details["count"] == 8
    assert client.get(_step(step)).status_code == 200
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.object_type, event.object_uuid) == (
        "view", "release.releasestep", str(step.uuid))
    assert event.person_id == w.person_a.pk


# --- the support plan ----------------------------------------------------------------------------

def test_a_plan_not_started_is_null_not_missing(releasing):
    w = releasing
    response = login(w.probation_officer).get(_plan(w))
    assert response.status_code == 200
    assert response.json() == {"support_plan": None, "actions": ["view", "work"]}
    error = assert_error(_send(login(w.probation_officer), "patch", _plan(w),
                               {"version": 1, "family_involvement": "x"}), 400)
    assert "start it first" in error["detail"]


def test_probation_starts_the_support_plan(releasing):
    w = releasing
    client = login(w.probation_officer)
    response = client.post(_plan(w))
    assert response.status_code == 201, response.content
    plan = response.json()["support_plan"]
    assert len(plan["pathways"]) == 7
    assert {p["status"] for p in plan["pathways"]} == {"not_assessed"}
    assert plan["episode"] == str(w.episode_a.uuid)
    assert plan["person_reference"] == w.person_a.reference
    again = client.post(_plan(w))
    assert again.status_code == 200 and again.json()["support_plan"]["uuid"] == plan["uuid"]
    assert SupportPlan.objects.count() == 1


def test_the_support_plan_is_read_whole(releasing):
    w = releasing
    plan = services.support_plan_start(actor=w.probation_officer, person=w.person_a)
    entry = plan.pathways.get(pathway="accommodation")
    services.pathway_update(actor=w.probation_officer, entry=entry, expected_version=None,
                            needs="No address on release", status="need")
    services.action_add(actor=w.probation_officer, entry=entry, agency=w.ministry,
                        description="Find supported housing",
                        due_on=TODAY() + datetime.timedelta(days=30))
    condition = services.condition_add(actor=w.probation_officer, plan=plan, kind="reporting",
                                       detail="Report weekly", starts_on=TODAY())
    services.contact_add(actor=w.probation_officer, plan=plan, contact_on=TODAY(),
                         kind="office", notes="First meeting")
    services.breach_add(actor=w.probation_officer, plan=plan, occurred_on=TODAY(),
                        description="Missed reporting", response="warning", condition=condition)
    response = login(w.treatment_a).get(_plan(w))
    _no_identity(response)
    body = response.json()["support_plan"]
    accommodation = next(p for p in body["pathways"] if p["pathway"] == "accommodation")
    assert (accommodation["needs"], accommodation["status"]) == ("No address on release", "need")
    assert accommodation["label"] == "Accommodation"
    action = accommodation["actions"][0]
    assert (action["description"], action["agency"]["name"], action["status"]) == (
        "Find supported housing", "Reintegration Division J1", "planned")
    assert body["conditions"][0]["detail"] == "Report weekly"
    assert body["contacts"][0]["notes"] == "First meeting" and body["contacts_total"] == 1
    assert body["contacts"][0]["recorded_by"] == str(w.probation_officer)
    breach = body["breaches"][0]
    assert (breach["response"], breach["condition"]) == ("warning", str(condition.uuid))
    assert body["version"] == SupportPlan.objects.get().version


def test_reading_the_plan_takes_the_same_queries_whatever_its_size(releasing):
    w = releasing
    plan = services.support_plan_start(actor=w.probation_officer, person=w.person_a)
    client = login(w.probation_officer)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(_plan(w)).status_code == 200
        return len(captured)

    def add(n):
        for entry in plan.pathways.all()[:n]:
            services.action_add(actor=w.probation_officer, entry=entry, agency=w.probation,
                                description="Do it")
        for day in range(n):
            services.contact_add(actor=w.probation_officer, plan=plan, kind="phone",
                                 contact_on=TODAY() - datetime.timedelta(days=day))
            services.condition_add(actor=w.probation_officer, plan=plan, kind="travel",
                                   detail="Stay in the country", starts_on=TODAY())
            services.breach_add(actor=w.probation_officer, plan=plan, occurred_on=TODAY(),
                                description="Travelled", response="warning")

    add(1)
    before = queries()
    add(3)
    assert queries() == before


def test_the_plans_own_fields_change_with_the_version_read(releasing):
    w = releasing
    plan = services.support_plan_start(actor=w.probation_officer, person=w.person_a)
    client = login(w.probation_officer)
    response = _send(client, "patch", _plan(w), {
        "version": plan.version, "municipality": str(w.municipality.uuid),
        "family_involvement": "Sister offers a room", "supervising_agency": str(w.probation.uuid),
        "supervision_ends_on": "2031-01-31"})
    assert response.status_code == 200, response.content
    body = response.json()["support_plan"]
    assert body["municipality"] == {"uuid": str(w.municipality.uuid), "name": "Municipality J1"}
    assert body["family_involvement"] == "Sister offers a room"
    assert body["supervision_ends_on"] == "2031-01-31"
    assert body["version"] == plan.version + 1
    assert_error(_send(client, "patch", _plan(w), {"version": plan.version,
                                                   "family_involvement": "Changed"}), 409,
                 "conflict")
    error = assert_error(_send(client, "patch", _plan(w), {
        "version": body["version"], "municipality": str(w.probation.uuid)}), 400)
    assert error["fields"]["municipality"] == [
        "Choose a municipality or social service of the person's jurisdiction."]
    error = assert_error(_send(client, "patch", _plan(w), {"version": body["version"]}), 400)
    assert error["detail"] == "Send at least one field to change."


def test_the_support_plan_follows_the_same_rules(releasing):
    w = releasing
    services.support_plan_start(actor=w.probation_officer, person=w.person_a)
    assert login(w.security_a).get(_plan(w)).status_code == 200
    assert_error(login(w.security_a).post(_plan(w)), 403)
    assert_error(_send(login(w.security_a), "patch", _plan(w), {"version": 1,
                                                                "family_involvement": "x"}), 403)
    for method in ("get", "post"):
        assert_error(getattr(login(w.treatment_b), method)(_plan(w)), 404)
    event = AuditEvent.objects.filter(actor=w.security_a, action="view").latest("id")
    assert event.person_id == w.person_a.pk


# --- follow-ups ----------------------------------------------------------------------------------

def test_it_lists_the_follow_ups_of_a_release(releasing):
    w = releasing
    scheduled = released_a_while_ago(w)
    response = login(w.probation_officer).get(_follow_ups(w))
    assert response.status_code == 200, response.content
    _no_identity(response)
    body = response.json()
    assert set(body) == ENVELOPE and body["count"] == 5
    rows = {r["offset"]: r for r in body["results"]}
    assert [r["offset"] for r in body["results"]] == ["1w", "1m", "3m", "6m", "12m"]
    assert rows["1w"]["overdue"] is True and rows["3m"]["overdue"] is False
    assert rows["1m"]["offset_label"] == "after 1 month"
    assert rows["1w"]["released_on"] == (TODAY() - datetime.timedelta(days=40)).isoformat()
    assert rows["1w"]["agency"]["uuid"] == str(w.probation.uuid)
    assert rows["1w"]["version"] == scheduled["1w"].version
    assert rows["1w"]["status"] == "scheduled" and rows["1w"]["engagement"] == ""
    filtered = login(w.probation_officer).get(_follow_ups(w), {"status": "held"}).json()
    assert filtered["count"] == 0
    assert_error(login(w.probation_officer).get(_follow_ups(w), {"status": "done"}), 400)


def test_probation_records_a_follow_up_and_its_outcomes(releasing):
    w = releasing
    follow_up = released_a_while_ago(w)["1w"]
    held_on = TODAY() - datetime.timedelta(days=30)
    response = _send(login(w.probation_officer), "patch", _follow_up(follow_up), {
        "version": follow_up.version, "held_on": held_on.isoformat(), "contact_kind": "office",
        "engagement": "engaged", "housing": "temporary", "work": "unemployed",
        "new_offence": "no", "reengagement": "none", "notes": "Came on time"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["held_on"], body["housing"], body["notes"]) == (
        "held", held_on.isoformat(), "temporary", "Came on time")
    assert body["recorded_by"] == str(w.probation_officer) and body["overdue"] is False
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.HELD and follow_up.work == "unemployed"


def test_a_follow_up_dated_before_the_release_is_refused_with_the_reason(releasing):
    w = releasing
    follow_up = released_a_while_ago(w)["1w"]
    error = assert_error(_send(login(w.probation_officer), "patch", _follow_up(follow_up), {
        "version": follow_up.version, "held_on": (TODAY() - datetime.timedelta(days=50))
        .isoformat(), "contact_kind": "office", "engagement": "engaged", "housing": "stable",
        "work": "employed", "new_offence": "no", "reengagement": "none"}), 400, "invalid")
    assert error["fields"]["held_on"][0].startswith(
        "A follow-up cannot be dated before the release on")
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.SCHEDULED


def test_every_outcome_is_asked_for(releasing):
    w = releasing
    follow_up = released_a_while_ago(w)["1w"]
    error = assert_error(_send(login(w.probation_officer), "patch", _follow_up(follow_up), {
        "version": follow_up.version, "held_on": TODAY().isoformat()}), 400, "invalid")
    assert error["fields"]["contact_kind"] == ["Choose the kind of contact."]
    error = assert_error(_send(login(w.probation_officer), "patch", _follow_up(follow_up), {
        "version": follow_up.version, "held_on": TODAY().isoformat(), "contact_kind": "office",
        "engagement": "engaged"}), 400, "invalid")
    assert set(error["fields"]) == {"housing", "work", "new_offence", "reengagement"}
    assert_error(_send(login(w.probation_officer), "patch", _follow_up(follow_up), {
        "version": follow_up.version, "housing": "castle"}), 400, "invalid")


def test_a_follow_up_is_missed_once_its_date_has_passed(releasing):
    w = releasing
    scheduled = released_a_while_ago(w)
    client = login(w.probation_officer)
    error = assert_error(_send(client, "patch", _follow_up(scheduled["1w"]), {
        "version": scheduled["1w"].version, "status": "missed"}), 400)
    assert error["fields"]["notes"] == ["Say what was tried."]
    error = assert_error(_send(client, "patch", _follow_up(scheduled["3m"]), {
        "version": scheduled["3m"].version, "status": "missed", "notes": "Not in"}), 400)
    assert error["detail"] == "A follow-up is missed only once its date has passed."
    assert_error(_send(client, "patch", _follow_up(scheduled["1w"]), {
        "version": scheduled["1w"].version, "status": "missed", "notes": "x",
        "housing": "stable"}), 400)
    body = _send(client, "patch", _follow_up(scheduled["1w"]), {
        "version": scheduled["1w"].version, "status": "missed",
        "notes": "Phoned three times, visited the address"}).json()
    assert body["status"] == "missed" and body["notes"].startswith("Phoned")


def test_follow_ups_follow_the_same_rules(releasing):
    w = releasing
    follow_up = released_a_while_ago(w)["1w"]
    body = {"version": follow_up.version, "status": "missed", "notes": "x"}
    # the prison keeps read access for a while after the handover, and no more
    assert login(w.treatment_a).get(_follow_up(follow_up)).status_code == 200
    assert_error(_send(login(w.treatment_a), "patch", _follow_up(follow_up), body), 403)
    for persona in ("treatment_b", "ngo_worker", "manager_other"):
        assert_error(login(getattr(w, persona)).get(_follow_ups(w)), 404)
        assert_error(_send(login(getattr(w, persona)), "patch", _follow_up(follow_up), body),
                     404)
    assert_error(_send(login(w.probation_officer), "patch", _follow_up(follow_up),
                       {**body, "version": follow_up.version - 1}), 409, "conflict")


def test_the_follow_ups_list_is_audited(releasing):
    w = releasing
    released_a_while_ago(w)
    assert login(w.probation_officer).get(_follow_ups(w)).status_code == 200
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.person_id, event.details["resource"]) == (
        "list", w.person_a.pk, "follow_ups")


# --- handovers -----------------------------------------------------------------------------------

def test_the_prison_sends_the_handover_to_probation(releasing):
    w = releasing
    response = _send(login(w.manager_a), "post", HANDOVERS, {
        "person": str(w.person_a.uuid), "to_agency": str(w.probation.uuid),
        "note": "Read the support plan first", "retain_days": 30})
    assert response.status_code == 201, response.content
    _no_identity(response)
    body = response.json()
    handover = Handover.objects.get()
    assert body["uuid"] == str(handover.uuid) and body["status"] == "sent"
    assert body["from_agency"]["name"] == "Prison A" and body["to_agency"]["name"] == "Probation J1"
    assert (body["note"], body["retain_days"]) == ("Read the support plan first", 30)
    assert body["sent_by"] == str(w.manager_a) and body["acknowledged_at"] is None
    assert body["package"]["steps"] == {"done": 0, "total": 8}
    assert body["package"]["release_on"] == w.episode_a.expected_release.isoformat()
    assert body["actions"] == ["view", "withdraw", "work"]


def test_a_handover_to_an_agency_not_on_the_case_team_is_refused_with_the_reason(releasing):
    w = releasing
    error = assert_error(_send(login(w.manager_a), "post", HANDOVERS, {
        "person": str(w.person_a.uuid), "to_agency": str(w.ngo.uuid)}), 400, "invalid")
    assert "add someone from NGO J1 to the case team first" in error["fields"]["to_agency"][0]
    error = assert_error(_send(login(w.manager_a), "post", HANDOVERS, {
        "person": str(w.person_a.uuid), "to_agency": str(w.probation.uuid),
        "retain_days": 400}), 400, "invalid")
    assert "retain_days" in error["fields"]
    assert not Handover.objects.exists()


def test_a_handover_of_someone_not_seen_or_not_worked_on_is_refused(releasing):
    w = releasing
    data = {"person": str(w.person_a.uuid), "to_agency": str(w.probation.uuid)}
    error = assert_error(_send(login(w.treatment_b), "post", HANDOVERS, data), 400)
    assert error["fields"]["person"] == ["No such person, or not one you may see."]
    assert_error(_send(login(w.security_a), "post", HANDOVERS, data), 403)
    assert AuditEvent.objects.filter(actor=w.treatment_b, outcome="denied",
                                     person=w.person_a).exists()
    assert not Handover.objects.exists()


def test_the_receiving_agency_sees_what_waits_for_it(releasing):
    w = releasing
    handover = hand_over(w, acknowledge=False)
    for persona, waiting in (("probation_officer", [str(handover.uuid)]), ("manager_a", [])):
        client = login(getattr(w, persona))
        body = client.get(HANDOVERS, {"waiting_for_me": "1"}).json()
        assert set(body) == ENVELOPE
        assert [r["uuid"] for r in body["results"]] == waiting, persona
        assert client.get(HANDOVERS).json()["count"] == 1
    row = login(w.probation_officer).get(HANDOVERS).json()["results"][0]
    assert row["actions"] == ["acknowledge", "view", "work"]
    assert row["person_reference"] == w.person_a.reference and "package" not in row
    assert login(w.manager_a).get(HANDOVERS, {"status": "acknowledged"}).json()["count"] == 0
    assert_error(login(w.manager_a).get(HANDOVERS, {"status": "lost"}), 400, "invalid")
    assert login(w.treatment_b).get(HANDOVERS).json()["count"] == 0
    assert_error(login(w.regional_coordinator).get(HANDOVERS), 403)


def test_the_handover_list_is_audited_with_its_references(releasing):
    w = releasing
    hand_over(w, acknowledge=False)
    assert login(w.probation_officer).get(HANDOVERS).status_code == 200
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.details["resource"]) == ("list", "handovers")
    assert event.details["references"] == [w.person_a.reference]


def test_the_handover_list_takes_the_same_queries_whatever_its_length(releasing):
    w = releasing
    client = login(w.probation_officer)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(HANDOVERS, {"waiting_for_me": "1"}).status_code == 200
        return len(captured)

    handover = hand_over(w, acknowledge=False)
    queries()  # the day's first list writes the probation officer's disclosure row
    before = queries()
    for _n in range(3):
        handover = services.handover_withdraw(actor=w.manager_a, handover=handover,
                                              expected_version=None, reason="Wrong date")
        handover = hand_over(w, acknowledge=False)
    assert login(w.probation_officer).get(HANDOVERS).json()["count"] == 4
    assert queries() == before


def test_probation_acknowledges_the_handover(releasing):
    w = releasing
    handover = hand_over(w, acknowledge=False)
    assert_error(_send(login(w.manager_a), "post", _handover(handover, "acknowledge"),
                       {"version": handover.version}), 403, "permission_denied")
    assert_error(_send(login(w.treatment_b), "post", _handover(handover, "acknowledge"),
                       {"version": handover.version}), 404)
    assert_error(_send(login(w.probation_officer), "post", _handover(handover, "acknowledge"),
                       {"version": handover.version - 1}), 409, "conflict")
    response = _send(login(w.probation_officer), "post", _handover(handover, "acknowledge"),
                     {"version": handover.version, "note": "Received, thank you"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["acknowledgement_note"]) == ("acknowledged",
                                                              "Received, thank you")
    assert body["acknowledged_by"] == str(w.probation_officer)
    assert body["transferred_at"] is None  # still in custody
    assert "acknowledge" not in body["actions"]
    release(w)
    body = login(w.probation_officer).get(_handover(handover)).json()
    assert body["transferred_at"] is not None


def test_the_prison_withdraws_a_handover_with_the_reason(releasing):
    w = releasing
    handover = hand_over(w, acknowledge=False)
    client = login(w.manager_a)
    error = assert_error(_send(client, "post", _handover(handover, "withdraw"),
                               {"version": handover.version}), 400, "invalid")
    assert error["fields"]["reason"] == ["Say why the handover is withdrawn."]
    for persona in ("security_a", "probation_officer"):  # probation is the receiving side
        assert_error(_send(login(getattr(w, persona)), "post", _handover(handover, "withdraw"),
                           {"version": handover.version, "reason": "x"}), 403)
    body = _send(client, "post", _handover(handover, "withdraw"),
                 {"version": handover.version, "reason": "Release postponed"}).json()
    assert (body["status"], body["withdrawn_reason"]) == ("withdrawn", "Release postponed")
    assert Handover.objects.get().status == HandoverStatus.WITHDRAWN
    error = assert_error(_send(login(w.probation_officer), "post",
                               _handover(handover, "acknowledge"),
                               {"version": body["version"]}), 400)
    assert error["detail"] == "This handover is not waiting for acknowledgement."


def test_a_handover_is_audited_when_read(releasing):
    w = releasing
    handover = hand_over(w)
    assert login(w.security_a).get(_handover(handover)).status_code == 200
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.object_type, event.object_uuid, event.person_id) == (
        "view", "release.handover", str(handover.uuid), w.person_a.pk)


# --- the schema ------------------------------------------------------------------------------------

RELEASE_OPERATIONS = {
    ("get", "/api/v1/persons/{person_uuid}/release-steps/"): set(),
    ("get", "/api/v1/release-steps/{step_uuid}/"): set(),
    ("patch", "/api/v1/release-steps/{step_uuid}/"): {"409"},
    ("get", "/api/v1/persons/{person_uuid}/support-plan/"): set(),
    ("post", "/api/v1/persons/{person_uuid}/support-plan/"): {"400"},
    ("patch", "/api/v1/persons/{person_uuid}/support-plan/"): {"409"},
    ("get", "/api/v1/persons/{person_uuid}/follow-ups/"): {"400"},
    ("get", "/api/v1/follow-ups/{follow_up_uuid}/"): set(),
    ("patch", "/api/v1/follow-ups/{follow_up_uuid}/"): {"409"},
    ("get", "/api/v1/handovers/"): {"400"},
    ("post", "/api/v1/handovers/"): set(),
    ("get", "/api/v1/handovers/{handover_uuid}/"): set(),
    ("post", "/api/v1/handovers/{handover_uuid}/acknowledge/"): {"409"},
    ("post", "/api/v1/handovers/{handover_uuid}/withdraw/"): {"409"},
}


@pytest.fixture
def schema(world):
    response = login(world.treatment_a).get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_the_schema_lists_the_release_api_with_its_errors(schema):
    for (method, path), extra in RELEASE_OPERATIONS.items():
        operation = schema["paths"][path][method]
        assert operation["tags"] == ["release"]
        expected = {"401", "403", "406", "429", "500", *extra}
        if "{" in path:
            expected |= {"400", "404"}  # a control character in the path is refused
        if "requestBody" in operation:
            expected |= {"400", "413", "415"}
        assert {c for c in operation["responses"] if c >= "400"} == expected, (method, path)
    for path in ("/api/v1/persons/{person_uuid}/follow-ups/", "/api/v1/handovers/"):
        envelope = schema["paths"][path]["get"]["responses"]["200"]["content"][
            "application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        assert set(schema["components"]["schemas"][envelope]["required"]) == ENVELOPE


def test_every_field_of_the_release_api_is_documented(schema):
    def refs(node):
        if isinstance(node, dict):
            for key, value in node.items():
                yield from ([value] if key == "$ref" else refs(value))
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    components = schema["components"]["schemas"]
    seen, todo = set(), [ref for (method, path) in RELEASE_OPERATIONS
                         for ref in refs(schema["paths"][path][method])]
    while todo:
        name = todo.pop().rsplit("/", 1)[1]
        if name not in seen:
            seen.add(name)
            todo.extend(refs(components[name]))
    undocumented = [f"{name}.{field}" for name in sorted(seen)
                    if not name.startswith("Paginated") and not name.endswith("Enum")
                    and name != "Error"
                    for field, spec in components[name].get("properties", {}).items()
                    if not spec.get("description")]
    assert undocumented == []
