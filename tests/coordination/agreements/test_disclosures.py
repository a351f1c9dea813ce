"""The disclosure log: written by consultations across an agency boundary and by explicit
disclosures; read, searched and exported by the DPO alone, within their jurisdictions."""

import pytest
from django.urls import reverse

from alliance.core.models import AuditAction, AuditEvent
from alliance.people import disclosures
from alliance.people import services as people_services
from alliance.people.models import Disclosure, DisclosureChannel
from tests.conftest import login
from tests.factories import AgencyFactory, person_fields

from .builders import cross_agency_team

pytestmark = pytest.mark.django_db


def test_a_consultation_by_the_ngo_worker_writes_one_disclosure(world):
    w = cross_agency_team(world)
    assert login(w.ngo_worker).get(reverse("people:detail",
                                           args=[w.person_a.uuid])).status_code == 200
    [row] = Disclosure.objects.filter(person=w.person_a)
    assert row.recipient == w.ngo_worker
    assert row.recipient_agency == w.ngo
    assert row.from_agency == w.prison_a
    assert row.agreement == w.agreement
    assert row.purpose == w.agreement.purpose
    assert row.channel == DisclosureChannel.CONSULTATION
    assert "case_team" in row.categories


def test_a_list_logs_each_person_once_a_day_a_page_each_time(world):
    """The caseload opened again the same day adds no row; the person's page adds its own."""
    w = cross_agency_team(world)
    client = login(w.ngo_worker)
    for _ in range(3):
        assert w.person_a.reference in client.get(reverse("people:caseload")).content.decode()
    listed = Disclosure.objects.filter(person=w.person_a)
    assert listed.count() == 1 and set(listed.get().categories) <= {"case_team", "identity"}
    client.get(reverse("people:detail", args=[w.person_a.uuid]))
    client.get(reverse("people:detail", args=[w.person_a.uuid]))
    assert Disclosure.objects.filter(person=w.person_a).count() == 3


def test_a_consultation_by_the_responsible_prisons_staff_writes_none(world):
    w = cross_agency_team(world)
    login(w.treatment_a).get(reverse("people:detail", args=[w.person_a.uuid]))
    assert not Disclosure.objects.exists()


def test_the_dpo_reads_and_searches_the_log(world):
    w = cross_agency_team(world)
    login(w.ngo_worker).get(reverse("people:detail", args=[w.person_a.uuid]))
    client = login(w.dpo)
    page = client.get(reverse("coordination:disclosures")).content.decode()
    assert w.person_a.reference in page and "NGO J1" in page
    found = client.get(reverse("coordination:disclosures"),
                       {"reference": w.person_a.reference.lower(), "channel": "consultation",
                        "to_agency": str(w.ngo.uuid), "agreement": str(w.agreement.uuid)})
    assert w.person_a.reference in found.content.decode()
    none = client.get(reverse("coordination:disclosures"), {"to_agency": str(w.probation.uuid)})
    assert w.person_a.reference not in none.content.decode()
    searches = AuditEvent.objects.filter(actor=w.dpo, action=AuditAction.SEARCH,
                                         details__object_type="people.disclosure")
    assert searches.count() == 3
    assert searches.order_by("id")[1].details["filters"]["channel"] == "consultation"


@pytest.mark.parametrize("persona", ["treatment_a", "manager_a", "ngo_worker", "admin",
                                     "regional_coordinator", "manager_other"])
def test_the_log_is_the_dpos_alone(world, persona):
    client = login(getattr(world, persona))
    assert client.get(reverse("coordination:disclosures")).status_code == 403
    assert client.get(reverse("coordination:disclosures_export")).status_code == 403


def test_the_export_defuses_formulas_and_is_audited(world):
    w = world
    disclosures.record(person=w.person_a, recipient_agency=w.ngo, categories=["case_team"],
                       purpose="=HYPERLINK(\"http://x\")", channel=DisclosureChannel.REFERRAL,
                       recipient=w.ngo_worker, agreement=w.agreement)
    response = login(w.dpo).get(reverse("coordination:disclosures_export"))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    assert "'=HYPERLINK" in text
    assert w.person_a.reference in text
    assert AuditEvent.objects.filter(actor=w.dpo, action=AuditAction.EXPORT,
                                     details__object_type="people.disclosure").count() == 1


def test_a_dpo_does_not_read_another_jurisdictions_disclosures(world):
    w = world
    other_ngo = AgencyFactory(jurisdiction=w.j2, name="NGO J2")
    person_j2 = people_services.person_create(actor=w.manager_other,
                                              **person_fields(w.prison_other))
    disclosures.record(person=person_j2, recipient_agency=other_ngo, categories=["case_team"],
                       purpose="Mentoring", channel=DisclosureChannel.REFERRAL)
    disclosures.record(person=w.person_a, recipient_agency=w.ngo, categories=["case_team"],
                       purpose="Mentoring", channel=DisclosureChannel.REFERRAL)
    page = login(w.dpo).get(reverse("coordination:disclosures")).content.decode()
    assert w.person_a.reference in page
    assert person_j2.reference not in page
