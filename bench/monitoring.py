#!/usr/bin/env python
"""Benchmark: the monitoring module with 1,000,000 person-level events across six jurisdictions.

On a demo database (seed_demo, with its own year of monitoring history), adds MONTHS months of
history with the demo's generator (alliance/demo/monitoring/) scaled up: people held and
released in the twelve prisons of the six jurisdictions, with their screenings, assessments,
plans, enrolments, sessions, refusals, working-alliance measures, pre-release steps, support
plans, follow-ups and referrals, written with bulk_create (the benchmark measures the snapshot
job and the reads, not seeding). Prints the events it counts, then:

* the snapshot job: `snapshots.compute` over the MONTHS months (a backfill), then the daily
  job's run (`snapshots.daily`: the current and the previous month), each with its time and
  SQL queries;
* for last year (complete) and this year: the region dashboard (GET
  /monitoring/region/?period=<year> as demo.regional) and the statistics API (GET
  /api/v1/statistics/?level=region&period=<year>): median and p95 over
  REQUESTS requests, cold (the cache cleared before each request, so the year's protected
  tables are built from the snapshot table each time) and warm, and the SQL queries per request;
* the statistics service itself (`statistics.anonymous`), cold and warm, the same way.

Figures only, no assertion on time. Runs on SQLite by default (var/bench-monitoring.sqlite3,
rebuilt); set DATABASE_URL to a PostgreSQL URL to measure there (its database
alliance_bench_monitoring is dropped and recreated):

    .venv/bin/python bench/monitoring.py [--scale 20] [--months 24] [--requests 30]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python \\
        bench/monitoring.py

`--again` measures again on the database a previous run built (no seeding, no generating).
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

from databases import database_url, seeded

ROOT = Path(__file__).resolve().parent.parent
warnings.filterwarnings("ignore", message="No directory at")

MONTHS = 24
SCALE = 20  # people held at 20 times the demo's: about 1,000,000 events over 24 months
REQUESTS = 30
SEED = 1_000_000


def orchestrate(scale: float, months: int, requests: int, persons: int, again: bool) -> None:
    if again:
        env = {**os.environ, "DATABASE_URL": database_url("monitoring"), "ALLIANCE_DEMO": "1",
               "DJANGO_SETTINGS_MODULE": "alliance.settings"}
    else:
        env = seeded("monitoring", persons)
    subprocess.run([sys.executable, __file__, "--measure", "--scale", str(scale), "--months",
                    str(months), "--requests", str(requests),
                    *(["--again"] if again else [])], env=env, check=True)


# --- measuring -----------------------------------------------------------------------------------

def _captured(function):
    """Run `function()` once: (result, seconds, SQL queries)."""
    from django.db import connection

    count = 0

    def counter(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        result = function()
        elapsed = time.perf_counter() - started
    return result, elapsed, count


def _repeated(function, n: int, *, cold: bool) -> tuple[float, float, list[int]]:
    """Median and p95 milliseconds of n calls, and the distinct query counts; `cold`: the cache
    cleared before each call (not timed)."""
    from django.core.cache import cache

    function()  # warm up (imports, templates, the connection)
    times, queries = [], set()
    for _ in range(n):
        if cold:
            cache.clear()
        _result, elapsed, count = _captured(function)
        times.append(elapsed * 1000)
        queries.add(count)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)], sorted(queries)


def _line(label: str, median: float, p95: float, queries: list[int]) -> None:
    print(f"  {label:48s} median {median:7.1f} ms   p95 {p95:7.1f} ms   "
          f"queries {'/'.join(map(str, queries))}", flush=True)


def _get(client, url: str):
    def get():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    return get


def measure(scale: float, months: int, requests: int, again: bool) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone

    from alliance.accounts.models import User
    from alliance.demo import monitoring, seed
    from alliance.monitoring import periods, snapshots
    from alliance.monitoring import statistics as monitoring_statistics
    from alliance.monitoring.models import IndicatorValue

    users = {u.username: u for u in User.objects.filter(username__startswith="demo.")}
    agencies = seed.seed_organisations()
    if not again:
        started = time.perf_counter()
        built = monitoring.generate(agencies, users, months=months, scale=scale, seed=SEED)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # planner statistics after the bulk load, as seed_demo
        print(f"{connection.vendor}: {built['events']:,} person-level events generated over "
              f"{months} months for {built['people']:,} people in "
              f"{len({code for code, _key in agencies if code})} jurisdictions, in "
              f"{time.perf_counter() - started:.0f} s, with {built['ItemRating']:,} item "
              f"ratings and {built['TimelineEvent']:,} timeline entries")
    total = {model.__name__: model.objects.count() for model in monitoring.EVENT_MODELS}
    print(f"{connection.vendor}: {sum(total.values()):,} person-level events in the database "
          f"(the demo's own history included): "
          + ", ".join(f"{name} {count:,}" for name, count in total.items()), flush=True)

    today = timezone.localdate()
    this_month = periods.month_start(today)
    first = periods.add_months(this_month, 1 - months)
    result, elapsed, queries = _captured(lambda: snapshots.compute(first, this_month,
                                                                   reason="benchmark"))
    print(f"  snapshot job, {result.months} months (a backfill):      {elapsed:7.1f} s   "
          f"{result.rows:,} values   queries {queries}")
    rows, elapsed, queries = _captured(lambda: snapshots.daily(today))
    print(f"  snapshot job, the daily run (2 months):     {elapsed:7.1f} s   {rows:,} values   "
          f"queries {queries}")
    print(f"  snapshot table: {IndicatorValue.objects.count():,} rows", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    client = Client()
    client.force_login(users["demo.regional"],
                       backend="django.contrib.auth.backends.ModelBackend")
    # Last year (complete: its year figures are shown) and this one (its months so far).
    for year in (str(today.year - 1), str(today.year)):
        period = periods.parse(year, allow_range=False)
        print(f"  the region's figures for {year}, as demo.regional:")
        for cold in (True, False):
            _line(f"statistics.anonymous(), {'cold' if cold else 'warm'}",
                  *_repeated(lambda p=period: monitoring_statistics.anonymous(p), requests,
                             cold=cold))
        urls = []
        try:
            urls.append(("region dashboard", reverse("monitoring:region") + f"?period={year}"))
        except NoReverseMatch:
            print("  region dashboard: not measured (no such page yet)")
        try:
            urls.append(("statistics API", reverse("api:statistics")
                         + f"?level=region&period={year}"))
        except NoReverseMatch:
            print("  statistics API: not measured (no such endpoint yet)")
        for label, url in urls:
            status = client.get(url).status_code
            if status != 200:
                print(f"  {label}: not measured (HTTP {status})")
                continue
            for cold in (True, False):
                _line(f"{label}, {'cold' if cold else 'warm'}",
                      *_repeated(_get(client, url), requests, cold=cold))

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=SCALE,
                        help="People held, as a multiple of the demo's.")
    parser.add_argument("--months", type=int, default=MONTHS)
    parser.add_argument("--requests", type=int, default=REQUESTS)
    parser.add_argument("--persons", type=int, default=60,
                        help="The caseload seed_demo builds first (with the demo users).")
    parser.add_argument("--again", action="store_true",
                        help="Measure again on the database the last run built.")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.scale, args.months, args.requests, args.again)
    else:
        orchestrate(args.scale, args.months, args.requests, args.persons, args.again)
