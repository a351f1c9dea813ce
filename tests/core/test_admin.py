import pytest
from django.urls import reverse

from alliance.core.models import AuditEvent
from alliance.organisations.models import Agency

from ..conftest import login

pytestmark = pytest.mark.django_db


def test_an_administrator_manages_agencies_and_the_change_is_audited(world):
    client = login(world.admin)
    assert client.get(reverse("admin:organisations_agency_changelist")).status_code == 200
    response = client.post(reverse("admin:organisations_agency_add"), {
        "jurisdiction": world.j1.pk, "name": "Prison C", "type": "prison", "is_active": "on",
        "units-TOTAL_FORMS": "1", "units-INITIAL_FORMS": "0", "units-0-name": "Wing 9",
        "units-0-is_active": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    agency = Agency.objects.get(name="Prison C")
    assert agency.units.get().name == "Wing 9"
    assert AuditEvent.objects.filter(object_uuid=str(agency.uuid), action="create").exists()


def test_an_administrator_adds_a_membership_with_roles(world):
    client = login(world.admin)
    url = reverse("admin:accounts_user_change", args=[world.treatment_b.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Treatment officer" in page.content.decode()


def test_the_admin_offers_no_person_level_data(world):
    client = login(world.admin)
    index = client.get(reverse("admin:index")).content.decode()
    assert "Persons" not in index and "Custody" not in index and "Audit" not in index


def test_other_roles_cannot_enter_the_admin(world):
    assert login(world.manager_a).get(reverse("admin:index")).status_code == 302


def test_the_demo_password_cannot_be_set(world, settings):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="demo password"):
        validate_password(settings.DEMO_PASSWORD, world.treatment_a)
