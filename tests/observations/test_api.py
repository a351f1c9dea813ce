"""The dynamic-security API as a client uses it: a person's observations and recording one, an
observation and its correction before review, sharing a summary from it and what is shared with
the caller; with the compartment's 403/404 rules, the purpose every read of raw material
states, and the same refusals and audit as the pages."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alliance.accounts.models import Membership
from alliance.cases import services as case_services
from alliance.core.models import AuditEvent
from alliance.observations import services
from alliance.observations.models import Observation, ObservationStatus, SharedSummary

from ..api.helpers import ENVELOPE, assert_error
from ..conftest import login
from . import builders

pytestmark = pytest.mark.django_db

REVIEW = {"HTTP_X_ALLIANCE_PURPOSE": "review"}
TODAY = datetime.date.today()
VERBATIM = "Said he would not go to the workshop."  # builders.observe's text


def _list(w):
    return reverse("api:person-observations", args=[w.person_a.uuid])


def _detail(observation):
    return reverse("api:observation-detail", args=[observation.uuid])


def _shares(observation):
    return reverse("api:observation-shares", args=[observation.uuid])


def _send(client, method, url, data, **headers):
    return getattr(client, method)(url, data, content_type="application/json", **headers)


def _body(w, **changes):
    return {"observed_at": (timezone.now() - datetime.timedelta(hours=2)).isoformat(),
            "category": "communication", "verbatim": "Asked who visits on Sundays.",
            "context": "Wing 1, after lunch.", "opinion": "Curious, no concern.",
            "source_reliability": "A", "information_assessment": "1", "handling_code": "1",
            **changes}


def _on_team(w, persona, scopes=()):
    case_services.team_member_add(actor=w.manager_a, case=w.case_a, scopes=list(scopes),
                                  membership=Membership.objects.get(user=getattr(w, persona)),
                                  team_role="Mentor")


# --- a person's observations ---------------------------------------------------------------------

def test_the_security_side_lists_a_persons_observations_newest_first(world):
    older = builders.observe(world, world.security_a, hours_ago=5)
    newer = builders.observe(world, world.treatment_a, hours_ago=1)
    for persona in ("security_a", "analyst_a"):
        body = login(getattr(world, persona)).get(_list(world), **REVIEW).json()
        assert set(body) == ENVELOPE
        assert [r["uuid"] for r in body["results"]] == [str(newer.uuid), str(older.uuid)]
    row = body["results"][1]
    assert row["grading"]["source_reliability"] == {"code": "B", "label": "Mostly reliable"}
    assert row["recorded_by"]["username"] == "security_a" and row["status"] == "new"
    assert "verbatim" not in row  # texts are read one observation at a time


def test_the_list_filters_by_status(world):
    builders.security_new(world)
    reviewed = builders.security_reviewed(world)
    body = login(world.security_a).get(_list(world), {"status": "reviewed"}, **REVIEW).json()
    assert [r["uuid"] for r in body["results"]] == [str(reviewed.uuid)]
    assert_error(login(world.security_a).get(_list(world), {"status": "read"}, **REVIEW), 400,
                 "invalid")


def test_staff_who_see_the_person_but_not_the_security_compartment_are_refused(world):
    builders.security_new(world)
    _on_team(world, "ngo_worker")
    for persona in ("treatment_a", "manager_a", "ngo_worker"):
        assert_error(login(getattr(world, persona)).get(_list(world), **REVIEW), 403)


def test_the_person_is_not_there_for_anyone_else(world):
    builders.security_new(world)
    for persona in ("treatment_b", "probation_officer", "regional_coordinator", "dpo", "admin",
                    "manager_other"):
        assert_error(login(getattr(world, persona)).get(_list(world), **REVIEW), 404)


# --- the purpose of a read -----------------------------------------------------------------------

def test_every_read_of_raw_material_states_its_purpose(world):
    observation = builders.security_reviewed(world)
    client = login(world.security_a)
    last = AuditEvent.objects.latest("id").pk
    for url in (_list(world), _detail(observation), _shares(observation)):
        for params in ({}, {"purpose": ""}, {"purpose": "other"}):
            body = assert_error(client.get(url, params), 400, "purpose_required")
            assert "X-Alliance-Purpose" in body["detail"] and "review" in body["detail"]
    # nothing was shown, so nothing was consulted
    assert not AuditEvent.objects.filter(pk__gt=last, action__in=["view", "list"]).exists()


def test_the_stated_purpose_is_in_the_audit_event_of_the_read(world):
    observation = builders.security_reviewed(world)
    client = login(world.analyst_a)
    assert client.get(_detail(observation), HTTP_X_ALLIANCE_PURPOSE="incident").status_code == 200
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.object_uuid, event.purpose) == ("view", str(observation.uuid),
                                                                "incident")
    assert event.person_id == world.person_a.pk and event.actor_id == world.analyst_a.pk
    words = "Preparing the parole board's questions"
    assert client.get(_list(world), {"purpose": words}).status_code == 200
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.purpose, event.person_id) == ("list", words, world.person_a.pk)


# --- one observation -----------------------------------------------------------------------------

def test_the_security_side_reads_the_whole_observation(world):
    link = builders.link(world)
    observation = builders.security_reviewed(world)
    services.addendum_add(actor=world.security_a, observation=observation,
                          text="It was Tuesday, not Monday.")
    body = login(world.security_a).get(_detail(observation), **REVIEW).json()
    assert body["verbatim"] == VERBATIM and body["person"] == str(world.person_a.uuid)
    assert body["grading"]["scheme"] == "5x5x5"
    assert body["grading"]["handling_code"] == {
        "code": "1", "label": "May be shared with partner agencies", "reach": "partners"}
    assert body["status"] == "linked" and body["version"] == Observation.objects.get(
        pk=observation.pk).version
    assert [a["text"] for a in body["addenda"]] == ["It was Tuesday, not Monday."]
    assert [(k["observation"], k["note"]) for k in body["links"]] == [
        (str(link.second.uuid if link.first_id == observation.pk else link.first.uuid),
         "Same visitor both times.")]
    assert body["reviewed_by"]["username"] == "analyst_a"
    assert "addendum" in body["actions"] and "edit" not in body["actions"]


def test_its_indicators_are_named(world):
    observation = builders.observe(world, world.security_a, indicators=[
        services.indicators_for(world.j1).get(code="threatens")])
    body = login(world.analyst_a).get(_detail(observation), **REVIEW).json()
    assert body["escalated"] is True
    assert [i["code"] for i in body["indicators"]] == ["threatens"]
    assert body["indicators"][0]["name"]


def test_its_observer_outside_the_compartment_may_not_read_it_here(world):
    own = builders.own_new(world)
    assert_error(login(world.treatment_a).get(_detail(own), **REVIEW), 403)
    for persona in ("manager_a", "treatment_b", "regional_coordinator", "dpo", "admin",
                    "manager_other"):
        assert_error(login(getattr(world, persona)).get(_detail(own), **REVIEW), 404)


# --- recording -----------------------------------------------------------------------------------

def test_an_officer_records_an_observation(world):
    response = _send(login(world.security_a), "post", _list(world),
                     _body(world, indicators=["threatens"], unit=str(world.unit_a.uuid)))
    assert response.status_code == 201, response.json()
    body = response.json()
    saved = Observation.objects.get(uuid=body["uuid"])
    assert (saved.recorded_by, saved.verbatim, saved.opinion, saved.unit) == (
        world.security_a, "Asked who visits on Sundays.", "Curious, no concern.", world.unit_a)
    assert saved.escalated and body["escalated"] is True
    assert body["unit"] == "Wing 1" and body["addenda"] == [] and body["links"] == []
    assert body["grading"]["source_reliability"]["label"] == "Always reliable"


def test_an_observer_outside_the_compartment_reads_back_only_their_entry(world):
    response = _send(login(world.treatment_a), "post", _list(world), _body(world))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["verbatim"] == "Asked who visits on Sundays." and body["status"] == "new"
    assert not {"addenda", "links", "reviewed_by", "archived_reason"} & set(body)
    assert "edit" in body["actions"]
    assert_error(login(world.treatment_a).get(_list(world), **REVIEW), 403)


def test_missing_grading_is_refused_with_the_reason(world):
    body = _body(world, handling_code="")
    del body["source_reliability"]
    error = assert_error(_send(login(world.security_a), "post", _list(world), body), 400,
                         "invalid")
    assert error["fields"]["source_reliability"] == ["Grade how reliable the source is."]
    assert error["fields"]["handling_code"] == [
        "Choose a handling code: it decides who may ever read a summary of it."]
    assert not Observation.objects.exists()


def test_a_grade_outside_the_scheme_and_an_unknown_indicator_are_refused(world):
    client = login(world.security_a)
    error = assert_error(_send(client, "post", _list(world), _body(
        world, source_reliability="Z")), 400)
    assert "Z is not a grade" in error["fields"]["source_reliability"][0]
    error = assert_error(_send(client, "post", _list(world), _body(
        world, indicators=["threatens", "sings_loudly"])), 400)
    assert "sings_loudly" in error["fields"]["indicators"][0]
    assert not Observation.objects.exists()


def test_markup_and_every_script_are_stored_and_answered_verbatim(world):
    text = ('<script>alert("x")</script><img src=x onerror=alert(1)> "Ђорђе" Gjergj '
            "Đorđe ΓΕΩΡΓΙΟΣ جورج 𝔊\n  second line")
    response = _send(login(world.security_a), "post", _list(world), _body(world, verbatim=text))
    assert response.status_code == 201, response.json()
    assert response["Content-Type"].startswith("application/json")
    saved = Observation.objects.get(uuid=response.json()["uuid"])
    assert saved.verbatim == text
    assert login(world.analyst_a).get(_detail(saved), **REVIEW).json()["verbatim"] == text


def test_only_staff_who_may_record_do(world):
    _on_team(world, "ngo_worker")
    assert_error(_send(login(world.ngo_worker), "post", _list(world), _body(world)), 403)
    assert_error(_send(login(world.treatment_b), "post", _list(world), _body(world)), 404)
    assert not Observation.objects.exists()


# --- correcting before review --------------------------------------------------------------------

def test_its_author_corrects_it_before_review(world):
    observation = builders.security_new(world)
    response = _send(login(world.security_a), "patch", _detail(observation),
                     {"version": observation.version, "verbatim": "Said he would go after all."})
    assert response.status_code == 200, response.json()
    assert response.json()["version"] == observation.version + 1
    assert Observation.objects.get(pk=observation.pk).verbatim == "Said he would go after all."


def test_an_observer_outside_the_compartment_corrects_their_own(world):
    own = builders.own_new(world)
    response = _send(login(world.treatment_a), "patch", _detail(own),
                     {"version": own.version, "category": "behaviour"})
    assert response.status_code == 200, response.json()
    assert response.json()["category"] == "behaviour" and "addenda" not in response.json()


def test_a_correction_of_a_stale_version_is_a_conflict(world):
    observation = builders.security_new(world)
    assert_error(_send(login(world.security_a), "patch", _detail(observation),
                       {"version": observation.version - 1, "verbatim": "Overwritten."}),
                 409, "conflict")
    assert Observation.objects.get(pk=observation.pk).verbatim == VERBATIM


def test_after_review_a_correction_is_refused_with_the_reason(world):
    observation = builders.security_reviewed(world)
    error = assert_error(_send(login(world.security_a), "patch", _detail(observation),
                               {"version": observation.version, "verbatim": "Changed."}), 400)
    assert "reviewed" in error["detail"] and "addendum" in error["detail"]
    assert Observation.objects.get(pk=observation.pk).verbatim == VERBATIM


def test_only_its_author_corrects_it(world):
    own = builders.own_new(world)
    for persona in ("security_a", "analyst_a"):
        assert_error(_send(login(getattr(world, persona)), "patch", _detail(own),
                           {"version": own.version, "verbatim": "Not mine."}), 403)
    assert_error(_send(login(world.manager_a), "patch", _detail(own),
                       {"version": own.version, "verbatim": "Not mine."}), 404)


# --- sharing -------------------------------------------------------------------------------------

def _share(w, observation, **changes):
    return {"summary": "He keeps to himself; no concern for the visits.",
            "recipients": [str(w.treatment_a.uuid)],
            "expires_on": (TODAY + datetime.timedelta(days=30)).isoformat(), **changes}


def test_the_analyst_shares_a_summary_drawing_on_the_observation(world):
    observation = builders.security_reviewed(world)
    other = builders.review(world, builders.observe(world, world.security_a, hours_ago=9))
    response = _send(login(world.analyst_a), "post", _shares(observation),
                     _share(world, observation, observations=[str(other.uuid)]))
    assert response.status_code == 201, response.json()
    body = response.json()
    shared = SharedSummary.objects.get(uuid=body["uuid"])
    assert set(shared.observations.all()) == {observation, other}
    assert body["in_force"] is True and body["expires_on"] == str(TODAY + datetime.timedelta(30))
    assert [(r["user"]["username"], r["role"]) for r in body["recipients"]] == [
        ("treatment_a", "")]
    assert sorted(body["observations"]) == sorted([str(observation.uuid), str(other.uuid)])
    assert Observation.objects.get(pk=observation.pk).status == ObservationStatus.SHARED
    listed = login(world.security_a).get(_shares(observation), **REVIEW).json()
    assert [s["uuid"] for s in listed["results"]] == [body["uuid"]]


def test_a_summary_may_go_to_the_holders_of_a_role(world):
    observation = builders.security_reviewed(world)
    response = _send(login(world.analyst_a), "post", _shares(observation),
                     _share(world, observation, recipients=[], roles=["case_manager"]))
    assert response.status_code == 201, response.json()
    assert [(r["user"], r["role"], r["role_label"]) for r in response.json()["recipients"]] == [
        (None, "case_manager", "Case manager")]
    body = login(world.manager_a).get(reverse("api:shared-summary-list")).json()
    assert [s["uuid"] for s in body["results"]] == [response.json()["uuid"]]


def test_a_summary_lasts_the_jurisdictions_usual_period_by_default(world):
    observation = builders.security_reviewed(world)
    response = _send(login(world.analyst_a), "post", _shares(observation),
                     _share(world, observation, expires_on=None))
    assert response.status_code == 201, response.json()
    assert response.json()["expires_on"] == str(TODAY + datetime.timedelta(days=90))


def test_a_security_officer_may_not_share(world):
    observation = builders.security_reviewed(world)
    assert_error(_send(login(world.security_a), "post", _shares(observation),
                       _share(world, observation)), 403)
    assert_error(_send(login(world.treatment_a), "post", _shares(observation),
                       _share(world, observation)), 404)
    assert not SharedSummary.objects.exists()


def test_a_recipient_outside_the_case_team_is_refused(world):
    observation = builders.security_reviewed(world)
    client = login(world.analyst_a)
    for outsider in (world.treatment_b, world.probation_officer):
        error = assert_error(_send(client, "post", _shares(observation), _share(
            world, observation, recipients=[str(outsider.uuid)])), 400)
        assert "is not on the case team" in error["fields"]["recipients"][0]
    error = assert_error(_send(client, "post", _shares(observation), _share(
        world, observation, recipients=[str(world.dpo.uuid)[:-4] + "0000"])), 400)
    assert error["fields"]["recipients"] == ["No such member of staff."]
    assert not SharedSummary.objects.exists()


def test_nothing_is_shared_from_an_observation_kept_from_dissemination(world):
    kept = builders.review(world, builders.observe(world, world.security_a, handling="5"))
    error = assert_error(_send(login(world.analyst_a), "post", _shares(kept),
                               _share(world, kept)), 400)
    assert "no summary may draw on it" in error["fields"]["observations"][0]


def test_the_summaries_drawing_on_an_observation_are_the_security_sides(world):
    summary = builders.summary(world)
    observation = builders.security_reviewed(world)
    body = login(world.security_a).get(_shares(observation), **REVIEW).json()
    assert [s["uuid"] for s in body["results"]] == [str(summary.uuid)]
    # treatment A receives the summary but does not see the observation at all
    assert_error(login(world.treatment_a).get(_shares(observation), **REVIEW), 404)


# --- what is shared with the caller --------------------------------------------------------------

@pytest.fixture
def shared(world):
    """Three summaries for treatment A: in force, expired yesterday, withdrawn."""
    w = world
    w.in_force = builders.summary(w)
    basis = [builders.security_reviewed(w)]
    w.expired = builders.share(w, summary="Expired summary.", observations=basis)
    SharedSummary.objects.filter(pk=w.expired.pk).update(
        expires_on=TODAY - datetime.timedelta(days=1))
    withdrawn = builders.share(w, summary="Withdrawn summary.", observations=basis)
    w.withdrawn = services.share_withdraw(actor=w.analyst_a, summary=withdrawn,
                                          expected_version=withdrawn.version, reason="Wrong.")
    return w


def test_a_recipient_lists_what_is_shared_with_them_and_in_force(shared):
    w = shared
    response = login(w.treatment_a).get(reverse("api:shared-summary-list"))
    body = response.json()
    assert [s["uuid"] for s in body["results"]] == [str(w.in_force.uuid)]
    row = body["results"][0]
    assert row["summary"] == w.in_force.summary and row["in_force"] is True
    assert not {"recipients", "observations", "withdrawn_reason", "version"} & set(row)
    assert VERBATIM not in response.content.decode()
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.person_id) == ("list", w.person_a.pk)


def test_the_security_side_lists_every_summary_of_its_people(shared):
    w = shared
    client = login(w.security_a)
    body = client.get(reverse("api:shared-summary-list")).json()
    assert {s["uuid"] for s in body["results"]} == {
        str(s.uuid) for s in (w.in_force, w.expired, w.withdrawn)}
    assert all("recipients" in s for s in body["results"])
    lapsed = client.get(reverse("api:shared-summary-list"), {"in_force": "false"}).json()
    assert {s["uuid"] for s in lapsed["results"]} == {str(w.expired.uuid), str(w.withdrawn.uuid)}


def test_nothing_is_listed_for_whom_nothing_was_shared(shared):
    for persona in ("manager_a", "treatment_b", "manager_other"):
        body = login(getattr(shared, persona)).get(reverse("api:shared-summary-list")).json()
        assert body["count"] == 0, persona
    for persona in ("regional_coordinator", "dpo", "admin"):
        assert_error(login(getattr(shared, persona)).get(reverse("api:shared-summary-list")),
                     403)


# --- in the schema, at a constant cost -----------------------------------------------------------

def test_the_schema_documents_the_endpoints(world):
    paths = login(world.treatment_a).get(reverse("api-schema"), {"format": "json"}).json()[
        "paths"]
    assert {"get", "post"} <= set(paths["/api/v1/persons/{person_uuid}/observations/"])
    assert {"get", "patch"} <= set(paths["/api/v1/observations/{observation_uuid}/"])
    assert {"get", "post"} <= set(paths["/api/v1/observations/{observation_uuid}/shares/"])
    assert "get" in paths["/api/v1/shared-summaries/"]
    parameters = {p["name"] for p in paths["/api/v1/observations/{observation_uuid}/"]["get"][
        "parameters"]}
    assert {"purpose", "X-Alliance-Purpose"} <= parameters


def test_the_lists_run_as_many_queries_for_many_rows_as_for_one(world):
    builders.summary(world)
    client = login(world.security_a)
    urls = [_list(world), reverse("api:shared-summary-list"),
            _shares(builders.security_reviewed(world))]

    def counts():
        result = []
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url, **REVIEW).status_code == 200
            result.append(len(ctx.captured_queries))
        return result

    counts()  # the first request of a session loads more
    few = counts()
    for hours in range(10, 15):
        observation = builders.review(world, builders.observe(
            world, world.security_a, hours_ago=hours,
            indicators=[services.indicators_for(world.j1).get(code="threatens")]))
        builders.share(world, observations=[builders.security_reviewed(world), observation],
                       recipients=[world.treatment_a, world.manager_a])
    assert counts() == few
