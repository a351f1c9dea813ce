"""The assessment pages as a practitioner uses them: screen, rate with htmx, submit, countersign."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from alliance.assessments.models import AssessmentDue, InstrumentVersion, Screening
from alliance.core.models import AuditEvent

from ..conftest import complete_ratings, login, profile_complete

pytestmark = pytest.mark.django_db


def _screening_data(definition, outcome="refer_full_assessment", **extra):
    data = {"occasion": "intake", "outcome": outcome, "rationale": "Observed over two weeks"}
    for item in definition.items:
        data[f"item_{item.code}"] = "absent"
    if definition.bias_check:
        for q in definition.bias_check.questions:
            data[f"bias_{q.code}"] = "no"
    data.update(extra)
    return data


def test_a_treatment_officer_screens_and_a_referral_puts_the_person_on_the_worklist(assessing):
    client = login(assessing.treatment_a)
    url = reverse("assessments:screen", args=[assessing.person_a.uuid])
    page = client.get(url).content.decode()
    assert "Bias check" in page and "Not an indicator" in page
    definition = assessing.instruments.screening.parsed
    response = client.post(url, _screening_data(definition))
    assert response.status_code == 302
    assert Screening.objects.get(person=assessing.person_a).outcome == "refer_full_assessment"
    due = AssessmentDue.objects.get(person=assessing.person_a)
    assert due.reason == "screening_referral" and due.due_on == datetime.date.today()
    worklist = client.get(reverse("assessments:worklist")).content.decode()
    assert assessing.person_a.reference in worklist


def test_monitoring_needs_a_review_date_and_nothing_is_saved_without_it(assessing):
    client = login(assessing.treatment_a)
    url = reverse("assessments:screen", args=[assessing.person_a.uuid])
    data = _screening_data(assessing.instruments.screening.parsed, outcome="monitor")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Give the date of the review." in response.content.decode()
    assert "Observed over two weeks" in response.content.decode()  # the input is kept
    assert not Screening.objects.exists()


def test_a_security_officer_may_not_screen_or_read_the_assessment(assessing):
    client = login(assessing.security_a)
    assert client.get(reverse("assessments:screen",
                              args=[assessing.person_a.uuid])).status_code == 403
    # A draft is the treatment compartment's alone: to others it does not exist (as in lists).
    assert client.get(reverse("assessments:detail",
                              args=[assessing.draft.uuid])).status_code == 404


def test_another_prisons_officer_gets_404(assessing):
    client = login(assessing.treatment_b)
    assert client.get(reverse("assessments:detail",
                              args=[assessing.draft.uuid])).status_code == 404


def test_rating_an_item_is_a_small_htmx_request_that_returns_the_item(assessing):
    """A format-1 item, posted without the page's prefix (a client posting one item)."""
    client = login(assessing.treatment_a)
    url = reverse("assessments:rate_item", args=[assessing.draft.uuid, "BA1"])
    response = client.post(url, {"rating": "high", "evidence": "Said so in interview",
                                 "stamp": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="choices-BA1"' in html and "Saved at" in html and "<html" not in html
    assert len(html) < 6000
    assert "1 of 26 items rated" in html  # the progress line is swapped out of band
    bad = client.post(url, {"rating": "extreme", "stamp": ""}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 422
    assert "this rating is not on the item" in bad.content.decode()


def test_a_stale_item_rating_answers_409_and_shows_the_saved_one(assessing):
    client = login(assessing.treatment_a)
    url = reverse("assessments:rate_item", args=[assessing.draft.uuid, "BA1"])
    client.post(url, {"rating": "high", "evidence": "Interview", "stamp": ""},
                HTTP_HX_REQUEST="true")
    stale = client.post(url, {"rating": "low", "evidence": "Interview", "stamp": ""},
                        HTTP_HX_REQUEST="true")
    assert stale.status_code == 409
    assert "A co-assessor saved this item after you opened the page" in stale.content.decode()


def test_the_whole_workflow_through_the_pages(assessing):
    assessor, manager = login(assessing.treatment_a), login(assessing.manager_a)
    a = assessing.draft
    complete_ratings(a, assessing.treatment_a)
    detail = reverse("assessments:detail", args=[a.uuid])
    assert "Before you can submit" in assessor.get(detail).content.decode()
    a.refresh_from_db()
    assessor.post(reverse("assessments:add_source", args=[a.uuid]), {
        "kind": "interview", "description": "Interview, 3 November", "version": a.version})
    a.refresh_from_db()
    assessor.post(reverse("assessments:summary", args=[a.uuid]), {
        "formulation": "FORMULATIONQ", "overall_judgement": "high", "judgement_rationale": "R",
        "consensus_note": "", "version": a.version})
    a.refresh_from_db()
    assert (a.overall_judgement, len(a.sources)) == ("high", 1)
    assessor.post(reverse("assessments:submit", args=[a.uuid]), {"version": a.version})
    a.refresh_from_db()
    assert a.status == "submitted"
    assert a.person.reference in manager.get(reverse("assessments:worklist")).content.decode()
    manager.post(reverse("assessments:countersign", args=[a.uuid]), {"version": a.version})
    a.refresh_from_db()
    assert a.status == "countersigned"
    person_page = assessor.get(reverse("people:detail", args=[a.person.uuid])).content.decode()
    assert "High concern" in person_page and "Needs identified" in person_page
    # The case-team summary reaches a team member without the treatment compartment.
    from alliance.accounts.models import Membership
    from alliance.cases import services as case_services

    case_services.team_member_add(actor=assessing.manager_a, case=assessing.case_a,
                                  membership=Membership.objects.get(user=assessing.ngo_worker),
                                  team_role="Mentor", scopes=[])
    ngo = login(assessing.ngo_worker)
    page = ngo.get(reverse("people:detail", args=[a.person.uuid])).content.decode()
    assert "High concern" in page
    # The link opens the case team's summary: the judgement, not the ratings or evidence.
    summary = ngo.get(reverse("assessments:detail", args=[a.uuid]))
    assert summary.status_code == 200
    text = summary.content.decode()
    assert "High concern" in text and "Evidence" not in text and "FORMULATIONQ" not in text


def test_a_returned_assessment_shows_the_comments(assessing):
    complete_ratings(assessing.draft, assessing.treatment_a)
    from alliance.assessments import services

    a = services.assessment_update(actor=assessing.treatment_a, assessment=assessing.draft,
                                   expected_version=None, sources=[{
                                       "kind": "file", "description": "File", "on": ""}],
                                   overall_judgement="low", judgement_rationale="R")
    a = services.assessment_submit(actor=assessing.treatment_a, assessment=a,
                                   expected_version=None)
    login(assessing.manager_a).post(reverse("assessments:return", args=[a.uuid]), {
        "comments": "Add the probation report", "version": a.version})
    page = login(assessing.treatment_a).get(reverse("assessments:detail", args=[a.uuid]))
    assert "Add the probation report" in page.content.decode()


def test_every_read_of_an_assessment_is_audited(assessing):
    login(assessing.treatment_a).get(reverse("assessments:detail", args=[assessing.draft.uuid]))
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.object_type, event.person_id) == (
        "view", "assessments.assessment", assessing.person_a.pk)


def test_an_administrator_loads_a_version_and_an_invalid_file_gets_precise_errors(world):
    client = login(world.admin)
    bad = SimpleUploadedFile("bad.yaml", b"format: 1\ncode: x\nversion: '1'\nkind: nonsense\n")
    response = client.post(reverse("assessments:instrument_load"), {"file": bad})
    assert response.status_code == 400
    assert "kind" in response.content.decode() and "name" in response.content.decode()
    assert not InstrumentVersion.objects.exists()
    from alliance.assessments.instruments import reference_definition_paths

    path = reference_definition_paths()[0]
    good = SimpleUploadedFile(path.name, path.read_bytes())
    assert client.post(reverse("assessments:instrument_load"), {"file": good}).status_code == 302
    assert InstrumentVersion.objects.count() == 1
    assert login(world.treatment_a).get(reverse("assessments:instrument_load")).status_code == 403


def test_managers_see_who_is_certified_and_who_is_due_a_booster(assessing):
    page = login(assessing.manager_a).get(reverse("training:staff")).content.decode()
    assert "alliance-risk-needs" in page and "valid" in page
    assert login(assessing.treatment_a).get(reverse("training:staff")).status_code == 403


def test_loading_the_same_version_with_other_content_is_refused(world, tmp_path):
    import io

    import yaml
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from alliance.assessments.instruments import reference_definition_paths

    path = reference_definition_paths()[0]
    call_command("load_instrument", str(path), stdout=io.StringIO())
    data = yaml.safe_load(path.read_text())
    data["licence_notes"] = "changed after publication"
    changed = tmp_path / "changed.yaml"
    changed.write_text(yaml.safe_dump(data, allow_unicode=True))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("load_instrument", str(changed), stdout=io.StringIO(), stderr=err)
    assert "immutable" in err.getvalue()
    assert InstrumentVersion.objects.count() == 1


def test_a_protective_factor_lost_is_shown_as_bad_news_with_labels(assessing):
    """The comparison's colour follows the item's direction: a protective factor that went down
    is red ("less protection"), a risk item that went down is green; ratings show as labels."""
    from alliance.assessments import services
    from alliance.assessments.models import Certification

    Certification.objects.filter(user=assessing.treatment_a).update(
        expires_on=datetime.date.today() + datetime.timedelta(days=30))

    def final(rating, protective_rating):
        a = services.assessment_start(actor=assessing.treatment_a, person=assessing.person_a,
                                      instrument_version=assessing.instruments.risk_needs)
        complete_ratings(a, assessing.treatment_a, rating)
        services.assessment_rate_item(actor=assessing.treatment_a, assessment=a,
                                      item_code="PF1", rating=protective_rating, evidence="E")
        a = services.assessment_update(actor=assessing.treatment_a, assessment=a,
                                       expected_version=None, overall_judgement="low",
                                       judgement_rationale="R",
                                       sources=[{"kind": "file", "description": "File"}])
        a = services.assessment_submit(actor=assessing.treatment_a, assessment=a,
                                       expected_version=None)
        return services.assessment_countersign(actor=assessing.manager_a, assessment=a,
                                               expected_version=None)

    final("high", "high")
    latest = final("low", "low")
    html = login(assessing.treatment_a).get(
        reverse("assessments:compare", args=[latest.uuid])).content.decode()
    row = html.split("PF1.", 1)[1].split("</tr>", 1)[0]
    assert "text-bg-danger" in row and "less protection" in row
    risk_row = html.split("BA1.", 1)[1].split("</tr>", 1)[0]
    assert "text-bg-success" in risk_row and "less concern" in risk_row
    assert ">low<" not in risk_row.replace(" ", "")  # labels, not point codes


# --- format 2: the overview, the comparison, every kind started ----------------------------------

@pytest.fixture
def profile(profiling):
    """A complete structured profile (format 2) by a certified treatment A, not yet submitted."""
    return profile_complete(profiling, evidence="Evidence for {code}",
                            factor={"rating": {"presence": "present", "influence": "strong"},
                                    "evidence": "E"},
                            source="Two interviews", formulation="FORMULATIONQ belonging drives it")


def _countersign(w, assessment):
    from alliance.assessments import services

    a = services.assessment_submit(actor=w.treatment_a, assessment=assessment,
                                   expected_version=None)
    return services.assessment_countersign(actor=w.manager_a, assessment=a,
                                           expected_version=None)


def test_the_overview_shows_each_domain_the_profile_and_the_protective_factors(assessing,
                                                                               profile):
    html = login(assessing.treatment_a).get(
        reverse("assessments:detail", args=[profile.uuid])).content.decode()

    # per domain: description, count, answers as labels, judgement, and a link to rate it
    assert "What draws the person to a group" in html
    assert "Clearly present · Influence on offending: Strong" in html
    assert "Not applicable" in html and ">partly_present<" not in html
    assert "Judgement of engagement: <strong>Moderate engagement</strong>" in html
    assert reverse("assessments:rate_domain", args=[profile.uuid, "intent"]) in html
    # no per-item form any more
    assert reverse("assessments:rate_item", args=[profile.uuid, "EN1"]) not in html
    # the profile chart, and the protective factors found beside the needs
    assert "<svg" in html and "Domain profile (advisory)" in html
    assert "Protective factors found" in html and "PR1. Rejects violence as a means" in html
    assert "Identity, belonging and meaning" in html  # a need area
    assert "Online contacts" in html
    # the formulation is the judgement: no options to choose from
    assert "This instrument gives no summary level: the formulation is the overall judgement." \
        in html
    assert 'name="overall_judgement"' not in html and 'name="formulation"' in html


def test_the_comparison_follows_each_rating_s_direction_with_labels(assessing, profile):
    from alliance.assessments import services

    final = _countersign(assessing, profile)
    correction = services.assessment_correct(actor=assessing.treatment_a, assessment=final,
                                             reason="Re-rated after a new interview")
    for code, rating in (("PR1", "partial"),  # protection lost
                         ("EN1", {"presence": "present", "influence": "some"})):
        services.assessment_rate_item(actor=assessing.treatment_a, assessment=correction,
                                      item_code=code, rating=rating, evidence="New interview")
    factor = correction.additional_factors.get()
    services.factor_update(actor=assessing.treatment_a, assessment=correction, factor=factor,
                           name="ONLINE CONTACTS", rating={"presence": "partly_present",
                                                           "influence": "strong"}, evidence="E")

    html = login(assessing.treatment_a).get(
        reverse("assessments:compare", args=[correction.uuid])).content.decode()

    pr1 = html.split("PR1. Rejects violence", 1)[1].split("</tr>", 1)[0]
    assert "text-bg-danger" in pr1 and "less protection" in pr1
    assert "Strong → <span class=\"visually-hidden\">now: </span>Partial" in pr1  # labels
    influence = html.split("EN1 · Influence on offending", 1)[1].split("</tr>", 1)[0]
    assert "text-bg-success" in influence and "less concern" in influence
    assert "Strong → <span class=\"visually-hidden\">now: </span>Some" in influence
    presence = html.split("EN1 · Presence", 1)[1].split("</tr>", 1)[0]
    assert "text-bg-secondary" in presence and "unchanged" in presence
    not_applicable = html.split("PR2. Support from family", 1)[1].split("</tr>", 1)[0]
    assert "text-bg-secondary" in not_applicable and "not applicable" in not_applicable
    # the factor is matched by its name whatever its case, and compared rating by rating
    factors = html.split("Additional factors", 1)[1]
    assert "Online contacts" not in factors and "ONLINE CONTACTS · Presence" in factors
    row = factors.split("ONLINE CONTACTS · Presence", 1)[1].split("</tr>", 1)[0]
    assert "Clearly present" in row and "Partly present" in row and "less concern" in row
    for code in ("partly_present", "not_present", ">strong<", ">partial<"):
        assert code not in html


def test_the_case_team_reads_a_formulation_only_assessment_without_its_formulation(assessing,
                                                                                    profile):
    from alliance.accounts.models import Membership
    from alliance.cases import services as case_services

    final = _countersign(assessing, profile)
    case_services.team_member_add(actor=assessing.manager_a, case=assessing.case_a,
                                  membership=Membership.objects.get(user=assessing.ngo_worker),
                                  team_role="Mentor", scopes=[])
    ngo = login(assessing.ngo_worker)
    summary = ngo.get(reverse("assessments:detail", args=[final.uuid])).content.decode()
    assert "This instrument gives no summary level" in summary
    assert "FORMULATIONQ" not in summary and "Evidence for" not in summary
    # the judgement of each domain, as a level, without its rationale
    assert "Moderate engagement" in summary and "Low intent" in summary
    assert "No wish to harm" not in summary
    person = ngo.get(reverse("people:detail", args=[assessing.person_a.uuid])).content.decode()
    assert "a formulation, with no summary level" in person
    assert "Domain profile" not in person and "Protective factors found" not in person
    # the treatment staff see the latest profile and the protective factors on the person page
    treatment = login(assessing.treatment_a).get(
        reverse("people:detail", args=[assessing.person_a.uuid])).content.decode()
    assert "Domain profile (advisory)" in treatment and "Protective factors found" in treatment
    assert "Assessment countersigned: a formulation, with no summary level" in treatment


CHECKLIST = """
format: 1
code: test-checklist
version: "1.0"
kind: checklist
licence: open reference
languages: [en]
name: {en: Release readiness checklist}
description: {en: A short checklist for the tests.}
scales:
  - code: yes_no
    type: ordinal
    points:
      - {code: "no", value: 0, label: {en: "No"}}
      - {code: "yes", value: 1, label: {en: "Yes"}}
domains:
  - code: basics
    name: {en: Basics}
    items:
      - {code: B1, scale: yes_no, text: {en: Has a place to live}}
overall_judgement:
  options:
    - {code: ready, label: {en: Ready}}
    - {code: not_ready, label: {en: Not ready}}
"""


def test_risk_and_needs_instruments_and_checklists_are_started_from_the_person_page(assessing):
    from alliance.assessments import services
    from alliance.assessments.models import Assessment

    checklist, _created = services.instrument_load(actor=None, text=CHECKLIST,
                                                   filename="checklist.yaml")
    client = login(assessing.treatment_a)
    url = reverse("assessments:start", args=[assessing.person_a.uuid])
    assert url in client.get(reverse("people:detail",
                                     args=[assessing.person_a.uuid])).content.decode()
    html = client.get(url).content.decode()
    assert f"Start an assessment of {assessing.person_a.reference}" in html
    assert "risk and needs" not in html.split("<h1", 1)[1].split("</h1>", 1)[0].lower()
    assert "Release readiness checklist (1.0) · Checklist" in html
    assert "Structured profile of engagement" in html and "Risk and needs assessment" in html
    offered = html.split('name="instrument_version"', 1)[1].split("</select>", 1)[0].lower()
    assert "working alliance" not in offered and "screening" not in offered

    response = client.post(url, {"instrument_version": str(checklist.uuid)})

    started = Assessment.objects.get(instrument_version=checklist)
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:detail", args=[started.uuid])
    page = client.get(reverse("assessments:rate_domain", args=[started.uuid, "basics"]))
    assert page.status_code == 200 and "Has a place to live" in page.content.decode()
