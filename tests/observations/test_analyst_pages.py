"""The analyst's pages: review (the observer told, the escalation task closed), link and unlink,
archive, analyses (a stale edit is a 409), sharing a summary (and its refusals, each on its
field with the text kept), withdrawing it, and exporting a person's security record (audited as
an export with its purpose; analysts only)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from alliance.accounts.models import Role
from alliance.core.models import AuditEvent
from alliance.observations import pdf
from alliance.observations.models import (
    Analysis,
    ObservationLink,
    ObservationStatus,
    SharedSummary,
)
from alliance.work.models import Notification, Task, TaskStatus

from ..conftest import login
from . import builders
from .conftest import indicator, observe, reviewed

pytestmark = pytest.mark.django_db

SUMMARY = "Withdrawn before family visits; the team may see a low mood."


def url(name, *args, purpose=None):
    path = reverse(f"observations:{name}", args=args)
    return f"{path}?purpose={purpose}" if purpose else path


def errors(response, field) -> list:
    return response.context["form"].errors.get(field, [])


# --- review --------------------------------------------------------------------------------------

def test_reviewing_tells_the_observer_and_closes_the_escalation_task(world):
    w = world
    observation = observe(w, indicators=[indicator()])
    assert Task.objects.get(kind="observation_escalated").status == TaskStatus.OPEN
    client = login(w.analyst_a)
    client.get(url("observation", observation.uuid, purpose="review"))

    response = client.post(url("review", observation.uuid), {
        "version": observation.version, "feedback": "Thank you: useful detail."})
    assert response.status_code == 302
    assert response.url == url("observation", observation.uuid)
    observation.refresh_from_db()
    assert (observation.status, observation.reviewed_by, observation.feedback) == (
        ObservationStatus.REVIEWED, w.analyst_a, "Thank you: useful detail.")
    assert Task.objects.get(kind="observation_escalated").status == TaskStatus.DONE
    told = Notification.objects.get(kind="observation_read")
    assert (told.recipient, told.target_uuid) == (w.security_a, observation.uuid)
    event = AuditEvent.objects.filter(action="change", object_uuid=str(observation.uuid)).get()
    assert event.purpose == "review"  # the purpose stated when it was opened


def test_a_stale_review_is_a_conflict(world):
    w = world
    observation = observe(w)
    response = login(w.analyst_a).post(url("review", observation.uuid),
                                       {"version": observation.version - 1})
    assert response.status_code == 409
    observation.refresh_from_db()
    assert observation.status == ObservationStatus.NEW


def test_the_security_officer_may_not_review(world):
    w = world
    observation = observe(w)
    response = login(w.security_a).post(url("review", observation.uuid),
                                        {"version": observation.version})
    assert response.status_code == 403
    observation.refresh_from_db()
    assert observation.status == ObservationStatus.NEW


# --- links ---------------------------------------------------------------------------------------

def test_the_analyst_links_and_unlinks_two_observations(world):
    w = world
    first = reviewed(w, observe(w, verbatim="First"))
    second = reviewed(w, observe(w, verbatim="Second"))
    client = login(w.analyst_a)
    page = client.get(url("link", first.uuid, purpose="review"))
    assert page.status_code == 200 and str(second.uuid) in page.content.decode()

    response = client.post(url("link", first.uuid), {"other": str(second.uuid),
                                                     "note": "Same visitor."})
    assert response.status_code == 302
    link = ObservationLink.objects.get()
    assert {link.first, link.second} == {first, second} and link.note == "Same visitor."
    first.refresh_from_db()
    assert first.status == ObservationStatus.LINKED

    detail = client.get(url("observation", second.uuid)).content.decode()
    assert url("unlink", link.uuid) in detail
    response = client.post(url("unlink", link.uuid), {"back": str(second.uuid)})
    assert response.status_code == 302 and response.url == url("observation", second.uuid)
    assert not ObservationLink.objects.exists()


def test_an_observation_not_offered_cannot_be_linked(world):
    w = world
    first = reviewed(w, observe(w))
    new = observe(w)  # not reviewed: not a candidate
    response = login(w.analyst_a).post(url("link", first.uuid, purpose="review"),
                                       {"other": str(new.uuid)})
    assert response.status_code == 200
    assert errors(response, "other") == ["Choose one of the observations listed."]
    assert not ObservationLink.objects.exists()


def test_the_facilitys_observations_of_a_day_are_offered_too(world):
    w = world
    first = reviewed(w, observe(w))
    other_person = builders.security_reviewed(w)  # person A too; a day's list adds the rest
    page = login(w.analyst_a).get(
        url("link", first.uuid, purpose="review")
        + f"&on={timezone.localdate():%Y-%m-%d}").content.decode()
    assert str(other_person.uuid) in page


def test_only_an_analyst_links_or_unlinks(world):
    w = world
    link = builders.link(w)
    observation = builders.security_reviewed(w)
    officer = login(w.security_a)
    assert officer.get(url("link", observation.uuid, purpose="review")).status_code == 403
    assert officer.post(url("unlink", link.uuid)).status_code == 403
    assert login(w.treatment_b).post(url("unlink", link.uuid)).status_code == 404
    assert ObservationLink.objects.filter(pk=link.pk).exists()


# --- archive -------------------------------------------------------------------------------------

def test_the_analyst_archives_with_a_reason(world):
    w = world
    observation = reviewed(w, observe(w))
    client = login(w.analyst_a)
    empty = client.post(url("archive", observation.uuid, purpose="review"),
                        {"version": observation.version, "reason": ""})
    assert empty.status_code == 200 and errors(empty, "reason")
    response = client.post(url("archive", observation.uuid),
                           {"version": observation.version, "reason": "Shown to be false."})
    assert response.status_code == 302
    observation.refresh_from_db()
    assert (observation.status, observation.archived_reason) == (
        ObservationStatus.ARCHIVED, "Shown to be false.")


def test_archiving_a_new_observation_is_refused(world):
    w = world
    observation = observe(w)
    response = login(w.analyst_a).get(url("archive", observation.uuid, purpose="review"))
    assert response.status_code == 403


# --- analyses ------------------------------------------------------------------------------------

def test_the_analyst_writes_an_analysis_of_chosen_observations(world):
    w = world
    chosen = reviewed(w, observe(w))
    new = observe(w)  # not reviewed: not offered
    client = login(w.analyst_a)
    form = client.get(url("analysis_add", w.person_a.uuid, purpose="review"))
    page = form.content.decode()
    assert str(chosen.uuid) in page and str(new.uuid) not in page
    response = client.post(url("analysis_add", w.person_a.uuid), {
        "text": "He withdraws before visits.", "observations": [str(chosen.uuid)]})
    analysis = Analysis.objects.get()
    assert response.status_code == 302 and response.url == url("analysis", analysis.uuid)
    assert (analysis.author, analysis.text) == (w.analyst_a, "He withdraws before visits.")
    assert list(analysis.observations.all()) == [chosen]
    assert "He withdraws before visits." in client.get(response.url).content.decode()


def test_its_author_edits_an_analysis_and_a_stale_edit_is_a_conflict(world):
    w = world
    analysis = builders.analysis(w)
    client = login(w.analyst_a)
    client.get(url("analysis", analysis.uuid, purpose="review"))
    observation = builders.security_reviewed(w)
    saved = client.post(url("analysis", analysis.uuid), {
        "version": analysis.version, "text": "Revised reading.",
        "observations": [str(observation.uuid)]})
    assert saved.status_code == 302
    stale = client.post(url("analysis", analysis.uuid), {
        "version": analysis.version, "text": "Overwrites the revision?",
        "observations": [str(observation.uuid)]})
    assert stale.status_code == 409
    assert "Overwrites the revision?" in stale.content.decode()  # what was typed is kept
    analysis.refresh_from_db()
    assert (analysis.text, analysis.version) == ("Revised reading.", 2)


def test_the_security_officer_reads_an_analysis_but_may_not_change_it(world):
    w = world
    analysis = builders.analysis(w)
    officer = login(w.security_a)
    page = officer.get(url("analysis", analysis.uuid, purpose="review"))
    assert page.status_code == 200 and page.context["form"] is None
    assert officer.post(url("analysis", analysis.uuid), {
        "version": analysis.version, "text": "Mine now"}).status_code == 403
    assert login(w.security_a).get(
        url("analysis_add", w.person_a.uuid, purpose="review")).status_code == 403


# --- sharing -------------------------------------------------------------------------------------

def share_data(w, *, observations=(), recipients=None, roles=(), days=30, summary=SUMMARY):
    return {"summary": summary, "observations": [str(o.uuid) for o in observations],
            "recipients": [str(u.uuid) for u in ([w.treatment_a] if recipients is None
                                                  else recipients)],
            "roles": list(roles),
            "expires_on": (timezone.localdate() + datetime.timedelta(days=days)).isoformat()}


def share_post(w, data):
    client = login(w.analyst_a)
    client.get(url("share", w.person_a.uuid, purpose="case_conference"))
    return client.post(url("share", w.person_a.uuid), data)


def test_the_share_page_offers_the_case_team_not_the_security_side(world):
    w = builders.case_team(world)
    response = login(w.analyst_a).get(url("share", w.person_a.uuid, purpose="review"))
    offered = {value for value, _label in response.context["form"].fields["recipients"].choices}
    assert {str(u.uuid) for u in (w.treatment_a, w.manager_a, w.probation_officer,
                                  w.ngo_worker)} <= offered
    assert str(w.security_a.uuid) not in offered and str(w.analyst_a.uuid) not in offered
    default = response.context["form"].fields["expires_on"].initial
    assert default == timezone.localdate() + datetime.timedelta(days=90)
    page = response.content.decode()
    assert "no verbatim" in page and "Name no source" in page


def test_the_analyst_shares_a_summary_with_named_members(world):
    w = world
    basis = reviewed(w, observe(w, handling="3"))  # within the recording agency: treatment A is
    response = share_post(w, share_data(w, observations=[basis]))
    summary = SharedSummary.objects.get()
    assert response.status_code == 302 and response.url == url("summary", summary.uuid)
    assert (summary.summary, summary.shared_by) == (SUMMARY, w.analyst_a)
    assert [r.user for r in summary.recipients.all()] == [w.treatment_a]
    assert list(summary.observations.all()) == [basis]
    assert Notification.objects.filter(kind="summary_shared", recipient=w.treatment_a).exists()
    event = AuditEvent.objects.get(action="disclose", object_uuid=str(summary.uuid))
    assert event.purpose == "case_conference"


def test_a_member_outside_the_case_team_is_refused_with_the_text_kept(world):
    w = world  # probation is not on person A's case team
    response = share_post(w, share_data(w, recipients=[w.probation_officer]))
    assert response.status_code == 200
    assert "case team" in errors(response, "recipients")[0]
    assert SUMMARY in response.content.decode()
    assert not SharedSummary.objects.exists()


def test_an_observation_with_no_further_dissemination_cannot_be_drawn_on(world):
    w = world
    secret = reviewed(w, observe(w, handling="5"))
    response = share_post(w, share_data(w, observations=[secret]))
    assert "no further dissemination" in errors(response, "observations")[0]
    assert SUMMARY in response.content.decode()
    assert not SharedSummary.objects.exists()


def test_an_agency_only_handling_code_refuses_a_role(world):
    w = world
    agency_only = reviewed(w, observe(w, handling="3"))
    response = share_post(w, share_data(w, observations=[agency_only], recipients=[],
                                        roles=[Role.TREATMENT_OFFICER]))
    assert "name the recipients" in errors(response, "roles")[0]
    assert not SharedSummary.objects.exists()


@pytest.mark.parametrize("days, reason", [(-1, "after today"), (0, "after today"),
                                          (366, "at most 365 days")])
def test_an_expiry_in_the_past_or_too_far_is_refused(world, days, reason):
    w = world
    response = share_post(w, share_data(w, days=days))
    assert reason in errors(response, "expires_on")[0]
    assert not SharedSummary.objects.exists()


def test_the_security_officer_may_not_share(world):
    w = world
    response = login(w.security_a).post(url("share", w.person_a.uuid), share_data(w))
    assert response.status_code == 403
    assert not SharedSummary.objects.exists()


# --- withdrawing ---------------------------------------------------------------------------------

def test_a_withdrawn_summary_is_no_longer_read_and_its_recipient_is_told_why_not(world):
    w = world
    summary = builders.summary(w)
    recipient = login(w.treatment_a)
    assert recipient.get(url("summary", summary.uuid)).status_code == 200

    response = login(w.analyst_a).post(url("withdraw", summary.uuid), {
        "version": summary.version, "reason": "Shared with the wrong team."})
    assert response.status_code == 302
    summary.refresh_from_db()
    assert summary.withdrawn_by == w.analyst_a and summary.withdrawn_at is not None
    refused = recipient.get(url("summary", summary.uuid))
    assert refused.status_code == 403
    assert "withdrawn by the security sector" in refused.content.decode()
    assert "wrong team" not in refused.content.decode()


def test_a_stale_withdrawal_is_a_conflict_and_only_an_analyst_withdraws(world):
    w = world
    summary = builders.summary(w)
    assert login(w.security_a).post(url("withdraw", summary.uuid), {
        "version": summary.version, "reason": "No"}).status_code == 403
    stale = login(w.analyst_a).post(url("withdraw", summary.uuid), {
        "version": summary.version - 1, "reason": "Too late"})
    assert stale.status_code == 409
    summary.refresh_from_db()
    assert summary.withdrawn_at is None


# --- export --------------------------------------------------------------------------------------

def _weasyprint_or_skip():
    try:
        return pdf.load_weasyprint()
    except pdf.PdfUnavailable as exc:
        pytest.skip(f"WeasyPrint cannot run on this machine: {exc}")


def test_the_export_asks_for_a_purpose_first(world):
    w = world
    response = login(w.analyst_a).get(url("export", w.person_a.uuid))
    assert "observations/purpose.html" in [t.name for t in response.templates]
    assert not AuditEvent.objects.filter(action="export").exists()


def test_the_analyst_exports_the_record_audited_with_its_purpose(world):
    _weasyprint_or_skip()
    w = world
    builders.summary(w)
    builders.link(w)
    response = login(w.analyst_a).get(url("export", w.person_a.uuid, purpose="case_conference"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"].startswith("attachment;")
    assert w.person_a.reference in response["Content-Disposition"]
    event = AuditEvent.objects.get(action="export")
    assert (event.actor, event.person, event.purpose) == (w.analyst_a, w.person_a,
                                                          "case_conference")
    assert event.details["format"] == "pdf" and event.details["observations"] == 2


def test_the_printout_holds_the_record_and_the_reference_not_the_name(world):
    w = world
    builders.summary(w)
    from alliance.observations import selectors

    html = pdf.security_record_html({**selectors.export_data(w.analyst_a, w.person_a),
                                     "person": w.person_a, "exported_by": w.analyst_a,
                                     "purpose": "case_conference"})
    assert w.person_a.reference in html and "Said he would not go to the workshop." in html
    assert "He keeps to himself" in html and "A pattern of withdrawal" in html
    assert "Preparing a case conference" in html
    for identifying in ("Krasniqi", "Arben", "1705990450011"):
        assert identifying not in html


def test_the_security_officer_may_not_export(world):
    w = world
    response = login(w.security_a).get(url("export", w.person_a.uuid, purpose="review"))
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="export").exists()
    assert login(w.treatment_b).get(url("export", w.person_a.uuid)).status_code == 404
