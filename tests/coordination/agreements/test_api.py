"""The agreements API: DPOs and administrators; a count of people, never their references."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import login

from .builders import cross_agency_team

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", ["dpo", "admin"])
def test_it_lists_and_shows_the_agreements(world, persona):
    w = cross_agency_team(world)
    client = login(getattr(w, persona))
    listed = client.get(reverse("api:agreement-list")).json()
    assert listed["count"] == 1
    assert listed["results"][0]["id"] == str(w.agreement.uuid)
    detail = client.get(reverse("api:agreement-detail", args=[w.agreement.uuid]))
    assert detail.status_code == 200
    body = detail.json()
    assert body["people_count"] == 1
    assert {p["agency_name"] for p in body["parties"]} >= {"Prison A", "NGO J1"}
    assert w.person_a.reference not in detail.content.decode()


@pytest.mark.parametrize("persona", ["treatment_a", "ngo_worker", "regional_coordinator",
                                     "manager_other"])
def test_it_refuses_everyone_else(world, persona):
    client = login(getattr(world, persona))
    assert client.get(reverse("api:agreement-list")).status_code == 403
    assert client.get(reverse("api:agreement-detail",
                              args=[world.agreement.uuid])).status_code == 403


def test_it_asks_for_credentials(world):
    assert Client().get(reverse("api:agreement-list")).status_code in (401, 403)
