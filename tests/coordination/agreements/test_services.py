"""The agreement services refuse what cannot be, with a message that says what to do."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from alliance.coordination.agreements import services
from alliance.organisations.models import AgreementStatus
from tests.factories import AgencyFactory
from tests.factories import agreement as make_agreement

from .builders import today

pytestmark = pytest.mark.django_db


def create(w, **overrides):
    values = dict(actor=w.dpo, title="Pact", legal_basis="Law", purpose="Mentoring",
                  retention="2 years", valid_from=today(),
                  valid_until=today() + datetime.timedelta(days=365),
                  review_due=today() + datetime.timedelta(days=100),
                  parties=[(w.prison_a, ["case_team"]), (w.ngo, ["case_team"])])
    values.update(overrides)
    return services.agreement_create(**values)


@pytest.mark.parametrize("change, field, words", [
    ({"valid_until": today() - datetime.timedelta(days=1)}, "valid_until", "cannot end before"),
    ({"review_due": today() + datetime.timedelta(days=400)}, "review_due", "before it ends"),
    ({"title": "  "}, "title", "required"),
])
def test_it_refuses_bad_details(world, change, field, words):
    with pytest.raises(ValidationError) as caught:
        create(world, **change)
    assert words in " ".join(caught.value.message_dict[field])


def test_it_refuses_bad_parties(world):
    w = world
    closed = AgencyFactory(jurisdiction=w.j1, name="Closed NGO", is_active=False)
    cases = [([(w.prison_a, ["case_team"])], "at least two"),
             ([(w.prison_a, ["case_team"]), (w.ngo, ["gossip"])], "Unknown data category"),
             ([(w.prison_a, []), (closed, ["case_team"])], "no longer active"),
             ([(w.prison_a, []), (w.ngo, []), (w.ngo, [])], "named twice"),
             ([(w.prison_other, ["case_team"]), (AgencyFactory(jurisdiction=w.j2),
                                                 ["case_team"])], "your jurisdiction")]
    for parties, words in cases:
        with pytest.raises(ValidationError) as caught:
            create(w, parties=parties)
        assert words in " ".join(caught.value.message_dict["parties"]), words


def test_signing_needs_a_category_for_every_party(world):
    w = world
    draft = create(w, parties=[(w.prison_a, []), (w.ngo, ["case_team"])])
    with pytest.raises(ValidationError, match="Prison A"):
        services.agreement_sign(actor=w.dpo, agreement=draft, expected_version=None)
    draft.refresh_from_db()
    assert draft.status == AgreementStatus.DRAFT


def test_a_signed_agreement_keeps_its_terms(world):
    w = world
    with pytest.raises(ValidationError) as caught:
        services.agreement_update(actor=w.dpo, agreement=w.agreement, expected_version=None,
                                  purpose="Something else")
    assert "terminate it" in caught.value.message_dict["purpose"][0]
    with pytest.raises(ValidationError) as caught:
        services.agreement_update(actor=w.dpo, agreement=w.agreement, expected_version=None,
                                  valid_until=w.agreement.valid_until
                                  - datetime.timedelta(days=1))
    assert "extended, not shortened" in caught.value.message_dict["valid_until"][0]
    longer = w.agreement.valid_until + datetime.timedelta(days=30)
    changed = services.agreement_update(actor=w.dpo, agreement=w.agreement,
                                        expected_version=None, valid_until=longer)
    assert changed.valid_until == longer


def test_a_terminated_agreement_cannot_be_signed_again(world):
    w = world
    draft = make_agreement(w.prison_a, w.ngo, status="terminated", created_by=w.admin)
    with pytest.raises(PermissionDenied):
        services.agreement_sign(actor=w.dpo, agreement=draft, expected_version=None)
