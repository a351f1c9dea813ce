"""The entry rows (matrix.py) for the suite's authorization matrix
(tests/test_authorization_matrix.py); here, that every URL of this area has a row, and each
persona gets the expected status."""

import pytest
from django.test import Client

from alliance.knowledge.entries import api, urls

from ...conftest import login
from ...matrix import PERSONAS
from .matrix import ROWS

pytestmark = pytest.mark.django_db


def test_every_entry_url_has_a_row():
    ours = {f"knowledge:{p.name}" for p in urls.urlpatterns} | {
        f"api:{p.name}" for p in api.urls}
    named = {name.split(" (")[0] for name in ROWS}
    assert ours == named, ours ^ named


@pytest.mark.parametrize("name", sorted(ROWS))
def test_each_persona_gets_the_expected_status(name, world):
    row = ROWS[name]
    failures = []
    for persona in PERSONAS:
        client = Client() if persona == "anonymous" else login(getattr(world, persona))
        response = getattr(client, row.method)(row.url(world), row.data)
        expected = row.status_for(persona)
        if response.status_code != expected:
            failures.append(f"{persona}: expected {expected}, got {response.status_code}")
    assert not failures, f"{name} {row.method.upper()}: " + "; ".join(failures)
