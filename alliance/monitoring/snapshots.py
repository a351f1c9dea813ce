"""The monthly snapshot: every indicator, for every agency and month, into IndicatorValue.

The daily job recomputes the current and the previous month (records are often entered late);
the first run fills the last BACKFILL_MONTHS months. A manager may recompute any period
(`compute`, from the dashboard, audited). A month is recomputed as a whole in one transaction:
its old rows are deleted and the new ones written, so a dashboard never reads half a month.
Each indicator's source (sources.py) computes all agencies and months in a few GROUP BY queries.
"""

import datetime
import time
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from alliance.core import audit
from alliance.core.models import AuditAction
from alliance.organisations.models import Agency
from alliance.work import registry

from .indicators import INDICATORS
from .models import IndicatorValue, SnapshotMonth
from .periods import add_months, month_start, months_between

BACKFILL_MONTHS = 24
# The months the daily job recomputes: the current one and the one before. Their figures change
# from day to day, so the anonymous levels show them only once they have left this window
# (statistics.settled_before).
DAILY_MONTHS = 2
DAILY_NAME = "monitoring.snapshot"


@dataclass(frozen=True)
class Result:
    first: datetime.date
    last: datetime.date
    months: int
    rows: int
    seconds: float


def compute(first: datetime.date, last: datetime.date, *, actor=None,
            reason: str = "daily") -> Result:
    """Recompute every indicator of every agency for the months from `first` to `last` (not
    past the current month)."""
    started = time.perf_counter()
    last = min(month_start(last), month_start(timezone.localdate()))
    months = months_between(first, last)
    if not months:
        return Result(month_start(first), last, 0, 0, 0.0)
    first = months[0]
    jurisdiction_of = dict(Agency.objects.values_list("id", "jurisdiction_id"))
    rows = []
    for indicator in INDICATORS:
        if not indicator.available:
            continue
        for agency_id, month, numerator, denominator in indicator.function(first, last):
            if agency_id not in jurisdiction_of or not first <= month <= last:
                continue
            rows.append(IndicatorValue(agency_id=agency_id, jurisdiction_id=jurisdiction_of[agency_id],
                                       month=month, indicator=indicator.code,
                                       numerator=numerator or 0, denominator=denominator))
    with transaction.atomic():
        IndicatorValue.objects.filter(month__in=months).delete()
        IndicatorValue.objects.bulk_create(rows, batch_size=2000)
        seconds = time.perf_counter() - started
        now = timezone.now()
        for month in months:
            SnapshotMonth.objects.update_or_create(
                month=month, defaults={"computed_at": now, "seconds": seconds / len(months)})
        audit.record(actor=actor, action=AuditAction.MAINTENANCE if actor is None else
                     AuditAction.CHANGE, object_type="monitoring.snapshot",
                     details={"first": f"{first:%Y-%m}", "last": f"{last:%Y-%m}",
                              "rows": len(rows), "reason": reason[:20]})
    return Result(first, last, len(months), len(rows), time.perf_counter() - started)


def daily(today: datetime.date) -> int:
    """The daily function: the current and the previous month; the first time, the last
    BACKFILL_MONTHS months."""
    this_month = month_start(today)
    back = DAILY_MONTHS - 1 if SnapshotMonth.objects.exists() else BACKFILL_MONTHS - 1
    return compute(add_months(this_month, -back), this_month).rows


def register() -> None:
    registry.register_daily(DAILY_NAME, daily)
