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


# --- the knowledge base, the methodology and training: every write and every export leaves its
# row; a refusal reaches the DPO of the one who tried; no text is kept in the trail --------------

def _events_since(last_id) -> list:
    return list(AuditEvent.objects.filter(id__gt=last_id).order_by("id"))


def _kb(world):
    from ..knowledge import security_builders as kb

    return kb.knowledge_staff(world)


def _entry_writes(w) -> list:
    """(name, the write, the action and object type its row must have), in workflow order: an
    entry written, changed, translated, linked, given a file and losing it, submitted, returned,
    submitted again, reviewed, published and withdrawn; a draft written and deleted."""
    from alliance.knowledge.entries import services as s
    from alliance.plans.models import Intervention

    from ..knowledge.security_builders import text_file

    mentoring = Intervention.objects.create(jurisdiction=w.j1, code="MENTOR", name="Mentoring",
                                            type="exit_mentoring", format="individual")
    a, c, ed = w.treatment_a, w.regional_coordinator, w.editor_j1
    state = {}

    def text(**more):
        return {"kind": "good_practice", "jurisdiction": w.j1, "target_group": "vep",
                "title": "Weekly conversations", "description": "They built trust.",
                "themes": ["motivation"], **more}

    def create():
        state["e"] = s.entry_create(actor=a, language="en", **text())
        return state["e"]

    def attach():
        state["file"] = s.attachment_add(actor=a, entry=state["e"],
                                         upload=text_file("notes.txt", "Notes"))
        return state["file"]

    def doomed():
        state["doomed"] = s.entry_create(actor=a, language="en", **text(title="Doomed"))
        return state["doomed"]

    def entry():
        return state["e"]

    entry_type, file_type = "knowledge.knowledgeentry", "knowledge.attachment"
    return [
        ("create", create, "create", entry_type),
        ("update", lambda: s.entry_update(actor=a, entry=entry(), expected_version=None,
                                          **text(findings="Fewer incidents")),
         "change", entry_type),
        ("translate", lambda: s.translation_save(actor=a, entry=entry(), language="sq",
                                                 title="Biseda", description="Besim"),
         "change", entry_type),
        ("translation delete", lambda: s.translation_delete(actor=a, entry=entry(),
                                                            language="sq"),
         "change", entry_type),
        ("link", lambda: s.entry_link_interventions(actor=a, entry=entry(),
                                                    interventions=[mentoring]),
         "change", entry_type),
        ("attach", attach, "create", file_type),
        ("remove a file", lambda: s.attachment_remove(actor=a, entry=entry(),
                                                      attachment=state["file"]),
         "delete", file_type),
        ("submit", lambda: s.entry_submit(actor=a, entry=entry(), expected_version=None),
         "change", entry_type),
        ("return", lambda: s.entry_return(actor=ed, entry=entry(), expected_version=None,
                                          note="Say more about the setting."),
         "change", entry_type),
        ("submit again", lambda: s.entry_submit(actor=a, entry=entry(), expected_version=None),
         "change", entry_type),
        ("review", lambda: s.entry_review(actor=ed, entry=entry(), expected_version=None),
         "change", entry_type),
        ("publish", lambda: s.entry_publish(actor=c, entry=entry(), expected_version=None),
         "change", entry_type),
        ("withdraw", lambda: s.entry_withdraw(actor=c, entry=entry(), expected_version=None,
                                              reason="Superseded by a newer study."),
         "change", entry_type),
        ("create a draft", doomed, "create", entry_type),
        ("delete the draft", lambda: s.entry_delete(actor=a, entry=state["doomed"]),
         "delete", entry_type),
    ]


def test_each_write_to_a_knowledge_entry_leaves_its_audit_row(world):
    w = _kb(world)
    for name, write, action, object_type in _entry_writes(w):
        last = _latest().pk
        obj = write()
        uuid = str(obj.uuid) if obj is not None and hasattr(obj, "uuid") else None
        rows = [(e.action, e.object_type, e.object_uuid, e.outcome)
                for e in _events_since(last)]
        assert any(r[:2] == (action, object_type) and r[3] == "success"
                   and (uuid is None or r[2] == uuid) for r in rows), (name, rows)


def test_each_write_of_meetings_adoption_methodology_and_training_leaves_its_audit_row(world):
    import datetime

    from alliance.knowledge.meetings import services as meetings
    from alliance.knowledge.methodology import services as methodology
    from alliance.knowledge.models import EntryKind
    from alliance.knowledge.recommendations.services import adoption_set
    from alliance.knowledge.training import services as training

    from ..knowledge.builders import entry
    from ..knowledge.training import builders as training_builders

    w = _kb(world)
    c = w.regional_coordinator
    rec = entry(c, kind=EntryKind.RECOMMENDATION)
    today = datetime.date.today()
    state = {}

    def keep(key, value):
        state[key] = value
        return value

    writes = [
        ("meeting", lambda: keep("m", meetings.meeting_create(
            actor=c, kind="working_group", title="Working group", starts_on=today,
            place="Skopje")), "create", "knowledge.meeting"),
        ("meeting change", lambda: meetings.meeting_update(
            actor=c, meeting=state["m"], expected_version=None, kind="working_group",
            title="Working group 2", starts_on=today, place="Skopje"),
         "change", "knowledge.meeting"),
        ("meeting delete", lambda: meetings.meeting_delete(actor=c, meeting=state["m"]),
         "delete", "knowledge.meeting"),
        ("adoption", lambda: adoption_set(actor=c, entry=rec, jurisdiction=w.j1,
                                          status="adopted", expected_version=None),
         "create", "knowledge.recommendationadoption"),
        ("methodology", lambda: keep("mm", methodology.methodology_create(
            actor=c, title="Common methodology")), "create", "knowledge.methodology"),
        ("chapter", lambda: keep("ch", methodology.chapter_add(
            actor=w.editor_j1, version=state["mm"].versions.get(), title="Principles",
            body="Assessment first.")), "create", "knowledge.chapter"),
        ("chapter change", lambda: methodology.chapter_update(
            actor=w.editor_j1, chapter=state["ch"], expected_version=None, title="Principles",
            body="Assessment first, then the plan."), "change", "knowledge.chapter"),
        ("approval", lambda: methodology.version_approve(
            actor=c, version=state["mm"].versions.get(), expected_version=None),
         "change", "knowledge.methodologyversion"),
        ("new version", lambda: methodology.version_start(actor=c, methodology=state["mm"]),
         "create", "knowledge.methodologyversion"),
        ("session", lambda: keep("s", training_builders.session(w)), "create",
         "knowledge.trainingsession"),
        ("attendees", lambda: keep("s", training.attendees_set(
            actor=w.trainer, session=state["s"], users=[w.treatment_a],
            expected_version=None)), "change", "knowledge.trainingsession"),
        ("results", lambda: training_builders.record(w, state["s"],
                                                     {w.treatment_a: "passed"}),
         "change", "knowledge.trainingsession"),
    ]
    for name, write, action, object_type in writes:
        last = _latest().pk
        write()
        rows = [(e.action, e.object_type, e.outcome) for e in _events_since(last)]
        assert (action, object_type, "success") in rows, (name, rows)


def _export_event(client, url, **params) -> AuditEvent:
    """The one event a GET of an export leaves (its body read to the end)."""
    last = _latest().pk
    response = client.get(url, params)
    assert response.status_code == 200, url
    b"".join(response) if response.streaming else response.content
    (event,) = _events_since(last)
    return event


def test_downloading_an_attachment_is_one_export_event(world):
    from ..knowledge import security_builders as kb

    w = _kb(world)
    e = kb.written(w.treatment_a, jurisdiction=w.j1, title="Weekly conversations",
                   attachment=("notes.txt", "Notes"))
    attachment = e.attachments.get()
    client = login(w.treatment_a)
    for url in (reverse("knowledge:attachment_download", args=[e.uuid, attachment.uuid]),
                reverse("api:knowledge-attachment", args=[e.uuid, attachment.uuid])):
        event = _export_event(client, url)
        assert (event.actor, event.action, event.object_type, event.object_uuid,
                event.details["entry"]) == (w.treatment_a, "export", "knowledge.attachment",
                                            str(attachment.uuid), str(e.uuid))
        assert audit_events_visible_to(w.dpo).filter(pk=event.pk).exists()


def test_the_exports_of_recommendations_and_staff_training_are_export_events(world):
    from alliance.knowledge.models import EntryKind

    from ..knowledge.builders import entry

    w = _kb(world)
    entry(w.regional_coordinator, kind=EntryKind.RECOMMENDATION)
    event = _export_event(login(w.treatment_a), reverse("knowledge:recommendation_export"))
    assert (event.actor, event.action, event.details["object_type"]) == (
        w.treatment_a, "export", "knowledge.recommendationadoption")
    event = _export_event(login(w.manager_a), reverse("training:staff_export"))
    assert (event.actor, event.action, event.details["export"], event.details["staff"]) == (
        w.manager_a, "export", "staff_training", 4)
    assert all(audit_events_visible_to(w.dpo).filter(pk=e.pk).exists()
               for e in AuditEvent.objects.filter(action="export"))


def test_printing_a_version_of_the_methodology_is_an_export_event(world):
    from alliance.knowledge.methodology import pdf as methodology_pdf

    from ..knowledge import security_builders as kb

    w = _kb(world)
    _m, v1, v2 = kb.methodology_with_draft(w.regional_coordinator)
    for user, version in ((w.treatment_a, v1), (w.regional_coordinator, v2)):
        client = login(user)
        url = reverse("knowledge:methodology_version_pdf", args=[version.uuid])
        response = client.get(url)
        if response.status_code == 302:
            with pytest.raises(methodology_pdf.PdfUnavailable):
                methodology_pdf.render_document({})
            pytest.skip("WeasyPrint cannot run on this machine")
        event = _export_event(client, url)
        assert (event.actor, event.action, event.object_type, event.object_uuid,
                event.details["status"]) == (user, "export", "knowledge.methodologyversion",
                                             str(version.uuid), version.status)
    # a draft is no one's to print but its writers': refused, and the refusal logged
    client = login(w.treatment_a)
    last = _latest().pk
    response = client.get(reverse("knowledge:methodology_version_pdf", args=[v2.uuid]))
    assert response.status_code == 404
    (event,) = _events_since(last)
    assert (event.actor, event.outcome, event.object_uuid) == (w.treatment_a, "denied",
                                                               str(v2.uuid))


@pytest.mark.parametrize("kind", ["entry", "attachment", "version", "session"])
def test_a_refused_look_at_a_knowledge_record_reaches_the_dpo_of_the_one_who_tried(world, kind):
    from ..knowledge import security_builders as kb

    w = _kb(world)
    e = kb.written(w.treatment_a, jurisdiction=w.j1, title="Weekly conversations",
                   attachment=("notes.txt", "Notes"))
    _m, _v1, v2 = kb.methodology_with_draft(w.regional_coordinator)
    session = kb.recorded_session(w, attendees=[w.treatment_a])
    url, object_type, uuid = {
        "entry": (reverse("knowledge:entry_detail", args=[e.uuid]),
                  "knowledge.knowledgeentry", e.uuid),
        "attachment": (reverse("knowledge:attachment_download",
                               args=[e.uuid, e.attachments.get().uuid]),
                       "knowledge.knowledgeentry", e.uuid),
        "version": (reverse("knowledge:methodology_version", args=[v2.uuid]),
                    "knowledge.methodologyversion", v2.uuid),
        "session": (reverse("training:session_detail", args=[session.uuid]),
                    "knowledge.trainingsession", session.uuid),
    }[kind]
    client = login(w.treatment_b)
    last = _latest().pk
    assert client.get(url).status_code == 404
    (event,) = _events_since(last)
    assert (event.actor, event.outcome, event.object_type, event.object_uuid) == (
        w.treatment_b, "denied", object_type, str(uuid))
    assert audit_events_visible_to(w.dpo).filter(pk=event.pk).exists()


def test_a_knowledge_write_keeps_its_texts_out_of_the_audit_trail(world):
    """The trail keeps field names, never the values (docs/architecture.md, "Audit trail"): it
    is exported whole to the DPO and can never be corrected. A text the author confirmed past
    the person-data check's warning (here person A's name), later taken out, must not stay in
    it; nor may a draft's words reach a DPO the draft is not for."""
    from alliance.knowledge.entries import services as entries
    from alliance.knowledge.methodology import services as methodology

    from ..knowledge import security_builders as kb

    w = _kb(world)
    name = f"{w.person_a.given_name} {w.person_a.family_name}"
    last = _latest().pk
    e = kb.written(w.treatment_a, jurisdiction=w.j1, title="Talking with Arben",
                   description=f"{name} asked for the sessions.", findings="QUIETFINDINGS",
                   attachment=("notes.txt", "Notes"))
    entries.entry_update(actor=w.treatment_a, entry=e, expected_version=None,
                         kind="good_practice", jurisdiction=w.j1, target_group="vep",
                         title="Weekly conversations", description="A man asked for them.",
                         themes=["motivation"], confirmed=True)
    kb.returned(e, w.editor_j1, note="QUIETRETURNNOTE")
    _m, _v1, v2 = kb.methodology_with_draft(w.regional_coordinator)
    methodology.chapter_add(actor=w.editor_j1, version=v2, title="QUIETCHAPTERTITLE",
                            body="QUIETCHAPTERBODY")
    export = b"".join(login(w.dpo).get(reverse("audit_export"))).decode()
    kept = [f"{e.action} {e.object_type}: {word}" for e in _events_since(last)
            for word in (w.person_a.family_name, "QUIETFINDINGS", "QUIETRETURNNOTE",
                         "QUIETCHAPTERTITLE", "QUIETCHAPTERBODY")
            if word in str(e.details)]
    assert not kept, "\n".join(kept)
    assert w.person_a.family_name not in export


# --- monitoring: every answer with figures, and every refusal, leaves its one event ----------------

def _monitoring(w):
    """The snapshots of this month and the last (person A's records), a system-level DPO (the
    regional programme's: the coordinators' events concern no jurisdiction) and a regional
    coordinator who also manages prison B."""
    import datetime

    from django.utils import timezone

    from alliance.accounts.models import Sector
    from alliance.monitoring import snapshots

    today = timezone.localdate()
    snapshots.compute(today.replace(day=1) - datetime.timedelta(days=1), today)
    w.system_dpo = member(w.regional, Role.DATA_PROTECTION_OFFICER)
    w.coordinator_manager = member(w.regional, Role.REGIONAL_COORDINATOR)
    w.coordinator_manager.memberships.create(agency=w.prison_b, roles=[Role.PRISON_MANAGER],
                                             sector=Sector.MANAGEMENT)
    return w


def _this_month() -> str:
    from django.utils import timezone

    return f"{timezone.localdate():%Y-%m}"


# (who, the address, the action, the details beyond the period) of each answer with figures;
# "{a}" is prison A's id.
MONITORING_SHOWN = {
    "agency page": ("manager_a", "/monitoring/agency/{a}/", "view",
                    {"level": "facility", "format": "html"}),
    "agency csv": ("manager_a", "/monitoring/agency/{a}/export.csv", "export",
                   {"level": "facility", "format": "csv"}),
    "agency xlsx": ("manager_a", "/monitoring/agency/{a}/export.xlsx", "export",
                    {"level": "facility", "format": "xlsx"}),
    "agency API": ("manager_a", "/api/v1/statistics/?level=facility&agency={a}", "view",
                   {"level": "facility", "api": True}),
    "region page": ("regional_coordinator", "/monitoring/region/", "view",
                    {"level": "region", "format": "html"}),
    "region csv": ("regional_coordinator", "/monitoring/region/export.csv", "export",
                   {"level": "region", "format": "csv"}),
    "region xlsx": ("regional_coordinator", "/monitoring/region/export.xlsx", "export",
                    {"level": "region", "format": "xlsx"}),
    "donors' report": ("regional_coordinator", "/monitoring/region/report.pdf", "export",
                       {"level": "region", "format": "pdf"}),
    "region API": ("regional_coordinator", "/api/v1/statistics/?level=region", "view",
                   {"level": "region", "api": True}),
    "jurisdiction page": ("regional_coordinator", "/monitoring/jurisdiction/J1/", "view",
                          {"level": "jurisdiction", "format": "html", "jurisdiction": "J1"}),
    "jurisdiction csv": ("regional_coordinator", "/monitoring/jurisdiction/J1/export.csv",
                         "export", {"level": "jurisdiction", "format": "csv",
                                    "jurisdiction": "J1"}),
    "jurisdiction xlsx": ("regional_coordinator", "/monitoring/jurisdiction/J2/export.xlsx",
                          "export", {"level": "jurisdiction", "format": "xlsx",
                                     "jurisdiction": "J2"}),
    "jurisdiction API": ("regional_coordinator",
                         "/api/v1/statistics/?level=jurisdiction&jurisdiction=J2", "view",
                         {"level": "jurisdiction", "api": True, "jurisdiction": "J2"}),
}


@pytest.mark.parametrize("name", sorted(MONITORING_SHOWN))
def test_each_answer_with_monitoring_figures_is_one_event_for_the_right_dpo(world, name):
    w = _monitoring(world)
    persona, address, action, details = MONITORING_SHOWN[name]
    user = getattr(w, persona)
    period = _this_month()
    url = address.format(a=w.prison_a.uuid)
    url += ("&" if "?" in url else "?") + f"period={period}"
    client = login(user)
    last = _latest().pk
    response = client.get(url)
    if name == "donors' report" and response.status_code == 302:
        pytest.skip("WeasyPrint cannot run on this machine")
    assert response.status_code == 200
    b"".join(response) if response.streaming else response.content
    (event,) = _events_since(last)
    assert (event.actor, event.action, event.outcome, event.object_type, event.person) == (
        user, action, "success", "monitoring.statistics", None)
    # the level, the period and the format: never a figure
    assert event.details == {**details, "period": period}
    if persona == "manager_a":  # an agency's figures: that agency's, its jurisdiction's DPO
        assert (event.object_uuid, event.agency) == (str(w.prison_a.uuid), w.prison_a)
        assert audit_events_visible_to(w.dpo).filter(pk=event.pk).exists()
    else:  # the anonymous figures: the coordinator's programme, the system-level DPO
        assert (event.object_uuid, event.agency) == ("", w.regional)
        assert audit_events_visible_to(w.system_dpo).filter(pk=event.pk).exists()
        assert not audit_events_visible_to(w.dpo).filter(pk=event.pk).exists()


# (who is refused, the address, how) for every kind of monitoring refusal: a level the user
# does not see, an agency they do not manage, the definitions to who sees no figure at all.
MONITORING_REFUSED = [
    ("regional_coordinator", "/monitoring/agency/{a}/", "get"),
    ("regional_coordinator", "/monitoring/agency/{a}/export.xlsx", "get"),
    ("regional_coordinator", "/monitoring/agency/{a}/recompute/", "post"),
    ("regional_coordinator", "/api/v1/statistics/?level=facility&agency={a}", "get"),
    ("manager_other", "/monitoring/agency/{a}/", "get"),
    ("manager_other", "/monitoring/agency/{a}/export.csv", "get"),
    ("manager_other", "/monitoring/agency/{a}/recompute/", "post"),
    ("manager_other", "/api/v1/statistics/?level=facility&agency={a}", "get"),
    ("manager_a", "/monitoring/region/", "get"),
    ("manager_a", "/monitoring/region/export.csv", "get"),
    ("manager_a", "/monitoring/region/report.pdf", "get"),
    ("manager_a", "/monitoring/jurisdiction/J1/", "get"),
    ("manager_a", "/monitoring/jurisdiction/J1/export.xlsx", "get"),
    ("manager_a", "/api/v1/statistics/?level=region", "get"),
    ("coordinator_manager", "/monitoring/region/", "get"),
    ("coordinator_manager", "/monitoring/jurisdiction/J2/export.csv", "get"),
    ("coordinator_manager", "/api/v1/statistics/?level=jurisdiction&jurisdiction=J2", "get"),
    ("treatment_a", "/monitoring/", "get"),
    ("treatment_a", "/monitoring/agency/{a}/", "get"),
    ("treatment_a", "/monitoring/indicators/", "get"),
    ("treatment_a", "/monitoring/indicators/screened/", "get"),
    ("treatment_a", "/api/v1/indicators/", "get"),
    ("dpo", "/api/v1/indicators/screened/", "get"),
    ("dpo", "/monitoring/region/report.pdf", "get"),
]


@pytest.mark.parametrize("persona,address,method", MONITORING_REFUSED)
def test_each_monitoring_refusal_is_one_event_for_the_dpo_of_the_one_who_tried(
        world, persona, address, method):
    w = _monitoring(world)
    user = getattr(w, persona)
    url = address.format(a=w.prison_a.uuid)
    client = login(user)
    last = _latest().pk
    response = getattr(client, method)(url)
    assert response.status_code == 403
    (event,) = _events_since(last)
    assert (event.actor, event.outcome, event.object_type, event.person) == (
        user, "denied", "monitoring.statistics", None)
    if "/agency/" in url or "level=facility" in url:  # the agency asked for is named
        assert event.object_uuid == str(w.prison_a.uuid)
    dpo = w.system_dpo if persona.startswith(("regional", "coordinator")) else w.dpo
    if persona == "manager_other":  # prison J2's staff: J2's DPO
        dpo = member(w.prison_other, Role.DATA_PROTECTION_OFFICER)
    assert audit_events_visible_to(dpo).filter(pk=event.pk).exists()


def test_recomputing_a_period_is_one_change_event_naming_no_person(world):
    w = _monitoring(world)
    url = f"/monitoring/agency/{w.prison_a.uuid}/recompute/"
    client = login(w.manager_a)
    last = _latest().pk
    response = client.post(url, {"period": _this_month()})
    assert response.status_code == 302
    (event,) = _events_since(last)
    assert (event.actor, event.action, event.outcome, event.object_type, event.person) == (
        w.manager_a, "change", "success", "monitoring.snapshot", None)
    assert (event.details["first"], event.details["last"], event.details["reason"]) == (
        _this_month(), _this_month(), "manager")
    assert audit_events_visible_to(w.dpo).filter(pk=event.pk).exists()


@pytest.mark.parametrize("url", ["/monitoring/region/", "/monitoring/region/export.csv",
                                 "/api/v1/statistics/?level=region"])
def test_a_control_character_in_a_monitoring_period_is_a_logged_400(world, url):
    w = _monitoring(world)
    client = login(w.regional_coordinator)
    last = _latest().pk
    response = client.get(url, {"period": "2026\x00"})
    assert response.status_code == 400
    (event,) = _events_since(last)
    assert (event.actor, event.outcome, event.details["reason"]) == (
        w.regional_coordinator, "denied", "invalid_characters")
