"""Erasure and anonymisation after review: what was erased is gone from every interface, the
erasure register says what and why, the audit trail keeps its events (still a valid chain)
pointing to the person's reference, and the daily job does not list it again."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from alliance.core import audit
from alliance.core.models import AuditEvent
from alliance.observations import services as security_services
from alliance.observations.models import Addendum, Observation
from alliance.people import restriction
from alliance.people.key_dates import add_months
from alliance.people.models import Person, PersonSearchToken
from alliance.retention import review, services
from alliance.retention.models import ErasureRecord, ReviewItem

from ..conftest import login
from ..observations.conftest import observe, reviewed
from .builders import release

pytestmark = pytest.mark.django_db

MARKER = "CANARYFAITHQ"
PURPOSE = {"HTTP_X_ALLIANCE_PURPOSE": "review"}


def _observed_and_due(w):
    """An observation of person A (with an addendum) past its 36 months: on the worklist."""
    observation = reviewed(w, observe(w, verbatim=f"Spoke of {MARKER} at prayers."))
    security_services.addendum_add(actor=w.security_a, observation=observation,
                                   text=f"{MARKER} again")
    # recorded three years ago (36 months, the default period counted from each record)
    today = timezone.localdate()
    recorded = add_months(today, -36)
    Observation.objects.filter(pk=observation.pk).update(created_at=timezone.make_aware(
        datetime.datetime.combine(recorded, datetime.time(12))))
    review.list_due(today)
    return observation, ReviewItem.objects.get(category="security"), today


def _security_views(w, client):
    person = w.person_a.uuid
    return "".join(client.get(url, **PURPOSE).content.decode() for url in (
        reverse("people:detail", args=[person]),
        reverse("observations:person_record", args=[person]) + "?purpose=review",
        reverse("api:person-observations", args=[person]),
    ))


def test_erasing_deletes_the_records_and_registers_what_not_the_content(world):
    observation, item, today = _observed_and_due(world)
    assert MARKER in _security_views(world, login(world.security_a))
    response = login(world.dpo).post(reverse("retention:review", args=[item.uuid]),
                                     {"decision": "erase", "reason": "Past the period"})
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == reverse("retention:worklist")
    assert not Observation.objects.filter(person=world.person_a).exists()
    assert not Addendum.objects.exists()
    record = ErasureRecord.objects.get()
    assert record.counts == {"observations.addendum": 1, "observations.observation": 1}
    assert (record.action, record.reason, record.performed_by, record.person_reference) == (
        "erased", "Past the period", world.dpo, world.person_a.reference)
    assert MARKER not in str(record.counts) + record.reason
    item.refresh_from_db()
    assert (item.status, item.decided_by) == ("erased", world.dpo)


def test_after_erasure_the_chain_verifies_and_points_to_the_reference(world):
    observation, item, today = _observed_and_due(world)
    before = AuditEvent.objects.filter(object_uuid=str(observation.uuid)).count()
    services.review_erase(actor=world.dpo, item=item, reason="Past the period", today=today)
    events = AuditEvent.objects.filter(object_uuid=str(observation.uuid)).order_by("id")
    assert events.count() == before + 1  # the recording stays; its deletion is added
    deletion = events.last()
    assert deletion.action == "delete" and deletion.actor == world.dpo
    assert deletion.person_reference == world.person_a.reference
    assert deletion.details["erasure"] == str(ErasureRecord.objects.get().uuid)
    assert MARKER not in str(list(AuditEvent.objects.values_list("details", flat=True)))
    assert audit.verify().ok


def test_erased_content_is_not_findable(world):
    observation, item, today = _observed_and_due(world)
    services.review_erase(actor=world.dpo, item=item, reason="Past the period", today=today)
    for persona in ("security_a", "analyst_a"):
        client = login(getattr(world, persona))
        assert MARKER not in _security_views(world, client)
        api = client.get(reverse("api:person-observations", args=[world.person_a.uuid]),
                         **PURPOSE).json()
        assert api["count"] == 0
        assert client.get(reverse("observations:observation", args=[observation.uuid]) +
                          "?purpose=review").status_code == 404


def test_the_daily_job_does_not_list_erased_records_again(world):
    observation, item, today = _observed_and_due(world)
    services.review_erase(actor=world.dpo, item=item, reason="Past the period", today=today)
    assert review.list_due(today) == 0
    assert review.list_due(today + datetime.timedelta(days=40)) == 0
    assert ReviewItem.objects.count() == 1


def test_erasing_by_record_creation_keeps_the_newer_records(world):
    old, item, today = _observed_and_due(world)
    newer = observe(world, verbatim="Newer")  # recorded today
    services.review_erase(actor=world.dpo, item=item, reason="Past the period", today=today)
    assert list(Observation.objects.values_list("pk", flat=True)) == [newer.pk]


def test_anonymising_a_category_blanks_its_texts_and_keeps_the_codes(world):
    observation, item, today = _observed_and_due(world)
    services.review_anonymise(actor=world.dpo, item=item, reason="Statistics only",
                              today=today)
    kept = Observation.objects.get(pk=observation.pk)
    assert (kept.verbatim, kept.category) == ("", observation.category)
    assert Addendum.objects.get().text == ""
    assert MARKER not in _security_views(world, login(world.security_a))
    assert ErasureRecord.objects.get().action == "anonymised"
    assert audit.verify().ok


def test_anonymising_the_identity_blanks_it_and_its_blind_indexes(world):
    person = world.person_a
    name, reference = person.family_name, person.reference
    release(world, datetime.date(2015, 3, 31))
    today = datetime.date(2025, 3, 31)
    review.list_due(today)
    item = ReviewItem.objects.get(category="identity")
    client = login(world.manager_a)
    assert client.get(reverse("api:person-list"), {"q": name}).json()["count"] == 1
    response = login(world.dpo).post(reverse("retention:review", args=[item.uuid]),
                                     {"decision": "anonymise", "reason": "Ten years after"})
    assert response.status_code == 302
    person = Person.objects.get(pk=person.pk)
    assert (person.given_name, person.family_name, person.national_id, person.date_of_birth,
            person.reference) == ("", "", "", None, reference)
    assert not PersonSearchToken.objects.filter(person=person).exists()
    assert client.get(reverse("api:person-list"), {"q": name}).json()["count"] == 0
    assert name not in client.get(reverse("people:detail", args=[person.uuid])).content.decode()
    assert name not in client.get(reverse("api:person-detail", args=[person.uuid])
                                  ).content.decode()
    assert AuditEvent.objects.filter(person=person, action="change",
                                     details__has_key="anonymised").exists() \
        if AuditEvent.objects.filter(details__has_key="anonymised").exists() else False
    assert AuditEvent.objects.filter(person_reference=reference).count() > 1
    assert audit.verify().ok
    assert review.list_due(today + datetime.timedelta(days=1)) == 0


def test_identity_is_anonymised_never_deleted(world):
    release(world, datetime.date(2015, 3, 31))
    review.list_due(datetime.date(2025, 3, 31))
    item = ReviewItem.objects.get(category="identity")
    with pytest.raises(ValidationError):
        services.review_erase(actor=world.dpo, item=item, reason="Gone")
    page = login(world.dpo).get(reverse("retention:review", args=[item.uuid])).content.decode()
    assert 'value="erase"' not in page and 'value="anonymise"' in page


def test_a_restricted_record_is_not_erased(world):
    observation, item, today = _observed_and_due(world)
    restriction.restriction_set(actor=world.dpo, person=world.person_a, reason="evidence")
    response = login(world.dpo).post(reverse("retention:review", args=[item.uuid]),
                                     {"decision": "erase", "reason": "Past the period"})
    assert response.status_code == 200
    assert "restricted" in response.content.decode()
    assert Observation.objects.filter(pk=observation.pk).exists()
    assert ReviewItem.objects.get().status == "open"


def test_only_the_dpo_of_the_jurisdiction_decides(world):
    observation, item, today = _observed_and_due(world)
    for persona in ("analyst_a", "manager_a", "admin", "manager_other"):
        response = login(getattr(world, persona)).post(
            reverse("retention:review", args=[item.uuid]),
            {"decision": "erase", "reason": "Past the period"})
        assert response.status_code == 404
    assert Observation.objects.filter(pk=observation.pk).exists()


def test_a_decided_review_cannot_be_decided_again(world):
    observation, item, today = _observed_and_due(world)
    services.review_keep(actor=world.dpo, item=item, months=1, reason="Appeal", today=today)
    with pytest.raises(ValidationError):
        services.review_erase(actor=world.dpo, item=item, reason="Past the period", today=today)
    assert Observation.objects.filter(pk=observation.pk).exists()
