"""The plan pages as planners and managers use them: build the plan from the person's needs,
countersign it, review it, open a new version; and the plan section of the person page."""

import datetime
import re

import pytest
from django.test import RequestFactory
from django.urls import reverse

from alliance.accounts.models import Membership
from alliance.cases import services as case_services
from alliance.core.compartments import Compartment
from alliance.core.policy import Grant
from alliance.people.access import person_grant
from alliance.people.sections import render_sections
from alliance.plans import services
from alliance.plans.models import Goal, Plan, PlanReview, PlanStatus, Step

from ..conftest import login
from .builders import countersigned_assessment, draft_plan

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def _page(client, plan) -> str:
    response = client.get(reverse("plans:plan", args=[plan.uuid]))
    assert response.status_code == 200
    return response.content.decode()


def _post(client, name, plan, *more, **data):
    plan.refresh_from_db()
    data.setdefault("version", plan.version)
    return client.post(reverse(f"plans:{name}", args=[plan.uuid, *more]), data)


def _start(w, client=None) -> Plan:
    client = client or login(w.treatment_a)
    response = client.post(reverse("plans:plan_start", args=[w.person_a.uuid]))
    plan = Plan.objects.get(person=w.person_a, status=PlanStatus.DRAFT)
    assert response.status_code == 302 and response.url == reverse("plans:plan", args=[plan.uuid])
    return plan


def _complete(w, client, plan) -> None:
    """A step for each goal and the person's position, through the pages."""
    for goal in plan.goals.all():
        assert _post(client, "step_add", plan, goal.uuid, text="Attend mentoring",
                     actor="prisoner", status="planned",
                     intervention=str(w.mentoring.uuid)).status_code == 302
    assert _post(client, "plan_position", plan, position="agreed",
                 position_words="I want to see my children.").status_code == 302


def _submitted(w) -> Plan:
    client = login(w.treatment_a)
    plan = _start(w, client)
    _complete(w, client, plan)
    assert _post(client, "plan_submit", plan).status_code == 302
    plan.refresh_from_db()
    return plan


# --- building the plan ---------------------------------------------------------------------------

def test_a_planner_builds_the_plan_from_the_persons_needs_through_the_pages(planning):
    w = planning
    client = login(w.treatment_a)
    plan = _start(w, client)
    needs = services.need_codes(plan)
    assert {g.need_area for g in plan.goals.all()} == needs

    page = _page(client, plan)
    assert "What the plan is built on" in page and "Ideology and beliefs" in page
    assert "Add at least one goal." not in page and "Give every goal at least one step." in page
    _complete(w, client, plan)
    assert _post(client, "plan_update", plan, summary="Leave the movement safely.",
                 review_every_months=4).status_code == 302
    page = _page(client, plan)
    assert "I want to see my children." in page and "Individual mentoring" in page
    assert "Before you can submit" not in page

    assert _post(client, "plan_submit", plan).status_code == 302
    plan.refresh_from_db()
    assert (plan.status, plan.summary, plan.review_every_months) == (
        PlanStatus.SUBMITTED, "Leave the movement safely.", 4)
    assert all(goal.steps.count() == 1 for goal in plan.goals.all())


def test_a_submission_without_the_persons_position_says_what_is_missing(planning):
    client = login(planning.treatment_a)
    plan = _start(planning, client)
    response = _post(client, "plan_submit", plan)
    assert response.status_code == 200
    assert "Record the person&#x27;s position on the plan" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_a_goal_is_linked_to_one_of_the_persons_needs(planning):
    client = login(planning.treatment_a)
    plan = _start(planning, client)
    response = _post(client, "goal_add", plan, text="Stable housing on release",
                     need_area="practical_needs")
    assert response.status_code == 302
    assert any(g.text == "Stable housing on release" for g in
               plan.goals.filter(need_area="practical_needs"))
    assert _post(client, "goal_add", plan, text="Stay in touch with his sister",
                 protective_item="PF3").status_code == 302
    assert "Supportive relationships that reject violence" in _page(client, plan)


def test_a_need_the_person_was_not_assessed_with_is_refused_and_the_input_kept(planning):
    client = login(planning.treatment_a)
    plan = _start(planning, client)
    assert "substance_use" not in services.need_codes(plan)  # a need of the instrument, not his
    goals = plan.goals.count()

    response = _post(client, "goal_add", plan, text="Stop drinking before visits",
                     need_area="substance_use")

    assert response.status_code == 200
    html = response.content.decode()
    error = re.search(r'id="new-goal-need_area_error">([^<]*)<', html)
    assert error and "not one of the needs found by this person&#x27;s assessment" in error[1]
    assert "Stop drinking before visits</textarea>" in html
    assert plan.goals.count() == goals


def test_a_staff_step_needs_the_staff_member_and_keeps_what_was_typed(planning):
    client = login(planning.treatment_a)
    plan = _start(planning, client)
    goal = plan.goals.first()
    response = _post(client, "step_add", plan, goal.uuid, text="Weekly mentoring",
                     actor="staff", status="planned")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose the staff member who acts." in html
    assert "Weekly mentoring</textarea>" in html
    assert not Step.objects.filter(goal=goal).exists()

    response = _post(client, "step_add", plan, goal.uuid, text="Weekly mentoring",
                     actor="staff", actor_user=str(planning.treatment_a.uuid), status="planned")
    assert response.status_code == 302
    assert Step.objects.get(goal=goal).actor_user == planning.treatment_a


def test_a_step_from_another_jurisdictions_catalogue_is_refused(planning):
    client = login(planning.treatment_a)
    plan = _start(planning, client)
    goal = plan.goals.first()
    response = _post(client, "step_add", plan, goal.uuid, text="Mentoring", actor="prisoner",
                     status="planned", intervention=str(planning.elsewhere.uuid))
    assert response.status_code == 200
    assert "Choose an intervention of the person&#x27;s jurisdiction&#x27;s catalogue." in (
        response.content.decode())
    assert not Step.objects.filter(goal=goal).exists()


def test_adding_a_step_with_htmx_refreshes_the_plan_with_its_new_version(planning):
    client = login(planning.treatment_a)
    plan = _start(planning, client)
    goal = plan.goals.first()
    plan.refresh_from_db()
    response = client.post(reverse("plans:step_add", args=[plan.uuid, goal.uuid]), {
        "text": "Meet the imam", "actor": "prisoner", "status": "planned",
        "version": plan.version}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    plan.refresh_from_db()
    assert "Step added." in html and "Meet the imam" in html
    versions = set(re.findall(r'name="version" value="(\d+)"', html))
    assert versions == {str(plan.version)}


def test_goals_and_steps_are_changed_and_removed(planning):
    client = login(planning.treatment_a)
    plan = _start(planning, client)
    goal, other = plan.goals.all()[:2]
    _post(client, "step_add", plan, goal.uuid, text="Read", actor="prisoner", status="planned")
    step = goal.steps.get()
    assert _post(client, "step_edit", plan, step.uuid, text="Read two books", actor="agency",
                 actor_agency=str(planning.ngo.uuid), status="in_progress").status_code == 302
    step.refresh_from_db()
    assert (step.text, step.actor_agency, step.status) == ("Read two books", planning.ngo,
                                                           "in_progress")
    assert _post(client, "goal_edit", plan, goal.uuid, text="Reading", need_area=goal.need_area,
                 status="in_progress").status_code == 302
    assert Goal.objects.get(pk=goal.pk).text == "Reading"
    assert _post(client, "step_remove", plan, step.uuid).status_code == 302
    assert _post(client, "goal_remove", plan, other.uuid).status_code == 302
    assert not Step.objects.filter(pk=step.pk).exists()
    assert not Goal.objects.filter(pk=other.pk).exists()


def test_a_stale_version_answers_409_and_keeps_the_input(planning):
    client = login(planning.treatment_a)
    plan = _start(planning, client)
    plan.refresh_from_db()
    seen = plan.version
    _post(client, "plan_update", plan, summary="Changed by a colleague", review_every_months=3)
    goals = plan.goals.count()

    response = _post(client, "goal_add", plan, text="Keep a diary", need_area="ideology",
                     version=seen)

    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this record" in html
    assert "Keep a diary</textarea>" in html
    assert plan.goals.count() == goals


# --- countersignature ----------------------------------------------------------------------------

def test_the_author_cannot_countersign_their_own_plan(planning):
    w = planning
    manager = login(w.manager_a)
    plan = _start(w, manager)
    _complete(w, manager, plan)
    _post(manager, "plan_submit", plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    assert 'id="cs-h"' not in _page(manager, plan)

    assert _post(manager, "plan_countersign", plan).status_code == 403
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


def test_a_manager_returns_the_plan_with_comments_then_countersigns_it(planning):
    w = planning
    plan = _submitted(w)
    planner, manager = login(w.treatment_a), login(w.manager_a)
    assert 'id="cs-h"' in _page(manager, plan)
    assert _post(planner, "plan_countersign", plan).status_code == 403

    assert _post(manager, "plan_return", plan, comments="Add target dates.").status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    assert "Add target dates." in _page(planner, plan)

    _post(planner, "plan_submit", plan)
    assert _post(manager, "plan_countersign", plan).status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.COUNTERSIGNED and plan.countersigned_by == w.manager_a
    assert plan.next_review_on > TODAY
    page = _page(planner, plan)
    assert "countersigned by" in page and 'id="revise-h"' in page


def test_a_return_needs_comments_and_keeps_the_plan_submitted(planning):
    plan = _submitted(planning)
    response = _post(login(planning.manager_a), "plan_return", plan, comments="  ")
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


# --- the current plan: progress, reviews, versions -----------------------------------------------

def test_progress_and_a_review_are_recorded_on_the_current_plan(current_plan):
    w = current_plan
    client = login(w.treatment_a)
    step = Step.objects.filter(goal__plan=w.plan).first()
    assert _post(client, "progress", w.plan, step=str(step.uuid), status="done").status_code == 302
    step.refresh_from_db()
    assert step.status == "done"

    next_review = TODAY + datetime.timedelta(days=60)
    assert _post(client, "plan_review", w.plan, note="Mentoring well attended.",
                 reviewed_on=TODAY.isoformat(),
                 next_review_on=next_review.isoformat()).status_code == 302
    w.plan.refresh_from_db()
    assert w.plan.next_review_on == next_review
    assert PlanReview.objects.get(plan=w.plan).note == "Mentoring well attended."
    assert "Mentoring well attended." in _page(client, w.plan)


def test_a_review_in_the_future_is_refused_on_its_field(current_plan):
    w = current_plan
    response = _post(login(w.treatment_a), "plan_review", w.plan, note="Planned",
                     reviewed_on=(TODAY + datetime.timedelta(days=1)).isoformat(),
                     next_review_on=(TODAY + datetime.timedelta(days=90)).isoformat())
    assert response.status_code == 200
    assert "A review cannot be recorded before it happens." in response.content.decode()
    assert not PlanReview.objects.exists()


def test_the_case_team_reads_the_current_plan_but_records_nothing(current_plan):
    w = current_plan
    case_services.team_member_add(actor=w.manager_a, case=w.case_a,
                                  membership=Membership.objects.get(user=w.ngo_worker),
                                  team_role="Mentor", scopes=[])
    for reader in (w.security_a, w.ngo_worker):
        client = login(reader)
        page = _page(client, w.plan)
        assert "I want to try." in page and 'id="reviews-h"' in page
        assert 'name="status"' not in page and 'id="revise-h"' not in page
        step = Step.objects.filter(goal__plan=w.plan).first()
        assert _post(client, "progress", w.plan, step=str(step.uuid),
                     status="done").status_code == 403


def test_a_new_version_needs_a_reason_and_supersedes_the_old_one_when_countersigned(
        current_plan):
    w = current_plan
    planner, manager = login(w.treatment_a), login(w.manager_a)
    revise = reverse("plans:plan_revise", args=[w.plan.uuid])
    assert planner.get(revise).status_code == 200
    response = planner.post(revise, {"reason": " "})
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    assert Plan.objects.filter(person=w.person_a).count() == 1

    response = planner.post(revise, {"reason": "Transferred to the open wing"})
    new = Plan.objects.get(person=w.person_a, number=2)
    assert response.status_code == 302 and response.url == reverse("plans:plan", args=[new.uuid])
    page = _page(planner, new)
    assert "Changes version 1. Reason:" in page and "Transferred to the open wing" in page
    assert reverse("plans:plan", args=[w.plan.uuid]) in page  # the versions list

    assert _post(planner, "plan_position", new, position="could_not_answer").status_code == 302
    _post(planner, "plan_submit", new)
    assert _post(manager, "plan_countersign", new).status_code == 302
    w.plan.refresh_from_db()
    new.refresh_from_db()
    assert (w.plan.status, new.status) == (PlanStatus.SUPERSEDED, PlanStatus.COUNTERSIGNED)
    assert "Superseded: a later version" in _page(planner, w.plan)


def test_the_plan_warns_when_a_newer_assessment_exists(current_plan):
    w = current_plan
    client = login(w.treatment_a)
    assert "A newer assessment has been countersigned" not in _page(client, w.plan)
    countersigned_assessment(w, rating="high")
    assert "A newer assessment has been countersigned" in _page(client, w.plan)


def test_the_draft_is_not_shown_to_the_security_officer(current_plan):
    draft = draft_plan(current_plan)
    response = login(current_plan.security_a).get(reverse("plans:plan", args=[draft.uuid]))
    assert response.status_code == 404


# --- the catalogue -------------------------------------------------------------------------------

def test_the_catalogue_shows_the_users_jurisdiction_only(planning):
    page = login(planning.ngo_worker).get(reverse("plans:interventions")).content.decode()
    assert "Individual mentoring" in page and "Thinking skills" in page
    assert "Identity, belonging and meaning" in page  # need areas in the reader's words
    assert "Mentoring in J2" not in page
    other = login(planning.manager_other).get(reverse("plans:interventions")).content.decode()
    assert "Mentoring in J2" in other and "Individual mentoring" not in other


# --- the person page's section -------------------------------------------------------------------

def _person_page(user, person) -> str:
    response = login(user).get(reverse("people:detail", args=[person.uuid]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_planner_starts_the_plan_from_the_person_page(planning):
    page = _person_page(planning.treatment_a, planning.person_a)
    assert 'id="plan-h"' in page and "Start the plan" in page
    assert reverse("plans:plan_start", args=[planning.person_a.uuid]) in page


def test_the_section_shows_the_current_plan_to_the_treatment_officer_and_the_case_team(
        current_plan):
    w = current_plan
    case_services.team_member_add(actor=w.manager_a, case=w.case_a,
                                  membership=Membership.objects.get(user=w.ngo_worker),
                                  team_role="Mentor", scopes=[])
    for reader in (w.treatment_a, w.ngo_worker):
        page = _person_page(reader, w.person_a)
        assert 'id="plan-h"' in page and "Current plan, version 1" in page
        assert reverse("plans:plan_pdf", args=[w.plan.uuid]) in page
        assert "0 of 1 step done" in page and "Start the plan" not in page
    assert "New version" in _person_page(w.treatment_a, w.person_a)
    assert "New version" not in _person_page(w.ngo_worker, w.person_a)


def test_the_section_shows_the_version_in_preparation_to_its_planners(current_plan):
    draft = draft_plan(current_plan)
    page = _person_page(current_plan.treatment_a, current_plan.person_a)
    assert "Version 2 in preparation" in page
    assert reverse("plans:plan", args=[draft.uuid]) in page


def test_the_section_is_absent_without_the_case_team_compartment(current_plan):
    w = current_plan
    request = RequestFactory().get("/")
    request.user = w.treatment_a
    full = person_grant(w.treatment_a, w.person_a)
    assert any('id="plan-h"' in s.html for s in render_sections(request, w.person_a, full))
    identity_only = Grant(frozenset({Compartment.IDENTITY}), full.actions, full.agency)
    shown = render_sections(request, w.person_a, identity_only)
    assert shown and not any('id="plan-h"' in s.html for s in shown)


def test_every_form_on_the_plan_page_has_its_own_element_ids(current_plan):
    """Many forms share one page: a repeated id would tie a label to the wrong field."""
    w = current_plan
    client = login(w.treatment_a)
    for plan in (w.plan, draft_plan(w)):
        ids = re.findall(r'\sid="([^"]+)"', _page(client, plan))
        assert len(ids) > 20
        assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
