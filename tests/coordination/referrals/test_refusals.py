"""What a referral is refused for, with the reason: no agreement in force, a scope the agreement
does not cover, no desired result, the referring agency itself, a second open referral of the
same kind; and the service's own permission check."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from alliance.coordination.models import Referral
from alliance.coordination.referrals import services
from alliance.organisations.models import AgencyType

from ...conftest import login
from ...factories import AgencyFactory, agreement, member
from . import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def municipality(world):
    return AgencyFactory(jurisdiction=world.j1, name="Municipality J1",
                         type=AgencyType.MUNICIPALITY)


def _messages(exc) -> str:
    return " ".join(m for ms in exc.value.message_dict.values() for m in ms)


def test_it_refuses_an_agency_with_no_agreement(world, municipality):
    with pytest.raises(ValidationError) as exc:
        builders.draft(world, to_agency=municipality)
    assert "to_agency" in exc.value.message_dict
    assert "Ask your data protection officer" in _messages(exc)
    assert "Municipality J1" in _messages(exc)
    assert not Referral.objects.exists()


def test_it_refuses_a_scope_the_agreement_does_not_cover(world, municipality):
    agreement(world.prison_a, municipality, categories=["case_team"])
    with pytest.raises(ValidationError) as exc:
        builders.draft(world, to_agency=municipality, scopes=["treatment"])
    assert "scopes" in exc.value.message_dict
    assert "Treatment records" in _messages(exc)
    # the case team's share alone is covered
    assert builders.draft(world, to_agency=municipality, scopes=[]).to_agency == municipality


def test_a_lapsed_agreement_covers_nothing(world, municipality):
    today = timezone.localdate()
    agreement(world.prison_a, municipality, valid_from=today - datetime.timedelta(days=400),
              valid_until=today - datetime.timedelta(days=1))
    with pytest.raises(ValidationError):
        builders.draft(world, to_agency=municipality)


def test_the_page_shows_the_reason_and_keeps_the_input(world, municipality):
    response = login(world.manager_a).post(
        reverse("coordination:referral_new", args=[world.person_a.uuid]),
        {"to_agency": str(municipality.uuid), "kind": "support_service",
         "reason": "Housing support", "results": "A flat"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Ask your data protection officer" in text and "Housing support" in text


def test_it_needs_a_desired_result_and_another_agency(world):
    with pytest.raises(ValidationError) as exc:
        builders.draft(world, results=[" "])
    assert "results" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        builders.draft(world, to_agency=world.prison_a)
    assert "own agency" in _messages(exc)


def test_it_refuses_a_second_open_referral_of_the_same_kind(world):
    builders.sent(world)
    with pytest.raises(ValidationError) as exc:
        builders.draft(world)
    assert "already open" in _messages(exc)
    assert builders.draft(world, kind="mentoring").kind == "mentoring"


def test_only_someone_on_the_case_may_refer(world):
    with pytest.raises(PermissionDenied):
        builders.draft(world, actor=world.treatment_b)
    response = login(world.ngo_worker).get(
        reverse("coordination:referral_new", args=[world.person_a.uuid]))
    assert response.status_code == 404


def test_the_worker_must_work_for_the_receiving_agency(world):
    referral = builders.sent(world)
    with pytest.raises(ValidationError) as exc:
        services.referral_accept(actor=world.ngo_worker, referral=referral,
                                 worker=world.probation_officer,
                                 expected_version=referral.version)
    assert "worker" in exc.value.message_dict
    with pytest.raises(PermissionDenied, match="Only NGO J1 can accept"):
        services.referral_accept(actor=world.probation_officer, referral=referral,
                                 worker=world.ngo_worker, expected_version=referral.version)


def test_a_colleague_at_the_ngo_may_be_named_worker(world):
    colleague = member(world.ngo, "community_provider", username="ngo2")
    referral = builders.sent(world)
    done = services.referral_accept(actor=world.ngo_worker, referral=referral, worker=colleague,
                                    expected_version=referral.version)
    assert done.worker == colleague
    assert login(colleague).get(reverse("people:detail", args=[world.person_a.uuid])
                                ).status_code == 200
    assert login(world.ngo_worker).get(reverse("people:detail", args=[world.person_a.uuid])
                                       ).status_code == 404
