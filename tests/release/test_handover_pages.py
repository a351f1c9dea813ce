"""The handover through the pages: the prison sends it to probation on the case team, probation
reads the package and acknowledges it, the prison withdraws one with the reason — and who may
not. The package is assembled live, says what changed since it was sent, and names the person
only to a reader who holds identity."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alliance.release import services
from alliance.release.access import handovers
from alliance.release.models import Handover, HandoverStatus
from alliance.release.package import handover_package

from ..conftest import login
from .builders import ngo_on_team

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
NAME = "Krasniqi"


def _url(name, *args) -> str:
    return reverse(f"release:{name}", args=args)


def _html(response, status: int = 200) -> str:
    assert response.status_code == status
    return response.content.decode()


def _send(w, client=None, **data) -> Handover:
    client = client or login(w.manager_a)
    data = {"to_agency": str(w.probation.uuid), "note": "Ready for you", "retain_days": 60,
            **data}
    response = client.post(_url("handover_new", w.person_a.uuid), data)
    handover = Handover.objects.get(person=w.person_a, status=HandoverStatus.SENT)
    assert response.status_code == 302 and response.url == _url("handover", handover.uuid)
    return handover


def handover_grant(user, handover):
    return handovers.grant(user, handover)


# --- sending -------------------------------------------------------------------------------------

def test_the_form_offers_probation_and_explains_the_read_access_kept(releasing):
    w = releasing
    html = _html(login(w.manager_a).get(_url("handover_new", w.person_a.uuid)))
    assert "Probation J1" in html and "NGO J1" not in html
    assert "After the release, staff of Prison A keep read access for 90 days." in html
    assert 'value="90"' in html


def test_without_probation_on_the_team_the_page_says_what_to_do(world):
    w = world
    html = _html(login(w.manager_a).get(_url("handover_new", w.person_a.uuid)))
    assert "Add a probation officer to the case team first." in html
    assert reverse("people:detail", args=[w.person_a.uuid]) + "#case-h" in html
    assert "Send the handover" not in html


def test_the_manager_sends_the_handover_to_probation_and_probation_acknowledges(releasing):
    w = releasing
    handover = _send(w)
    assert (handover.to_agency, handover.from_agency, handover.retain_days) == (
        w.probation, w.prison_a, 60)

    client = login(w.probation_officer)
    html = _html(client.get(_url("handover", handover.uuid)))
    assert "Ready for you" in html and "Acknowledge the handover" in html
    assert "Withdraw the handover" not in html  # the receiving side does not withdraw
    response = client.post(_url("handover_acknowledge", handover.uuid), {
        "note": "First appointment on release day", "version": handover.version})
    assert response.status_code == 302
    handover.refresh_from_db()
    assert handover.status == HandoverStatus.ACKNOWLEDGED
    assert handover.acknowledged_by == w.probation_officer
    html = _html(client.get(_url("handover", handover.uuid)))
    assert "First appointment on release day" in html and "Acknowledged" in html
    assert "Acknowledge the handover" not in html


def test_a_handover_to_an_agency_off_the_case_team_is_refused_with_the_reason(releasing):
    w = releasing
    response = login(w.manager_a).post(_url("handover_new", w.person_a.uuid), {
        "to_agency": str(w.ngo.uuid), "note": "Wrong agency", "retain_days": 30})
    html = _html(response)
    assert "Hand over to an agency on the case team" in html
    assert "add someone from NGO J1 to the case team first" in html
    assert "Wrong agency" in html and 'value="30"' in html
    assert not Handover.objects.exists()


def test_a_handover_to_an_agency_on_the_team_that_cannot_take_the_person_on_is_refused(
        releasing):
    w = releasing
    response = login(w.manager_a).post(_url("handover_new", w.person_a.uuid), {
        "to_agency": str(w.ministry.uuid), "note": "", "retain_days": 30})
    assert "Hand over to the probation service" in _html(response)
    assert not Handover.objects.exists()


def test_a_second_handover_while_one_is_under_way_is_refused(releasing):
    w = releasing
    handover = _send(w)
    html = _html(login(w.manager_a).get(_url("handover_new", w.person_a.uuid)))
    assert "already under way" in html and _url("handover", handover.uuid) in html


# --- acknowledging and withdrawing ---------------------------------------------------------------

def test_the_ngo_worker_and_the_prisons_treatment_officer_cannot_acknowledge(releasing):
    w = releasing
    ngo_on_team(w)
    handover = _send(w)
    for user in (w.ngo_worker, w.treatment_a):
        client = login(user)
        assert "Acknowledge the handover" not in _html(client.get(_url("handover",
                                                                       handover.uuid)))
        response = client.post(_url("handover_acknowledge", handover.uuid), {
            "version": handover.version})
        assert response.status_code == 403
    handover.refresh_from_db()
    assert handover.status == HandoverStatus.SENT


def test_another_prisons_officer_gets_404(releasing):
    w = releasing
    handover = _send(w)
    client = login(w.treatment_b)
    assert client.get(_url("handover", handover.uuid)).status_code == 404
    assert client.post(_url("handover_acknowledge", handover.uuid)).status_code == 404
    assert client.get(_url("handover_new", w.person_a.uuid)).status_code == 404


def test_the_manager_withdraws_the_handover_with_the_reason(releasing):
    w = releasing
    handover = _send(w)
    client = login(w.manager_a)
    response = client.post(_url("handover_withdraw", handover.uuid), {
        "reason": "", "version": handover.version})
    assert "Say why the handover is withdrawn." in _html(response)
    response = client.post(_url("handover_withdraw", handover.uuid), {
        "reason": "Release postponed by the court", "version": handover.version})
    assert response.status_code == 302
    handover.refresh_from_db()
    assert handover.status == HandoverStatus.WITHDRAWN
    html = _html(client.get(_url("handover", handover.uuid)))
    assert "Release postponed by the court" in html and "Withdraw the handover" not in html
    # a new one may be sent now
    assert "Send the handover" in _html(client.get(_url("handover_new", w.person_a.uuid)))


# --- the package ---------------------------------------------------------------------------------

def test_the_package_shows_what_the_receiving_agency_needs(releasing):
    w = releasing
    plan = services.support_plan_start(actor=w.probation_officer, person=w.person_a)
    entry = plan.pathways.get(pathway="accommodation")
    services.pathway_update(actor=w.probation_officer, entry=entry, expected_version=None,
                            needs="A room near his sister", status="need")
    services.action_add(actor=w.probation_officer, entry=entry,
                        description="Find supported housing", agency=w.ministry)
    services.condition_add(actor=w.probation_officer, plan=plan, kind="reporting",
                           detail="Report weekly", starts_on=TODAY)
    handover = _send(w)
    html = _html(login(w.probation_officer).get(_url("handover", handover.uuid)))
    assert NAME in html  # the probation officer holds identity
    assert "A room near his sister" in html and "Find supported housing" in html
    assert "Report weekly" in html
    assert "manager_a" in html or str(w.manager_a.get_full_name()) in html  # case manager
    assert "Probation officer" in html and "Reintegration officer" in html  # team roles
    assert "changed since the handover" not in html


def test_the_package_says_what_changed_since_the_handover(releasing):
    w = releasing
    plan = services.support_plan_start(actor=w.probation_officer, person=w.person_a)
    handover = _send(w)
    services.contact_add(actor=w.probation_officer, plan=plan, contact_on=TODAY, kind="phone")
    html = _html(login(w.probation_officer).get(_url("handover", handover.uuid)))
    assert html.count("changed since the handover") >= 1
    package = handover_package(w.probation_officer, w.person_a,
                               handover_grant(w.probation_officer, handover),
                               refs=handover.package)
    assert package["changed"]["support_plan"] and not package["changed"]["plan"]
    assert not package["changed"]["release_on"] and not package["changed"]["steps"]


def test_the_package_hides_the_name_from_a_reader_without_identity(releasing):
    w = releasing
    ngo_on_team(w)
    handover = _send(w)
    html = _html(login(w.ngo_worker).get(_url("handover", handover.uuid)))
    assert w.person_a.reference in html
    assert NAME not in html and "Arben" not in html


def test_the_handover_page_runs_a_constant_number_of_queries(releasing):
    w = releasing
    plan = services.support_plan_start(actor=w.probation_officer, person=w.person_a)
    handover = _send(w)
    client = login(w.probation_officer)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            _html(client.get(_url("handover", handover.uuid)))
        return len(queries)

    def add(n):
        for i in range(n):
            entry = plan.pathways.all()[i % 7]
            services.action_add(actor=w.probation_officer, entry=entry,
                                description=f"Action {i}", agency=w.ministry)
            services.contact_add(actor=w.probation_officer, plan=plan, contact_on=TODAY,
                                 kind="office")
            services.condition_add(actor=w.probation_officer, plan=plan, kind="travel",
                                   detail=f"Condition {i}", starts_on=TODAY)

    add(1)
    few = count()
    add(8)
    ngo_on_team(w)  # another team member adds no query either
    assert count() == few


def test_the_package_holds_the_assessment_in_the_case_teams_words_and_the_plans_progress(
        releasing):
    from tests.plans.builders import current_plan

    w = releasing
    plan = current_plan(w)
    ngo_on_team(w)
    handover = _send(w)
    for reader in (w.probation_officer, w.ngo_worker):
        html = _html(login(reader).get(_url("handover", handover.uuid)))
        package = handover_package(reader, w.person_a, handover_grant(reader, handover))
        summary = package["assessment"]
        assert summary["uuid"] == str(w.assessment.uuid) and summary["judgement"]
        assert summary["instrument"] in html and summary["judgement"] in html
        assert "Rationale" not in html and "Evidence for" not in html  # treatment material
        assert package["plan"]["uuid"] == str(plan.uuid)
        assert plan.goals.first().text in html
        assert "countersigned on" in html
