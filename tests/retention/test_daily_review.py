"""The daily job lists exactly the records past their retention period, once."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from alliance.accounts.models import Role
from alliance.cases import services as case_services
from alliance.people import services as people_services
from alliance.people.key_dates import add_months
from alliance.retention import review, services
from alliance.retention.models import ReviewItem, ReviewStatus
from alliance.work.daily import run_daily
from alliance.work.models import Task

from ..conftest import login
from ..factories import member, person_fields
from ..observations.conftest import observe
from .builders import release

pytestmark = pytest.mark.django_db

ENDED = datetime.date(2015, 3, 31)
IDENTITY_DUE = datetime.date(2025, 3, 31)  # 120 months (the jurisdiction's 10 years) later


def _listed(**filters):
    return sorted((i.person.reference, i.category, i.due_since)
                  for i in ReviewItem.objects.filter(**filters))


def test_it_lists_the_identity_of_a_person_released_longer_ago_than_the_period(world):
    release(world, ENDED)
    assert review.list_due(IDENTITY_DUE - datetime.timedelta(days=1)) == 0
    assert review.list_due(IDENTITY_DUE) == 1
    # only identity: person A has no records of the other categories past a period, and their
    # case is still open (release and coordination count from its closure)
    assert _listed() == [(world.person_a.reference, "identity", IDENTITY_DUE)]


def test_it_does_not_list_a_person_still_in_custody(world):
    assert review.list_due(datetime.date(2090, 1, 1)) == 0


def test_a_period_counted_from_creation_lists_each_record_on_its_day(world):
    observation = observe(world)
    created = timezone.localdate(observation.created_at)
    due = add_months(created, 36)
    assert review.list_due(due - datetime.timedelta(days=1)) == 0
    assert review.list_due(due) == 1
    assert _listed() == [(world.person_a.reference, "security", due)]


def test_it_is_idempotent(world):
    release(world, ENDED)
    observe(world)
    today = datetime.date(2090, 1, 1)
    assert review.list_due(today) == 2
    before = list(ReviewItem.objects.values_list("pk", "category", "due_since"))
    assert review.list_due(today) == 0
    assert review.list_due(today + datetime.timedelta(days=40)) == 0
    assert list(ReviewItem.objects.values_list("pk", "category", "due_since")) == before


def test_the_daily_job_runs_it_once_a_day(world):
    release(world, ENDED)
    run_daily(today=IDENTITY_DUE)
    run_daily(today=IDENTITY_DUE, force=True)
    assert ReviewItem.objects.count() == 1


def test_it_follows_the_jurisdictions_own_period(world):
    release(world, ENDED)
    services.rule_save(actor=world.dpo, jurisdiction=world.j1, category="identity", months=12,
                       counted_from="last_release")
    assert review.list_due(datetime.date(2016, 3, 30)) == 0
    assert review.list_due(datetime.date(2016, 3, 31)) == 1


def test_a_period_counted_from_case_closure_waits_for_the_case_to_close(world):
    observe(world)
    services.rule_save(actor=world.dpo, jurisdiction=world.j1, category="security", months=6,
                       counted_from="case_closed")
    assert review.list_due(datetime.date(2090, 1, 1)) == 0
    case_services.case_close(actor=world.manager_a, case=world.case_a, reason="Released",
                             expected_version=None)
    closed = timezone.localdate(world.case_a.__class__.objects.get(pk=world.case_a.pk).closed_at)
    assert review.list_due(add_months(closed, 6) - datetime.timedelta(days=1)) == 0
    assert review.list_due(add_months(closed, 6)) == 1


def test_keeping_for_longer_postpones_the_review(world):
    release(world, ENDED)
    review.list_due(IDENTITY_DUE)
    item = ReviewItem.objects.get()
    services.review_keep(actor=world.dpo, item=item, months=6, reason="Appeal pending",
                         today=IDENTITY_DUE)
    item.refresh_from_db()
    kept_until = datetime.date(2025, 9, 30)
    assert (item.status, item.kept_until, item.decided_by) == ("retained", kept_until, world.dpo)
    assert review.list_due(kept_until - datetime.timedelta(days=1)) == 0
    assert review.list_due(kept_until) == 1
    again = ReviewItem.objects.get(status=ReviewStatus.OPEN)
    assert again.due_since == kept_until and again.pk != item.pk


def test_keeping_needs_a_reason_and_a_number_of_months(world):
    release(world, ENDED)
    review.list_due(IDENTITY_DUE)
    item = ReviewItem.objects.get()
    client = login(world.dpo)
    url = reverse("retention:review", args=[item.uuid])
    response = client.post(url, {"decision": "keep", "reason": "Appeal"})
    assert response.status_code == 200 and "How many more months?" in response.content.decode()
    response = client.post(url, {"decision": "keep", "months": "3", "reason": ""})
    assert response.status_code == 200
    assert ReviewItem.objects.get().status == "open"
    response = client.post(url, {"decision": "keep", "months": "3", "reason": "Appeal"})
    assert response.status_code == 302
    assert ReviewItem.objects.get().status == "retained"


def test_the_dpo_gets_one_task_with_a_count_and_a_link_never_content(world):
    release(world, ENDED)
    review.list_due(IDENTITY_DUE)
    task = Task.objects.get(kind=review.TASK_KIND, status="open")
    assert task.person is None
    assert (task.assignee_agency, task.assignee_role) == (world.admin_hq,
                                                          Role.DATA_PROTECTION_OFFICER)
    assert task.params == {"reference": "J1", "count": 1}
    work_page = login(world.dpo).get(reverse("work:my_work")).content.decode()
    assert reverse("retention:worklist") in work_page
    review.list_due(IDENTITY_DUE)
    assert Task.objects.filter(kind=review.TASK_KIND).count() == 1
    services.review_keep(actor=world.dpo, item=ReviewItem.objects.get(), months=1,
                         reason="Appeal", today=IDENTITY_DUE)
    assert Task.objects.get(kind=review.TASK_KIND).status == "done"


def test_the_worklist_shows_only_the_dpos_jurisdiction(world):
    release(world, ENDED)
    other = people_services.person_create(actor=world.manager_other,
                                          **person_fields(world.prison_other))
    review.list_due(datetime.date(2090, 1, 1))
    # the person in J2 is in custody nowhere (no episode): only person A's identity is due;
    # put one of J2 on the list by hand to see the filter
    ReviewItem.objects.create(person=other, category="identity",
                              due_since=datetime.date(2090, 1, 1))
    page = login(world.dpo).get(reverse("retention:worklist")).content.decode()
    assert world.person_a.reference in page and other.reference not in page
    item = ReviewItem.objects.get(person=other)
    assert login(world.dpo).get(reverse("retention:review", args=[item.uuid])).status_code == 404
    # the system-level DPO handles no person: no worklist, no review
    system_dpo = member(world.regional, Role.DATA_PROTECTION_OFFICER, username="system_dpo")
    assert login(system_dpo).get(reverse("retention:worklist")).status_code == 403
    assert login(system_dpo).get(reverse("retention:review", args=[item.uuid])).status_code == 404
