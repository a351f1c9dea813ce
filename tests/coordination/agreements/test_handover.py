"""A handover crosses only under an agreement that lets the receiving agency receive the case
team's share and the release and support plan, and is written in the disclosure log."""

import pytest
from django.core.exceptions import ValidationError

from alliance.core.compartments import DataCategory
from alliance.people.models import Disclosure, DisclosureChannel
from alliance.release import services
from tests.release import builders

from .builders import all_but, receives

pytestmark = pytest.mark.django_db


def test_it_writes_the_handover_in_the_disclosure_log(world):
    w = builders.ensure_releasing(world)
    handover = services.handover_send(actor=w.manager_a, person=w.person_a,
                                      to_agency=w.probation)
    [row] = Disclosure.objects.filter(channel=DisclosureChannel.HANDOVER)
    assert row.recipient_agency == w.probation and row.from_agency == w.prison_a
    assert row.categories == ["case_team", "release_support"]
    assert row.agreement == w.agreement and row.purpose == w.agreement.purpose
    assert row.object_uuid == str(handover.uuid)


def test_it_refuses_a_handover_no_agreement_covers(world):
    w = builders.ensure_releasing(world)
    receives(w, w.probation, all_but(DataCategory.RELEASE_SUPPORT))
    assert w.probation not in services.receiving_agencies(w.person_a)
    with pytest.raises(ValidationError) as caught:
        services.handover_send(actor=w.manager_a, person=w.person_a, to_agency=w.probation)
    message = caught.value.message_dict["to_agency"][0]
    assert "No information-sharing agreement in force lets Probation J1" in message
    assert "from Prison A" in message
    assert not Disclosure.objects.filter(channel=DisclosureChannel.HANDOVER).exists()
