"""The person's release page, the release section of the person page and recording the release,
as the case manager, the probation officer and the others on or off the team read them."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone

from alliance.core.models import AuditEvent
from alliance.people import services as people_services
from alliance.release.models import FollowUp, StepTemplate
from alliance.release.services import steps as step_services

from ..conftest import login
from ..factories import person_fields
from .builders import (
    add_to_team,
    ensure_releasing,
    hand_over,
    months_ahead,
    released,
    set_release,
)

pytestmark = pytest.mark.django_db

NAME = "Krasniqi"


def _release_page(user, person):
    return login(user).get(reverse("release:person", args=[person.uuid]))


def _html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


# --- the release page ----------------------------------------------------------------------------

def test_the_case_manager_sees_the_whole_programme_in_due_order(releasing):
    w = releasing
    html = _html(_release_page(w.manager_a, w.person_a))
    assert w.person_a.reference in html and NAME in html
    assert "Prison A" in html and "days to go" in html
    assert "Not ready" in html and "steps that block release outstanding" in html
    names = ["Release planning starts", "Risk and needs reassessment",
             "Multi-agency case conference", "Release day: met at the gate"]
    positions = [html.index(name) for name in names]
    assert positions == sorted(positions)
    assert "overdue by" in html and "12 months before release" in html
    assert "Probation J1" in html and "Reintegration Division J1" in html
    assert reverse("release:release_record", args=[w.person_a.uuid]) in html
    assert reverse("release:pdf", args=[w.person_a.uuid]) in html
    assert reverse("release:handover_new", args=[w.person_a.uuid]) in html
    assert reverse("release:support_plan", args=[w.person_a.uuid]) in html


def test_viewing_the_release_page_is_logged_as_a_consultation(releasing):
    w = releasing
    _html(_release_page(w.probation_officer, w.person_a))
    assert AuditEvent.objects.filter(actor=w.probation_officer, action="view",
                                     person=w.person_a).exists()


def test_the_probation_officer_on_the_team_sees_it_without_recording_the_release(releasing):
    w = releasing
    html = _html(_release_page(w.probation_officer, w.person_a))
    assert "Risk and needs reassessment" in html
    assert reverse("release:release_record", args=[w.person_a.uuid]) not in html


def test_the_receiving_agency_is_not_offered_to_send_the_handover(releasing):
    w = releasing
    html = _html(_release_page(w.probation_officer, w.person_a))
    assert reverse("release:handover_new", args=[w.person_a.uuid]) not in html
    assert reverse("release:support_plan", args=[w.person_a.uuid]) in html


def test_a_prison_s_security_officer_reads_the_page_but_has_no_button(releasing):
    w = releasing
    html = _html(_release_page(w.security_a, w.person_a))
    assert "Risk and needs reassessment" in html
    assert reverse("release:release_record", args=[w.person_a.uuid]) not in html
    assert reverse("release:handover_new", args=[w.person_a.uuid]) not in html


def test_it_hides_the_person_from_another_prison(releasing):
    w = releasing
    assert _release_page(w.treatment_b, w.person_a).status_code == 404
    assert login(w.treatment_b).get(
        reverse("release:release_record", args=[w.person_a.uuid])).status_code == 404


def test_a_team_member_without_identity_sees_the_reference_never_the_name(releasing):
    w = releasing
    add_to_team(w, w.ngo_worker, w.ngo, "Mentor", scopes=())
    html = _html(_release_page(w.ngo_worker, w.person_a))
    assert w.person_a.reference in html and "Risk and needs reassessment" in html
    assert NAME not in html and "Arben" not in html
    section = _html(login(w.ngo_worker).get(reverse("people:detail", args=[w.person_a.uuid])))
    assert "Release and after" in section and NAME not in section


def test_the_page_runs_as_many_queries_with_more_steps(releasing):
    w = releasing
    client = login(w.manager_a)
    url = reverse("release:person", args=[w.person_a.uuid])
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    for n in range(3):
        StepTemplate.objects.create(jurisdiction=w.j1, code=f"extra_{n}", name=f"Extra {n}",
                                    lead_months=n + 1, agency_type="probation")
    step_services.sync_steps(w.episode_a, today=timezone.localdate())
    with CaptureQueriesContext(connection) as after:
        html = _html(client.get(url))
    assert "Extra 2" in html
    assert len(after.captured_queries) == len(before.captured_queries)


# --- the section of the person page --------------------------------------------------------------

def test_the_section_shows_readiness_the_next_steps_and_the_handover(releasing):
    w = releasing
    hand_over(w, acknowledge=False)
    html = _html(login(w.manager_a).get(reverse("people:detail", args=[w.person_a.uuid])))
    assert "Release and after" in html and "Not ready" in html
    assert "Release planning starts" in html  # the first open step
    assert "Release day: met at the gate" not in html  # not among the next three
    assert "Waiting for Probation J1 to acknowledge" in html
    assert reverse("release:person", args=[w.person_a.uuid]) in html
    assert reverse("release:release_record", args=[w.person_a.uuid]) in html


def test_the_section_says_when_the_programme_starts(world):
    release_on = months_ahead(20)
    set_release(world, release_on)
    html = _html(login(world.manager_a).get(reverse("people:detail",
                                                    args=[world.person_a.uuid])))
    starts = formats.date_format(months_ahead(8), "DATE_FORMAT")
    assert (f"The pre-release programme starts 12 months before the expected release, on "
            f"{starts}.") in html


def test_far_from_release_the_section_reads_no_release_record_and_the_jurisdiction_s_horizon(
        world):
    """One query says that the episode has no steps, handover, follow-ups or support plan, and
    gives the jurisdiction's own horizon: none of the four is read."""
    from alliance.release.services.common import settings_for

    config = settings_for(world.j1)
    config.horizon_months = 6
    config.save()
    set_release(world, months_ahead(20))
    client = login(world.manager_a)
    url = reverse("people:detail", args=[world.person_a.uuid])
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        html = _html(client.get(url))
    starts = formats.date_format(months_ahead(14), "DATE_FORMAT")
    assert (f"The pre-release programme starts 6 months before the expected release, on "
            f"{starts}.") in html
    read = [q["sql"] for q in ctx.captured_queries
            if q["sql"].startswith('SELECT "release_') or 'FROM "release_' in q["sql"]
            and "EXISTS" not in q["sql"]]
    assert read == []


@pytest.mark.parametrize(("legal_status", "said"), [
    ("sentenced", "No expected release is set"),
    ("remand", "On remand: the pre-release programme starts once the person is sentenced."),
])
def test_the_section_says_why_the_programme_has_not_started(world, legal_status, said):
    person = people_services.person_create(actor=world.manager_a, **person_fields(
        world.prison_a, given_name="Besim", national_id="0101990450022"))
    people_services.custody_episode_create(actor=world.manager_a, person=person,
                                           facility=world.prison_a, legal_status=legal_status,
                                           admitted_on=datetime.date(2025, 3, 1))
    html = _html(login(world.manager_a).get(reverse("people:detail", args=[person.uuid])))
    assert said in html
    html = _html(_release_page(world.manager_a, person))
    assert said in html


def test_a_person_with_no_custody_has_no_release_to_prepare(world):
    person = people_services.person_create(actor=world.manager_a, **person_fields(
        world.prison_a, given_name="Besim", national_id="0101990450022"))
    said = "No custody recorded: there is no release to prepare."
    assert said in _html(login(world.manager_a).get(reverse("people:detail",
                                                            args=[person.uuid])))
    assert said in _html(_release_page(world.manager_a, person))


def test_the_section_shows_no_button_to_a_reader_who_may_not_work(releasing):
    w = releasing
    html = _html(login(w.security_a).get(reverse("people:detail", args=[w.person_a.uuid])))
    assert "Release and after" in html
    assert reverse("release:release_record", args=[w.person_a.uuid]) not in html
    assert reverse("release:handover_new", args=[w.person_a.uuid]) not in html


# --- recording the release -----------------------------------------------------------------------

def test_recording_the_release_schedules_five_follow_ups(releasing):
    w = releasing
    client = login(w.manager_a)
    url = reverse("release:release_record", args=[w.person_a.uuid])
    form = _html(client.get(url))
    assert "End of sentence" in form and "Deportation" in form and "Transfer" not in form
    assert "follow-up contacts are scheduled" in form
    episode = w.person_a.custody_episodes.get(is_current=True)
    response = client.post(url, {"released_on": timezone.localdate().isoformat(),
                                  "release_type": "conditional", "version": episode.version})
    assert response.status_code == 302
    assert response.url == reverse("release:person", args=[w.person_a.uuid])
    assert FollowUp.objects.filter(person=w.person_a).count() == 5
    html = _html(client.get(response.url))
    assert "5 follow-up contacts are scheduled" in html
    assert "after 1 week" in html and "after 12 months" in html


def test_recording_the_release_passes_responsibility_after_an_acknowledged_handover(releasing):
    w = releasing
    hand_over(w)
    client = login(w.manager_a)
    episode = w.person_a.custody_episodes.get(is_current=True)
    response = client.post(reverse("release:release_record", args=[w.person_a.uuid]), {
        "released_on": timezone.localdate().isoformat(), "release_type": "end_of_sentence",
        "version": episode.version})
    assert response.status_code == 302
    w.person_a.refresh_from_db()
    assert w.person_a.responsible_agency == w.probation
    html = _html(client.get(response.url))
    assert "Responsibility has passed to Probation J1" in html
    assert "5 follow-up contacts are scheduled" in html


def test_a_transfer_or_a_future_date_is_refused_with_the_reason(releasing):
    w = releasing
    client = login(w.manager_a)
    url = reverse("release:release_record", args=[w.person_a.uuid])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    html = _html(client.post(url, {"released_on": tomorrow.isoformat(),
                                   "release_type": "conditional"}))
    assert "This date is in the future: enter today or an earlier day." in html
    html = _html(client.post(url, {"released_on": timezone.localdate().isoformat(),
                                   "release_type": "transfer"}))
    assert "a transfer is recorded as an admission to the other prison" in html
    assert w.person_a.custody_episodes.get(is_current=True)


def test_a_stale_custody_version_answers_409(releasing):
    w = releasing
    episode = w.person_a.custody_episodes.get(is_current=True)
    response = login(w.manager_a).post(
        reverse("release:release_record", args=[w.person_a.uuid]),
        {"released_on": timezone.localdate().isoformat(), "release_type": "conditional",
         "version": episode.version - 1})
    assert response.status_code == 409
    assert "Someone else changed this record" in response.content.decode()
    assert w.person_a.custody_episodes.get(is_current=True)


def test_only_the_prison_s_record_keepers_record_the_release(releasing):
    w = releasing
    url = reverse("release:release_record", args=[w.person_a.uuid])
    assert login(w.probation_officer).get(url).status_code == 403
    assert login(w.security_a).post(url, {"released_on": timezone.localdate().isoformat(),
                                          "release_type": "conditional"}).status_code == 403
    assert w.person_a.custody_episodes.get(is_current=True)


def test_the_released_person_s_page_says_when_and_lists_the_follow_ups(releasing):
    w = ensure_releasing(releasing)
    client = login(w.manager_a)
    episode = w.person_a.custody_episodes.get(is_current=True)
    recorded = client.post(reverse("release:release_record", args=[w.person_a.uuid]), {
        "released_on": timezone.localdate().isoformat(), "release_type": "conditional",
        "version": episode.version})
    assert recorded.status_code == 302
    html = _html(client.get(reverse("release:person", args=[w.person_a.uuid])))
    assert "Released on" in html and "Follow-ups after release" in html
    assert reverse("release:release_record", args=[w.person_a.uuid]) not in html


def test_after_the_release_the_section_turns_to_the_follow_ups(releasing):
    w = released(releasing)
    html = _html(login(w.probation_officer).get(reverse("people:detail",
                                                        args=[w.person_a.uuid])))
    section = html[html.index('id="release-h"'):]
    section = section[:section.index("</section>")]
    assert "Released on" in section and "steps done" in section
    assert "overdue by" not in section and "Not ready" not in section
    assert "Responsibility passed to Probation J1" in section
    assert "Next follow-up" in section and "after 1 week" in section


def test_the_prison_reading_after_the_handover_is_told_until_when(releasing):
    from alliance.people.models import RetainedAccess

    from .builders import hand_over, release

    w = releasing
    hand_over(w)
    release(w)
    until = RetainedAccess.objects.get(person=w.person_a).until
    html = login(w.treatment_a).get(
        reverse("release:person", args=[w.person_a.uuid])).content.decode()
    assert "keeps read access until " + formats.date_format(until, "DATE_FORMAT") in html
    html = login(w.probation_officer).get(
        reverse("release:person", args=[w.person_a.uuid])).content.decode()
    assert "keeps read access until" not in html
