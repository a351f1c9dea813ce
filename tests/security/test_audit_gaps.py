"""What probing found in the audit trail: requests that failed before their audit row, events no
DPO could see, spreadsheet formulas in the export."""

import csv
import io

import pytest
from django.test import Client, override_settings
from django.urls import path, reverse

from alliance.accounts.models import Role
from alliance.core.models import AuditEvent
from alliance.observations import pdf
from alliance.site.audit_trail import audit_events, audit_events_visible_to
from alliance.urls import urlpatterns as site_urls

from ..conftest import login
from ..factories import member
from ..observations import builders as security_builders

pytestmark = pytest.mark.django_db


def _latest():
    return AuditEvent.objects.latest("id")


@pytest.mark.parametrize("url_name,params", [
    ("people:caseload", {"purpose": "\x00"}),
    ("people:caseload", {"classification": "\x00"}),
    ("people:caseload", {"category": "a\x00b"}),
    ("people:caseload", {"q": "Arben\x00"}),
    ("people:detail", {"purpose": "%00\x00"}),
    ("audit", {"actor": "\x00"}),
])
def test_a_control_character_in_a_query_is_a_logged_400(world, url_name, params):
    args = [world.person_a.uuid] if url_name == "people:detail" else []
    user = world.dpo if url_name == "audit" else world.treatment_a
    client = login(user)
    before = AuditEvent.objects.count()
    response = client.get(reverse(url_name, args=args), params)
    assert response.status_code == 400
    assert "control character" in response.content.decode()
    assert AuditEvent.objects.count() == before + 1
    event = _latest()
    assert (event.actor, event.outcome, event.details["reason"]) == (
        user, "denied", "invalid_characters")


def test_a_control_character_in_a_form_is_a_logged_400_and_nothing_is_saved(world):
    response = login(world.manager_a).post(reverse("people:classify", args=[
        world.person_a.uuid]), {"classification": "vep", "reason": "bad\x00input", "version": 1})
    assert response.status_code == 400
    world.person_a.refresh_from_db()
    assert world.person_a.classification == "at_risk"
    assert _latest().details["reason"] == "invalid_characters"


def test_a_control_character_in_an_api_query_is_a_json_400(world):
    response = login(world.treatment_a).get("/api/v1/persons/", {"classification": "\x00"})
    assert response.status_code == 400 and response.json()["detail"]


def test_the_purpose_is_stored_without_control_characters(world):
    from alliance.core import audit

    event = audit.record(actor=world.treatment_a, action="view", purpose="a\x00b\x07c",
                         details={"k\x00": ["v\x00"]})
    event.refresh_from_db()
    assert "\x00" not in event.purpose and "\x07" not in event.purpose
    assert event.details == {"k\ufffd": ["v\ufffd"]}


def _boom(request):
    raise RuntimeError("a bug")


@override_settings(ROOT_URLCONF=__name__)
def test_a_request_that_fails_with_an_error_leaves_an_event(world):
    client = login(world.treatment_a)
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    event = _latest()
    assert (event.actor, event.outcome, event.details["error"]) == (
        world.treatment_a, "error", "RuntimeError")


urlpatterns = [path("boom/", _boom), *site_urls]


def test_a_refused_look_at_a_person_reaches_that_persons_dpo_whoever_tried(world):
    # given: a regional coordinator (an agency with no jurisdiction) probes a person of J1
    response = login(world.regional_coordinator).get(
        reverse("people:detail", args=[world.person_a.uuid]))
    assert response.status_code == 404  # the same answer as for a person that does not exist
    event = _latest()
    assert event.outcome == "denied" and event.person == world.person_a
    # then: J1's DPO sees it; J2's does not
    assert audit_events_visible_to(world.dpo).filter(pk=event.pk).exists()
    other = member(world.prison_other, Role.DATA_PROTECTION_OFFICER)
    assert not audit_events_visible_to(other).filter(pk=event.pk).exists()


def test_events_tied_to_no_jurisdiction_reach_the_system_level_dpo(world):
    # given: a refused request that concerns no person, by a user with no jurisdiction
    assert login(world.regional_coordinator).get(reverse("people:caseload")).status_code == 403
    refused = _latest()
    assert refused.outcome == "denied" and refused.person is None
    # and: a failed sign-in on a name that is no account
    Client().post(reverse("account_login"), {"login": "nobody.here", "password": "x" * 12})
    unknown = AuditEvent.objects.filter(action="login_failed").latest("id")
    system_dpo = member(world.regional, Role.DATA_PROTECTION_OFFICER)
    visible = audit_events_visible_to(system_dpo)
    assert visible.filter(pk=refused.pk).exists() and visible.filter(pk=unknown.pk).exists()
    # but: neither the jurisdiction's DPO, nor the system-level DPO for J1's people
    assert not audit_events_visible_to(world.dpo).filter(pk__in=[refused.pk, unknown.pk]).exists()
    login(world.treatment_a).get(reverse("people:detail", args=[world.person_a.uuid]))
    assert not visible.filter(pk=_latest().pk).exists()


def test_the_csv_export_neutralises_formula_cells(world):
    formula = '=HYPERLINK("http://evil.example","click")'
    login(world.treatment_a).get(reverse("people:detail", args=[world.person_a.uuid]),
                                 {"purpose": formula})
    response = login(world.dpo).get(reverse("audit_export"))
    rows = list(csv.DictReader(io.StringIO(b"".join(response).decode())))
    purposes = [r["purpose"] for r in rows if "HYPERLINK" in r["purpose"]]
    assert purposes and all(p.startswith("'=") for p in purposes)
    for row in rows:
        assert not any(str(v).startswith(("=", "+", "-", "@")) for v in row.values())


def test_an_api_refusal_nobody_logged_is_logged(world):
    # the regional coordinator has no caseload: refused before any person is looked at
    client = login(world.regional_coordinator)
    response = client.get("/api/v1/persons/")
    assert response.status_code == 403
    event = _latest()
    assert (event.actor, event.outcome) == (world.regional_coordinator, "denied")
    assert event.details["path"] == "/api/v1/persons/"


def test_an_api_refusal_logged_by_the_access_function_is_logged_once(world):
    client = login(world.treatment_b)
    before = AuditEvent.objects.count()
    assert client.get(f"/api/v1/persons/{world.person_a.uuid}/").status_code == 404
    assert AuditEvent.objects.count() == before + 1


# --- dynamic security: every read of security material is logged, with its purpose ------------

def test_a_refused_look_at_an_observation_reaches_the_persons_dpo(world):
    observation = security_builders.security_new(world)
    for user in (world.treatment_b, world.treatment_a, world.manager_a, world.regional_coordinator):
        response = login(user).get(reverse("observations:observation", args=[observation.uuid]))
        assert response.status_code == 404
        event = _latest()
        assert (event.actor, event.outcome, event.object_type, event.person) == (
            user, "denied", "observations.observation", world.person_a)
        assert audit_events_visible_to(world.dpo).filter(pk=event.pk).exists()


def test_a_read_of_an_observation_is_one_event_with_its_purpose_for_the_dpo_alone(world):
    w = world
    observation = security_builders.security_new(w)
    client = login(w.analyst_a)
    before = _latest().pk
    response = client.get(reverse("observations:observation", args=[observation.uuid]),
                          {"purpose": "incident"})
    assert response.status_code == 200 and observation.verbatim in response.content.decode()
    event = AuditEvent.objects.get(pk__gt=before)
    assert (event.actor, event.action, event.object_type, event.object_uuid, event.person,
            event.purpose) == (w.analyst_a, "view", "observations.observation",
                               str(observation.uuid), w.person_a, "incident")
    assert audit_events.grant(w.dpo, event).can("view")
    assert not audit_events.grant(w.analyst_a, event).can("view")
    assert not audit_events.grant(w.security_a, event).can("view")
    # the purpose stays with the person for the shift: the next read carries it
    client.get(reverse("observations:person_record", args=[w.person_a.uuid]))
    assert (_latest().purpose, _latest().person) == ("incident", w.person_a)


def test_a_read_without_a_purpose_shows_the_chooser_not_the_material(world):
    observation = security_builders.security_new(world)
    response = login(world.security_a).get(reverse("observations:observation",
                                                   args=[observation.uuid]))
    assert response.status_code == 200
    assert observation.verbatim not in response.content.decode()
    assert "observations/purpose.html" in [t.name for t in response.templates]


def test_an_api_read_of_an_observation_without_a_purpose_is_a_400_without_the_text(world):
    observation = security_builders.security_new(world)
    client = login(world.analyst_a)
    url = reverse("api:observation-detail", args=[observation.uuid])
    response = client.get(url)
    assert response.status_code == 400 and response.json()["code"] == "purpose_required"
    assert observation.verbatim not in response.content.decode()
    response = client.get(url, HTTP_X_ALLIANCE_PURPOSE="assessment")
    assert response.status_code == 200
    event = _latest()
    assert (event.action, event.object_uuid, event.purpose) == ("view", str(observation.uuid),
                                                               "assessment")


def test_the_export_of_a_security_record_is_logged_as_an_export_with_its_purpose(world):
    security_builders.security_reviewed(world)
    response = login(world.analyst_a).get(reverse("observations:export",
                                                  args=[world.person_a.uuid]),
                                          {"purpose": "case_conference"})
    if response.status_code == 302:
        with pytest.raises(pdf.PdfUnavailable):
            pdf.security_record_pdf({})
        pytest.skip("WeasyPrint cannot run on this machine")
    assert response["Content-Type"] == "application/pdf"
    event = _latest()
    assert (event.actor, event.action, event.person, event.purpose) == (
        world.analyst_a, "export", world.person_a, "case_conference")


def test_a_control_character_in_the_purpose_of_a_security_page_is_a_logged_400(world):
    response = login(world.security_a).get(reverse("observations:person_record",
                                                   args=[world.person_a.uuid]),
                                           {"purpose": "incident\x00"})
    assert response.status_code == 400
    assert _latest().details["reason"] == "invalid_characters"


# --- release and after: every look at a release record, allowed or refused, reaches the DPO ----

RELEASE_TYPES = {"step": "release.releasestep", "handover": "release.handover",
                 "follow_up": "release.followup", "support_plan_edit": "release.supportplan",
                 "pathway_edit": "release.pathwayentry", "action_edit": "release.supportaction",
                 "condition_end": "release.supervisioncondition"}


def _release_records(w) -> dict:
    """Person A's release records: a step, the support plan (a pathway, an action, a
    condition), a handover acknowledged and, after the release forty days ago, a follow-up."""
    from alliance.release import services as release_services

    from ..release import builders as release_builders

    release_builders.ensure_releasing(w)
    step = release_builders.steps_by_code(w)["release_day"]
    plan = release_builders.support_plan_started(w)
    entry = plan.pathways.get(pathway="accommodation")
    action = release_services.action_add(actor=w.probation_officer, entry=entry,
                                         description="Find a room", agency=w.probation)
    condition = release_services.condition_add(actor=w.probation_officer, plan=plan,
                                               kind="reporting", detail="Weekly",
                                               starts_on=w.episode_a.expected_release)
    follow_up = release_builders.released_a_while_ago(w)["1w"]
    return {"step": step, "handover": w.handover, "follow_up": follow_up,
            "support_plan_edit": plan, "pathway_edit": entry, "action_edit": action,
            "condition_end": condition}


# A support plan's rows (pathway, action, condition) are reached through their plan
# (views/support.py `_through_plan`), which names the row's person in the refusal.
@pytest.mark.parametrize("page", sorted(RELEASE_TYPES))
def test_a_refused_look_at_a_release_record_reaches_the_persons_dpo(world, page):
    obj = _release_records(world)[page]
    for user in (world.treatment_b, world.regional_coordinator, world.manager_other):
        response = login(user).get(reverse(f"release:{page}", args=[obj.uuid]))
        assert response.status_code == 404
        event = _latest()
        assert (event.actor, event.outcome, event.object_type, event.object_uuid) == (
            user, "denied", RELEASE_TYPES[page], str(obj.uuid))
        assert event.person == world.person_a, (page, "the refusal does not name the person")
        assert audit_events_visible_to(world.dpo).filter(pk=event.pk).exists()


@pytest.mark.parametrize("page", ["step", "handover", "follow_up"])
def test_a_read_of_a_release_record_is_one_event_for_the_dpo_alone(world, page):
    obj = _release_records(world)[page]
    reader = world.probation_officer
    client = login(reader)
    before = _latest().pk
    response = client.get(reverse(f"release:{page}", args=[obj.uuid]))
    assert response.status_code == 200
    (event,) = AuditEvent.objects.filter(pk__gt=before)
    assert (event.actor, event.action, event.object_type, event.object_uuid, event.person) == (
        reader, "view", RELEASE_TYPES[page], str(obj.uuid), world.person_a)
    assert audit_events.grant(world.dpo, event).can("view")
    assert not audit_events.grant(reader, event).can("view")


def test_a_read_of_the_support_plan_names_the_plan_and_the_person(world):
    plan = _release_records(world)["support_plan_edit"]
    client = login(world.treatment_a)
    before = _latest().pk
    response = client.get(reverse("release:support_plan", args=[world.person_a.uuid]))
    assert response.status_code == 200
    (event,) = AuditEvent.objects.filter(pk__gt=before)
    assert (event.action, event.person) == ("view", world.person_a)
    assert f"release.supportplan:{plan.uuid}" in event.details.get("objects", []) or \
        event.object_uuid == str(plan.uuid)


# --- coordination: referrals and conferences, refused or read, reach the person's DPO ------------

def _coordination_records(w) -> dict:
    from ..coordination.conferences import builders as conference_builders
    from ..coordination.referrals import builders as referral_builders

    return {"referral_detail": (referral_builders.sent(w), "coordination.referral"),
            "conference_detail": (conference_builders.schedule(w),
                                  "coordination.caseconference")}


@pytest.mark.parametrize("page", ["referral_detail", "conference_detail"])
def test_a_refused_look_at_a_coordination_record_reaches_the_persons_dpo(world, page):
    obj, object_type = _coordination_records(world)[page]
    for user in (world.treatment_b, world.regional_coordinator, world.manager_other):
        response = login(user).get(reverse(f"coordination:{page}", args=[obj.uuid]))
        assert response.status_code == 404
        event = _latest()
        assert (event.actor, event.outcome, event.object_type, event.object_uuid) == (
            user, "denied", object_type, str(obj.uuid))
        assert event.person == world.person_a
        assert audit_events_visible_to(world.dpo).filter(pk=event.pk).exists()


@pytest.mark.parametrize("page", ["referral_detail", "conference_detail"])
def test_a_read_across_agencies_is_one_event_and_its_disclosure(world, page):
    """The NGO reads the referral sent to it; the probation officer, invited but not on the
    case team, the conference: one audit event naming the person each; the conference read
    through the agreement is a disclosure of its own (the referral's was logged on sending)."""
    from alliance.people.models import Disclosure

    obj, object_type = _coordination_records(world)[page]
    reader = world.ngo_worker if page == "referral_detail" else world.probation_officer
    client = login(reader)
    before = _latest().pk
    response = client.get(reverse(f"coordination:{page}", args=[obj.uuid]))
    assert response.status_code == 200
    (event,) = AuditEvent.objects.filter(pk__gt=before)
    assert (event.actor, event.action, event.object_type, event.person) == (
        reader, "view", object_type, world.person_a)
    assert audit_events.grant(world.dpo, event).can("view")
    read = Disclosure.objects.filter(object_uuid=str(obj.uuid), recipient=reader)
    if page == "referral_detail":
        assert not read.exists()
    else:
        (row,) = read
        assert (row.channel, row.categories, row.agreement, row.recipient_agency) == (
            "conference", ["case_team"], world.agreement, world.probation)
