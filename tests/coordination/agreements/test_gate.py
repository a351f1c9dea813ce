"""The agreement gate across personas: person A (prison A) with the NGO worker and the probation
officer on the case team. What crosses follows the agreement in force, from one request to the
next, with no job having to run."""

import pytest
from django.urls import reverse

from alliance.coordination.agreements import services
from alliance.core.compartments import DataCategory
from tests.conftest import login
from tests.plans.builders import current_plan

from .builders import all_but, cross_agency_team, lapse, receives

pytestmark = pytest.mark.django_db


def person_page(user, w):
    return login(user).get(reverse("people:detail", args=[w.person_a.uuid]))


def caseload(user):
    return login(user).get(reverse("people:caseload")).content.decode()


def test_in_force_the_team_members_of_other_agencies_see_the_person(world):
    w = cross_agency_team(world, ngo_scopes=["identity"])
    for user in (w.ngo_worker, w.probation_officer):
        response = person_page(user, w)
        assert response.status_code == 200
        assert w.person_a.reference in response.content.decode()
        assert w.person_a.reference in caseload(user)
    # identity is a scope of the NGO's place and a category the agreement lets it receive
    assert "Krasniqi" in person_page(w.ngo_worker, w).content.decode()
    assert "Krasniqi" not in person_page(w.probation_officer, w).content.decode()


def test_it_hides_the_person_the_day_after_the_agreement_lapses(world):
    w = cross_agency_team(world)
    lapse(w, days_ago=1)
    for user in (w.ngo_worker, w.probation_officer):
        assert person_page(user, w).status_code == 404
        assert w.person_a.reference not in caseload(user)
    # the responsible prison's staff see the person as before
    assert person_page(w.treatment_a, w).status_code == 200


def test_it_still_gives_access_on_the_agreements_last_day(world):
    w = cross_agency_team(world)
    lapse(w, days_ago=0)
    assert person_page(w.ngo_worker, w).status_code == 200


def test_it_hides_the_person_once_the_agreement_is_terminated(world):
    w = cross_agency_team(world)
    assert person_page(w.ngo_worker, w).status_code == 200
    services.agreement_terminate(actor=w.dpo, agreement=w.agreement, expected_version=None,
                                 reason="The NGO's contract ended.")
    for user in (w.ngo_worker, w.probation_officer):
        assert person_page(user, w).status_code == 404
        assert w.person_a.reference not in caseload(user)


def test_it_hides_the_plan_when_the_agreement_does_not_cover_plan_progress(world):
    w = cross_agency_team(world)
    plan = current_plan(w)
    receives(w, w.ngo, all_but(DataCategory.PLAN_PROGRESS))
    # the case team's share still crosses: the person page, without the plan section
    page = person_page(w.ngo_worker, w)
    assert page.status_code == 200
    assert 'id="plan-h"' not in page.content.decode()
    assert login(w.ngo_worker).get(reverse("plans:plan", args=[plan.uuid])).status_code == 404
    # probation receives every category: the plan is there
    assert 'id="plan-h"' in person_page(w.probation_officer, w).content.decode()
    assert login(w.probation_officer).get(
        reverse("plans:plan", args=[plan.uuid])).status_code == 200


def test_an_identity_scope_without_the_identity_category_shows_no_name(world):
    w = cross_agency_team(world, ngo_scopes=["identity"])
    receives(w, w.ngo, all_but(DataCategory.IDENTITY))
    page = person_page(w.ngo_worker, w).content.decode()
    assert w.person_a.reference in page
    assert "Krasniqi" not in page
    assert "Arben" not in page


def test_a_place_that_crosses_nothing_gives_nothing(world):
    w = cross_agency_team(world)
    receives(w, w.ngo, [])
    assert person_page(w.ngo_worker, w).status_code == 404
    assert person_page(w.probation_officer, w).status_code == 200
