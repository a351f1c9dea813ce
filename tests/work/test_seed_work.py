"""seed_demo leaves every casework demo user with open tasks (some overdue) and unread
notifications about people they see, and a second run creates nothing new."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from alliance.accounts.models import User
from alliance.demo.seed import WORK_DEMO_USERS
from alliance.people.access import persons_visible_to
from alliance.work.models import Notification, Task
from alliance.work.selectors import tasks_for_list

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _seed():
    # Enough people that the release stories find theirs among seed_people's (with 30, a second
    # run gives the monitoring history's released people five more follow-up tasks). (With as
    # many, the demo's referral withdrawn before an answer reaches the NGO's worker too.)
    call_command("seed_demo", persons=60, stdout=io.StringIO())


def _snapshot():
    return (list(Task.objects.order_by("id").values_list("id", "version", "status")),
            list(Notification.objects.order_by("id").values_list("id", "read_at")))


def test_every_casework_demo_user_has_work_about_people_they_see():
    _seed()
    today = timezone.localdate()
    assert len(WORK_DEMO_USERS) == 7
    for username in WORK_DEMO_USERS:
        user = User.objects.get(username=username)
        tasks = list(tasks_for_list(user))
        assert tasks, username
        assert any(t.due_on < today for t in tasks), username
        visible = set(persons_visible_to(user).values_list("pk", flat=True))
        # about people they see, or about nobody: a referral to their agency, not accepted yet
        # (by reference only), or their own training (a certification to renew, a booster,
        # the results of a session they attended)
        assert {t.person_id for t in tasks} - {None} <= visible, username
        assert {t.kind for t in tasks if t.person_id is None} <= {
            "referral_respond", "certification_renew", "certification_booster"}, username
        unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
        assert unread.exists(), username
        assert {n.person_id for n in unread} - {None} <= visible, username
        assert {n.kind for n in unread if n.person_id is None} <= {
            "referral_received", "referral_withdrawn", "training_results"}, username


def test_seeding_again_creates_nothing_new():
    _seed()
    before = _snapshot()
    _seed()
    assert _snapshot() == before
