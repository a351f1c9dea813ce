import pytest
from django.core.exceptions import PermissionDenied

from alliance.cases import services as case_services
from alliance.core.models import AuditAction, AuditEvent, AuditOutcome
from alliance.core.policy import RecordRestricted
from alliance.observations import services as security_services
from alliance.observations.models import Observation
from alliance.people import restriction
from alliance.people import services as people_services
from alliance.people.models import Person, Restriction

from ..conftest import login
from ..observations import builders as security
from .helpers import dpo_of_j2, restrict

pytestmark = pytest.mark.django_db


def _restriction_events(person):
    return list(AuditEvent.objects.filter(person=person, details__has_key="restriction")
                .order_by("id").values_list("details", flat=True))


def test_the_dpo_restricts_and_lifts_the_record_and_both_are_audited(world):
    w = world
    client = login(w.dpo)
    restricted = client.post(f"/privacy/people/{w.person_a.uuid}/restrict/",
                             {"reason": "accuracy_contested", "note": "Letter of 3 Nov"})
    assert restricted.status_code == 302
    w.person_a.refresh_from_db()
    assert w.person_a.restricted_since is not None
    assert restriction.active_restriction(w.person_a).note == "Letter of 3 Nov"
    lifted = client.post(f"/privacy/people/{w.person_a.uuid}/lift/",
                         {"lift_note": "Accuracy established"})
    assert lifted.status_code == 302
    w.person_a.refresh_from_db()
    assert w.person_a.restricted_since is None
    row = Restriction.objects.get(person=w.person_a)
    assert row.lifted_by == w.dpo and row.lift_note == "Accuracy established"
    assert _restriction_events(w.person_a) == [
        {"restriction": "set", "reason": "accuracy_contested"},
        {"restriction": "lifted", "reason": "accuracy_contested"}]
    assert AuditEvent.objects.filter(person=w.person_a, details__restriction="set",
                                     actor=w.dpo, action=AuditAction.CHANGE).exists()


def test_only_the_dpo_of_the_persons_jurisdiction_may_restrict(world):
    w = world
    for actor in (dpo_of_j2(w), w.manager_a, w.admin):
        with pytest.raises(PermissionDenied):
            restriction.restriction_set(actor=actor, person=w.person_a, reason="evidence")
    assert login(dpo_of_j2(w)).post(f"/privacy/people/{w.person_a.uuid}/restrict/", {
        "reason": "evidence", "note": "x"}).status_code == 404
    assert login(w.manager_a).post(f"/privacy/people/{w.person_a.uuid}/restrict/", {
        "reason": "evidence", "note": "x"}).status_code == 403
    assert not Restriction.objects.exists()


def test_a_restricted_record_refuses_writes_on_the_pages(world):
    w = world
    restrict(w)
    client = login(w.manager_a)
    edit = client.post(f"/people/{w.person_a.uuid}/edit/?purpose=legal_claim", {
        "given_name": "Changed", "family_name": "X", "version": w.person_a.version})
    assert edit.status_code == 403
    assert "read-only" in edit.content.decode()
    assert client.get(f"/people/{w.person_a.uuid}/classification/").status_code == 403
    assert client.post(f"/people/{w.person_a.uuid}/custody/new/").status_code == 403
    w.person_a.refresh_from_db()
    assert w.person_a.given_name != "Changed"
    assert AuditEvent.objects.filter(person=w.person_a, outcome=AuditOutcome.DENIED,
                                     details__reason="record_restricted").exists()


def test_a_restricted_record_refuses_writes_in_the_api_with_its_code(world):
    w = world
    restrict(w)
    response = login(w.manager_a).patch(
        f"/api/v1/persons/{w.person_a.uuid}/", {"given_name": "Changed", "version": 1},
        content_type="application/json", HTTP_X_ALLIANCE_PURPOSE="legal_claim")
    assert response.status_code == 403
    assert response.json()["code"] == "record_restricted"


def test_a_restricted_record_refuses_writes_through_the_services_of_every_module(world):
    w = world
    restrict(w)
    with pytest.raises(RecordRestricted):
        people_services.person_update(actor=w.manager_a, person=w.person_a,
                                      expected_version=None, given_name="Changed")
    with pytest.raises(RecordRestricted):
        case_services.case_close(actor=w.manager_a, case=w.case_a, reason="x",
                                 expected_version=None)
    with pytest.raises(RecordRestricted):
        security.observe(w, w.security_a)
    assert not Observation.objects.filter(person=w.person_a).exists()


def test_a_restricted_record_asks_the_purpose_of_a_read_and_logs_it(world):
    w = world
    restrict(w)
    client = login(w.manager_a)
    asked = client.get(f"/people/{w.person_a.uuid}/")
    assert asked.status_code == 200
    assert "privacy/purpose_required.html" in [t.name for t in asked.templates]
    assert w.person_a.given_name not in asked.content.decode()
    stated = client.post(f"/privacy/purpose/{w.person_a.uuid}/", {
        "purpose": "legal_claim", "next": f"/people/{w.person_a.uuid}/"})
    assert stated.status_code == 302 and stated["Location"] == f"/people/{w.person_a.uuid}/"
    shown = client.get(f"/people/{w.person_a.uuid}/")
    body = shown.content.decode()
    assert shown.status_code == 200 and w.person_a.given_name in body
    assert "restricted by the data protection officer" in body
    event = AuditEvent.objects.filter(person=w.person_a, action=AuditAction.VIEW,
                                      actor=w.manager_a).latest("id")
    assert event.purpose == "legal_claim"


def test_a_purpose_in_the_link_opens_the_record_for_that_request_only(world):
    w = world
    restrict(w)
    client = login(w.manager_a)
    assert w.person_a.given_name in client.get(
        f"/people/{w.person_a.uuid}/?purpose=evidence").content.decode()
    again = client.get(f"/people/{w.person_a.uuid}/")
    assert "privacy/purpose_required.html" in [t.name for t in again.templates]


def test_the_api_refuses_a_read_of_a_restricted_record_without_a_purpose(world):
    w = world
    restrict(w)
    client = login(w.manager_a)
    refused = client.get(f"/api/v1/persons/{w.person_a.uuid}/")
    assert refused.status_code == 400 and refused.json()["code"] == "purpose_required"
    read = client.get(f"/api/v1/persons/{w.person_a.uuid}/",
                      HTTP_X_ALLIANCE_PURPOSE="legal_claim")
    assert read.status_code == 200
    assert AuditEvent.objects.filter(person=w.person_a, action=AuditAction.VIEW,
                                     purpose="legal_claim").exists()


def test_lists_still_show_the_reference_of_a_restricted_person(world):
    w = world
    restrict(w)
    page = login(w.manager_a).get("/people/")
    assert page.status_code == 200 and w.person_a.reference in page.content.decode()


def test_lifting_the_restriction_restores_writes_and_plain_reads(world):
    w = world
    restrict(w)
    restriction.restriction_lift(actor=w.dpo, person=w.person_a, note="Resolved")
    w.person_a.refresh_from_db()
    client = login(w.manager_a)
    page = client.get(f"/people/{w.person_a.uuid}/")
    assert "people/person_detail.html" in [t.name for t in page.templates]
    assert "restricted by the data protection officer" not in page.content.decode()
    people_services.person_update(actor=w.manager_a, person=w.person_a,
                                  expected_version=None, given_name="Changed")
    assert Person.objects.get(pk=w.person_a.pk).given_name == "Changed"


def test_the_write_guard_lets_the_dpo_and_the_erasure_through_its_bypass(world):
    w = world
    restrict(w)
    with restriction.bypass():
        w.person_a.aliases = "Erased"
        w.person_a.save()
    assert Person.objects.get(pk=w.person_a.pk).aliases == "Erased"
    with pytest.raises(RecordRestricted):
        Person.objects.get(pk=w.person_a.pk).save()


def test_a_restricted_record_cannot_be_restricted_twice_nor_an_open_one_lifted(world):
    w = world
    with pytest.raises(PermissionDenied):
        restriction.restriction_lift(actor=w.dpo, person=w.person_a)
    restrict(w)
    with pytest.raises(PermissionDenied):
        restriction.restriction_set(actor=w.dpo, person=w.person_a, reason="evidence")
    assert Restriction.objects.filter(person=w.person_a).count() == 1


def test_security_writes_are_refused_but_security_reads_still_work_with_a_purpose(world):
    w = world
    observation = security.observe(w, w.security_a)
    restrict(w)
    with pytest.raises(RecordRestricted):
        security_services.observation_review(actor=w.analyst_a, observation=observation,
                                             expected_version=observation.version)
    client = login(w.analyst_a)
    assert client.post(f"/security/observations/{observation.uuid}/review/",
                       {"version": observation.version}).status_code == 403
    page = client.get(f"/security/observations/{observation.uuid}/?purpose=review")
    assert page.status_code == 200
    assert "Said he would not go to the workshop." in page.content.decode()
