"""The engagement pages as practitioners use them: enrol, plan and record sessions, offers and
refusals, the stage of change, "My sessions today" and the not-engaging worklist; and what each
member of the case team may read of them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from alliance.accounts.models import Membership
from alliance.cases import services as case_services
from alliance.plans import services
from alliance.plans.models import Enrolment, Offer, Session

from ..conftest import login

pytestmark = pytest.mark.django_db

NOTE = "NOTEMARKERQ"
RATIONALE = "RATIONALEMARKERQ"


def _on_the_team(w):
    """The NGO worker joins person A's case team with no scope: the case team's share only."""
    case_services.team_member_add(actor=w.manager_a, case=w.case_a, team_role="Mentor",
                                  scopes=[], membership=Membership.objects.get(user=w.ngo_worker))


def _record(client, session, **data):
    session.refresh_from_db()
    return client.post(reverse("plans:session_record", args=[session.uuid]),
                       {"version": session.version, **data})


REFUSAL = {"attendance": "refused", "reason": "distrust", "reason_words": "Not with them.",
           "strategy": "motivational_interviewing"}


# --- the treatment compartment -------------------------------------------------------------------

@pytest.fixture
def noted(enrolled):
    w = enrolled
    _on_the_team(w)
    services.session_record(actor=w.treatment_a, session=w.sessions[0], expected_version=None,
                            attendance="attended", note=NOTE, shared_summary="Came on time.")
    services.stage_record(actor=w.treatment_a, person=w.person_a, stage="contemplation",
                          assessed_on=datetime.date.today(), rationale=RATIONALE)
    return w


def _pages(w):
    return [reverse("people:detail", args=[w.person_a.uuid]),
            reverse("plans:session", args=[w.sessions[0].uuid]),
            reverse("plans:person_sessions", args=[w.person_a.uuid]),
            reverse("plans:stage", args=[w.person_a.uuid])]


@pytest.mark.parametrize("persona", ["security_a", "manager_a", "ngo_worker"])
def test_session_notes_and_the_rationale_are_kept_from_the_rest_of_the_case_team(noted, persona):
    client = login(getattr(noted, persona))
    responses = [client.get(url) for url in _pages(noted)]
    assert [r.status_code for r in responses] == [200] * 4
    person, session, history, stage = (r.content.decode() for r in responses)
    for html in (person, session, history, stage):
        assert NOTE not in html and RATIONALE not in html
    # What the case team shares: attendance, the shared summary, the stage itself.
    assert all("Came on time." in html for html in (person, session, history))
    assert "Contemplation" in stage and "Contemplation" in person


def test_the_treatment_officer_reads_the_notes_and_the_rationale(noted):
    client = login(noted.treatment_a)
    person, session, history, stage = (client.get(u).content.decode() for u in _pages(noted))
    assert NOTE in person and NOTE in session and NOTE in history
    assert RATIONALE in stage


def test_a_note_posted_by_someone_without_the_treatment_compartment_is_not_saved(enrolled):
    w = enrolled
    response = _record(login(w.manager_a), w.sessions[0], attendance="attended", note="Secret",
                       shared_summary="Attended.")
    assert response.status_code == 302
    w.sessions[0].refresh_from_db()
    assert w.sessions[0].attendance == "attended" and w.sessions[0].note == ""
    assert 'name="note"' not in login(w.manager_a).get(
        reverse("plans:session", args=[w.sessions[0].uuid])).content.decode()


# --- recording a session -------------------------------------------------------------------------

def test_recording_a_session_shows_what_was_recorded(enrolled):
    w = enrolled
    client = login(w.treatment_a)
    response = _record(client, w.sessions[0], attendance="attended", note="Spoke about work.",
                       shared_summary="Engaged well.", concern="on")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Engaged well." in page and "Spoke about work." in page
    assert "Attended" in page and "concern" in page
    # once recorded, changing the attendance asks for the reason of the correction
    assert 'name="correction_reason"' in page


def test_correcting_an_attendance_on_the_page_needs_its_reason_and_keeps_what_was_typed(
        enrolled):
    w = enrolled
    client = login(w.treatment_a)
    _record(client, w.sessions[0], attendance="not_produced")
    w.sessions[0].refresh_from_db()
    response = _record(client, w.sessions[0], attendance="attended",
                       shared_summary="He came after all.")
    assert response.status_code == 200
    page = response.content.decode()
    assert "say why it is corrected" in page and "He came after all." in page
    w.sessions[0].refresh_from_db()
    assert w.sessions[0].attendance == "not_produced"
    response = _record(client, w.sessions[0], attendance="attended",
                       correction_reason="Escorted late; the first entry was wrong.")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Attendance corrected" in page and "Escorted late" in page


def test_a_future_session_marked_attended_is_refused_with_the_field_error(enrolled):
    w = enrolled
    future = w.sessions[4]
    response = _record(login(w.treatment_a), future, attendance="attended",
                       shared_summary="Typed before the session.")
    assert response.status_code == 200
    html = response.content.decode()
    assert "This session has not happened yet" in html
    assert "Typed before the session." in html  # nothing typed is lost
    future.refresh_from_db()
    assert future.attendance == "" and future.shared_summary == ""


def test_a_stale_record_is_a_conflict_that_keeps_the_input(enrolled):
    w = enrolled
    services.session_record(actor=w.manager_a, session=w.sessions[0], expected_version=None,
                            attendance="attended")
    response = login(w.treatment_a).post(
        reverse("plans:session_record", args=[w.sessions[0].uuid]),
        {"version": 1, "shared_summary": "My late summary"})
    assert response.status_code == 409
    assert "My late summary" in response.content.decode()


def test_a_refusal_needs_the_reason_and_the_strategy_and_the_pattern_lands_on_the_worklist(
        enrolled):
    w = enrolled
    client = login(w.treatment_a)
    worklist = reverse("plans:not_engaging")
    assert _record(client, w.sessions[0], attendance="attended").status_code == 302
    # given: a refusal without its reason and strategy is refused, the words kept
    response = _record(client, w.sessions[1], attendance="refused", reason_words="Not today.")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Record the reason the person gave" in html and "Record the strategy" in html
    assert "Not today." in html
    # when: two refusals — no pattern yet (the person attended recently, so not drifting)
    for s in w.sessions[1:3]:
        assert _record(client, s, **REFUSAL).status_code == 302
    assert w.person_a.reference not in client.get(worklist).content.decode()
    # then: the third within thirty days makes the pattern
    assert _record(client, w.sessions[3], **REFUSAL).status_code == 302
    assert Offer.objects.filter(person=w.person_a, response="refused").count() == 3
    html = client.get(worklist).content.decode()
    assert w.person_a.reference in html
    assert "refused 3 times in 30 days" in html and "Motivational interviewing" in html
    person_page = client.get(reverse("people:detail", args=[w.person_a.uuid])).content.decode()
    assert "a refusal pattern" in person_page


def test_the_refusal_fields_are_marked_to_show_only_for_a_refusal(enrolled):
    html = login(enrolled.treatment_a).get(
        reverse("plans:session_record", args=[enrolled.sessions[0].uuid])).content.decode()
    assert 'class="refusal-form"' in html and 'class="if-refused' in html
    assert "plans/engagement.css" in html


# --- offers, the stage of change -----------------------------------------------------------------

def test_an_offer_refused_on_the_offers_page_needs_reason_and_strategy(planning):
    w = planning
    client = login(w.treatment_a)
    url = reverse("plans:offers", args=[w.person_a.uuid])
    data = {"offered_on": datetime.date.today().isoformat(), "response": "refused",
            "intervention": str(w.cbt.uuid), "reason_words": "Groups are not for me."}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Record the strategy you will try next." in response.content.decode()
    assert "Groups are not for me." in response.content.decode()
    response = client.post(url, {**data, "reason": "not_relevant",
                                 "strategy": "different_format"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Groups are not for me." in page and "A different format" in page


def test_the_case_team_reads_offers_but_only_planners_record_them(planning):
    w = planning
    _on_the_team(w)
    url = reverse("plans:offers", args=[w.person_a.uuid])
    page = login(w.ngo_worker).get(url)
    assert page.status_code == 200 and "Record an offer" not in page.content.decode()
    refused = login(w.ngo_worker).post(url, {"response": "accepted",
                                            "offered_on": datetime.date.today().isoformat()})
    assert refused.status_code == 403
    assert not Offer.objects.exists()


def test_the_stage_is_recorded_by_treatment_staff_with_guidance_for_each_stage(planning):
    w = planning
    url = reverse("plans:stage", args=[w.person_a.uuid])
    page = login(w.treatment_a).get(url).content.decode()
    assert "do not push" in page and "Record the stage of change" in page
    response = login(w.treatment_a).post(url, {
        "stage": "preparation", "assessed_on": datetime.date.today().isoformat(),
        "rationale": "Asked for the course."})
    assert response.status_code == 302
    assert login(w.security_a).post(url, {"stage": "action"}).status_code == 403
    assert "Record the stage of change" not in login(w.security_a).get(url).content.decode()


# --- enrolments and planning sessions ------------------------------------------------------------

def test_an_enrolment_in_another_jurisdictions_intervention_is_refused_on_the_form(
        current_plan):
    w = current_plan
    client = login(w.manager_a)
    url = reverse("plans:enrol", args=[w.person_a.uuid])
    step = w.plan.goals.first().steps.first()
    assert f'value="{step.uuid}">Attend mentoring' in client.get(url).content.decode()
    data = {"intervention": str(w.elsewhere.uuid), "practitioner": str(w.treatment_a.uuid),
            "started_on": datetime.date.today().isoformat(), "planned_sessions": "17"}
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose an intervention of the person&#x27;s jurisdiction&#x27;s catalogue." in html
    assert 'value="17"' in html
    assert not Enrolment.objects.exists()
    response = client.post(url, {**data, "intervention": str(w.mentoring.uuid),
                                 "step": str(step.uuid)})
    enrolment = Enrolment.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "plans:enrolment", args=[enrolment.uuid])
    assert enrolment.planned_sessions == 17 and enrolment.practitioner == w.treatment_a
    assert enrolment.step == step


def test_the_enrolment_page_plans_a_weekly_series_and_shows_attendance(enrolled):
    w = enrolled
    client = login(w.treatment_a)
    services.session_record(actor=w.treatment_a, session=w.sessions[0], expected_version=None,
                            attendance="attended")
    services.session_record(actor=w.treatment_a, session=w.sessions[1], expected_version=None,
                            attendance="not_produced")
    first = timezone.localtime() + datetime.timedelta(days=10)
    response = client.post(reverse("plans:schedule", args=[w.enrolment.uuid]), {
        "first_at": first.strftime("%Y-%m-%dT%H:%M"), "count": 3, "every_days": 7,
        "duration_minutes": 90})
    assert response.status_code == 302
    assert Session.objects.filter(enrolment=w.enrolment).count() == 8
    page = client.get(reverse("plans:enrolment", args=[w.enrolment.uuid])).content.decode()
    assert "<strong>50%</strong>" in page  # one attended of two the person could attend
    assert page.count(reverse("plans:session", args=[w.sessions[2].uuid])) == 1


def test_ending_an_enrolment_early_needs_a_reason(enrolled):
    w = enrolled
    client = login(w.treatment_a)
    url = reverse("plans:enrolment_end", args=[w.enrolment.uuid])
    data = {"version": w.enrolment.version, "status": "ended",
            "ended_on": datetime.date.today().isoformat()}
    response = client.post(url, data)
    assert response.status_code == 200 and "Say why it ended early." in response.content.decode()
    assert client.post(url, {**data, "reason": "Transferred."}).status_code == 302
    w.enrolment.refresh_from_db()
    assert w.enrolment.status == "ended"
    assert not Session.objects.filter(pk=w.sessions[4].pk).exists()  # the planned one went


# --- My sessions today ---------------------------------------------------------------------------

def test_sessions_today_lists_only_the_users_sessions_of_today(enrolled):
    w = enrolled
    noon = timezone.make_aware(datetime.datetime.combine(timezone.localdate(),
                                                         datetime.time(12)))
    mine = services.sessions_schedule(actor=w.treatment_a, enrolment=w.enrolment,
                                      first_at=noon)[0]
    theirs = services.sessions_schedule(actor=w.treatment_a, enrolment=w.enrolment,
                                        first_at=noon, facilitator=w.manager_a)[0]
    tomorrow = services.sessions_schedule(actor=w.treatment_a, enrolment=w.enrolment,
                                          first_at=noon + datetime.timedelta(days=1))[0]
    html = login(w.treatment_a).get(reverse("plans:sessions_today")).content.decode()
    assert reverse("plans:session_record", args=[mine.uuid]) in html
    assert str(theirs.uuid) not in html and str(tomorrow.uuid) not in html
    html = login(w.manager_a).get(reverse("plans:sessions_today")).content.decode()
    assert str(theirs.uuid) in html and str(mine.uuid) not in html


def test_the_menu_leads_caseworkers_to_their_sessions_and_the_worklist(world):
    html = login(world.ngo_worker).get(reverse("work:my_work")).content.decode()
    assert reverse("plans:sessions_today") in html and reverse("plans:not_engaging") in html
    assert reverse("plans:alliance_trends") not in html
    assert reverse("plans:not_engaging") not in login(world.dpo).get(
        reverse("work:my_work")).content.decode()


def test_the_person_page_lists_the_sessions_to_come_to_record_and_recorded_and_counts_refusals(
        enrolled):
    """The engagement section: the next five sessions to come, the five oldest past ones not
    recorded yet, the ten latest recorded (newest first), and the refusals within the
    jurisdiction's window — however many there are of each."""
    from alliance.people.access import person_grant
    from alliance.plans.selectors import engagement_section

    w = enrolled
    enrolment, now = w.sessions[0].enrolment, timezone.now()
    past = [*w.sessions[:4], *services.sessions_schedule(
        actor=w.treatment_a, enrolment=enrolment, count=14, every_days=1,
        first_at=now - datetime.timedelta(days=39))]
    future = [w.sessions[4], *services.sessions_schedule(
        actor=w.treatment_a, enrolment=enrolment, count=7, every_days=1,
        first_at=now + datetime.timedelta(days=10))]
    past.sort(key=lambda s: s.scheduled_at)
    recorded, pending = past[:12], past[12:]
    for s in recorded:
        services.session_record(actor=w.treatment_a, session=s, expected_version=None,
                                attendance="attended")
    today = timezone.localdate()
    for days_ago in (1, 2, 45):  # two refusals within the 30 days, one before
        services.offer_record(actor=w.treatment_a, person=w.person_a, response="refused",
                              offered_on=today - datetime.timedelta(days=days_ago), **{
                                  k: v for k, v in REFUSAL.items() if k != "attendance"})
    services.offer_record(actor=w.treatment_a, person=w.person_a, response="accepted",
                          offered_on=today)
    e = engagement_section(w.treatment_a, w.person_a,
                           person_grant(w.treatment_a, w.person_a))["engagement"]
    future.sort(key=lambda s: s.scheduled_at)
    assert [s.pk for s in e["upcoming"]] == [s.pk for s in future[:5]]
    assert [s.pk for s in e["to_record"]] == [s.pk for s in pending[:5]]
    assert [s.pk for s in e["recent"]] == [s.pk for s in reversed(recorded)][:10]
    assert e["refusals_in_window"] == 2 and not e["pattern"]
    assert len(e["offers"]) == 4
