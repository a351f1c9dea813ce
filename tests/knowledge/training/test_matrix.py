"""The training rows (matrix.py) for every persona of the common world; and every URL of this
area has a row (the suite's authorization matrix adds them)."""

import pytest
from django.test import Client

from alliance.knowledge.training import api, urls

from ...conftest import login
from ...matrix import PERSONAS
from .matrix import ROWS

pytestmark = pytest.mark.django_db


def test_every_training_url_has_a_row():
    ours = {f"training:{p.name}" for p in urls.urlpatterns} | {f"api:{p.name}" for p in api.urls}
    assert ours == set(ROWS), ours ^ set(ROWS)


@pytest.mark.parametrize("name", sorted(ROWS))
def test_each_persona_gets_the_expected_status(name, world):
    row = ROWS[name]
    failures = []
    for persona in PERSONAS:
        client = Client() if persona == "anonymous" else login(getattr(world, persona))
        response = getattr(client, row.method)(row.url(world), row.data)
        if response.status_code != row.status_for(persona):
            failures.append(f"{persona}: expected {row.status_for(persona)}, "
                            f"got {response.status_code}")
    assert not failures, f"{name}: " + "; ".join(failures)
