"""The support plan pages as probation, the prison and the reintegration division use them:
start the plan, write each pathway's needs and actions, name the receiving community, record
the supervision conditions, log contacts and record breaches — and what they refuse."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alliance.release import services
from alliance.release.models import (
    Breach,
    PathwayEntry,
    SupervisionCondition,
    SupervisionContact,
    SupportAction,
    SupportPlan,
)
from alliance.work.models import Notification

from ..conftest import login
from .builders import ngo_on_team

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
NAME = "Krasniqi"


def _url(name, *args) -> str:
    return reverse(f"release:{name}", args=args)


def _page(client, person) -> str:
    response = client.get(_url("support_plan", person.uuid))
    assert response.status_code == 200
    return response.content.decode()


def _start(w, user=None) -> SupportPlan:
    client = login(user or w.probation_officer)
    response = client.post(_url("support_plan_start", w.person_a.uuid))
    assert response.status_code == 302
    assert response.url == _url("support_plan", w.person_a.uuid)
    return SupportPlan.objects.get(person=w.person_a)


def _entry(plan, pathway) -> PathwayEntry:
    return plan.pathways.get(pathway=pathway)


def _html(response) -> str:
    return response.content.decode()


# --- the plan and its pathways -------------------------------------------------------------------

def test_probation_starts_the_plan_with_the_seven_pathways_through_the_pages(releasing):
    w = releasing
    client = login(w.probation_officer)
    assert "Start the support plan" in _page(client, w.person_a)
    plan = _start(w)
    assert plan.pathways.count() == 7
    page = _page(client, w.person_a)
    assert "Accommodation" in page and "Substance use" in page and "Not yet assessed" in page
    assert NAME in page  # the probation officer holds identity on the team


def test_a_pathways_needs_and_status_are_written_down(releasing):
    w = releasing
    plan = _start(w)
    entry = _entry(plan, "accommodation")
    client = login(w.probation_officer)
    assert client.get(_url("pathway_edit", entry.uuid)).status_code == 200
    response = client.post(_url("pathway_edit", entry.uuid), {
        "needs": "A room near his sister's family", "status": "need", "version": entry.version})
    assert response.status_code == 302
    assert response.url == _url("support_plan", w.person_a.uuid) + f"#pathway-{entry.uuid}"
    entry.refresh_from_db()
    assert (entry.needs, entry.status) == ("A room near his sister's family", "need")
    assert "A room near his sister&#x27;s family" in _page(client, w.person_a)


def test_a_need_must_be_written_before_it_is_identified(releasing):
    w = releasing
    entry = _entry(_start(w), "employment")
    response = login(w.probation_officer).post(_url("pathway_edit", entry.uuid), {
        "needs": "", "status": "need", "version": entry.version})
    assert response.status_code == 200
    assert "Write down the need before saying it is identified" in _html(response)


def test_a_stale_pathway_edit_is_refused_with_409(releasing):
    w = releasing
    entry = _entry(_start(w), "health")
    client = login(w.probation_officer)
    stale = entry.version
    assert client.post(_url("pathway_edit", entry.uuid), {
        "needs": "GP registration", "status": "need", "version": stale}).status_code == 302
    response = client.post(_url("pathway_edit", entry.uuid), {
        "needs": "Something else", "status": "need", "version": stale})
    assert response.status_code == 409
    assert "Someone else changed this record" in _html(response)
    assert "Something else" in _html(response)  # what was typed is kept


def test_an_action_is_given_to_the_ministry_division_on_the_team(releasing):
    w = releasing
    entry = _entry(_start(w), "accommodation")
    client = login(w.probation_officer)
    form = _html(client.get(_url("action_add", entry.uuid)))
    assert "Reintegration Division J1" in form and "Prison A" in form and "Probation J1" in form
    due = TODAY + datetime.timedelta(days=30)
    response = client.post(_url("action_add", entry.uuid), {
        "description": "Find supported housing", "agency": str(w.ministry.uuid),
        "due_on": due.isoformat()})
    assert response.status_code == 302
    action = SupportAction.objects.get(entry=entry)
    assert (action.agency, action.due_on, action.status) == (w.ministry, due, "planned")
    page = _page(client, w.person_a)
    assert "Find supported housing" in page and "Reintegration Division J1" in page

    response = client.post(_url("action_edit", action.uuid), {
        "description": "Find supported housing", "agency": str(w.ministry.uuid),
        "due_on": due.isoformat(), "status": "in_progress", "version": action.version})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == "in_progress"


def test_an_action_without_a_description_is_refused_and_the_input_kept(releasing):
    w = releasing
    entry = _entry(_start(w), "finances")
    due = TODAY + datetime.timedelta(days=20)
    response = login(w.probation_officer).post(_url("action_add", entry.uuid), {
        "description": "  ", "agency": str(w.ministry.uuid), "due_on": due.isoformat()})
    assert response.status_code == 200
    html = _html(response)
    assert "Say what will be done." in html
    assert due.isoformat() in html  # the date typed is kept
    assert f'value="{w.ministry.uuid}" selected' in html
    assert not SupportAction.objects.exists()


def test_an_action_for_an_agency_off_the_case_team_is_refused_with_the_reason(releasing):
    w = releasing
    entry = _entry(_start(w), "attitudes")
    response = login(w.probation_officer).post(_url("action_add", entry.uuid), {
        "description": "Mentoring sessions", "agency": str(w.ngo.uuid), "due_on": ""})
    assert response.status_code == 200
    html = _html(response)
    assert "NGO J1 is neither responsible for" in html and "Add someone from it" in html
    assert "Mentoring sessions" in html
    assert not SupportAction.objects.exists()


def test_the_receiving_community_and_the_supervising_agency_are_named(releasing):
    w = releasing
    plan = _start(w)
    client = login(w.probation_officer)
    form = _html(client.get(_url("support_plan_edit", plan.uuid)))
    assert "Municipality J1" in form and "Probation J1" in form
    ends = TODAY + datetime.timedelta(days=700)
    response = client.post(_url("support_plan_edit", plan.uuid), {
        "municipality": str(w.municipality.uuid), "municipality_involvement": "Social worker met",
        "family_involvement": "His sister will host him", "version": plan.version,
        "supervising_agency": str(w.probation.uuid), "supervision_ends_on": ends.isoformat()})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.municipality, plan.supervising_agency, plan.supervision_ends_on) == (
        w.municipality, w.probation, ends)
    page = _page(client, w.person_a)
    assert "Municipality J1" in page and "His sister will host him" in page


def test_a_supervising_agency_that_is_not_probation_is_refused(releasing):
    w = releasing
    plan = _start(w)
    response = login(w.probation_officer).post(_url("support_plan_edit", plan.uuid), {
        "supervising_agency": str(w.ministry.uuid), "family_involvement": "Kept",
        "version": plan.version})
    assert response.status_code == 200
    assert "Choose a probation service." in _html(response) and "Kept" in _html(response)


# --- supervision ---------------------------------------------------------------------------------

def test_a_condition_is_added_and_ended(releasing):
    w = releasing
    plan = _start(w)
    client = login(w.probation_officer)
    response = client.post(_url("condition_add", plan.uuid), {
        "kind": "reporting", "detail": "Report weekly to Probation J1",
        "starts_on": TODAY.isoformat(), "ends_on": ""})
    assert response.status_code == 302
    condition = SupervisionCondition.objects.get(plan=plan)
    assert "Report weekly to Probation J1" in _page(client, w.person_a)
    ends = TODAY + datetime.timedelta(days=90)
    response = client.post(_url("condition_end", condition.uuid), {
        "ends_on": ends.isoformat(), "version": condition.version})
    assert response.status_code == 302
    condition.refresh_from_db()
    assert condition.ends_on == ends


def test_a_condition_ending_before_it_starts_is_refused_and_the_input_kept(releasing):
    w = releasing
    plan = _start(w)
    response = login(w.probation_officer).post(_url("condition_add", plan.uuid), {
        "kind": "residence", "detail": "Live at the approved address",
        "starts_on": TODAY.isoformat(),
        "ends_on": (TODAY - datetime.timedelta(days=1)).isoformat()})
    assert response.status_code == 200
    html = _html(response)
    assert "The end cannot be before the start." in html
    assert "Live at the approved address" in html
    assert not SupervisionCondition.objects.exists()


def test_a_contact_is_logged_and_shown_latest_first(releasing):
    w = releasing
    plan = _start(w)
    client = login(w.probation_officer)
    for days, notes in ((10, "First meeting"), (2, "Second meeting")):
        response = client.post(_url("contact_add", plan.uuid), {
            "contact_on": (TODAY - datetime.timedelta(days=days)).isoformat(), "kind": "office",
            "kept": "on", "notes": notes})
        assert response.status_code == 302
    assert SupervisionContact.objects.filter(plan=plan, agency=w.probation).count() == 2
    page = _page(client, w.person_a)
    assert page.index("Second meeting") < page.index("First meeting")


def test_a_contact_in_the_future_is_refused(releasing):
    w = releasing
    plan = _start(w)
    response = login(w.probation_officer).post(_url("contact_add", plan.uuid), {
        "contact_on": (TODAY + datetime.timedelta(days=3)).isoformat(), "kind": "phone",
        "notes": "Planned call"})
    assert response.status_code == 200
    assert "This date is in the future: enter today or an earlier day." in _html(response)
    assert "Planned call" in _html(response)


def test_a_breach_is_recorded_and_the_case_manager_told(releasing):
    w = releasing
    plan = _start(w)
    condition = services.condition_add(actor=w.probation_officer, plan=plan, kind="reporting",
                                       detail="Report weekly", starts_on=TODAY)
    client = login(w.probation_officer)
    assert "Report weekly" in _html(client.get(_url("breach_add", plan.uuid)))
    occurred = TODAY - datetime.timedelta(days=3)
    response = client.post(_url("breach_add", plan.uuid), {
        "occurred_on": occurred.isoformat(), "condition": str(condition.uuid),
        "description": "Missed two appointments", "response": "warning",
        "response_on": TODAY.isoformat()})
    assert response.status_code == 302
    breach = Breach.objects.get(plan=plan)
    assert (breach.condition, breach.response) == (condition, "warning")
    notice = Notification.objects.get(recipient=w.manager_a, kind="breach_recorded")
    assert notice.person == w.person_a
    page = _page(client, w.person_a)
    assert "Missed two appointments" in page and "Warning" in page


def test_a_breach_response_before_the_breach_is_refused_and_the_input_kept(releasing):
    w = releasing
    plan = _start(w)
    response = login(w.probation_officer).post(_url("breach_add", plan.uuid), {
        "occurred_on": TODAY.isoformat(), "description": "Out after curfew",
        "response": "recall_requested",
        "response_on": (TODAY - datetime.timedelta(days=2)).isoformat()})
    assert response.status_code == 200
    html = _html(response)
    assert "The response cannot be before the breach." in html and "Out after curfew" in html
    assert not Breach.objects.exists()


# --- who may do what -----------------------------------------------------------------------------

def test_a_team_member_without_identity_reads_the_plan_by_reference_and_cannot_change_it(
        releasing):
    w = releasing
    plan = _start(w)
    ngo_on_team(w)
    client = login(w.ngo_worker)
    page = _page(client, w.person_a)
    assert w.person_a.reference in page and NAME not in page
    assert _url("pathway_edit", _entry(plan, "family").uuid) not in page
    entry = _entry(plan, "family")
    assert client.post(_url("pathway_edit", entry.uuid), {
        "needs": "x", "status": "need"}).status_code == 403
    assert client.post(_url("support_plan_start", w.person_a.uuid)).status_code == 403
    assert client.get(_url("contact_add", plan.uuid)).status_code == 403


def test_another_prisons_officer_gets_404_for_the_plan_and_its_parts(releasing):
    w = releasing
    plan = _start(w)
    entry = _entry(plan, "family")
    client = login(w.treatment_b)
    assert client.get(_url("support_plan", w.person_a.uuid)).status_code == 404
    assert client.get(_url("pathway_edit", entry.uuid)).status_code == 404
    assert client.get(_url("condition_add", plan.uuid)).status_code == 404


def test_the_prisons_treatment_officer_works_on_the_plan(releasing):
    w = releasing
    plan = _start(w, w.treatment_a)
    entry = _entry(plan, "substance_use")
    response = login(w.treatment_a).post(_url("pathway_edit", entry.uuid), {
        "needs": "", "status": "no_need", "version": entry.version})
    assert response.status_code == 302


def test_the_plan_page_runs_a_constant_number_of_queries(releasing):
    w = releasing
    plan = _start(w)
    client = login(w.probation_officer)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            _page(client, w.person_a)
        return len(queries)

    def add_rows(n):
        for i in range(n):
            entry = _entry(plan, ["accommodation", "employment", "health"][i % 3])
            services.action_add(actor=w.probation_officer, entry=entry,
                                description=f"Action {i}", agency=w.ministry)
            services.contact_add(actor=w.probation_officer, plan=plan,
                                 contact_on=timezone.localdate(), kind="phone")
            services.condition_add(actor=w.probation_officer, plan=plan, kind="travel",
                                   detail=f"Condition {i}", starts_on=TODAY)
            services.breach_add(actor=w.probation_officer, plan=plan, occurred_on=TODAY,
                                description=f"Breach {i}", response="warning")

    add_rows(1)
    few = count()
    add_rows(6)
    assert count() == few
