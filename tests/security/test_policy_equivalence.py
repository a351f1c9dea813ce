"""One policy per object type: for every persona and every seeded object of every type, the
object is in the persona's list exactly when its detail answers 200 (and when the policy's
grant allows a read). The list filter and the object check cannot disagree."""

import pytest
from django.urls import reverse

from alliance.assessments import services as assessment_services
from alliance.assessments.access import AssessmentAction, assessments, screenings
from alliance.assessments.models import Assessment, Screening
from alliance.cases.access import cases
from alliance.cases.models import Case
from alliance.core.models import AuditEvent
from alliance.people.access import custody_episodes, persons
from alliance.people.models import Person
from alliance.site.audit_trail import audit_events
from alliance.work import services as work_services
from alliance.work.access import notification_policy, task_policy

from ..conftest import complete_ratings, login
from .test_canary_walk import PERSONAS, walk_world  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db

READ = {"assessments.assessment": AssessmentAction.VIEW_SUMMARY}


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
    return w


POLICIES = [persons, custody_episodes, cases, assessments, screenings, audit_events,
            task_policy, notification_policy]


def test_each_policys_list_and_object_check_agree(seeded):
    w = seeded
    for policy in POLICIES:
        model = policy.visible(w.treatment_a).model
        objects = list(model.objects.all())
        assert objects, f"nothing seeded for {policy.object_type}"
        read = READ.get(policy.object_type, "view")
        for persona in PERSONAS:
            user = getattr(w, persona)
            listed = set(policy.visible(user).values_list("pk", flat=True))
            for obj in objects:
                allowed = policy.grant(user, obj).can(read)
                assert (obj.pk in listed) == allowed, (
                    f"{policy.object_type} {obj.pk} for {persona}: listed={obj.pk in listed}, "
                    f"grant allows {read}={allowed}")


def _detail_status(client, kind, obj) -> int:
    url = {
        "person": lambda: reverse("api:person-detail", args=[obj.uuid]),
        "case": lambda: reverse("api:case-detail", args=[obj.uuid]),
        "assessment": lambda: reverse("api:assessment-detail", args=[obj.uuid]),
        "screening": lambda: reverse("assessments:screening", args=[obj.uuid]),
    }[kind]()
    return client.get(url).status_code


def _listed(client, kind, w) -> set:
    if kind == "person":
        return {r["uuid"] for r in client.get("/api/v1/persons/").json().get("results", [])}
    if kind == "case":
        return {r["uuid"] for r in client.get("/api/v1/cases/").json().get("results", [])}
    url = reverse("api:person-assessments" if kind == "assessment" else
                  "api:person-screenings", args=[w.person_a.uuid])
    return {r["uuid"] for r in client.get(url).json().get("results", [])}


def test_over_http_an_object_is_listed_exactly_when_its_detail_opens(seeded):
    w = seeded
    kinds = {"person": Person, "case": Case, "assessment": Assessment, "screening": Screening}
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
