"""The observer's pages as a wing officer uses them: record an observation (on a phone, in under
a minute), correct it until the analyst has read it, add an addendum after, and follow one's own
entries; what each of them refuses, and with which reason; and the person page's way in."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alliance.accounts.models import Membership, Role
from alliance.assessments.models import AssessmentDue
from alliance.cases import services as case_services
from alliance.core.models import AuditEvent
from alliance.observations import services
from alliance.observations.models import Addendum, Indicator, Observation, ObservationStatus
from alliance.work.models import Notification, Task

from ..conftest import login
from .conftest import indicator, observe, reviewed

pytestmark = pytest.mark.django_db

INJECTION = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
# Words as said, in the scripts of the region's languages, each with an injection attempt.
SCRIPTS = {
    "albanian": "Tha: «Nuk do të shkoj në punëtori, as sot as nesër; çdo gjë është e kotë.»",
    "serbian_cyrillic": "Рекао је: „Нећу ићи у радионицу, ни данас ни сутра; ђаци ће чути.“",
    "serbian_latin": "Rekao je: „Neću ići u radionicu, ni danas ni sutra; đaci će čuti.“",
    "macedonian": "Рече: „Нема да одам во работилница; ѓубре, ќе видиш, ѕвезда, љубов, њива, џеб.“",
}


def _when(hours=1):
    return (timezone.localtime() - datetime.timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


def _form(w, **changes):
    data = {"category": "behaviour", "verbatim": "Refused to go to the workshop.",
            "context": "At the wing door, after the count.", "opinion": "Seems withdrawn.",
            "source_reliability": "B", "information_assessment": "1", "handling_code": "2",
            "observed_at": _when(), "unit": str(w.unit_a.uuid)}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _record(client, w, **changes):
    return client.post(reverse("observations:record", args=[w.person_a.uuid]), _form(w, **changes))


def _edit(client, observation, version=None, **changes):
    observation.refresh_from_db()
    data = {"category": observation.category, "verbatim": observation.verbatim,
            "context": observation.context, "opinion": observation.opinion,
            "source_reliability": observation.source_reliability,
            "information_assessment": observation.information_assessment,
            "handling_code": observation.handling_code,
            "observed_at": timezone.localtime(observation.observed_at).strftime("%Y-%m-%dT%H:%M"),
            "version": observation.version if version is None else version}
    data.update(changes)
    return client.post(reverse("observations:observation_edit", args=[observation.uuid]), data)


# --- recording -----------------------------------------------------------------------------------

def test_the_record_page_offers_the_jurisdiction_s_grades_indicators_and_the_current_wing(world):
    page = login(world.security_a).get(reverse("observations:record", args=[world.person_a.uuid]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Always reliable" in html and "No further dissemination" in html  # 5×5×5
    assert "Seen or heard directly by the officer who records it." in html  # a grade's help
    assert indicator().name in html
    assert "alerts the person's case manager and the security lead" in html
    assert f'value="{world.unit_a.uuid}" selected' in html  # the current custody episode's
    assert 'type="datetime-local"' in html


def test_a_security_officer_records_an_observation(world):
    client = login(world.security_a)
    response = _record(client, world)
    assert response.status_code == 302
    assert response.url == reverse("people:detail", args=[world.person_a.uuid])
    saved = Observation.objects.get()
    assert (saved.recorded_by, saved.person, saved.unit) == (world.security_a, world.person_a,
                                                             world.unit_a)
    assert saved.verbatim == "Refused to go to the workshop."
    assert saved.opinion == "Seems withdrawn." and saved.context.startswith("At the wing door")
    assert (saved.source_reliability, saved.information_assessment, saved.handling_code) == (
        "B", "1", "2")
    assert saved.status == ObservationStatus.NEW and not saved.escalated
    page = client.get(response.url).content.decode()
    assert "Observation recorded. The security analyst will review it" in page


def test_a_treatment_officer_records_one_too_and_is_not_shown_the_security_material(world):
    observe(world, verbatim="SECURITYWORDSQ")
    client = login(world.treatment_a)
    response = _record(client, world)
    assert response.status_code == 302
    assert Observation.objects.filter(recorded_by=world.treatment_a).count() == 1
    person_page = client.get(response.url).content.decode()
    assert "SECURITYWORDSQ" not in person_page and 'id="security-h"' not in person_page


def test_a_missing_grading_is_refused_with_the_reasons_and_the_typed_text_kept(world):
    response = _record(login(world.security_a), world, source_reliability="",
                       information_assessment="", handling_code=None,
                       verbatim="Said he would not eat.")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Grade how reliable the source is." in html
    assert "Grade how far the information can be trusted." in html
    assert "Choose a handling code: it decides who may ever read a summary of it." in html
    assert "Said he would not eat." in html and "Seems withdrawn." in html
    assert not Observation.objects.exists()


def test_a_grade_of_another_scheme_and_a_missing_category_are_refused(world):
    response = _record(login(world.security_a), world, source_reliability="Z", category="")
    html = response.content.decode()
    assert "Z is not a grade of the" in html and "Choose a category." in html
    assert not Observation.objects.exists()


def test_an_observation_in_the_future_is_refused(world):
    later = (timezone.localtime() + datetime.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    response = _record(login(world.security_a), world, observed_at=later)
    assert "This is in the future" in response.content.decode()
    assert not Observation.objects.exists()


@pytest.mark.parametrize("script", SCRIPTS)
def test_long_texts_in_every_script_are_stored_whole_and_shown_escaped(world, script):
    words = SCRIPTS[script]
    verbatim = f"{words} {INJECTION}\n" + (words + " ") * 60  # some 4,000 characters
    client = login(world.security_a)
    assert _record(client, world, verbatim=verbatim, context=INJECTION,
                   opinion=f"{INJECTION} {words}").status_code == 302
    saved = Observation.objects.get()
    assert saved.verbatim == verbatim.strip() and saved.context == INJECTION
    for url in (reverse("observations:observation_edit", args=[saved.uuid]),
                reverse("observations:mine")):
        html = client.get(url).content.decode()
        assert words in html and INJECTION not in html and ESCAPED in html
    # Refused with an error, the text comes back escaped too.
    html = _record(client, world, verbatim=verbatim, category="").content.decode()
    assert words in html and INJECTION not in html and ESCAPED in html


def test_a_text_over_the_limit_is_refused_and_kept(world):
    response = _record(login(world.security_a), world, verbatim="ж" * 20_001)
    assert "Keep this under 20000 characters." in response.content.decode()
    assert not Observation.objects.exists()


def test_staff_of_another_prison_cannot_record(world):
    assert _record(login(world.treatment_b), world).status_code == 404
    assert not Observation.objects.exists()


# --- escalation ----------------------------------------------------------------------------------

def test_an_indicator_ticked_on_the_form_escalates(world):
    threat = indicator("threatens")
    client = login(world.security_a)
    response = _record(client, world, indicators=[str(threat.uuid)])
    assert response.status_code == 302
    saved = Observation.objects.get()
    assert saved.escalated and list(saved.indicators.all()) == [threat]
    task = Task.objects.get(kind="observation_escalated")
    assert (task.source_uuid, task.assignee_agency, task.assignee_role) == (
        saved.uuid, world.prison_a, Role.SECURITY_ANALYST)
    told = set(Notification.objects.filter(kind="observation_escalated")
               .values_list("recipient__username", flat=True))
    assert told == {"manager_a", "analyst_a"}  # the case manager, the security lead
    assert AssessmentDue.objects.get(person=world.person_a).due_on <= timezone.localdate()
    assert "Observation recorded and escalated" in client.get(response.url).content.decode()


def test_an_indicator_of_another_jurisdiction_is_refused(world):
    foreign = Indicator.objects.create(jurisdiction=world.j2, code="j2only", name="J2 only")
    response = _record(login(world.security_a), world, indicators=[str(foreign.uuid)])
    assert response.status_code == 200
    assert not Observation.objects.exists() and not Task.objects.exists()


# --- correcting before review, an addendum after -------------------------------------------------

def test_its_author_corrects_an_observation_before_review(world):
    observation = observe(world, world.treatment_a, verbatim="Said X.")
    client = login(world.treatment_a)
    page = client.get(reverse("observations:observation_edit", args=[observation.uuid]))
    assert page.status_code == 200 and "Said X." in page.content.decode()
    response = _edit(client, observation, verbatim="Said Y, not X.", handling_code="3")
    assert response.status_code == 302 and response.url == reverse("observations:mine")
    observation.refresh_from_db()
    assert (observation.verbatim, observation.handling_code) == ("Said Y, not X.", "3")
    assert observation.version == 2


def test_a_correction_that_ticks_an_indicator_escalates(world):
    observation = observe(world, world.treatment_a)
    _edit(login(world.treatment_a), observation, indicators=[str(indicator().uuid)])
    observation.refresh_from_db()
    assert observation.escalated and Task.objects.filter(source_uuid=observation.uuid).exists()


def test_a_stale_correction_is_a_conflict_and_saves_nothing(world):
    observation = observe(world, world.treatment_a, verbatim="First words.")
    client = login(world.treatment_a)
    assert _edit(client, observation, verbatim="Second words.").status_code == 302
    response = _edit(client, observation, version=1, verbatim="Stale words.")
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this record" in html and "Stale words." in html
    observation.refresh_from_db()
    assert observation.verbatim == "Second words."


def test_an_observation_read_by_the_analyst_opens_on_the_addendum_page(world):
    observation = reviewed(world, observe(world, world.treatment_a))
    response = login(world.treatment_a).get(
        reverse("observations:observation_edit", args=[observation.uuid]))
    assert response.status_code == 302
    assert response.url == reverse("observations:addendum", args=[observation.uuid])


def test_a_correction_posted_after_the_review_is_refused_with_the_reason(world):
    observation = observe(world, world.treatment_a, verbatim="As first written.")
    version = observation.version
    reviewed(world, observation)  # while the author had the form open
    response = _edit(login(world.treatment_a), observation, version=version,
                     verbatim="As corrected too late.")
    assert response.status_code == 200
    html = response.content.decode()
    assert "can no longer be changed: add an addendum to correct it." in html
    assert "As corrected too late." in html  # kept, to be added as an addendum
    assert reverse("observations:addendum", args=[observation.uuid]) in html
    observation.refresh_from_db()
    assert observation.verbatim == "As first written."


def test_nobody_else_corrects_an_observation(world):
    observation = observe(world, world.treatment_a)
    url = reverse("observations:observation_edit", args=[observation.uuid])
    assert login(world.analyst_a).get(url).status_code == 403  # sees it, may not change it
    assert login(world.security_a).get(url).status_code == 403
    assert login(world.manager_a).get(url).status_code == 404  # not theirs, no compartment
    assert login(world.treatment_b).get(url).status_code == 404


def test_its_author_adds_an_addendum_after_review(world):
    observation = reviewed(world, observe(world, world.treatment_a, verbatim="As read."))
    client = login(world.treatment_a)
    url = reverse("observations:addendum", args=[observation.uuid])
    page = client.get(url).content.decode()
    assert "As read." in page and "can no longer be changed" in page
    response = client.post(url, {"text": f"It was the workshop on Tuesday. {INJECTION}"})
    assert response.status_code == 302 and response.url == reverse("observations:mine")
    addendum = Addendum.objects.get(observation=observation)
    assert addendum.author == world.treatment_a and addendum.text.endswith(INJECTION)
    html = client.get(url).content.decode()
    assert "It was the workshop on Tuesday." in html and ESCAPED in html
    assert INJECTION not in html


def test_an_observer_does_not_read_the_analyst_s_addenda(world):
    observation = reviewed(world, observe(world, world.treatment_a))
    login(world.analyst_a).post(
        reverse("observations:addendum", args=[observation.uuid]) + "?purpose=review",
        {"text": "ANALYSTADDENDUMQ"})
    assert Addendum.objects.filter(author=world.analyst_a).exists()
    html = login(world.treatment_a).get(
        reverse("observations:addendum", args=[observation.uuid])).content.decode()
    assert "ANALYSTADDENDUMQ" not in html


def test_an_empty_addendum_is_refused(world):
    observation = reviewed(world, observe(world, world.treatment_a))
    response = login(world.treatment_a).post(
        reverse("observations:addendum", args=[observation.uuid]), {"text": "  "})
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    assert not Addendum.objects.exists()


def test_an_addendum_before_review_sends_the_author_to_the_correction(world):
    observation = observe(world, world.treatment_a)
    response = login(world.treatment_a).get(
        reverse("observations:addendum", args=[observation.uuid]))
    assert response.status_code == 302
    assert response.url == reverse("observations:observation_edit", args=[observation.uuid])


def test_an_analyst_says_why_before_reading_someone_else_s_observation(world):
    observation = reviewed(world, observe(world, world.security_a, verbatim="SECURITYWORDSQ"))
    client = login(world.analyst_a)
    url = reverse("observations:addendum", args=[observation.uuid])
    chooser = client.get(url).content.decode()
    assert "every read of security material is logged with its purpose" in chooser.lower()
    assert "SECURITYWORDSQ" not in chooser
    page = client.get(url + "?purpose=case_conference")
    assert page.status_code == 200 and "SECURITYWORDSQ" in page.content.decode()
    event = (AuditEvent.objects.filter(object_uuid=str(observation.uuid), action="view")
             .order_by("id").last())
    assert event.purpose == "case_conference"
    response = client.post(url, {"text": "Linked to the visit of the 3rd."})
    assert response.url == reverse("observations:observation", args=[observation.uuid])


# --- my observations -----------------------------------------------------------------------------

def test_my_observations_lists_only_one_s_own_with_what_became_of_them(world):
    observe(world, world.security_a, verbatim="SECURITYWORDSQ")
    mine_new = observe(world, world.treatment_a, verbatim="MYNEWWORDSQ")
    mine_read = observe(world, world.treatment_a, verbatim="MYREADWORDSQ")
    services.observation_review(actor=world.analyst_a, observation=mine_read,
                                expected_version=mine_read.version,
                                feedback="Thank you: FEEDBACKQ")
    response = login(world.treatment_a).get(reverse("observations:mine"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "MYNEWWORDSQ" in html and "MYREADWORDSQ" in html and "SECURITYWORDSQ" not in html
    assert "Read by the analyst on" in html and "Thank you: FEEDBACKQ" in html
    assert reverse("observations:observation_edit", args=[mine_new.uuid]) in html
    assert reverse("observations:addendum", args=[mine_read.uuid]) in html
    assert reverse("observations:observation_edit", args=[mine_read.uuid]) not in html
    event = AuditEvent.objects.filter(action="list", actor=world.treatment_a).order_by("id").last()
    assert event.details["list"] == "my_observations" and event.purpose == "own_report"


def test_my_observations_is_empty_for_someone_who_recorded_none(world):
    observe(world, world.security_a, verbatim="SECURITYWORDSQ")
    for persona in ("manager_a", "analyst_a", "probation_officer"):
        html = login(getattr(world, persona)).get(reverse("observations:mine")).content.decode()
        assert "SECURITYWORDSQ" not in html
        assert "You have not recorded any observation yet." in html


def test_my_observations_is_paged_newest_first(world):
    for n in range(27):
        observe(world, world.treatment_a, verbatim=f"ENTRY{n:02d}Q")
    client = login(world.treatment_a)
    first = client.get(reverse("observations:mine")).content.decode()
    second = client.get(reverse("observations:mine") + "?page=2").content.decode()
    assert first.count("ENTRY") == 25 and second.count("ENTRY") == 2
    assert "Page 1</span>" in first and "Page 2 of 2" in second


def test_my_observations_runs_as_many_queries_for_twenty_rows_as_for_one(world):
    client = login(world.treatment_a)
    url = reverse("observations:mine")
    counts = []
    for extra in (1, 19):
        for _n in range(extra):
            observe(world, world.treatment_a, indicators=[indicator()])
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]


# --- the person page -----------------------------------------------------------------------------

def test_the_person_page_offers_recording_to_staff_outside_the_security_sector(world):
    html = login(world.treatment_a).get(
        reverse("people:detail", args=[world.person_a.uuid])).content.decode()
    assert 'id="shared-h"' in html and 'id="security-h"' not in html
    assert reverse("observations:record", args=[world.person_a.uuid]) in html
    assert reverse("observations:mine") in html


def test_the_person_page_shows_the_security_side_counts_and_its_way_in(world):
    observe(world, world.security_a, indicators=[indicator()])
    html = login(world.analyst_a).get(
        reverse("people:detail", args=[world.person_a.uuid])).content.decode()
    assert 'id="security-h"' in html and 'id="shared-h"' not in html
    assert "1 observation" in html and "1 not reviewed yet" in html
    assert "1 escalated in the last 30 days" in html
    for name in ("record", "person_record", "share", "analysis_add"):
        assert reverse(f"observations:{name}", args=[world.person_a.uuid]) in html


def test_the_case_team_outside_the_prison_is_offered_no_recording(world):
    case_services.team_member_add(actor=world.manager_a, case=world.case_a, team_role="Officer",
                                  scopes=[], membership=Membership.objects.get(
                                      user=world.probation_officer))
    html = login(world.probation_officer).get(
        reverse("people:detail", args=[world.person_a.uuid])).content.decode()
    assert 'id="shared-h"' in html
    assert reverse("observations:record", args=[world.person_a.uuid]) not in html


# --- the configuration in the admin --------------------------------------------------------------

def test_an_administrator_configures_indicators_and_settings_audited(world):
    client = login(world.admin)
    response = client.post(reverse("admin:observations_indicator_add"), {
        "code": "weapons", "name": "Talks about weapons", "names": '{"sq": "Flet për armë"}',
        "is_active": "on", "order": "5", "jurisdiction": world.j1.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    added = Indicator.objects.get(code="weapons")
    assert AuditEvent.objects.filter(object_uuid=str(added.uuid), action="create").exists()
    response = client.post(reverse("admin:observations_observationsettings_add"), {
        "jurisdiction": world.j1.pk, "grading_scheme": "3x5x2", "review_within_hours": "48",
        "share_default_days": "30", "share_max_days": "180"})
    assert response.status_code == 302, response.content.decode()[:2000]
    page = login(world.security_a).get(reverse("observations:record", args=[world.person_a.uuid]))
    assert "Lawful sharing permitted" in page.content.decode()  # the 3×5×2 scheme


def test_the_admin_holds_no_observation_and_deletes_no_indicator(world):
    client = login(world.admin)
    index = client.get(reverse("admin:index")).content.decode()
    assert "Escalation indicators" in index and "Shared summaries" not in index
    assert ">Observations<" not in index and "Analyses" not in index
    url = reverse("admin:observations_indicator_delete", args=[indicator().pk])
    assert client.get(url).status_code == 403
