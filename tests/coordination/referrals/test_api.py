"""The referral API as a client uses it: create and send, the lists of both sides, a referral,
and the receiving agency's accept, decline and complete; with 404/403/409/400 like the pages."""

import pytest
from django.urls import reverse

from alliance.cases.models import CaseTeamMember
from alliance.coordination.models import Referral, ReferralStatus

from ...api.helpers import ENVELOPE, assert_error
from ...conftest import login
from . import builders

pytestmark = pytest.mark.django_db

LIST = "/api/v1/referrals/"
NAMES = ("Arben", "Krasniqi", "1705990450011")


def _url(referral, action=""):
    return reverse(f"api:referral-{action}" if action else "api:referral-detail",
                   args=[referral.uuid])


def _post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_it_creates_and_sends_a_referral(world):
    w = world
    response = _post(login(w.manager_a), LIST, {
        "person": str(w.person_a.uuid), "to_agency": str(w.ngo.uuid), "kind": "intervention",
        "reason": "Programme", "results": ["Attends"], "scopes": ["identity"], "send": True})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "sent" and body["reference"] == w.person_a.reference
    assert body["results"] == [{"description": "Attends", "outcome": "pending", "note": ""}]
    assert "withdraw" in body["actions"]


def test_it_refuses_a_referral_without_agreement_or_result(world):
    w = world
    response = _post(login(w.manager_a), LIST, {
        "person": str(w.person_a.uuid), "to_agency": str(w.prison_other.uuid),
        "kind": "intervention", "reason": "x", "results": []})
    body = assert_error(response, 400, "invalid")
    assert "results" in body["fields"] or "to_agency" in body["fields"]
    response = _post(login(w.treatment_b), LIST, {
        "person": str(w.person_a.uuid), "to_agency": str(w.ngo.uuid), "kind": "intervention",
        "reason": "x", "results": ["y"]})
    assert "person" in assert_error(response, 400)["fields"]


def test_the_lists_show_each_side_its_referrals(world):
    w = world
    referral = builders.sent(w)
    draft = builders.draft(w, kind="mentoring")
    body = login(w.ngo_worker).get(LIST, {"direction": "received"}).json()
    assert set(body) == ENVELOPE
    assert [r["uuid"] for r in body["results"]] == [str(referral.uuid)]
    assert not [n for n in NAMES if n in str(body)]
    sent = login(w.manager_a).get(LIST, {"direction": "sent"}).json()
    assert {r["uuid"] for r in sent["results"]} == {str(referral.uuid), str(draft.uuid)}
    drafts = login(w.manager_a).get(LIST, {"status": "draft"}).json()
    assert [r["uuid"] for r in drafts["results"]] == [str(draft.uuid)]
    assert login(w.treatment_b).get(LIST).json()["count"] == 0
    assert_error(login(w.manager_a).get(LIST, {"direction": "sideways"}), 400)
    assert_error(login(w.regional_coordinator).get(LIST), 403)


def test_the_detail_is_404_to_others(world):
    w = world
    referral = builders.sent(w)
    assert login(w.ngo_worker).get(_url(referral)).status_code == 200
    assert_error(login(w.probation_officer).get(_url(referral)), 404, "not_found")
    assert_error(login(w.treatment_b).get(_url(builders.draft(w, kind="mentoring"))), 404)


def test_it_accepts_and_completes(world):
    w = world
    referral = builders.sent(w)
    ngo = login(w.ngo_worker)
    response = _post(ngo, _url(referral, "accept"), {"worker": str(w.ngo_worker.uuid),
                                                     "version": referral.version})
    assert response.status_code == 200, response.content
    assert response.json()["worker"] == str(w.ngo_worker.uuid)
    assert CaseTeamMember.objects.filter(case=w.case_a, user=w.ngo_worker).exists()
    version = response.json()["version"]
    assert_error(_post(ngo, _url(referral, "complete"), {
        "outcomes": [{"outcome": "achieved"}], "version": version}), 400)
    response = _post(ngo, _url(referral, "complete"), {
        "outcomes": [{"outcome": "achieved"}, {"outcome": "not_achieved", "note": "No flat"}],
        "note": "Done", "version": version})
    assert response.status_code == 200, response.content
    assert [r["outcome"] for r in response.json()["results"]] == ["achieved", "not_achieved"]


def test_accept_by_someone_outside_the_agency_is_refused_with_the_reason(world):
    w = world
    referral = builders.sent(w)
    body = assert_error(_post(login(w.manager_a), _url(referral, "accept"), {
        "worker": str(w.ngo_worker.uuid), "version": referral.version}), 403)
    assert body["detail"] == "Only NGO J1 can accept this referral."
    assert_error(_post(login(w.probation_officer), _url(referral, "accept"), {
        "worker": str(w.ngo_worker.uuid), "version": referral.version}), 404)


def test_decline_needs_a_reason_and_the_version_read(world):
    w = world
    referral = builders.sent(w)
    ngo = login(w.ngo_worker)
    body = assert_error(_post(ngo, _url(referral, "decline"), {"reason": "",
                                                               "version": referral.version}),
                        400)
    assert "reason" in body["fields"]
    assert_error(_post(ngo, _url(referral, "decline"), {"reason": "no_capacity",
                                                        "version": referral.version - 1}),
                 409, "conflict")
    response = _post(ngo, _url(referral, "decline"), {"reason": "no_capacity",
                                                      "version": referral.version})
    assert response.status_code == 200
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.DECLINED
