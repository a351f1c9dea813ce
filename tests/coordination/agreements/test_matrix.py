"""The agreement rows run in the suite's authorization matrix (tests/test_authorization_matrix.py);
here, what the matrix cannot say: the administrator keeps agreements in the admin too."""

import pytest

from tests.conftest import login

pytestmark = pytest.mark.django_db


def test_the_administrator_sees_agreements_in_the_admin(world):
    client = login(world.admin)
    assert client.get("/admin/organisations/sharingagreement/").status_code == 200
    page = client.get(f"/admin/organisations/sharingagreement/{world.agreement.pk}/change/")
    assert page.status_code == 200
    assert "NGO J1" in page.content.decode()
