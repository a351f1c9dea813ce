"""Every edit carries the version it started from. A form that sends none started from nothing
(version 0): an edit of an existing record is then refused as stale (409) and changes nothing;
a garbled version is refused with what to do."""

import pytest
from django.urls import reverse

from alliance.cases.models import Case

from ..conftest import login

pytestmark = pytest.mark.django_db


def _level(client, world, **extra):
    data = {"level": "multi_agency", "reason": "After the incident on the wing", **extra}
    return client.post(reverse("cases:level", args=[world.case_a.uuid]), data)


def _unchanged(world):
    case = Case.objects.get(pk=world.case_a.pk)
    return (case.management_level, case.version) == (world.case_a.management_level,
                                                     world.case_a.version)


def test_an_edit_without_its_version_is_refused_as_stale(world):
    response = _level(login(world.manager_a), world)
    assert response.status_code == 409
    assert _unchanged(world)


def test_an_edit_with_a_garbled_version_is_refused_and_says_why(world):
    response = _level(login(world.manager_a), world, version="latest")
    assert response.status_code == 200
    assert "did not say which version" in response.content.decode()
    assert _unchanged(world)


def test_the_same_edit_with_the_version_read_goes_through(world):
    response = _level(login(world.manager_a), world, version=world.case_a.version)
    assert response.status_code == 302
    assert Case.objects.get(pk=world.case_a.pk).management_level == "multi_agency"


def test_the_message_is_in_the_users_language(world):
    client = login(world.manager_a)
    client.post(reverse("set_language"), {"language": "sq"})
    page = _level(client, world, version="latest").content.decode()
    assert "did not say which version" not in page
