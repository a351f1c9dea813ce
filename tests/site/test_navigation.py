"""The menu is drawn from the functions the pages check: no entry leads to a 403."""

import re

import pytest
from django.urls import reverse

from ..conftest import login

pytestmark = pytest.mark.django_db

PERSONAS = ["treatment_a", "security_a", "manager_a", "treatment_b", "probation_officer",
            "ngo_worker", "regional_coordinator", "dpo", "admin", "manager_other"]


def _menu_links(html: str) -> list[str]:
    menu = html.split('<ul class="navbar-nav', 1)[1].split("<!-- end of the menu -->", 1)[0]
    return re.findall(r'href="([^"]+)"', menu)


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_menu_entry_opens(world, persona):
    client = login(getattr(world, persona))
    page = client.get(reverse("assessments:instruments"))  # a page of ours every role opens
    assert page.status_code == 200
    links = _menu_links(page.content.decode())
    assert links, "every signed-in user has at least one entry"
    refused = {url: client.get(url).status_code for url in links}
    assert all(status == 200 for status in refused.values()), refused
