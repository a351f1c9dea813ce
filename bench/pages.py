#!/usr/bin/env python
"""Benchmark: seeding time, and the caseload and person pages at 1,000 and 20,000 people.

Prints the median and p95 page times and the number of SQL queries per page, which must not
grow with the number of people. Runs on SQLite by default; set DATABASE_URL to a PostgreSQL
URL (the database is dropped and recreated) to measure there.

    .venv/bin/python bench/pages.py [--sizes 1000 20000] [--requests 40]
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

from databases import database_url, reset

ROOT = Path(__file__).resolve().parent.parent
warnings.filterwarnings("ignore", message="No directory at")


def orchestrate(sizes, requests):
    for size in sizes:
        url = database_url(str(size))
        reset(url)
        env = {**os.environ, "DATABASE_URL": url, "ALLIANCE_DEMO": "1",
               "ALLIANCE_FAST_PASSWORDS": "1", "DJANGO_SETTINGS_MODULE": "alliance.settings"}
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
        started = time.perf_counter()
        subprocess.run([*manage, "seed_demo", "--persons", str(size)], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        seeded = time.perf_counter() - started
        vendor = "postgresql" if url.startswith("postgres") else "sqlite"
        print(f"\n{vendor}, N={size}: seed_demo took {seeded:.1f} s", flush=True)
        subprocess.run([sys.executable, __file__, "--measure", "--requests", str(requests)],
                       env=env, check=True)


def measure(requests):
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from alliance.accounts.models import User
    from alliance.people.access import persons_visible_to

    user = User.objects.get(username="demo.treatment")
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    people = list(persons_visible_to(user).values_list("uuid", flat=True)[:requests])
    pages = {
        "caseload (page 1 of the prison's list)": lambda i: reverse("people:caseload"),
        "caseload search by exact name": lambda i: reverse("people:caseload") + "?q=Marko+Petrovic",
        "person page": lambda i: reverse("people:detail", args=[people[i % len(people)]]),
        "assessments worklist": lambda i: reverse("assessments:worklist"),
        "my work": lambda i: reverse("work:my_work"),
        "API persons list": lambda i: reverse("api:person-list"),
    }
    visible = persons_visible_to(user).count()
    print(f"  demo.treatment sees {visible} people")
    for label, url in pages.items():
        client.get(url(0))  # warm up
        times, queries = [], set()
        for i in range(requests):
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = client.get(url(i))
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
            queries.add(len(ctx.captured_queries))
        times.sort()
        p95 = times[max(0, int(len(times) * 0.95) - 1)]
        print(f"  {label:42s} median {statistics.median(times):6.1f} ms   p95 {p95:6.1f} ms   "
              f"queries {'/'.join(map(str, sorted(queries)))}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 20000])
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.requests)
    else:
        orchestrate(args.sizes, args.requests)
