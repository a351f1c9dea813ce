"""The conference pages and API, as every persona (the rows of matrix_pages.py), and what they
show: the carry-over, the minutes form keeping every input, the PDF without the name, the person
page's section, the audit of reads."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from alliance.accounts.models import Membership
from alliance.cases import services as case_services
from alliance.coordination.conferences import pdf
from alliance.coordination.models import CaseConference, ConferenceStatus
from alliance.core.models import AuditEvent

from ...conftest import login
from ...matrix import PERSONAS
from . import builders
from .matrix_pages import API_ROWS, ROWS

pytestmark = pytest.mark.django_db

IDENTIFYING = ("Krasniqi", "Arben", "1705990450011")


def _ngo_on_team(w):
    return case_services.team_member_add(
        actor=w.manager_a, case=w.case_a, membership=Membership.objects.get(user=w.ngo_worker),
        team_role="Mentor", scopes=[])


@pytest.mark.parametrize("name", sorted({**ROWS, **API_ROWS}))
def test_each_persona_gets_the_expected_status(name, world):
    _ngo_on_team(world)
    row = {**ROWS, **API_ROWS}[name]
    failures = []
    for persona in PERSONAS:
        client = Client() if persona == "anonymous" else login(getattr(world, persona))
        response = getattr(client, row.method)(row.url(world), row.data)
        if response.status_code != row.status_for(persona):
            failures.append(f"{persona}: expected {row.status_for(persona)}, "
                            f"got {response.status_code}")
    assert not failures, f"{name} {row.method.upper()}: " + "; ".join(failures)


def test_the_case_manager_schedules_from_the_page(world):
    w = world
    response = login(w.manager_a).post(
        reverse("coordination:conference_new", args=[w.person_a.uuid]),
        {"scheduled_for": builders.when(5).strftime("%Y-%m-%dT%H:%M"), "place": "Room 1",
         "purpose": "Agenda", "chair": str(w.manager_a.uuid),
         "attendees": [str(w.treatment_a.uuid)]})
    conference = CaseConference.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("coordination:conference_detail",
                                           args=[conference.uuid])
    assert {a.user for a in conference.attendees.all()} == {w.manager_a, w.treatment_a}


def test_the_next_conference_opens_with_the_open_actions(world):
    w = world
    action = builders.held_with_action(w)
    following = builders.schedule(w, days=30)
    page = login(w.manager_a).get(reverse("coordination:conference_detail",
                                          args=[following.uuid])).content.decode()
    assert "Open actions from earlier conferences" in page
    assert action.description in page
    assert reverse("coordination:action_close", args=[action.uuid]) in page


def test_the_minutes_form_keeps_every_input_when_refused(world):
    w = world
    conference = builders.scheduled(w)
    response = login(w.manager_a).post(
        reverse("coordination:conference_minutes", args=[conference.uuid]), {
            "version": conference.version, "held_on": timezone.localdate().isoformat(),
            "attended": [str(w.manager_a.uuid), str(w.probation_officer.uuid)],
            "summary": "A long discussion",
            "shared_category": ["plan_progress", ""], "shared_text": ["Weekly sessions", ""],
            "decision": ["Keep the plan"],
            "action_text": ["Find a flat"], "action_owner": [""], "action_due": [""]})
    page = response.content.decode()
    assert response.status_code == 200
    assert "needs an owner, a due date" in page
    for typed in ("A long discussion", "Weekly sessions", "Keep the plan", "Find a flat"):
        assert typed in page
    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.SCHEDULED


def test_the_minutes_are_recorded_from_the_page(world):
    w = world
    conference = builders.scheduled(w)
    due = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    response = login(w.manager_a).post(
        reverse("coordination:conference_minutes", args=[conference.uuid]), {
            "version": conference.version, "held_on": timezone.localdate().isoformat(),
            "attended": [str(w.manager_a.uuid), str(w.probation_officer.uuid)],
            "shared_category": ["release_support"], "shared_text": ["Housing"],
            "decision": ["Keep the plan"], "action_text": ["Find a flat"],
            "action_owner": [str(w.probation_officer.uuid)], "action_due": [due]})
    assert response.status_code == 302
    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.HELD
    assert conference.actions.get().owner == w.probation_officer


def test_a_stale_minutes_form_is_a_conflict(world):
    w = world
    conference = builders.scheduled(w)
    response = login(w.manager_a).post(
        reverse("coordination:conference_minutes", args=[conference.uuid]), {
            "version": conference.version + 5, "held_on": timezone.localdate().isoformat(),
            "attended": [str(w.manager_a.uuid)]})
    assert response.status_code == 409


def test_an_invited_attendee_sees_the_conference_but_not_the_person(world):
    w = world
    conference = builders.scheduled(w)
    client = login(w.probation_officer)
    assert client.get(reverse("coordination:conference_detail",
                              args=[conference.uuid])).status_code == 200
    assert client.get(reverse("people:detail", args=[w.person_a.uuid])).status_code == 404
    # the agreement ends: so does the attendee's view
    w.agreement.status = "terminated"
    w.agreement.save()
    assert client.get(reverse("coordination:conference_detail",
                              args=[conference.uuid])).status_code == 404


def test_the_pdf_has_the_reference_and_not_the_name(world):
    w = world
    conference = builders.scheduled(w)
    builders.hold(w, conference, shared=[("plan_progress", "Weekly sessions")],
                  decisions=["Keep the plan"])
    html = pdf.minutes_html(pdf.minutes_context(w.manager_a, conference))
    assert w.person_a.reference in html and "Weekly sessions" in html
    assert not any(word in html for word in IDENTIFYING)
    response = login(w.manager_a).get(reverse("coordination:conference_pdf",
                                              args=[conference.uuid]))
    if response.status_code == 302:
        pytest.skip("WeasyPrint cannot run on this machine")
    assert response["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(action="export",
                                     object_type="coordination.caseconference").exists()


def test_the_person_page_shows_the_section(world):
    w = world
    builders.held_with_action(w)
    builders.schedule(w, days=20)
    page = login(w.treatment_a).get(reverse("people:detail",
                                            args=[w.person_a.uuid])).content.decode()
    assert "Case conferences" in page and "Next conference" in page
    assert reverse("coordination:conference_list", args=[w.person_a.uuid]) in page


def test_the_section_reads_no_action_without_a_conference_nor_attendance_on_the_team(world):
    """On the case team, the person's conferences are all seen: whom the reader attends is not
    asked. With no conference, there is no action to read (an action is seen with its
    conference). Once there is one, its open actions are read and shown."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    w = world
    client = login(w.treatment_a)
    url = reverse("people:detail", args=[w.person_a.uuid])
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(url).content.decode()
    assert "Case conferences" in page
    reads = [q["sql"] for q in ctx.captured_queries
             if 'FROM "coordination_conferenceaction"' in q["sql"]
             or 'FROM "coordination_attendee"' in q["sql"]]
    assert reads == []
    builders.held_with_action(w)
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(url).content.decode()
    assert [q for q in ctx.captured_queries
            if 'FROM "coordination_conferenceaction"' in q["sql"]]
    assert "Open actions" in page


def test_reading_a_conference_is_audited(world):
    w = world
    conference = builders.scheduled(w)
    login(w.treatment_a).get(reverse("coordination:conference_detail", args=[conference.uuid]))
    event = AuditEvent.objects.filter(action="view", actor=w.treatment_a).latest("id")
    assert event.object_uuid == str(conference.uuid)
    assert event.person == w.person_a


def test_the_api_schedules_lists_and_details(world):
    w = world
    client = login(w.manager_a)
    url = reverse("api:person-conferences", args=[w.person_a.uuid])
    response = client.post(url, {"scheduled_for": builders.when(3).isoformat(),
                                 "attendees": [str(w.probation_officer.uuid)]},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert {a["agency"]["name"] for a in body["attendees"]} == {"Prison A", "Probation J1"}
    assert body["person"] == {"uuid": str(w.person_a.uuid), "reference": w.person_a.reference}
    listed = client.get(url).json()
    assert [c["uuid"] for c in listed] == [body["uuid"]]
    detail = client.get(reverse("api:conference-detail", args=[body["uuid"]])).json()
    assert detail["status"] == "scheduled" and "manage" in detail["allowed"]


def test_the_api_refuses_an_attendee_without_an_agreement(world):
    w = world
    worker = builders.municipality(w)
    response = login(w.manager_a).post(
        reverse("api:person-conferences", args=[w.person_a.uuid]),
        {"scheduled_for": builders.when(3).isoformat(), "attendees": [str(worker.uuid)]},
        content_type="application/json")
    assert response.status_code == 400
    assert "cannot attend" in response.content.decode()
