"""The security side's pages across people (dashboard, review queue), a person's security record,
an observation's page with its purpose chooser, a shared summary, and "Shared with me".

Prison A's security side is security A (officer) and analyst A; person A is held there, on
wing 1. Every read of raw material states its purpose, logged in the audit trail."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alliance.core.models import AuditEvent
from alliance.observations import services
from alliance.observations.models import Observation, SharedSummary
from alliance.people import services as people_services

from ..conftest import login
from ..factories import person_fields
from . import builders
from .conftest import indicator, observe, reviewed

pytestmark = pytest.mark.django_db


def dashboard_url(w, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("observations:dashboard") + (f"?{query}" if query else "")


def queue_url(**params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("observations:queue") + (f"?{query}" if query else "")


def observation_url(observation, purpose=None):
    url = reverse("observations:observation", args=[observation.uuid])
    return f"{url}?purpose={purpose}" if purpose else url


def recorded_hours_ago(observation, hours):
    """Age an entry (a test's setup: when it was recorded is not something a user sets)."""
    Observation.objects.filter(pk=observation.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=hours))
    observation.refresh_from_db()
    return observation


def another_person(w, name="Other"):
    """A second person held on wing 1 of prison A."""
    person = people_services.person_create(actor=w.manager_a,
                                           **person_fields(w.prison_a, family_name=name,
                                                           national_id=""))
    people_services.custody_episode_create(
        actor=w.manager_a, person=person, facility=w.prison_a, unit=w.unit_a,
        admitted_on=datetime.date(2024, 2, 1), legal_status="sentenced",
        offences="Fictional offence", terrorism_related=False, sentence_years=2,
        sentence_months=0, sentence_days=0, remand_credit_days=0,
        sentence_start=datetime.date(2024, 2, 1), sentence_start_source="court_judgment")
    person.refresh_from_db()
    return person


def observe_person(w, person, *, hours_ago=1, **extra):
    return services.observation_record(
        actor=w.security_a, person=person,
        observed_at=timezone.now() - datetime.timedelta(hours=hours_ago), category="behaviour",
        verbatim="Kept apart from the others.", source_reliability="B",
        information_assessment="2", handling_code="1", **extra)


def queries(client, url) -> int:
    client.get(url)  # the first request of a session loads more
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200, url
    return len(ctx.captured_queries)


# --- the dashboard -------------------------------------------------------------------------------

def test_the_dashboard_counts_new_overdue_and_escalated_observations_by_wing(world):
    w = world
    recorded_hours_ago(observe(w), 80)  # new, overdue (72 hours to review)
    observe(w, indicators=[indicator()])  # new, escalated this week
    reviewed(w, observe(w))  # reviewed
    builders.summary(w)  # a summary in force (reviews one more)

    response = login(w.analyst_a).get(dashboard_url(w))
    assert response.status_code == 200
    counts = response.context["counts"]
    assert (counts["new"], counts["overdue"], counts["escalated_week"],
            counts["new_escalated"]) == (2, 1, 1, 1)
    assert response.context["summaries_in_force"] == 1
    wing = {row["unit__name"]: row for row in response.context["wings"]}["Wing 1"]
    assert (wing["total"], wing["escalated"], wing["new"]) == (4, 1, 2)
    page = response.content.decode()
    assert 'id="figure-overdue">1<' in page and "Wing 1" in page
    assert f"{reverse('observations:queue')}?facility={w.prison_a.uuid}&amp;status=new" in page


def test_the_dashboard_is_the_security_sides_only(world):
    w = world
    assert login(w.security_a).get(dashboard_url(w)).status_code == 200
    for persona in ("treatment_a", "manager_a", "probation_officer", "regional_coordinator",
                    "dpo"):
        assert login(getattr(w, persona)).get(dashboard_url(w)).status_code == 403, persona


def test_another_facility_is_not_on_the_dashboard(world):
    w = world
    response = login(w.analyst_a).get(dashboard_url(w, facility=w.prison_b.uuid))
    assert response.status_code == 404


# --- the review queue ----------------------------------------------------------------------------

def test_the_queue_lists_new_observations_escalated_first_then_the_oldest(world):
    w = world
    oldest = recorded_hours_ago(observe(w, verbatim="Oldest"), 50)
    newer = recorded_hours_ago(observe(w, verbatim="Newer"), 2)
    escalated = observe(w, indicators=[indicator()])
    reviewed(w, observe(w))

    response = login(w.analyst_a).get(queue_url())
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [escalated, oldest, newer]
    page = response.content.decode()
    assert f'href="{observation_url(oldest, "review")}"' in page
    assert "B/2/1" in page and str(indicator().display_name) in page
    assert "Said X." not in page  # the queue shows no raw text


def test_the_queue_filters_by_status_and_wing(world):
    w = world
    on_wing = observe(w)
    off_wing = observe_person(w, w.person_a)
    Observation.objects.filter(pk=off_wing.pk).update(unit=None)
    done = reviewed(w, observe(w))
    client = login(w.analyst_a)

    by_wing = client.get(queue_url(unit=w.unit_a.uuid)).context["page"].object_list
    assert list(by_wing) == [on_wing]
    assert list(client.get(queue_url(status="reviewed")).context["page"].object_list) == [done]
    assert len(client.get(queue_url(status="all")).context["page"].object_list) == 3


def test_the_queue_is_paginated_by_25(world):
    w = world
    for n in range(26):
        observe(w, verbatim=f"Entry {n}")
    client = login(w.analyst_a)
    first = client.get(queue_url(status="new"))
    assert len(first.context["page"].object_list) == 25
    assert "?status=new&amp;page=2" in first.content.decode()  # the filter is kept
    second = client.get(queue_url(status="new", page=2))
    assert len(second.context["page"].object_list) == 1


def test_the_queue_is_audited_as_a_list_for_its_purpose(world):
    w = world
    observe(w)
    other = another_person(w)
    observe_person(w, other)
    login(w.analyst_a).get(queue_url())
    event = AuditEvent.objects.filter(action="list", actor=w.analyst_a).latest("id")
    assert event.details["list"] == "review_queue"
    assert set(event.details["references"]) == {w.person_a.reference, other.reference}
    assert event.purpose == "review"


def test_the_queue_is_refused_outside_the_security_side(world):
    assert login(world.treatment_a).get(queue_url()).status_code == 403


def test_the_queue_and_the_dashboard_run_as_many_queries_for_many_rows(world):
    w = world
    observe(w)
    client = login(w.analyst_a)
    few = {"queue": queries(client, queue_url(status="all")),
           "dashboard": queries(client, dashboard_url(w))}
    for n in range(6):
        person = another_person(w, f"Many{n}")
        reviewed(w, observe_person(w, person, indicators=[indicator()]))
    builders.summary(w)
    many = {"queue": queries(client, queue_url(status="all")),
            "dashboard": queries(client, dashboard_url(w))}
    assert many == few


# --- an observation, and the purpose of reading it -----------------------------------------------

def test_the_first_read_asks_why_then_logs_the_purpose_and_remembers_it(world):
    w = world
    observation = observe(w, verbatim="VERBATIM-MARK", opinion="OPINION-MARK")
    client = login(w.analyst_a)

    chooser = client.get(observation_url(observation))
    assert chooser.status_code == 200
    assert "observations/purpose.html" in [t.name for t in chooser.templates]
    assert "VERBATIM-MARK" not in chooser.content.decode()
    assert not AuditEvent.objects.filter(object_uuid=str(observation.uuid),
                                         action="view").exists()  # nothing was shown yet

    opened = client.get(observation_url(observation, "review"))
    assert "VERBATIM-MARK" in opened.content.decode()
    event = AuditEvent.objects.filter(object_uuid=str(observation.uuid),
                                      action="view").latest("id")
    assert (event.actor, event.person, event.purpose) == (w.analyst_a, w.person_a, "review")

    again = client.get(observation_url(observation))
    assert "VERBATIM-MARK" in again.content.decode()
    latest = AuditEvent.objects.filter(object_uuid=str(observation.uuid),
                                       action="view").latest("id")
    assert latest.pk != event.pk and latest.purpose == "review"


def test_the_observation_shows_facts_apart_from_opinion_with_graded_labels(world):
    w = world
    observation = reviewed(w, observe(w, verbatim="He said <script>x</script>",
                                      context="In the yard", opinion="Probably posturing",
                                      indicators=[indicator()]))
    services.addendum_add(actor=w.security_a, observation=observation, text="Correction: 10:15")
    page = login(w.analyst_a).get(observation_url(observation, "review")).content.decode()
    facts, opinion = page.split('id="facts-h"')[1].split('id="opinion-h"')
    assert "He said &lt;script&gt;x&lt;/script&gt;" in facts and "In the yard" in facts
    assert "Probably posturing" not in facts and "Probably posturing" in opinion
    assert "<script>x" not in page
    assert "Mostly reliable" in page  # B
    assert "Known personally to the source, not to the officer" in page  # 2
    assert "May be shared with partner agencies" in page  # handling 1
    assert str(indicator().display_name) in page and "Correction: 10:15" in page


def test_the_analyst_is_offered_the_actions_the_security_officer_is_not(world):
    w = world
    new = observe(w)
    done = reviewed(w, observe(w))
    analyst, officer = login(w.analyst_a), login(w.security_a)
    review_url = reverse("observations:review", args=[new.uuid])
    assert review_url in analyst.get(observation_url(new, "review")).content.decode()
    officer_page = officer.get(observation_url(new, "review")).content.decode()
    assert review_url not in officer_page
    # security A recorded it: they may correct it before review, not review it
    assert reverse("observations:observation_edit", args=[new.uuid]) in officer_page
    page = analyst.get(observation_url(done)).content.decode()
    for name in ("link", "archive", "addendum"):
        assert reverse(f"observations:{name}", args=[done.uuid]) in page


def test_links_show_the_other_observation_and_what_reads_or_draws_on_it(world):
    w = world
    link = builders.link(w)
    summary = builders.summary(w)
    observation = builders.security_reviewed(w)
    page = login(w.analyst_a).get(observation_url(observation, "review")).content.decode()
    other = link.second if link.first_id == observation.pk else link.first
    assert reverse("observations:observation", args=[other.uuid]) in page
    assert "Same visitor both times." in page
    assert reverse("observations:unlink", args=[link.uuid]) in page
    assert reverse("observations:analysis", args=[builders.analysis(w).uuid]) in page
    assert reverse("observations:summary", args=[summary.uuid]) in page


def test_an_observer_outside_security_cannot_open_even_their_own_entry_here(world):
    w = world
    own = observe(w, actor=w.treatment_a)
    assert login(w.treatment_a).get(observation_url(own, "review")).status_code == 403
    assert login(w.treatment_b).get(observation_url(own, "review")).status_code == 404


def test_the_observation_page_runs_as_many_queries_with_more_around_it(world):
    w = world
    observation = builders.security_reviewed(w)
    builders.link(w)
    builders.summary(w)
    services.addendum_add(actor=w.analyst_a, observation=observation, text="First")
    client = login(w.analyst_a)
    url = observation_url(observation, "review")
    few = queries(client, url)
    for n in range(3):
        other = reviewed(w, observe(w, verbatim=f"Other {n}"))
        services.observation_link(actor=w.analyst_a, observation=observation, other=other)
        services.addendum_add(actor=w.analyst_a, observation=observation, text=f"Add {n}")
    services.analysis_save(actor=w.analyst_a, person=w.person_a, text="Second reading",
                           observations=[observation])
    builders.share(w, observations=[observation])
    assert queries(client, url) == few


# --- a person's security record ------------------------------------------------------------------

def record_url(w, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    url = reverse("observations:person_record", args=[w.person_a.uuid])
    return url + (f"?{query}" if query else "")


def test_the_record_lists_observations_newest_first_with_analyses_and_summaries(world):
    w = world
    new = observe(w)
    older = builders.security_reviewed(w)
    builders.analysis(w)
    in_force = builders.summary(w)
    expired = builders.share(w, summary="Old news.")
    SharedSummary.objects.filter(pk=expired.pk).update(
        expires_on=timezone.localdate() - datetime.timedelta(days=1))
    withdrawn = builders.share(w, summary="Withdrawn news.")
    services.share_withdraw(actor=w.analyst_a, summary=withdrawn,
                            expected_version=withdrawn.version, reason="Wrong person")

    response = login(w.analyst_a).get(record_url(w, purpose="review"))
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [new, older]
    states = {row["summary"].pk: row["state"] for row in response.context["summaries"]}
    assert states == {in_force.pk: "in_force", expired.pk: "expired",
                      withdrawn.pk: "withdrawn"}
    page = response.content.decode()
    assert str(w.treatment_a) in page  # a recipient
    assert reverse("observations:export", args=[w.person_a.uuid]) in page
    assert reverse("observations:share", args=[w.person_a.uuid]) in page

    only_new = login(w.analyst_a).get(record_url(w, status="new", purpose="review"))
    assert list(only_new.context["page"].object_list) == [new]


def test_the_security_officer_reads_the_record_but_is_offered_no_analysis_or_export(world):
    w = world
    observe(w)
    page = login(w.security_a).get(record_url(w, purpose="review")).content.decode()
    assert "Said X." in page
    assert reverse("observations:export", args=[w.person_a.uuid]) not in page
    assert reverse("observations:analysis_add", args=[w.person_a.uuid]) not in page


def test_the_record_asks_for_a_purpose_and_is_refused_outside_security(world):
    w = world
    observe(w)
    chooser = login(w.analyst_a).get(record_url(w))
    assert "observations/purpose.html" in [t.name for t in chooser.templates]
    assert login(w.treatment_a).get(record_url(w, purpose="review")).status_code == 403
    assert login(w.treatment_b).get(record_url(w, purpose="review")).status_code == 404


def test_the_record_runs_as_many_queries_for_a_longer_history(world):
    w = world
    observe(w, indicators=[indicator()])
    builders.summary(w)  # with an analysis, on a reviewed observation
    client = login(w.analyst_a)
    url = record_url(w, purpose="review")
    few = queries(client, url)
    for n in range(5):
        reviewed(w, observe(w, verbatim=f"Entry {n}", indicators=[indicator()]))
    services.analysis_save(actor=w.analyst_a, person=w.person_a, text="Second reading")
    builders.share(w, summary="Second")
    assert queries(client, url) == few


# --- summaries -----------------------------------------------------------------------------------

def summary_url(summary):
    return reverse("observations:summary", args=[summary.uuid])


def test_the_security_side_sees_who_a_summary_went_to_a_recipient_only_the_summary(world):
    w = world
    summary = builders.summary(w)
    security = login(w.analyst_a).get(summary_url(summary)).content.decode()
    assert "He keeps to himself" in security and str(w.treatment_a) in security
    assert reverse("observations:withdraw", args=[summary.uuid]) in security
    recipient = login(w.treatment_a).get(summary_url(summary))
    assert recipient.status_code == 200
    page = recipient.content.decode()
    assert "He keeps to himself" in page
    assert reverse("observations:withdraw", args=[summary.uuid]) not in page
    assert reverse("observations:observation",
                   args=[builders.security_reviewed(w).uuid]) not in page


def test_after_its_expiry_a_recipient_is_told_the_summary_expired(world):
    w = world
    summary = builders.summary(w)
    SharedSummary.objects.filter(pk=summary.pk).update(
        expires_on=timezone.localdate() - datetime.timedelta(days=1))
    response = login(w.treatment_a).get(summary_url(summary))
    assert response.status_code == 403
    assert "it has expired" in response.content.decode()


def test_someone_it_was_not_addressed_to_does_not_find_it(world):
    w = builders.case_team(world)
    assert login(w.ngo_worker).get(summary_url(builders.summary(w))).status_code == 404


def test_shared_with_me_lists_the_summaries_in_force_addressed_to_the_reader(world):
    w = world
    summary = builders.summary(w)
    expired = builders.share(w, summary="Expired already.")
    SharedSummary.objects.filter(pk=expired.pk).update(
        expires_on=timezone.localdate() - datetime.timedelta(days=1))
    response = login(w.treatment_a).get(reverse("observations:shared"))
    assert list(response.context["page"].object_list) == [summary]
    assert w.person_a.reference in response.content.decode()
    event = AuditEvent.objects.filter(action="list", actor=w.treatment_a).latest("id")
    assert event.details["list"] == "shared_with_me"
    assert event.details["references"] == [w.person_a.reference]
    # the security side reads summaries on the security record, not here
    analyst = login(w.analyst_a).get(reverse("observations:shared"))
    assert list(analyst.context["page"].object_list) == []


def test_shared_with_me_is_refused_to_roles_without_a_caseload(world):
    assert login(world.regional_coordinator).get(
        reverse("observations:shared")).status_code == 403


# --- the menu ------------------------------------------------------------------------------------

def test_the_menu_leads_each_side_to_its_pages(world):
    w = world
    nav = login(w.analyst_a).get(reverse("observations:shared")).content.decode()
    assert reverse("observations:dashboard") in nav and reverse("observations:mine") in nav
    treatment = login(w.treatment_a).get(reverse("observations:shared")).content.decode()
    assert f'href="{reverse("observations:dashboard")}"' not in treatment
    assert reverse("observations:mine") in treatment
    probation = login(w.probation_officer).get(reverse("observations:shared")).content.decode()
    assert f'href="{reverse("observations:mine")}"' not in probation
