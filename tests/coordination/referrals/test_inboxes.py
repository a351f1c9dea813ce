"""The inboxes ("Referrals to us", "Referrals we sent"), the response-time figures, the daily
reminder of an unanswered referral, and the policy: a referral is listed exactly when its
detail opens, for every persona."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from alliance.coordination.models import Referral
from alliance.coordination.referrals import services
from alliance.coordination.referrals.access import ReferralAction, referrals
from alliance.coordination.referrals.work import daily_overdue
from alliance.work.models import Notification

from ...conftest import login
from ...matrix import PERSONAS
from . import builders

pytestmark = pytest.mark.django_db

INBOX = "/coordination/referrals/"


def _overdue(referral, days=3):
    Referral.objects.filter(pk=referral.pk).update(
        respond_by=timezone.localdate() - datetime.timedelta(days=days))


def test_referrals_to_us_put_the_waiting_first_and_the_overdue_in_red(world):
    w = world
    waiting = builders.sent(w)
    _overdue(waiting)
    other = builders.accepted(w, kind="mentoring")
    response = login(w.ngo_worker).get(INBOX)
    assert response.status_code == 200
    text = response.content.decode()
    waiting_at = text.index(reverse("coordination:referral_detail", args=[waiting.uuid]))
    other_at = text.index(reverse("coordination:referral_detail", args=[other.uuid]))
    assert waiting_at < other_at
    assert "text-bg-danger" in text


def test_referrals_we_sent_list_drafts_for_the_sending_side(world):
    w = world
    referral = builders.draft(w)
    link = reverse("coordination:referral_detail", args=[referral.uuid])
    assert link in login(w.manager_a).get(INBOX, {"tab": "sent"}).content.decode()
    assert link not in login(w.ngo_worker).get(INBOX).content.decode()
    assert link not in login(w.treatment_b).get(INBOX, {"tab": "sent"}).content.decode()


def test_the_inbox_is_for_caseload_users(world):
    assert login(world.regional_coordinator).get(INBOX).status_code == 403
    assert login(world.dpo).get(reverse("coordination:referral_figures")).status_code == 403


def test_the_figures_count_answers_per_receiving_agency(world):
    w = world
    answered = builders.sent(w)
    services.referral_decline(actor=w.ngo_worker, referral=answered, reason="no_capacity",
                              expected_version=answered.version)
    late = builders.sent(w, kind="mentoring")
    _overdue(late)
    response = login(w.manager_a).get(reverse("coordination:referral_figures"))
    assert response.status_code == 200
    sent = response.context["sent"]
    assert [(f.agency, f.sent, f.answered, f.median_days, f.within_target_percent,
             f.waiting_past_target) for f in sent] == [(w.ngo, 2, 1, 0, 100, 1)]
    received = login(w.ngo_worker).get(reverse("coordination:referral_figures")).context[
        "received"]
    assert [(f.sent, f.answered) for f in received] == [(2, 1)]
    assert w.person_a.reference not in response.content.decode()


def test_the_sender_is_told_once_when_no_answer_came_in_time(world):
    w = world
    referral = builders.sent(w)
    today = timezone.localdate()
    assert daily_overdue(today) == 0
    _overdue(referral, days=1)
    assert daily_overdue(today) == 1
    assert daily_overdue(today) == 0
    assert Notification.objects.filter(recipient=w.manager_a, kind="referral_overdue").count() == 1


def test_a_referral_is_listed_exactly_when_its_detail_opens(world):
    w = world
    rows = [builders.draft(w, kind="other"), builders.sent(w), builders.accepted(w, kind="mentoring"),
            builders.sent(w, to_agency=w.probation, kind="supervision")]
    for persona in PERSONAS[1:]:
        user = getattr(w, persona)
        listed = set(referrals.visible(user).values_list("pk", flat=True))
        for referral in rows:
            referral = Referral.objects.get(pk=referral.pk)
            opens = referrals.grant(user, referral).can(ReferralAction.VIEW)
            assert (referral.pk in listed) == opens, (persona, referral.status, referral.to_agency)
    # and who sees what, in words: the NGO sees what was sent to it, never the draft
    ngo = set(referrals.visible(w.ngo_worker).values_list("status", flat=True))
    assert ngo == {"sent", "accepted"}
    assert referrals.visible(w.probation_officer).count() == 1
    assert not referrals.visible(w.treatment_b).exists()
    assert not referrals.visible(w.regional_coordinator).exists()
    assert referrals.visible(w.manager_a).count() == 4


def test_referrals_we_sent_come_a_page_at_a_time(world):
    """A prison refers many people over the years: the tab shows 50 a page, newest first, and
    its audit event names the people of that page only."""
    from alliance.coordination.models import Referral
    from alliance.coordination.referrals.selectors import SENT_PER_PAGE
    from alliance.core.models import AuditEvent

    w = world
    Referral.objects.bulk_create(
        Referral(person=w.person_a, from_agency=w.prison_a, to_agency=w.ngo, kind="mentoring",
                 reason=f"Referral {n}", created_by=w.manager_a)
        for n in range(SENT_PER_PAGE + 1))
    client = login(w.manager_a)
    first = client.get(reverse("coordination:referral_inbox"), {"tab": "sent"})
    assert len(first.context["page"].object_list) == SENT_PER_PAGE
    # The first page says there is more without counting; the last gives the total.
    assert "Page 1</span>" in first.content.decode() and "Next" in first.content.decode()
    second = client.get(reverse("coordination:referral_inbox"), {"tab": "sent", "page": 2})
    assert len(second.context["page"].object_list) == 1
    assert "Page 2 of 2" in second.content.decode()
    event = AuditEvent.objects.filter(actor=w.manager_a, action="list").latest("id")
    assert event.details["resource"] == "referrals_sent" and event.details["count"] == 1
