"""The agreement pages: the DPO drafts, edits, signs, terminates and reviews; the system
administrator drafts, edits and reviews and sees how many people rely on an agreement, never
who; everyone else is refused."""

import datetime

import pytest
from django.urls import reverse

from alliance.core.models import AuditEvent
from alliance.organisations.models import AgreementStatus, SharingAgreement
from tests.conftest import login
from tests.factories import agreement as make_agreement

from .builders import agreement_form, cross_agency_team, today

pytestmark = pytest.mark.django_db

OTHERS = ["treatment_a", "security_a", "manager_a", "treatment_b", "probation_officer",
          "ngo_worker", "regional_coordinator", "manager_other"]


@pytest.mark.parametrize("persona", ["dpo", "admin"])
def test_the_dpo_and_the_administrator_list_the_agreements(world, persona):
    page = login(getattr(world, persona)).get(reverse("coordination:agreement_list"))
    assert page.status_code == 200
    assert world.agreement.title in page.content.decode()


def test_the_tabs_sort_the_agreements(world):
    w = world
    make_agreement(w.prison_a, w.ngo, title="Old pact",
                   valid_from=today() - datetime.timedelta(days=400),
                   valid_until=today() - datetime.timedelta(days=3),
                   review_due=today() - datetime.timedelta(days=3))
    make_agreement(w.prison_a, w.ngo, title="Pact to sign", status="draft")
    client = login(w.dpo)
    url = reverse("coordination:agreement_list")
    assert "Old pact" in client.get(url, {"tab": "ended"}).content.decode()
    assert "Old pact" not in client.get(url, {"tab": "in_force"}).content.decode()
    assert "Pact to sign" in client.get(url, {"tab": "drafts"}).content.decode()


@pytest.mark.parametrize("persona", OTHERS)
def test_everyone_else_is_refused(world, persona):
    client = login(getattr(world, persona))
    detail = reverse("coordination:agreement_detail", args=[world.agreement.uuid])
    assert client.get(reverse("coordination:agreement_list")).status_code == 403
    assert client.get(reverse("coordination:agreement_new")).status_code == 403
    assert client.get(detail).status_code == 403
    assert client.post(reverse("coordination:agreement_terminate",
                               args=[world.agreement.uuid]), {"reason": "x"}).status_code == 403


def test_the_dpo_sees_who_relies_on_an_agreement_the_administrator_how_many(world):
    w = cross_agency_team(world)
    url = reverse("coordination:agreement_detail", args=[w.agreement.uuid])
    dpo_page = login(w.dpo).get(url).content.decode()
    assert w.person_a.reference in dpo_page
    admin_page = login(w.admin).get(url).content.decode()
    assert w.person_a.reference not in admin_page
    assert "1 person relies on it." in admin_page


def test_the_dpo_still_sees_who_relied_on_a_terminated_agreement(world):
    w = cross_agency_team(world)
    response = login(w.dpo).post(
        reverse("coordination:agreement_terminate", args=[w.agreement.uuid]),
        {"reason": "Superseded", "version": w.agreement.version})
    assert response.status_code == 302
    page = login(w.dpo).get(reverse("coordination:agreement_detail",
                                    args=[w.agreement.uuid])).content.decode()
    assert w.person_a.reference in page
    assert SharingAgreement.objects.get(pk=w.agreement.pk).status == AgreementStatus.TERMINATED


def test_the_dpo_drafts_an_agreement_and_signs_it(world):
    w = world
    client = login(w.dpo)
    response = client.post(reverse("coordination:agreement_new"), agreement_form(w))
    assert response.status_code == 302
    made = SharingAgreement.objects.get(title="Prison A and the NGO: mentoring")
    assert made.status == AgreementStatus.DRAFT
    assert {p.agency for p in made.parties.all()} == {w.prison_a, w.ngo}
    signed = client.post(reverse("coordination:agreement_sign", args=[made.uuid]),
                         {"version": made.version})
    assert signed.status_code == 302
    made.refresh_from_db()
    assert made.status == AgreementStatus.IN_FORCE and made.signed_by == w.dpo


def test_the_form_keeps_the_input_and_says_what_to_do(world):
    w = world
    data = agreement_form(w, parties={w.ngo: ["case_team"]}, title="Half a pact")
    response = login(w.admin).post(reverse("coordination:agreement_new"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "at least two agencies" in page
    assert 'value="Half a pact"' in page
    assert not SharingAgreement.objects.filter(title="Half a pact").exists()


def test_the_administrator_may_not_sign_or_terminate(world):
    w = world
    draft = make_agreement(w.prison_a, w.ngo, status="draft", created_by=w.admin)
    client = login(w.admin)
    assert client.post(reverse("coordination:agreement_sign",
                               args=[draft.uuid])).status_code == 403
    assert client.post(reverse("coordination:agreement_terminate", args=[w.agreement.uuid]),
                       {"reason": "x"}).status_code == 403


def test_a_stale_edit_is_refused_with_409(world):
    w = world
    draft = make_agreement(w.prison_a, w.ngo, status="draft", created_by=w.admin)
    url = reverse("coordination:agreement_edit", args=[draft.uuid])
    client = login(w.dpo)
    assert client.get(url).status_code == 200
    first = client.post(url, agreement_form(w, title="First edit", version=draft.version))
    assert first.status_code == 302
    stale = client.post(url, agreement_form(w, title="Second edit", version=draft.version))
    assert stale.status_code == 409
    assert 'value="Second edit"' in stale.content.decode()
    draft.refresh_from_db()
    assert draft.title == "First edit"


def test_a_signed_agreements_categories_change_and_are_audited(world):
    w = world
    url = reverse("coordination:agreement_edit", args=[w.agreement.uuid])
    parties = {p.agency: p.categories for p in w.agreement.parties.all()}
    parties[w.ngo] = ["case_team", "release_support"]
    response = login(w.dpo).post(url, agreement_form(
        w, parties=parties, title=w.agreement.title, legal_basis=w.agreement.legal_basis,
        purpose=w.agreement.purpose, valid_from=w.agreement.valid_from.isoformat(),
        valid_until=w.agreement.valid_until.isoformat(),
        review_due=w.agreement.review_due.isoformat(), retention="Two years",
        reference="", version=w.agreement.version))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert w.agreement.parties.get(agency=w.ngo).categories == ["case_team", "release_support"]
    event = AuditEvent.objects.filter(object_uuid=str(w.agreement.uuid)).latest("id")
    assert event.details["before"]["retention"] != "Two years"
    assert event.details["after"]["retention"] == "Two years"
    assert event.details["after"]["parties"][str(w.ngo.uuid)] == ["case_team", "release_support"]


def test_terminating_needs_a_reason(world):
    w = world
    response = login(w.dpo).post(reverse("coordination:agreement_terminate",
                                         args=[w.agreement.uuid]), {"reason": ""})
    assert response.status_code == 200
    w.agreement.refresh_from_db()
    assert w.agreement.status == AgreementStatus.IN_FORCE


def test_the_administrator_records_a_review(world):
    w = world
    next_review = today() + datetime.timedelta(days=90)
    response = login(w.admin).post(
        reverse("coordination:agreement_reviewed", args=[w.agreement.uuid]),
        {"review_due": next_review.isoformat(), "version": w.agreement.version})
    assert response.status_code == 302
    w.agreement.refresh_from_db()
    assert w.agreement.review_due == next_review
