"""Escalation (issue 10): an observation with escalation indicators gives the facility's
analysts a task, tells the case manager and the security lead, and marks a reassessment due,
whose detail is security material. Reviewing closes the task and tells the observer their entry
was read. Tasks and notifications carry a reference and dates, never what was observed."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from alliance.accounts.models import Role, Sector
from alliance.assessments.models import AssessmentDue
from alliance.core.compartments import Compartment
from alliance.observations import services, work
from alliance.people.models import TimelineEvent
from alliance.work.models import Notification, Task, TaskStatus

from ..conftest import login
from ..factories import member
from . import builders
from .conftest import indicator

pytestmark = pytest.mark.django_db

VERBATIM = "VERBATIMMARKERQ said the guards would pay"
# The parameters a task or notification of dynamic security may carry: references and dates.
ALLOWED_PARAMS = {"reference", "observed_on", "expires_on", "due_on"}


def escalate(w, actor=None, codes=("threatens",)):
    return builders.observe(w, actor or w.security_a, verbatim=VERBATIM,
                            indicators=[indicator(code) for code in codes])


def told(kind):
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username",
                                                                   flat=True))


def test_an_indicator_gives_the_analysts_a_task(world):
    w = world
    observation = escalate(w)
    assert observation.escalated
    task = Task.objects.get(kind="observation_escalated")
    assert (task.assignee, task.assignee_agency, task.assignee_role, task.status) == (
        None, w.prison_a, Role.SECURITY_ANALYST, TaskStatus.OPEN)
    assert (task.source_type, task.source_uuid, task.person) == (
        "observations.observation", observation.uuid, w.person_a)
    assert task.due_on == timezone.localdate() + work.ESCALATION_REVIEW_WITHIN
    assert task.params == {"reference": w.person_a.reference}


def test_an_indicator_tells_the_case_manager_and_the_security_lead_not_the_observer(world):
    w = world
    # no prison manager in the security sector: the analysts are the security lead
    escalate(w)
    assert told("observation_escalated") == {"manager_a", "analyst_a"}


def test_the_security_lead_is_the_prison_manager_of_the_security_sector_when_there_is_one(world):
    w = world
    lead = member(w.prison_a, Role.PRISON_MANAGER, sector=Sector.SECURITY, username="lead_a")
    escalate(w, w.treatment_a)
    assert told("observation_escalated") == {"manager_a", lead.username}


def test_without_a_case_manager_the_agencys_case_managers_are_told(world):
    w = world
    w.case_a.case_manager = None
    w.case_a.save(update_fields=["case_manager"])
    other_manager = member(w.prison_a, Role.CASE_MANAGER, sector=Sector.MANAGEMENT,
                           username="cm_a")
    escalate(w)
    assert {"manager_a", other_manager.username} <= told("observation_escalated")


def test_an_indicator_marks_the_reassessment_due_with_a_security_detail(world):
    w = world
    AssessmentDue.objects.filter(person=w.person_a).delete()
    observation = escalate(w, codes=("threatens", "attack_talk"))
    due = AssessmentDue.objects.get(person=w.person_a)
    assert (due.reason, due.detail_compartment, due.due_on) == (
        "significant_event", Compartment.SECURITY, timezone.localdate())
    # a code and its parameters, not a sentence in the observer's language
    assert due.detail == "observation_escalated"
    assert sorted(due.detail_params["indicators"]) == ["attack_talk", "threatens"]
    assert due.detail_params["observed_on"] == \
        timezone.localtime(observation.observed_at).date().isoformat()
    assert VERBATIM not in json.dumps(due.detail_params)
    entry = TimelineEvent.objects.get(person=w.person_a, kind="observation_escalated")
    assert entry.compartment == Compartment.SECURITY


def test_an_observation_without_indicators_escalates_nothing(world):
    w = world
    AssessmentDue.objects.filter(person=w.person_a).delete()
    observation = builders.observe(w, w.security_a)
    assert not observation.escalated
    assert not Task.objects.filter(kind="observation_escalated").exists()
    assert not Notification.objects.filter(kind="observation_escalated").exists()
    assert not AssessmentDue.objects.filter(person=w.person_a).exists()


def test_an_indicator_added_in_a_correction_escalates_once(world):
    w = world
    observation = builders.own_new(w)
    observation = services.observation_update(actor=w.treatment_a, observation=observation,
                                              expected_version=observation.version,
                                              indicators=[indicator("recruits")])
    assert observation.escalated
    assert Task.objects.filter(kind="observation_escalated", status="open").count() == 1
    services.observation_update(actor=w.treatment_a, observation=observation,
                                expected_version=observation.version,
                                indicators=[indicator("recruits"), indicator("threatens")])
    assert Task.objects.filter(kind="observation_escalated").count() == 1
    assert Notification.objects.filter(kind="observation_escalated",
                                       recipient=w.manager_a).count() == 1


def test_reviewing_closes_the_task_and_tells_the_observer(world):
    w = world
    observation = escalate(w, w.treatment_a)
    builders.review(w, observation)
    task = Task.objects.get(kind="observation_escalated")
    assert (task.status, task.closed_by) == (TaskStatus.DONE, w.analyst_a)
    read = Notification.objects.get(kind="observation_read")
    assert read.recipient == w.treatment_a and read.target_uuid == observation.uuid
    assert read.params == {"reference": w.person_a.reference,
                           "observed_on": timezone.localtime(observation.observed_at)
                           .date().isoformat()}


def test_the_analyst_reviewing_their_own_entry_is_not_told(world):
    w = world
    observation = builders.observe(w, w.analyst_a)
    builders.review(w, observation)
    assert not Notification.objects.filter(kind="observation_read").exists()


def test_tasks_and_notifications_carry_references_and_dates_only(sharing_world):
    w = sharing_world
    observation = escalate(w, w.treatment_a)
    observation = builders.review(w, observation, feedback=VERBATIM)
    builders.share(w, summary=VERBATIM, recipients=[w.treatment_a, w.ngo_worker],
                   observations=[observation])
    rows = [*Task.objects.filter(kind__startswith="observation").values_list("params",
                                                                              flat=True),
            *Notification.objects.filter(kind__in=["observation_escalated", "observation_read",
                                                   "summary_shared"])
            .values_list("params", flat=True)]
    assert len(rows) >= 5
    for params in rows:
        assert set(params) <= ALLOWED_PARAMS, params
        assert "VERBATIMMARKERQ" not in json.dumps(params, ensure_ascii=False)


@pytest.fixture
def sharing_world(world):
    return builders.case_team(world)


# --- what the case manager and the treatment side see of it (pages) ------------------------------

def test_the_due_detail_of_an_escalation_is_not_shown_to_the_treatment_side(world):
    w = world
    AssessmentDue.objects.filter(person=w.person_a).delete()
    escalate(w, codes=("attack_talk",))
    client = login(w.treatment_a)
    pages = [client.get(reverse("people:detail", args=[w.person_a.uuid])),
             client.get(reverse("assessments:worklist"))]
    for response in pages:
        assert response.status_code == 200
        html = response.content.decode()
        assert "attack_talk" not in html and "escalation indicators:" not in html
        assert indicator("attack_talk").name not in html
        assert VERBATIM not in html
    # the kind of reason is theirs (the person page's assessment panel says it)
    assert "Significant new information" in pages[0].content.decode()


def test_the_due_detail_names_the_indicators_the_persons_jurisdiction_first(world):
    """The analyst reads the indicators by name in their language: the person's jurisdiction's
    own indicator before another jurisdiction's of the same code."""
    from alliance.observations.models import Indicator

    w = world
    AssessmentDue.objects.filter(person=w.person_a).delete()
    Indicator.objects.create(jurisdiction=w.prison_other.jurisdiction, code="local_sign",
                             name="Another place's sign")
    Indicator.objects.create(jurisdiction=w.person_a.jurisdiction, code="local_sign",
                             name="Draws the group's symbol", names={"sq": "Vizaton simbolin"})
    builders.observe(w, w.security_a, verbatim=VERBATIM, indicators=[
        Indicator.objects.get(jurisdiction=w.person_a.jurisdiction, code="local_sign"),
        indicator("attack_talk")])
    client = login(w.analyst_a)
    html = client.get(reverse("people:detail", args=[w.person_a.uuid])).content.decode()
    assert ("escalation indicators: Talks of planning an attack, or of martyrdom; Draws the "
            "group&#x27;s symbol") in html
    assert "Another place" not in html and "local_sign" not in html
    client.cookies["django_language"] = "sq"
    html = client.get(reverse("people:detail", args=[w.person_a.uuid])).content.decode()
    assert "Flet për planifikimin e një sulmi ose për martirizimin; Vizaton simbolin" in html


def test_the_case_manager_is_told_that_not_what(world):
    w = world
    escalate(w, codes=("attack_talk",))
    html = login(w.manager_a).get(reverse("work:notifications")).content.decode()
    assert w.person_a.reference in html and "escalation indicators" in html
    assert VERBATIM not in html and "attack_talk" not in html
    person_page = login(w.manager_a).get(reverse("people:detail", args=[w.person_a.uuid]))
    assert VERBATIM not in person_page.content.decode()
