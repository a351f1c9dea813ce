"""The daily job: runs every function that modules registered with `registry.register_daily`.

Safe on several app servers at once. Each function is claimed before it runs, by one
conditional UPDATE of its `DailyRun` row ("set running_since = now where nobody is running it
and it has not run today"): on PostgreSQL the second UPDATE waits for the first one's row lock
and then re-reads the row, on SQLite writers are serialised by the database itself; either
way exactly one server gets the row and the others skip the function. The claim is a lease,
not a long transaction: the function's own writes commit as they go (a long transaction would
hold SQLite's single write lock for the whole job), and a claim older than LEASE — a server that
died mid-run — may be taken over. The functions are idempotent too, so a second run the same
day (`--force`) creates nothing new.
"""

import datetime
import logging
from dataclasses import asdict, dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from alliance.core import audit
from alliance.core.models import AuditAction, AuditOutcome

from . import registry
from .models import DailyRun

logger = logging.getLogger(__name__)

LEASE = datetime.timedelta(hours=2)


@dataclass(frozen=True)
class FunctionResult:
    name: str
    outcome: str  # "ran", "already_ran_today", "running_elsewhere", "failed"
    changed: int = 0


def _row(name: str) -> None:
    if not DailyRun.objects.filter(name=name).exists():
        try:
            with transaction.atomic():
                DailyRun.objects.create(name=name)
        except IntegrityError:
            pass  # another server created it at the same moment


def claim(name: str, *, today: datetime.date, now: datetime.datetime, force: bool = False) -> str:
    """Try to take the function `name` for this server. Returns "claimed", or why not."""
    _row(name)
    free = Q(running_since__isnull=True) | Q(running_since__lt=now - LEASE)
    not_today = Q(last_run_on__isnull=True) | Q(last_run_on__lt=today)
    # One conditional UPDATE is the lock: only one server's UPDATE can match the row. (Job
    # bookkeeping, not person-level data: the audit event is written below, per run.)
    claimed = DailyRun.objects.filter(Q(name=name) & free & (Q() if force else not_today)) \
        .update(running_since=now)
    if claimed:
        return "claimed"
    row = DailyRun.objects.get(name=name)
    if row.running_since is not None and row.running_since >= now - LEASE:
        return "running_elsewhere"
    return "already_ran_today"


def _release(name: str, now, **fields) -> None:
    DailyRun.objects.filter(name=name, running_since=now).update(running_since=None, **fields)


def run_daily(*, today: datetime.date | None = None, force: bool = False,
              only: str | None = None) -> list[FunctionResult]:
    """Run each registered daily function that no server has run today (or, with `force`, each
    one that no server is running now). A failing function is logged and released for the next
    run; the others still run."""
    today = today or timezone.localdate()
    results = []
    for name, function in sorted(registry.daily_functions().items()):
        if only and name != only:
            continue
        now = timezone.now()
        outcome = claim(name, today=today, now=now, force=force)
        if outcome != "claimed":
            results.append(FunctionResult(name, outcome))
            continue
        try:
            changed = int(function(today) or 0)
        except Exception:
            logger.exception("Daily function %s failed", name)
            _release(name, now)
            audit.record(actor=None, action=AuditAction.MAINTENANCE, object_type="work.dailyrun",
                         outcome=AuditOutcome.ERROR, details={"job": name,
                                                              "date": today.isoformat()})
            results.append(FunctionResult(name, "failed"))
            continue
        result = FunctionResult(name, "ran", changed)
        _release(name, now, last_run_on=today, last_finished_at=timezone.now(),
                 last_result=asdict(result))
        audit.record(actor=None, action=AuditAction.MAINTENANCE, object_type="work.dailyrun",
                     details={"job": name, "date": today.isoformat(), "changed": changed,
                              "forced": force})
        results.append(result)
    return results
