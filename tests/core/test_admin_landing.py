"""The admin's first page (where demo.admin lands) leads to what an administrator does, most of
which lives outside the admin: loading an instrument, the agreements."""

import re

import pytest
from django.urls import reverse

from alliance.admin_site import ADMIN_TASKS

from ..conftest import login

pytestmark = pytest.mark.django_db


def test_the_admin_index_links_to_every_administrator_task_and_each_opens(world):
    client = login(world.admin)

    index = client.get(reverse("admin:index")).content.decode()

    tasks = index.split('id="admin-tasks"')[1].split("</table>")[0]
    links = re.findall(r'<th scope="row"><a href="([^"]+)">', tasks)
    assert links == [task.url for task in ADMIN_TASKS]
    assert reverse("assessments:instrument_load") in links
    for link in links:
        assert client.get(link).status_code == 200, link


def test_the_admin_pages_declare_the_site_s_icon(world):
    index = login(world.admin).get(reverse("admin:index")).content.decode()

    assert 'rel="icon" href="/static/alliance/favicon.svg"' in index


def test_the_site_s_icon_is_served(client):
    response = client.get("/static/alliance/favicon.svg")

    assert response.status_code == 200
    assert b"<svg" in b"".join(response.streaming_content)


def test_the_admin_s_scripts_speak_montenegrin(world):
    """Django has no Montenegrin catalogue for the admin's calendar and clock: ours serves it."""
    client = login(world.admin)
    client.post(reverse("set_language"), {"language": "cnr"})
    catalogue = client.get(reverse("admin:jsi18n")).content.decode()
    assert '"Today": "Danas"' in catalogue
