"""One policy per object type: for every persona and every seeded object of every type, the
object is in the persona's list exactly when its detail answers 200 (and when the policy's
grant allows a read). The list filter and the object check cannot disagree."""

import datetime

import pytest
from django.urls import reverse

from alliance.assessments import services as assessment_services
from alliance.assessments.access import AssessmentAction, assessments, screenings
from alliance.assessments.models import Assessment, Screening
from alliance.cases.access import cases
from alliance.cases.models import Case
from alliance.coordination.agreements.access import agreements
from alliance.coordination.conferences.access import conference_actions, conferences
from alliance.coordination.referrals.access import referrals
from alliance.core import context
from alliance.core.models import AuditEvent
from alliance.core.policy import NO_GRANT
from alliance.knowledge.entries.access import entries
from alliance.knowledge.meetings.access import meetings
from alliance.knowledge.methodology.access import methodologies, versions
from alliance.knowledge.models import (
    KnowledgeEntry,
    Meeting,
    Methodology,
    MethodologyVersion,
    TrainingSession,
)
from alliance.knowledge.recommendations.access import recommendations
from alliance.knowledge.training.access import training_sessions
from alliance.observations.access import analyses, observations, summaries
from alliance.observations.models import Analysis, Observation, SharedSummary
from alliance.people import services as people_services
from alliance.people.access import custody_episodes, open_places, persons
from alliance.people.models import Person
from alliance.plans import services as plan_services
from alliance.plans.access import alliance_measures, enrolments, offers, plans, sessions, stages
from alliance.plans.models import AllianceMeasure, Enrolment, Plan, Session
from alliance.release import services as release_services
from alliance.release.access import follow_ups, handovers, release_steps, support_plans
from alliance.release.models import FollowUp, Handover, ReleaseStep
from alliance.site.audit_trail import audit_events
from alliance.work import services as work_services
from alliance.work.access import notification_policy, task_policy

from ..conftest import complete_ratings, login
from ..factories import member, person_fields
from ..knowledge import security_builders as kb
from ..observations import builders as security_builders
from ..release import builders as release_builders
from .test_canary_walk import PERSONAS, walk_world  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db

READ = {"assessments.assessment": AssessmentAction.VIEW_SUMMARY}


def _allows_read(policy, user, obj) -> bool:
    grant = policy.grant(user, obj)
    if policy is observations and obj.recorded_by_id == user.pk:
        # an observer outside the security compartment has their own entries listed (their
        # status, their corrections) without reading them as security material: any grant
        return grant != NO_GRANT
    return grant.can(READ.get(policy.object_type, "view"))


@pytest.fixture
def seeded(walk_world):  # noqa: F811 - the imported fixture
    w = walk_world
    submitted = assessment_services.assessment_start(actor=w.treatment_a, person=w.person_a,
                                                     instrument_version=w.version)
    complete_ratings(submitted, w.treatment_a)
    submitted = assessment_services.assessment_update(
        actor=w.treatment_a, assessment=submitted, expected_version=None,
        sources=[{"kind": "file", "description": "File"}], overall_judgement="low",
        judgement_rationale="R")
    w.submitted = assessment_services.assessment_submit(actor=w.treatment_a,
                                                        assessment=submitted,
                                                        expected_version=None)
    # a task assigned by role, and a notification, beside those the workflow created
    work_services.task_ensure(kind="follow_up", source=w.case_a, person=w.person_a,
                              agency=w.prison_a, role="security_officer", due_on=w.case_a.opened_at
                              .date(), params={"reference": w.person_a.reference},
                              created_by=w.manager_a)
    work_services.notify(recipient=w.ngo_worker, kind="task_assigned", person=w.person_a,
                         target=w.case_a, params={"reference": w.person_a.reference,
                                                  "due_on": w.case_a.opened_at.date()})
    # Person A has a current plan and its next version in draft (the walk planted them), an
    # enrolment with sessions, offers, a stage of change and an alliance measure. Person C, in
    # the same prison without a case, has a superseded, a current and a submitted version: the
    # draft is for its planners, the submitted one also for the managers who countersign.
    w.person_c = people_services.person_create(actor=w.manager_a, **person_fields(
        w.prison_a, given_name="Driton", national_id="2002991450012"))
    plan = plan_services.plan_start(actor=w.treatment_a, person=w.person_c)
    goal = plan_services.goal_save(actor=w.treatment_a, plan=plan, expected_version=None,
                                   text="Finish school")
    plan_services.step_save(actor=w.treatment_a, plan=plan, expected_version=None, goal=goal,
                            text="Enrol in classes", actor_kind="prisoner")
    for n in range(3):
        plan_services.plan_update(actor=w.treatment_a, plan=plan, expected_version=None,
                                  position="agreed", position_words="Yes")
        plan = plan_services.plan_submit(actor=w.treatment_a, plan=plan, expected_version=None)
        if n < 2:
            plan = plan_services.plan_countersign(actor=w.manager_a, plan=plan,
                                                  expected_version=None)
            plan = plan_services.plan_revise(actor=w.treatment_a, plan=plan,
                                             reason=f"Version {n + 2}")
    plan_services.offer_record(actor=w.treatment_a, person=w.person_a, response="accepted",
                               offered_on=w.case_a.opened_at.date(), intervention=w.cbt)
    assert set(Plan.objects.values_list("status", flat=True)) == {
        "draft", "submitted", "countersigned", "superseded"}
    # Dynamic security: the walk planted person A's; person C has an observation by security A
    # and one by treatment A, each reviewed, and a summary shared with manager A.
    theirs = [security_builders.review(w, security_builders.observe(w, actor, person=w.person_c))
              for actor in (w.security_a, w.treatment_a)]
    security_builders.share(w, recipients=[w.manager_a], observations=theirs,
                            person=w.person_c)
    seed_release(w)
    seed_knowledge(w)
    return w


def seed_release(w) -> None:
    """Release and after. Person A's records were planted by the walk (in custody: steps, the
    support plan, a handover withdrawn and one acknowledged; the follow-ups of an earlier
    release). Person R, held in prison A with probation on the case team, was released a month
    ago: probation is responsible, prison A keeps read access (its staff read, none works)."""
    from alliance.accounts.models import Membership
    from alliance.cases import services as case_services

    w.person_r = release_builders.held_person(
        w, prison=w.prison_a, actor=w.manager_a, months=2, given_name="Rexhep",
        family_name="Gashi", national_id="0303990450031")
    case = case_services.case_open(actor=w.manager_a, person=w.person_r)
    case_services.team_member_add(actor=w.manager_a, case=case, scopes=["identity"],
                                  team_role="Probation",
                                  membership=Membership.objects.get(user=w.probation_officer))
    release_services.support_plan_start(actor=w.probation_officer, person=w.person_r)
    handover = release_services.handover_send(actor=w.manager_a, person=w.person_r,
                                              to_agency=w.probation)
    release_services.handover_acknowledge(actor=w.probation_officer, handover=handover,
                                          expected_version=None)
    release_services.release_record(
        actor=w.manager_a, person=w.person_r, release_type="conditional",
        released_on=datetime.date.today() - datetime.timedelta(days=30))
    w.person_r.refresh_from_db()
    assert w.person_r.responsible_agency == w.probation


def seed_knowledge(w) -> None:
    """The knowledge base, beyond what the walk planted (entries: a draft, one submitted, one
    returned, a regional one submitted, a reviewed one of J1 and a reviewed recommendation of
    J2, one withdrawn, a published recommendation; a meeting; a methodology approved with its
    next version in draft, and one with only its draft; a session of J1's prison administration
    recorded, and one of prison J2 planned): a published entry of J2, a regional entry reviewed
    by the coordinator, a session planned by prison A (manager A's agency) and one of J1's
    prison administration that only treatment B attends (no persona's staff but theirs), and an
    upcoming meeting."""
    from alliance.accounts.models import Role
    from alliance.knowledge.models import EntryKind, EntryStatus
    from alliance.knowledge.training import services as training

    from ..knowledge.meetings import builders as meeting_builders
    from ..knowledge.training import builders as training_builders

    kb.published(kb.written(w.manager_other, jurisdiction=w.j2, title="Family days",
                            kind=EntryKind.LESSON_LEARNT), w.editor_j2, w.regional_coordinator)
    kb.reviewed(kb.written(w.probation_officer, jurisdiction=None, title="Mentors after release"),
                w.regional_coordinator)
    trainer_a = member(w.prison_a, Role.TRAINER, username="trainer_a")
    training.session_create(actor=trainer_a, agency=w.prison_a, course=training_builders.course(),
                            kind="certification", starts_on=training_builders.days(10),
                            place="Prison A")
    training_builders.session(w, attendees=[w.treatment_b], starts_on=training_builders.days(20))
    meeting_builders.meeting(w, title="Training on dynamic security", kind="training",
                             days_from_today=20)
    assert set(KnowledgeEntry.objects.values_list("status", flat=True)) == set(EntryStatus.values)


POLICIES = [persons, custody_episodes, cases, assessments, screenings, audit_events,
            task_policy, notification_policy, plans, enrolments, sessions, offers, stages,
            alliance_measures, observations, analyses, summaries, release_steps,
            support_plans, handovers, follow_ups, agreements, referrals, conferences,
            conference_actions,
            # the knowledge base, the methodology and training
            entries, meetings, recommendations, methodologies, versions, training_sessions]


def test_each_policys_list_and_object_check_agree(seeded):
    w = seeded
    problems = []
    for policy in POLICIES:
        model = policy.visible(w.treatment_a).model
        objects = list(model.objects.all())
        assert objects, f"nothing seeded for {policy.object_type}"
        for persona in PERSONAS:
            user = getattr(w, persona)
            listed = set(policy.visible(user).values_list("pk", flat=True))
            for obj in objects:
                allowed = _allows_read(policy, user, obj)
                if (obj.pk in listed) != allowed:
                    problems.append(
                        f"{type(policy).__name__} ({policy.object_type}) {obj} for {persona}: "
                        f"listed={obj.pk in listed}, grant allows a read={allowed}")
    assert not problems, "\n".join(problems)


# The person page's sections read a person's records with `for_person`, which decides the
# person's part of the rule in memory (people.access.person_scope): it must select exactly what
# `visible(user).filter(person=...)` selects, for every persona and every person.
PERSON_SCOPED = [assessments, screenings, plans, enrolments, sessions, offers, stages,
                 alliance_measures, summaries, referrals, conferences, conference_actions]


def test_for_person_selects_what_the_list_selects_for_that_person(seeded):
    w = seeded
    problems, compared = [], 0
    people = list(Person.objects.all())
    for policy in PERSON_SCOPED:
        model = policy.visible(w.treatment_a).model
        assert model.objects.exists(), f"nothing seeded for {policy.object_type}"
        for persona in PERSONAS:
            user = getattr(w, persona)
            for person in people:
                listed = set(policy.visible(user).filter(person=person)
                             .values_list("pk", flat=True))
                scoped = set(policy.for_person(user, person).values_list("pk", flat=True))
                compared += bool(listed)
                if listed != scoped:
                    problems.append(f"{policy.object_type} of {person} for {persona}: "
                                    f"visible {sorted(listed)}, for_person {sorted(scoped)}")
    assert not problems, "\n".join(problems)
    assert compared > 50  # most policies show someone something: the comparison is not empty


def test_a_person_is_found_by_uuid_exactly_when_listed(seeded):
    """PersonPolicy.visible_object (get_person_for_user's way in) decides in memory what
    `visible` decides in SQL."""
    w = seeded
    people = list(Person.objects.all())
    for persona in PERSONAS:
        user = getattr(w, persona)
        listed = set(persons.visible(user).values_list("pk", flat=True))
        found = {p.pk for p in people if persons.visible_object(user, p.uuid) is not None}
        assert found == listed, persona


def test_a_grant_taken_from_the_requests_places_is_the_grant_read_alone(seeded):
    """On a page the grant on a person takes the reader's places from the request's memo of all
    their places (people.access.open_places); alone, it reads this person's places. Both give
    the same compartments, actions and agency, for every persona and every person."""
    from alliance.cases import services as case_services

    w = seeded
    # The probation officer, on the team, manages the case: the grant knows the case is theirs.
    case_services.case_set_manager(actor=w.manager_a, case=w.case_a,
                                   case_manager=w.probation_officer, expected_version=None)
    people = list(Person.objects.select_related("responsible_agency"))
    problems, granted, placed = [], 0, 0
    for persona in PERSONAS:
        user = getattr(w, persona)
        alone = {p.pk: persons.grant(user, p) for p in people}
        token = context.activate(context.RequestContext(memo={context.WRITING_KEY: False}))
        try:
            placed += len(open_places(user))
            in_request = {p.pk: persons.grant(user, p) for p in people}
        finally:
            context.deactivate(token)
        granted += sum(bool(g.actions) for g in alone.values())
        problems += [f"{persona} on {p}: alone {alone[p.pk]}, in a request {in_request[p.pk]}"
                     for p in people if (alone[p.pk], getattr(alone[p.pk].agency, "pk", None))
                     != (in_request[p.pk], getattr(in_request[p.pk].agency, "pk", None))]
    assert not problems, "\n".join(problems)
    assert granted > 10 and placed >= 3  # neither empty grants nor a world without case teams


# Raw security material is read with a purpose (the API's header, the pages' parameter).
PURPOSE = {"HTTP_X_ALLIANCE_PURPOSE": "review"}


def _detail_status(client, kind, obj) -> int:
    if kind == "observation":
        return client.get(reverse("api:observation-detail", args=[obj.uuid]),
                          **PURPOSE).status_code
    if kind == "analysis":
        return client.get(reverse("observations:analysis", args=[obj.uuid]),
                          {"purpose": "review"}).status_code
    url = {
        "person": lambda: reverse("api:person-detail", args=[obj.uuid]),
        "case": lambda: reverse("api:case-detail", args=[obj.uuid]),
        "assessment": lambda: reverse("api:assessment-detail", args=[obj.uuid]),
        "screening": lambda: reverse("assessments:screening", args=[obj.uuid]),
        "plan": lambda: reverse("api:plan-detail", args=[obj.uuid]),
        "enrolment": lambda: reverse("plans:enrolment", args=[obj.uuid]),
        "session": lambda: reverse("api:session-detail", args=[obj.uuid]),
        "alliance measure": lambda: reverse("plans:alliance_measure", args=[obj.uuid]),
        "summary": lambda: reverse("observations:summary", args=[obj.uuid]),
    }[kind]()
    return client.get(url).status_code


PERSON_LISTS = {"assessment": "api:person-assessments", "screening": "api:person-screenings",
                "plan": "api:person-plans", "enrolment": "api:person-enrolments",
                "session": "api:person-sessions",
                "alliance measure": "api:person-alliance-measures"}


def _listed(client, kind, w) -> set:
    if kind == "person":
        return {r["uuid"] for r in client.get("/api/v1/persons/").json().get("results", [])}
    if kind == "case":
        return {r["uuid"] for r in client.get("/api/v1/cases/").json().get("results", [])}
    if kind == "summary":
        return {r["uuid"] for r in client.get(reverse("api:shared-summary-list"))
                .json().get("results", [])}
    if kind == "observation":
        return {r["uuid"] for person in (w.person_a, w.person_c) for r in client.get(
            reverse("api:person-observations", args=[person.uuid]), **PURPOSE)
            .json().get("results", [])}
    if kind == "analysis":  # the person's security record lists the analyses (links to them)
        pages = [client.get(reverse("observations:person_record", args=[person.uuid]),
                            {"purpose": "review"}) for person in (w.person_a, w.person_c)]
        html = "".join(p.content.decode() for p in pages if p.status_code == 200)
        return {str(a.uuid) for a in Analysis.objects.all() if str(a.uuid) in html}
    listed = set()
    for person in (w.person_a, w.person_c):
        url = reverse(PERSON_LISTS[kind], args=[person.uuid])
        listed |= {r["uuid"] for r in client.get(url).json().get("results", [])}
    return listed


RELEASE_KINDS = {
    # kind: (model, the list (per person, or across people), its rows' key, the detail)
    "release step": (ReleaseStep, "api:person-release-steps", "steps", "api:release-step-detail"),
    "follow-up": (FollowUp, "api:person-follow-ups", "results", "api:follow-up-detail"),
    "handover": (Handover, "api:handover-list", "results", "api:handover-detail"),
}


@pytest.mark.slow
def test_over_http_a_release_record_is_listed_exactly_when_its_detail_opens(seeded):
    w = seeded
    people = (w.person_a, w.person_c, w.person_r)
    problems = []
    for persona in PERSONAS:
        client = login(getattr(w, persona))
        for kind, (model, list_name, key, detail_name) in RELEASE_KINDS.items():
            urls = ([reverse(list_name)] if kind == "handover" else
                    [reverse(list_name, args=[p.uuid]) for p in people])
            listed = set()
            for url in urls:
                response = client.get(url)
                if response.status_code == 200:
                    listed |= {r["uuid"] for r in response.json()[key]}
            objects = list(model.objects.all())
            assert objects, kind
            for obj in objects:
                status = client.get(reverse(detail_name, args=[obj.uuid])).status_code
                if (str(obj.uuid) in listed) != (status == 200):
                    problems.append(f"{persona} {kind} {obj.uuid}: listed="
                                    f"{str(obj.uuid) in listed}, detail={status}")
    assert not problems, "\n".join(problems)


def test_the_prison_reads_a_released_persons_records_without_working_on_them(seeded):
    w = seeded
    for persona in ("treatment_a", "security_a", "analyst_a", "manager_a"):
        user = getattr(w, persona)
        for policy in (release_steps, support_plans, handovers, follow_ups):
            rows = policy.visible(user).filter(person=w.person_r)
            assert rows.exists(), (persona, policy.object_type)
            assert all(policy.grant(user, row).actions == {"view"} for row in rows), persona
    for persona in ("treatment_b", "ngo_worker", "manager_other", "regional_coordinator"):
        for policy in (release_steps, support_plans, handovers, follow_ups):
            assert not policy.visible(getattr(w, persona)).filter(person=w.person_r).exists()


@pytest.mark.slow
def test_over_http_an_object_is_listed_exactly_when_its_detail_opens(seeded):
    w = seeded
    kinds = {"person": Person, "case": Case, "assessment": Assessment, "screening": Screening,
             "plan": Plan, "enrolment": Enrolment, "session": Session,
             "alliance measure": AllianceMeasure, "observation": Observation,
             "analysis": Analysis, "summary": SharedSummary}
    problems = []
    for persona in PERSONAS:
        client = login(getattr(w, persona))
        for kind, model in kinds.items():
            listed = _listed(client, kind, w)
            for obj in model.objects.all():
                status = _detail_status(client, kind, obj)
                if (str(obj.uuid) in listed) != (status == 200):
                    problems.append(f"{persona} {kind} {obj.uuid}: listed="
                                    f"{str(obj.uuid) in listed}, detail={status}")
    assert not problems, "\n".join(problems)


def test_audit_events_are_read_by_their_dpo_alone(seeded):
    w = seeded
    event = AuditEvent.objects.filter(person=w.person_a).first()
    assert audit_events.grant(w.dpo, event).can("view")
    assert not audit_events.grant(w.treatment_a, event).can("view")


# --- the knowledge base, the methodology and training -------------------------------------------

def _all_rows(client, url) -> set | None:
    """The uuids of every page of an API list, or None when the list is refused."""
    rows, response = set(), client.get(url)
    if response.status_code != 200:
        return None
    while True:
        data = response.json()
        rows |= {r["uuid"] for r in data["results"]}
        if not data.get("next"):
            return rows
        response = client.get(data["next"])


def _versions_listed(client) -> set | None:
    """A methodology's page lists the versions the reader sees."""
    listed = _all_rows(client, reverse("api:methodology-list"))
    if listed is None:
        return None
    return {v["uuid"] for m in listed for v in client.get(
        reverse("api:methodology-detail", args=[m])).json()["versions"]}


KNOWLEDGE_KINDS = {
    # kind: (model, the list (uuids, or None when refused), the details: the API's and the page)
    "entry": (KnowledgeEntry, lambda c: _all_rows(c, reverse("api:knowledge-entry-list")),
              ("api:knowledge-entry-detail", "knowledge:entry_detail")),
    "meeting": (Meeting, lambda c: _all_rows(c, reverse("api:meeting-list")),
                ("api:meeting-detail", "knowledge:meeting_detail")),
    "methodology": (Methodology, lambda c: _all_rows(c, reverse("api:methodology-list")),
                    ("api:methodology-detail", "knowledge:methodology_detail")),
    "methodology version": (MethodologyVersion, _versions_listed,
                            ("api:methodology-version", "knowledge:methodology_version")),
    "training session": (TrainingSession,
                         lambda c: _all_rows(c, reverse("api:training-session-list")),
                         ("api:training-session-detail", "training:session_detail")),
}


def test_over_http_a_knowledge_record_is_listed_exactly_when_its_details_open(seeded):
    w = seeded
    problems = []
    for persona in PERSONAS:
        client = login(getattr(w, persona))
        for kind, (model, listed_by, details) in KNOWLEDGE_KINDS.items():
            listed = listed_by(client) or set()
            objects = list(model.objects.all())
            assert len(objects) > 1, kind
            for obj in objects:
                statuses = [client.get(reverse(name, args=[obj.uuid])).status_code
                            for name in details]
                if any((str(obj.uuid) in listed) != (status == 200) for status in statuses):
                    problems.append(f"{persona} {kind} {obj.uuid}: listed="
                                    f"{str(obj.uuid) in listed}, details={statuses}")
    assert not problems, "\n".join(problems)


def test_each_knowledge_record_is_seen_by_some_persona_and_hidden_from_another(seeded):
    """The seeded states are interesting: for every policy of the knowledge base but those
    whose records are every member's (meetings, published recommendations), some record is
    hidden from some persona who sees others."""
    w = seeded
    for policy in (entries, methodologies, versions, training_sessions):
        users = [getattr(w, p) for p in PERSONAS]
        seen = [set(policy.visible(u).values_list("pk", flat=True)) for u in users]
        assert any(seen) and any(s and s != set().union(*seen) for s in seen), (
            policy.object_type)
