"""The referral rows (matrix.py) run in the suite's authorization matrix
(tests/test_authorization_matrix.py); here, that every URL of this area has a row."""

import pytest

from alliance.coordination.referrals import api, urls

from .matrix import ROWS

pytestmark = pytest.mark.django_db


def test_every_referral_url_has_a_row():
    ours = {f"coordination:{p.name}" for p in urls.urlpatterns} | {
        f"api:{p.name}" for p in api.urls}
    assert ours == set(ROWS), ours ^ set(ROWS)
