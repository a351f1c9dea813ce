"""The daily job: which categories of whose records are past their retention period.

For each jurisdiction and category, the clock starts at the rule's event (the end of the last
custody episode, the closure of the last case, or each record's creation); the category is
past its period from the day `start + months` (that day included). It is listed once: a
category with an open review item, or kept for longer until a day still to come, is not
listed again; an erased category has no records left to list, and an anonymised identity is
marked so. The job therefore creates nothing when it runs twice.
"""

import datetime

from django.apps import apps
from django.db import transaction
from django.db.models import Max, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from alliance.accounts.models import Role
from alliance.core import audit
from alliance.core.models import AuditAction
from alliance.organisations.models import Agency, Jurisdiction
from alliance.people.key_dates import add_months
from alliance.people.models import Person
from alliance.work import registry
from alliance.work import services as work

from .categories import CATEGORIES, Category
from .models import ClockStart, RetentionCategory, RetentionRule, ReviewItem, ReviewStatus

DAILY_NAME = "retention.review"
TASK_KIND = "retention_review"


def effective_rules(jurisdiction) -> dict[str, tuple[int, str, RetentionRule | None]]:
    """Category -> (months, counted from, the rule row or None for the default). The identity
    default follows the jurisdiction's own retention period (years)."""
    rows = {r.category: r for r in RetentionRule.objects.filter(jurisdiction=jurisdiction)}
    rules = {}
    for code, category in CATEGORIES.items():
        row = rows.get(code)
        if row is not None:
            rules[code] = (row.months, row.counted_from, row)
        elif code == RetentionCategory.IDENTITY:
            rules[code] = (jurisdiction.retention_years * 12, category.default_from, None)
        else:
            rules[code] = (category.default_months, category.default_from, None)
    return rules


def _local_date(value) -> datetime.date:
    return timezone.localdate(value) if isinstance(value, datetime.datetime) else value


def clocks(jurisdiction, category: Category, counted_from: str) -> dict[int, datetime.date]:
    """Person id -> the day the category's clock started, for the jurisdiction's people who
    have records of the category (a constant number of queries)."""
    people = Person.objects.filter(jurisdiction=jurisdiction)
    if category.code == RetentionCategory.IDENTITY:
        people = people.exclude(retention__anonymised_at__isnull=False)
    if counted_from == ClockStart.LAST_RELEASE:
        rows = (people.exclude(custody_episodes__is_current=True)
                .annotate(clock=Max("custody_episodes__ended_on"))
                .filter(clock__isnull=False).values_list("pk", "clock"))
    elif counted_from == ClockStart.CASE_CLOSED:
        rows = (people.exclude(cases__status="open").annotate(clock=Max("cases__closed_at"))
                .filter(clock__isnull=False).values_list("pk", "clock"))
    elif category.code == RetentionCategory.IDENTITY:
        rows = people.values_list("pk", "created_at")
    else:
        rows = []
    result = {pk: _local_date(clock) for pk, clock in rows}
    if category.code == RetentionCategory.IDENTITY:
        return result
    first: dict[int, datetime.date] = {}
    for part in category.roots:
        for pk, created in (apps.get_model(part.model).objects
                            .filter(person__jurisdiction=jurisdiction)
                            .values("person_id").annotate(first=Min("created_at"))
                            .values_list("person_id", "first")):
            day = _local_date(created)
            first[pk] = min(first.get(pk, day), day)
    if counted_from == ClockStart.RECORD_CREATED:
        return first
    # A category without records has nothing to review.
    return {pk: day for pk, day in result.items() if pk in first}


def cutoff_for(months: int, today: datetime.date) -> datetime.date:
    """Records created on or before this day are past a record-creation period today."""
    return add_months(today, -months)


def past_period(jurisdiction, today: datetime.date) -> list[tuple[int, str, datetime.date]]:
    """(person id, category, past its period since) for what should be on the worklist today
    and is not yet."""
    open_or_kept: dict[tuple[int, str], datetime.date | None] = {}
    for pk, code, status, kept in ReviewItem.objects.filter(
            person__jurisdiction=jurisdiction,
            status__in=[ReviewStatus.OPEN, ReviewStatus.RETAINED]).values_list(
            "person_id", "category", "status", "kept_until"):
        if status == ReviewStatus.OPEN:
            open_or_kept[(pk, code)] = datetime.date.max
        else:
            open_or_kept[(pk, code)] = max(open_or_kept.get((pk, code)) or kept, kept)
    found = []
    for code, (months, counted_from, _row) in effective_rules(jurisdiction).items():
        for pk, start in clocks(jurisdiction, CATEGORIES[code], counted_from).items():
            due = add_months(start, months)
            kept_until = open_or_kept.get((pk, code))
            if kept_until is not None:
                if kept_until > today:
                    continue
                due = max(due, kept_until)
            if due <= today:
                found.append((pk, code, due))
    return found


def dpo_agency(jurisdiction):
    """The agency whose DPOs get the jurisdiction's review task: the first agency of the
    jurisdiction with an active DPO (the system-level DPO handles no person: access.py)."""
    for agency in Agency.objects.filter(jurisdiction=jurisdiction, is_active=True).order_by("id"):
        if work.role_holders(agency, Role.DATA_PROTECTION_OFFICER):
            return agency
    return None


def sync_task(jurisdiction, today: datetime.date) -> None:
    """One task per jurisdiction for its DPOs while reviews are open: its count only (a
    reference and a link, never content); closed when the worklist is empty."""
    count = ReviewItem.objects.filter(person__jurisdiction=jurisdiction,
                                      status=ReviewStatus.OPEN).count()
    if not count:
        work.task_close(source=jurisdiction, kind=TASK_KIND)
        return
    agency = dpo_agency(jurisdiction)
    if agency is None:
        return
    work.task_ensure(kind=TASK_KIND, source=jurisdiction, due_on=today, agency=agency,
                     role=Role.DATA_PROTECTION_OFFICER,
                     params={"reference": jurisdiction.code, "count": count})


def list_due(today: datetime.date) -> int:
    """The daily function: put on the worklist what is past its period, tell the DPOs."""
    created = 0
    for jurisdiction in Jurisdiction.objects.order_by("id"):
        with transaction.atomic():
            found = past_period(jurisdiction, today)
            items = [ReviewItem(person_id=pk, category=code, due_since=due)
                     for pk, code, due in found]
            for item in items:
                item.save(force_insert=True)
            if items:
                people = Person.objects.in_bulk([i.person_id for i in items])
                audit.append([audit.build(actor=None, action=AuditAction.CREATE, obj=item,
                                          person=people[item.person_id],
                                          details={"category": item.category,
                                                   "due_since": item.due_since.isoformat()})
                              for item in items], bulk=True)
            created += len(items)
            sync_task(jurisdiction, today)
    return created


def register() -> None:
    registry.register_task_kind(
        TASK_KIND, label=gettext_lazy("Retention review: %(count)s to decide in %(reference)s"),
        url=lambda task: (reverse("retention:worklist")
                          + f"?jurisdiction={task.params.get('reference', '')}"),
        params=("reference", "count"))
    registry.register_daily(DAILY_NAME, list_due)
