"""The daily job: a review task before an agreement's review date, and the lapse notification
the day after its last day; idempotent."""

import datetime

import pytest

from alliance.accounts.models import Role
from alliance.coordination.agreements import services
from alliance.coordination.agreements.work import daily_agreements
from alliance.work.models import Notification, Task, TaskStatus

from .builders import cross_agency_team, lapse, today

pytestmark = pytest.mark.django_db


def review_tasks(w):
    return Task.objects.filter(kind="agreement_review", source_uuid=w.agreement.uuid)


def test_it_asks_the_dpo_to_review_within_30_days_once(world):
    w = world
    w.agreement.review_due = today() + datetime.timedelta(days=10)
    w.agreement.save()
    daily_agreements(today())
    daily_agreements(today())
    [task] = review_tasks(w)
    assert task.assignee_agency == w.admin_hq
    assert task.assignee_role == Role.DATA_PROTECTION_OFFICER
    assert task.due_on == w.agreement.review_due
    services.agreement_reviewed(actor=w.dpo, agreement=w.agreement, expected_version=None,
                                review_due=today() + datetime.timedelta(days=200))
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE


def test_it_does_not_ask_for_a_review_that_is_far_off(world):
    daily_agreements(today())
    assert not review_tasks(world).exists()


def test_it_tells_the_dpo_once_when_an_agreement_lapses(world):
    w = cross_agency_team(world)
    lapse(w, days_ago=1)
    daily_agreements(today())
    daily_agreements(today())
    [note] = Notification.objects.filter(kind="agreement_lapsed")
    assert note.recipient == w.dpo
    assert note.params["count"] == 1
    assert note.target_uuid == w.agreement.uuid


def test_it_says_nothing_of_an_agreement_that_lapsed_earlier(world):
    lapse(world, days_ago=2)
    daily_agreements(today())
    assert not Notification.objects.filter(kind="agreement_lapsed").exists()
