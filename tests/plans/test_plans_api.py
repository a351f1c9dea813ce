"""The plans API as a client uses it: the intervention catalogue, a plan from needs to
countersignature, enrolments and sessions (the note only for the treatment compartment), offers
and refusals, the stage of change and working-alliance measures, with the same refusals, 404/403
rules and audit as the pages."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alliance.accounts.models import Membership
from alliance.assessments import services as assessment_services
from alliance.cases import services as case_services
from alliance.core.models import AuditEvent
from alliance.people import services as people_services
from alliance.plans import services
from alliance.plans.models import (
    AllianceMeasure,
    Enrolment,
    Goal,
    Intervention,
    Offer,
    Plan,
    Session,
    StageOfChange,
)

from ..api.helpers import ENVELOPE, assert_error
from ..conftest import complete_ratings, login
from ..factories import person_fields
from . import builders

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def _json(client, method, url, data=None):
    return getattr(client, method)(url, data or {}, content_type="application/json")


def _on_person(name, w):
    return reverse(f"api:{name}", args=[w.person_a.uuid])


def _plan(name, plan, *more):
    return reverse(f"api:plan-{name}", args=[plan.uuid, *(m.uuid for m in more)])


def _session(session):
    return reverse("api:session-detail", args=[session.uuid])


def _on_team(w, persona, scopes):
    case_services.team_member_add(actor=w.manager_a, case=w.case_a,
                                  membership=Membership.objects.get(user=getattr(w, persona)),
                                  team_role="Mentor", scopes=scopes)


def _person_b_with_assessment(w):
    """A second person of prison A, with their own countersigned risk and needs assessment."""
    person_b = people_services.person_create(actor=w.manager_a, **person_fields(
        w.prison_a, given_name="Dren", national_id="0101991450022"))
    a = assessment_services.assessment_start(actor=w.treatment_a, person=person_b,
                                             instrument_version=w.instruments.risk_needs)
    complete_ratings(a, w.treatment_a, "high")
    a = assessment_services.assessment_update(
        actor=w.treatment_a, assessment=a, expected_version=None,
        sources=[{"kind": "file", "description": "Case file"}], overall_judgement="high",
        judgement_rationale="Rationale")
    a = assessment_services.assessment_submit(actor=w.treatment_a, assessment=a,
                                              expected_version=None)
    return assessment_services.assessment_countersign(actor=w.manager_a, assessment=a,
                                                      expected_version=None)


# --- the intervention catalogue ------------------------------------------------------------------

INTERVENTION = {"jurisdiction": "J1", "code": "FAM", "name": "Family days", "type": "family",
                "format": "group", "typical_sessions": 6, "need_areas": ["family"]}


def test_a_prison_manager_adds_an_intervention_to_their_jurisdictions_catalogue(planning):
    client = login(planning.manager_a)
    created = _json(client, "post", reverse("api:intervention-list"),
                    {**INTERVENTION, "provider": str(planning.ngo.uuid)})
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["jurisdiction"], body["code"], body["provider_name"], body["is_active"]) == (
        "J1", "FAM", "NGO J1", True)
    listed = login(planning.treatment_a).get(reverse("api:intervention-list"),
                                             {"jurisdiction": "J1", "type": "family"}).json()
    assert set(listed) == ENVELOPE
    assert [row["uuid"] for row in listed["results"]] == [body["uuid"]]


def test_only_a_prison_manager_of_that_jurisdiction_keeps_its_catalogue(planning):
    url = reverse("api:intervention-list")
    assert_error(_json(login(planning.manager_other), "post", url, INTERVENTION), 403)
    assert_error(_json(login(planning.treatment_a), "post", url, INTERVENTION), 403)
    assert not Intervention.objects.filter(code="FAM").exists()


def test_a_manager_withdraws_an_intervention_of_their_catalogue(planning):
    url = reverse("api:intervention-detail", args=[planning.cbt.uuid])
    withdrawn = _json(login(planning.manager_a), "patch", url, {"is_active": False, "version": 1})
    assert withdrawn.status_code == 200 and withdrawn.json()["is_active"] is False
    assert withdrawn.json()["version"] == 2
    assert_error(_json(login(planning.treatment_a), "patch", url,
                       {"is_active": True, "version": 2}), 403)
    # the catalogue of another jurisdiction is not theirs to read (as on the catalogue page)
    assert_error(_json(login(planning.manager_other), "patch", url,
                       {"is_active": True, "version": 2}), 404)
    assert_error(login(planning.manager_other).get(url), 404)
    assert Intervention.objects.get(pk=planning.cbt.pk).is_active is False
    offered = login(planning.treatment_a).get(reverse("api:intervention-list"),
                                              {"active": "true"}).json()["results"]
    assert [row["code"] for row in offered] == ["MENTOR"]


def test_a_stale_change_of_an_intervention_is_a_conflict(planning):
    url = reverse("api:intervention-detail", args=[planning.cbt.uuid])
    client = login(planning.manager_a)
    assert _json(client, "patch", url,
                 {"name": "Thinking skills (new)", "version": 1}).status_code == 200
    assert_error(_json(client, "patch", url, {"name": "Older idea", "version": 1}), 409)
    assert Intervention.objects.get(pk=planning.cbt.pk).name == "Thinking skills (new)"


def test_the_catalogue_refuses_unknown_filters_and_fields(planning):
    client = login(planning.manager_a)
    body = assert_error(client.get(reverse("api:intervention-list"), {"type": "magic"}), 400)
    assert set(body["fields"]) == {"type"}
    duplicate = _json(client, "post", reverse("api:intervention-list"),
                      {**INTERVENTION, "code": "CBT", "provider": str(planning.prison_other.uuid)})
    assert set(assert_error(duplicate, 400)["fields"]) == {"provider"}
    assert Intervention.objects.count() == 3


# --- plans ---------------------------------------------------------------------------------------

def test_a_plan_is_built_from_needs_and_countersigned_through_the_api(planning):
    client = login(planning.treatment_a)
    started = _json(client, "post", _on_person("person-plans", planning))
    assert started.status_code == 201, started.json()
    plan = started.json()
    assert plan["status"] == "draft" and plan["assessment"] == str(planning.assessment.uuid)
    assert plan["goals"] and all(g["need_area"] and g["label"] for g in plan["goals"])
    assert set(plan["submission_problems"]) == {"goals", "position"}
    # when each goal gets a step and the person's position is recorded
    plan_obj = Plan.objects.get(uuid=plan["uuid"])
    for goal in plan["goals"]:
        step = _json(client, "post", reverse("api:plan-steps", args=[plan["uuid"], goal["uuid"]]),
                     {"version": plan["version"], "text": "Attend mentoring",
                      "actor": "staff", "actor_user": str(planning.treatment_a.uuid),
                      "intervention": str(planning.mentoring.uuid),
                      "target_on": (TODAY + datetime.timedelta(days=60)).isoformat()})
        assert step.status_code == 201, step.json()
        plan = step.json()
    assert plan["goals"][0]["steps"][0]["actor_user"]["username"] == "treatment_a"
    plan = _json(client, "patch", _plan("detail", plan_obj),
                 {"version": plan["version"], "position": "agreed",
                  "position_words": "I want to see my children."}).json()
    assert plan["submission_problems"] == {}
    submitted = _json(client, "post", _plan("submit", plan_obj), {"version": plan["version"]})
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    # then a manager who did not write it countersigns it, and its review is scheduled
    countersigned = _json(login(planning.manager_a), "post", _plan("countersign", plan_obj),
                          {"version": submitted.json()["version"]})
    assert countersigned.status_code == 200, countersigned.json()
    body = countersigned.json()
    assert (body["status"], body["countersigned_by"]) == ("countersigned", "manager_a")
    assert body["next_review_on"] and body["submission_problems"] is None
    assert sorted(client.get(_plan("detail", plan_obj)).json()["actions"]) == [
        "review", "revise", "view"]


def test_the_author_may_not_countersign_and_is_told_why(planning):
    # manager A writes and submits the plan: as its author, they may not countersign it
    plan = services.plan_start(actor=planning.manager_a, person=planning.person_a)
    for goal in plan.goals.all():
        services.step_save(actor=planning.manager_a, plan=plan, expected_version=None, goal=goal,
                           text="Attend", actor_kind="prisoner")
    services.plan_update(actor=planning.manager_a, plan=plan, expected_version=None,
                         position="could_not_answer")
    plan = services.plan_submit(actor=planning.manager_a, plan=plan, expected_version=None)
    response = _json(login(planning.manager_a), "post", _plan("countersign", plan),
                     {"version": plan.version})
    body = assert_error(response, 403, "permission_denied")
    assert "other than the person who wrote or submitted it" in body["detail"]
    assert Plan.objects.get(pk=plan.pk).status == "submitted"
    assert AuditEvent.objects.filter(outcome="denied", object_uuid=str(plan.uuid)).exists()


def test_a_goal_linked_to_another_persons_need_is_refused(planning):
    builders.load_instruments(planning)
    other = _person_b_with_assessment(planning)
    draft = builders.draft_plan(planning)
    goals, version = draft.goals.count(), Plan.objects.get(pk=draft.pk).version
    need = services.need_codes(draft).pop()
    client = login(planning.treatment_a)
    theirs = _json(client, "post", _plan("goals", draft),
                   {"version": version, "text": "Their goal", "need_area": need,
                    "assessment": str(other.uuid)})
    body = assert_error(theirs, 400, "invalid")
    assert "not one of this person's assessed needs" in body["fields"]["assessment"][0]
    unassessed = _json(client, "post", _plan("goals", draft),
                       {"version": version, "text": "A goal", "need_area": "no_such_need"})
    assert set(assert_error(unassessed, 400)["fields"]) == {"need_area"}
    assert (draft.goals.count(), Plan.objects.get(pk=draft.pk).version) == (goals, version)
    # the plan's own assessment is accepted
    ours = _json(client, "post", _plan("goals", draft),
                 {"version": version, "text": "Our goal", "need_area": need,
                  "assessment": str(draft.assessment.uuid)})
    assert ours.status_code == 201 and ours.json()["version"] == version + 1


def test_a_stale_plan_change_gets_409_and_changes_nothing(planning):
    draft = builders.draft_plan(planning)
    client = login(planning.treatment_a)
    version = client.get(_plan("detail", draft)).json()["version"]
    first = _json(client, "patch", _plan("detail", draft), {"version": version, "summary": "A"})
    assert first.status_code == 200 and first.json()["version"] == version + 1
    assert_error(_json(client, "patch", _plan("detail", draft),
                       {"version": version, "summary": "B"}), 409, "conflict")
    assert_error(_json(client, "post", _plan("goals", draft),
                       {"version": version, "text": "Late goal"}), 409)
    assert Plan.objects.get(pk=draft.pk).summary == "A"
    assert "Late goal" not in {goal.text for goal in draft.goals.all()}


def test_a_patch_needs_a_field_to_change(planning):
    draft = builders.draft_plan(planning)
    response = _json(login(planning.treatment_a), "patch", _plan("detail", draft),
                     {"version": draft.version})
    assert "Send at least one field" in assert_error(response, 400)["detail"]


def test_the_case_team_reads_the_current_plan_but_not_the_next_draft(planning):
    current, draft = builders.current_plan(planning), builders.draft_plan(planning)
    client = login(planning.security_a)
    listed = client.get(_on_person("person-plans", planning)).json()["results"]
    assert [(p["number"], p["status"], p["actions"]) for p in listed] == [
        (1, "countersigned", ["view"])]
    assert client.get(_plan("detail", current)).status_code == 200
    assert_error(client.get(_plan("detail", draft)), 404)
    planner = login(planning.treatment_a).get(_on_person("person-plans", planning)).json()
    assert [p["number"] for p in planner["results"]] == [2, 1]


def test_a_planner_revises_and_reviews_the_current_plan(current_plan):
    plan = builders.current_plan(current_plan)
    client = login(current_plan.manager_a)
    reviewed = _json(client, "post", _plan("review", plan), {
        "version": plan.version, "note": "On track.", "reviewed_on": TODAY.isoformat(),
        "next_review_on": (TODAY + datetime.timedelta(days=90)).isoformat()})
    assert reviewed.status_code == 201, reviewed.json()
    assert reviewed.json()["reviews"][0]["note"] == "On track."
    backwards = _json(client, "post", _plan("review", plan), {
        "version": reviewed.json()["version"], "note": "x", "reviewed_on": TODAY.isoformat(),
        "next_review_on": TODAY.isoformat()})
    assert set(assert_error(backwards, 400)["fields"]) == {"next_review_on"}
    revised = _json(client, "post", _plan("revise", plan), {"reason": "New assessment"})
    assert revised.status_code == 201
    assert (revised.json()["number"], revised.json()["status"],
            revised.json()["change_reason"]) == (2, "draft", "New assessment")
    assert_error(_json(login(current_plan.security_a), "post", _plan("revise", plan),
                       {"reason": "x"}), 403)


def test_a_manager_returns_a_submitted_plan_with_comments(planning):
    draft = services.plan_update(actor=planning.treatment_a, plan=builders.draft_plan(planning),
                                 expected_version=None, position="agreed", position_words="Yes")
    submitted = services.plan_submit(actor=planning.treatment_a, plan=draft,
                                     expected_version=None)
    returned = _json(login(planning.manager_a), "post", _plan("return", submitted),
                     {"version": submitted.version, "comments": "Add target dates."})
    assert returned.status_code == 200
    assert (returned.json()["status"], returned.json()["return_comments"]) == (
        "draft", "Add target dates.")


# --- enrolments and sessions ---------------------------------------------------------------------

def test_enrolments_carry_their_attendance_statistics(enrolled):
    s = enrolled.sessions
    for session, attendance in ((s[0], "attended"), (s[1], "attended"), (s[3], "cancelled")):
        services.session_record(actor=enrolled.treatment_a, session=session,
                                expected_version=None, attendance=attendance)
    services.session_record(actor=enrolled.treatment_a, session=s[2], expected_version=None,
                            attendance="refused", reason="distrust",
                            strategy="motivational_interviewing")
    rows = login(enrolled.security_a).get(
        _on_person("person-enrolments", enrolled)).json()["results"]
    assert rows[0]["attendance"] == {
        "planned": 12, "scheduled": 5, "attended": 2, "refused": 1, "cancelled": 1,
        "not_produced": 0, "to_come": 1, "last_attended": rows[0]["attendance"]["last_attended"],
        "rate": 67}
    assert rows[0]["intervention"]["code"] == "MENTOR"


def test_a_planner_enrols_the_person_for_a_step_and_schedules_sessions(current_plan):
    step = next(st for g in builders.current_plan(current_plan).goals.all()
                for st in g.steps.all())
    client = login(current_plan.treatment_a)
    enrolled = _json(client, "post", _on_person("person-enrolments", current_plan), {
        "intervention": str(current_plan.cbt.uuid), "started_on": TODAY.isoformat(),
        "practitioner": str(current_plan.treatment_a.uuid), "step": str(step.uuid)})
    assert enrolled.status_code == 201, enrolled.json()
    body = enrolled.json()
    assert (body["step"], body["attendance"]["planned"], body["attendance"]["rate"]) == (
        str(step.uuid), 20, None)
    first = timezone.now() + datetime.timedelta(days=1)
    scheduled = _json(client, "post", reverse("api:enrolment-sessions", args=[body["uuid"]]),
                      {"first_at": first.isoformat(), "count": 3})
    assert scheduled.status_code == 201, scheduled.json()
    assert len(scheduled.json()) == 3
    assert scheduled.json()[0]["facilitator"]["username"] == "treatment_a"
    assert_error(_json(login(current_plan.security_a), "post",
                       reverse("api:enrolment-sessions", args=[body["uuid"]]),
                       {"first_at": first.isoformat()}), 403)
    assert Session.objects.filter(enrolment__uuid=body["uuid"]).count() == 3


def test_an_enrolment_in_another_jurisdictions_intervention_is_refused(planning):
    response = _json(login(planning.treatment_a), "post",
                     _on_person("person-enrolments", planning),
                     {"intervention": str(planning.elsewhere.uuid),
                      "practitioner": str(planning.treatment_a.uuid),
                      "started_on": TODAY.isoformat()})
    body = assert_error(response, 400, "invalid")
    assert "another jurisdiction" in body["fields"]["intervention"][0]
    unknown = _json(login(planning.treatment_a), "post",
                    _on_person("person-enrolments", planning),
                    {"intervention": str(planning.mentoring.uuid),
                     "practitioner": str(planning.person_a.uuid),
                     "started_on": TODAY.isoformat()})
    assert set(assert_error(unknown, 400)["fields"]) == {"practitioner"}
    assert not Enrolment.objects.exists()


@pytest.mark.parametrize(("persona", "scopes"), [
    ("security_a", None), ("manager_a", None), ("ngo_worker", []),
    ("probation_officer", ["identity"])])
def test_the_session_note_is_absent_for_who_does_not_hold_the_treatment_compartment(
        enrolled, persona, scopes):
    session = services.session_record(actor=enrolled.treatment_a, session=enrolled.sessions[0],
                                       expected_version=None, attendance="attended",
                                       note="Spoke about his brother.",
                                       shared_summary="Attended and took part.")
    if scopes is not None:
        _on_team(enrolled, persona, scopes)
    client = login(getattr(enrolled, persona))
    detail = client.get(_session(session))
    assert detail.status_code == 200
    assert "note" not in detail.json()
    assert detail.json()["shared_summary"] == "Attended and took part."
    listed = client.get(_on_person("person-sessions", enrolled)).json()["results"]
    assert len(listed) == 5 and all("note" not in row for row in listed)
    assert b"Spoke about his brother" not in detail.content


def test_the_session_note_is_present_for_the_treatment_compartment(enrolled):
    services.session_record(actor=enrolled.treatment_a, session=enrolled.sessions[0],
                            expected_version=None, attendance="attended", note="Engaged.")
    client = login(enrolled.treatment_a)
    assert client.get(_session(enrolled.sessions[0])).json()["note"] == "Engaged."
    listed = client.get(_on_person("person-sessions", enrolled)).json()["results"]
    assert [row["note"] for row in listed] == ["", "", "", "", "Engaged."]


def test_a_case_manager_records_a_session_without_seeing_or_writing_notes(enrolled):
    session = enrolled.sessions[0]
    client = login(enrolled.manager_a)
    refused_note = _json(client, "patch", _session(session),
                         {"version": session.version, "attendance": "attended",
                          "note": "My note"})
    assert set(assert_error(refused_note, 400)["fields"]) == {"note"}
    recorded = _json(client, "patch", _session(session),
                     {"version": session.version, "attendance": "attended",
                      "shared_summary": "Came on time.", "concern": True})
    assert recorded.status_code == 200, recorded.json()
    assert "note" not in recorded.json()
    assert (recorded.json()["attendance"], recorded.json()["concern"]) == ("attended", True)
    # a later change keeps what it leaves out
    amended = _json(client, "patch", _session(session),
                    {"version": recorded.json()["version"], "rupture_suspected": True})
    assert amended.json()["shared_summary"] == "Came on time."


def test_a_future_session_cannot_be_recorded_as_attended(enrolled):
    future = enrolled.sessions[4]
    response = _json(login(enrolled.treatment_a), "patch", _session(future),
                     {"version": future.version, "attendance": "attended", "note": "Good"})
    body = assert_error(response, 400, "invalid")
    assert "has not happened yet" in body["fields"]["attendance"][0]
    saved = Session.objects.get(pk=future.pk)
    assert (saved.attendance, saved.note, saved.version) == ("", "", future.version)


def test_a_stale_session_record_gets_409(enrolled):
    session = enrolled.sessions[0]
    client = login(enrolled.treatment_a)
    first = _json(client, "patch", _session(session),
                  {"version": session.version, "attendance": "attended"})
    assert first.status_code == 200
    assert_error(_json(client, "patch", _session(session),
                       {"version": session.version, "note": "Overwrite"}), 409)
    assert Session.objects.get(pk=session.pk).note == ""


def test_sessions_are_listed_newest_first_and_filtered(enrolled):
    services.session_record(actor=enrolled.treatment_a, session=enrolled.sessions[1],
                            expected_version=None, attendance="attended")
    client = login(enrolled.security_a)
    url = _on_person("person-sessions", enrolled)
    everything = client.get(url).json()
    assert everything["count"] == 5
    assert [r["uuid"] for r in everything["results"]] == [
        str(s.uuid) for s in reversed(enrolled.sessions)]
    attended = client.get(url, {"attendance": "attended"}).json()["results"]
    assert [r["uuid"] for r in attended] == [str(enrolled.sessions[1].uuid)]
    day = timezone.localtime(enrolled.sessions[2].scheduled_at).date()
    one_day = client.get(url, {"from": day.isoformat(), "to": day.isoformat()}).json()
    assert [r["uuid"] for r in one_day["results"]] == [str(enrolled.sessions[2].uuid)]
    assert set(assert_error(client.get(url, {"attendance": "maybe"}), 400)["fields"]) == {
        "attendance"}
    backwards = client.get(url, {"from": TODAY.isoformat(), "to": "2020-01-01"})
    assert set(assert_error(backwards, 400)["fields"]) == {"to"}


def test_a_list_is_one_consultation_of_the_person(enrolled):
    client = login(enrolled.security_a)
    before = AuditEvent.objects.count()
    assert client.get(_on_person("person-sessions", enrolled)).status_code == 200
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.actor, event.person_id) == (
        "view", enrolled.security_a, enrolled.person_a.pk)
    assert (event.details["resource"], event.details["count"]) == ("sessions", 5)


def test_the_lists_run_as_many_queries_for_a_long_history_as_for_a_short_one(enrolled):
    client = login(enrolled.treatment_a)
    urls = [_on_person(name, enrolled) for name in ("person-sessions", "person-enrolments",
                                                    "person-refusals")]

    def counts():
        result = []
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            result.append(len(ctx.captured_queries))
        return result

    # (an empty page runs no query for its rows: start from one row of each)
    services.offer_record(actor=enrolled.treatment_a, person=enrolled.person_a,
                          offered_on=TODAY, response="accepted")
    counts()  # the first request of a session loads more
    short = counts()
    more = services.sessions_schedule(actor=enrolled.treatment_a, enrolment=enrolled.enrolment,
                                      count=20, every_days=1,
                                      first_at=timezone.now() - datetime.timedelta(days=35))
    for session in more[:10]:
        services.session_record(actor=enrolled.treatment_a, session=session,
                                expected_version=None, attendance="refused", reason="practical",
                                strategy="different_time")
    services.enrolment_create(actor=enrolled.treatment_a, person=enrolled.person_a,
                              intervention=enrolled.cbt, practitioner=enrolled.treatment_a,
                              started_on=TODAY)
    assert counts() == short


# --- offers and refusals, the stage of change ----------------------------------------------------

REFUSAL = {"offered_on": TODAY.isoformat(), "response": "refused", "reason": "ideological",
           "reason_words": "Not with them.", "strategy": "different_provider"}


def test_a_planner_records_a_refusal_and_the_case_team_lists_it(planning):
    url = _on_person("person-refusals", planning)
    created = _json(login(planning.manager_a), "post", url,
                    {**REFUSAL, "intervention": str(planning.mentoring.uuid)})
    assert created.status_code == 201, created.json()
    assert (created.json()["reason"], created.json()["intervention"]["code"]) == (
        "ideological", "MENTOR")
    services.offer_record(actor=planning.treatment_a, person=planning.person_a,
                          offered_on=TODAY, response="accepted")
    client = login(planning.security_a)
    assert client.get(url).json()["count"] == 2
    refused = client.get(url, {"response": "refused"}).json()["results"]
    assert [(r["response"], r["strategy"]) for r in refused] == [
        ("refused", "different_provider")]
    assert_error(_json(client, "post", url, REFUSAL), 403)
    assert Offer.objects.count() == 2


def test_a_refusal_without_the_reason_and_the_strategy_is_refused(planning):
    response = _json(login(planning.treatment_a), "post",
                     _on_person("person-refusals", planning),
                     {"offered_on": TODAY.isoformat(), "response": "refused"})
    assert set(assert_error(response, 400)["fields"]) == {"reason", "strategy"}
    assert not Offer.objects.exists()


def test_the_stage_of_change_rationale_is_the_treatment_compartments(planning):
    url = _on_person("person-motivation", planning)
    created = _json(login(planning.treatment_a), "post", url, {
        "stage": "contemplation", "assessed_on": TODAY.isoformat(),
        "rationale": "Talks about leaving the group."})
    assert created.status_code == 201, created.json()
    assert created.json()["rationale"] == "Talks about leaving the group."
    theirs = login(planning.security_a).get(url).json()["results"]
    assert [r["stage"] for r in theirs] == ["contemplation"]
    assert "rationale" not in theirs[0]
    ours = login(planning.treatment_a).get(url).json()["results"]
    assert ours[0]["rationale"] == "Talks about leaving the group."
    assert_error(_json(login(planning.manager_a), "post", url, {
        "stage": "action", "assessed_on": TODAY.isoformat(), "rationale": "x"}), 403)
    future = _json(login(planning.treatment_a), "post", url, {
        "stage": "action", "assessed_on": (TODAY + datetime.timedelta(days=1)).isoformat(),
        "rationale": "x"})
    assert set(assert_error(future, 400)["fields"]) == {"assessed_on"}
    assert StageOfChange.objects.count() == 1


# --- the working alliance ------------------------------------------------------------------------

def _measure(w, **changes):
    return {"instrument_version": str(builders.load_instruments(w).alliance.uuid),
            "practitioner": str(w.treatment_a.uuid), "enrolment": str(w.enrolment.uuid),
            "occasion": "scheduled", "taken_on": TODAY.isoformat(),
            "ratings": builders.ALLIANCE_RATINGS, **changes}


def test_treatment_staff_record_and_read_alliance_measures_with_their_scores(enrolled):
    client = login(enrolled.treatment_a)
    url = _on_person("person-alliance-measures", enrolled)
    created = _json(client, "post", url, _measure(enrolled, note="After session 3"))
    assert created.status_code == 201, created.json()
    scores = created.json()["scores"]
    assert {scores[code] for code in ("goal", "task", "bond")} == {4.0}
    assert created.json()["practitioner"]["uuid"] == str(enrolled.treatment_a.uuid)
    listed = client.get(url).json()
    assert [m["uuid"] for m in listed["results"]] == [created.json()["uuid"]]


def test_an_alliance_rating_outside_the_scale_is_refused(enrolled):
    ratings = {**builders.ALLIANCE_RATINGS, "B2": "extremely"}
    response = _json(login(enrolled.treatment_a), "post",
                     _on_person("person-alliance-measures", enrolled),
                     _measure(enrolled, ratings=ratings))
    body = assert_error(response, 400, "invalid")
    assert set(body["fields"]) == {"item_B2"}
    assert "not on the item's scale" in body["fields"]["item_B2"][0]
    assert not AllianceMeasure.objects.exists()


@pytest.mark.parametrize("persona", ["security_a", "manager_a", "ngo_worker"])
def test_alliance_measures_are_refused_outside_the_treatment_compartment(enrolled, persona):
    _on_team(enrolled, "ngo_worker", [])
    builders.alliance_measure(enrolled)
    client = login(getattr(enrolled, persona))
    url = _on_person("person-alliance-measures", enrolled)
    assert_error(client.get(url), 403)
    assert_error(_json(client, "post", url, _measure(enrolled)), 403)
    assert AllianceMeasure.objects.count() == 1


# --- every endpoint: another agency gets 404, and a refused write saves nothing ------------------

def _endpoints(w):
    """(method, url, body) of every plans endpoint on person A's records, with a valid body."""
    current, session = builders.current_plan(w), builders.recorded_session(w)
    goal = current.goals.first()
    version = {"version": current.version}
    return [
        ("get", _on_person("person-plans", w), None),
        ("post", _on_person("person-plans", w), {}),
        ("get", _plan("detail", current), None),
        ("patch", _plan("detail", current), {**version, "summary": "x"}),
        ("post", _plan("goals", current), {**version, "text": "x"}),
        ("post", _plan("steps", current, goal), {**version, "text": "x", "actor": "prisoner"}),
        ("post", _plan("submit", current), version),
        ("post", _plan("countersign", current), version),
        ("post", _plan("return", current), {**version, "comments": "x"}),
        ("post", _plan("revise", current), {"reason": "x"}),
        ("post", _plan("review", current), {**version, "note": "x",
                                             "reviewed_on": TODAY.isoformat(),
                                             "next_review_on": "2099-01-01"}),
        ("get", _on_person("person-enrolments", w), None),
        ("post", _on_person("person-enrolments", w), {
            "intervention": str(w.mentoring.uuid), "practitioner": str(w.treatment_a.uuid),
            "started_on": TODAY.isoformat()}),
        ("post", reverse("api:enrolment-sessions", args=[w.enrolment.uuid]),
         {"first_at": timezone.now().isoformat()}),
        ("get", _on_person("person-sessions", w), None),
        ("get", _session(session), None),
        ("patch", _session(session), {"version": session.version, "shared_summary": "x"}),
        ("get", _on_person("person-refusals", w), None),
        ("post", _on_person("person-refusals", w), REFUSAL),
        ("get", _on_person("person-motivation", w), None),
        ("post", _on_person("person-motivation", w), {
            "stage": "action", "assessed_on": TODAY.isoformat(), "rationale": "x"}),
        ("get", _on_person("person-alliance-measures", w), None),
        ("post", _on_person("person-alliance-measures", w), _measure(w)),
    ]


def _saved(w) -> tuple:
    return (Plan.objects.count(), Plan.objects.get(pk=w.plan.pk).version, Goal.objects.count(),
            Enrolment.objects.count(), Session.objects.count(),
            Session.objects.get(pk=w.recorded_session.pk).version, Offer.objects.count(),
            StageOfChange.objects.count(), AllianceMeasure.objects.count())


def test_staff_of_another_agency_get_404_everywhere_and_change_nothing(enrolled):
    endpoints = _endpoints(enrolled)
    before = _saved(enrolled)
    for persona in ("treatment_b", "manager_other"):
        client = login(getattr(enrolled, persona))
        for method, url, body in endpoints:
            response = client.get(url) if body is None else _json(client, method, url, body)
            assert response.status_code == 404, (persona, method, url)
    assert _saved(enrolled) == before


def test_the_security_officer_may_read_the_case_teams_share_and_write_nothing(enrolled):
    endpoints = _endpoints(enrolled)
    before = _saved(enrolled)
    client = login(enrolled.security_a)
    for method, url, body in endpoints:
        response = client.get(url) if body is None else _json(client, method, url, body)
        treatment_only = "alliance-measures" in url
        expected = 403 if body is not None or treatment_only else 200
        assert response.status_code == expected, (method, url, response.content[:200])
    assert _saved(enrolled) == before


# --- the schema ----------------------------------------------------------------------------------

PATHS = ["/api/v1/interventions/", "/api/v1/interventions/{intervention_uuid}/",
         "/api/v1/persons/{person_uuid}/plans/", "/api/v1/plans/{plan_uuid}/",
         "/api/v1/plans/{plan_uuid}/goals/", "/api/v1/plans/{plan_uuid}/goals/{goal_uuid}/steps/",
         "/api/v1/plans/{plan_uuid}/submit/", "/api/v1/plans/{plan_uuid}/countersign/",
         "/api/v1/plans/{plan_uuid}/return/", "/api/v1/plans/{plan_uuid}/revise/",
         "/api/v1/plans/{plan_uuid}/review/", "/api/v1/persons/{person_uuid}/enrolments/",
         "/api/v1/enrolments/{enrolment_uuid}/sessions/",
         "/api/v1/persons/{person_uuid}/sessions/", "/api/v1/sessions/{session_uuid}/",
         "/api/v1/persons/{person_uuid}/refusals/", "/api/v1/persons/{person_uuid}/motivation/",
         "/api/v1/persons/{person_uuid}/alliance-measures/"]


def test_the_schema_documents_every_plans_endpoint_and_the_note_rule(world):
    schema = login(world.treatment_a).get(reverse("api-schema"), {"format": "json"}).json()
    assert set(PATHS) <= set(schema["paths"])
    session = schema["components"]["schemas"]["Session"]
    assert "note" in session["properties"] and "note" not in session["required"]
    assert "absent" in session["properties"]["note"]["description"]
    assert "absent" in schema["paths"]["/api/v1/sessions/{session_uuid}/"]["get"]["description"]
    stage = schema["components"]["schemas"]["Stage"]
    assert "rationale" not in stage["required"]
