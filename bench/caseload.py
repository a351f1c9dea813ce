#!/usr/bin/env python
"""Benchmark: the caseload, the worklists and the API person list (issue 17, goal 1), and the
person-level pages (goal 2), at 1,000 and 20,000 people, each page beside its raw-SQL floor (the
same SELECT statements re-run on a bare cursor), and the number of queries, which must not grow
with the number of people.

Runs on SQLite by default; set DATABASE_URL to a PostgreSQL URL to measure there. The figures
are medians of `--requests` requests by each of `--users` (demo.treatment by default), after
one warm-up request; a person-level page is fetched for a different person each time (people
the user sees, taken at random); a page the user may not open is named and skipped.

    .venv/bin/python bench/caseload.py [--sizes 1000 20000] [--requests 30] [--reuse]
        [--users demo.treatment demo.probation demo.manager]
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


def orchestrate(sizes, requests, reuse, users):
    """Seed the smallest size with seed_demo, then grow the same database to each larger size
    with seed_demo's own people loader (seed_people: people, episodes, cases, search tokens),
    which is what the lists read; the rest of seed_demo (assessments, plans, tasks) does not
    grow. Seeding 20,000 people whole takes hours on this machine; growing takes minutes."""
    sizes = sorted(sizes)
    name = f"caseload-{sizes[0]}"
    path = Path(database_url(name).removeprefix("sqlite:///"))
    if reuse and path.exists():
        env = {
            **os.environ,
            "DATABASE_URL": database_url(name),
            "ALLIANCE_DEMO": "1",
            "ALLIANCE_FAST_PASSWORDS": "1",
            "DJANGO_SETTINGS_MODULE": "alliance.settings",
        }
        print(f"\nN={sizes[0]}: reusing {path}", flush=True)
    else:
        started = time.perf_counter()
        env = seeded(name, sizes[0])
        print(
            f"\nN={sizes[0]}: migrated and seeded in {time.perf_counter() - started:.0f} s", flush=True
        )
    for size in sizes:
        if size != sizes[0]:
            started = time.perf_counter()
            subprocess.run([sys.executable, __file__, "--grow", str(size)], env=env, check=True)
            print(f"\nN={size}: grown in {time.perf_counter() - started:.0f} s", flush=True)
        for username in users:
            subprocess.run([sys.executable, __file__, "--measure", "--requests", str(requests),
                            "--users", username], env=env, check=True)


def grow(size):
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from alliance.accounts.models import User
    from alliance.demo import seed

    users = {u.username: u for u in User.objects.filter(username__startswith="demo.")}
    seed.seed_people(size, seed.seed_organisations(), users)


def measure(requests, username="demo.treatment"):
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from alliance.accounts.models import User
    from alliance.people import services
    from alliance.people.access import persons_visible_to
    from alliance.plans.access import plans as plan_policy

    # seed_demo writes episodes in bulk, without the services that keep the sort key: fill it
    # as the migration does (until seed_demo calls this itself).
    services.expected_release_keys_refresh()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    caseload, api = reverse("people:caseload"), reverse("api:person-list")
    pages = {
        "caseload, page 1": caseload,
        "caseload, page 20": caseload + "?page=20",
        "caseload, filtered (VEP)": caseload + "?classification=vep",
        "caseload, search by exact name": caseload + "?q=Marko+Petrovic",
        "caseload, search by reference": caseload + "?q=XK-A",
        "API person list, page 1": api,
        "API person list, page 20": api + "?page=20",
        # The worklists demo.treatment opens: each lists people, so each must not grow with N.
        "My work": reverse("work:my_work"),
        "assessments worklist": reverse("assessments:worklist"),
        "release worklist": reverse("release:worklist"),
        "not engaging worklist": reverse("plans:not_engaging"),
    }
    print(
        f"  {connection.vendor}: {username} sees "
        f"{persons_visible_to(user).count()} people (counted once, here, not by the pages)"
    )
    people = list(persons_visible_to(user).order_by("?").values_list("uuid", flat=True)[:requests])
    # The plans the user may open (the plan policy's own rule).
    plans = list(plan_policy.visible(user).values_list("uuid", flat=True)[:requests])
    person_pages = {
        "person page": lambda i: reverse("people:detail", args=[people[i % len(people)]]),
        "API person detail": lambda i: reverse("api:person-detail", args=[people[i % len(people)]]),
        "release page of a person": lambda i: reverse("release:person",
                                                      args=[people[i % len(people)]]),
        "recording an observation (form)": lambda i: reverse("observations:record",
                                                             args=[people[i % len(people)]]),
        "plan page": lambda i: reverse("plans:plan", args=[plans[i % len(plans)]]),
    }
    pages = {label: (lambda i, url=url: url) for label, url in pages.items()}
    pages.update(person_pages if plans else
                 {k: v for k, v in person_pages.items() if k != "plan page"})
    for label, url_of in pages.items():
        warm_up = client.get(url_of(requests))
        if warm_up.status_code != 200:  # a worklist or page of another role
            print(f"  {label:34s} {warm_up.status_code}: not this reader's page", flush=True)
            continue
        times, floors, counts = [], [], set()
        for i in range(requests):
            url = url_of(i)
            statements = []

            def record(execute, sql, params, many, context, statements=statements):
                statements.append((sql, params))
                return execute(sql, params, many, context)

            with connection.execute_wrapper(record):
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (label, response.status_code)
            counts.add(len(statements))
            floors.append(_floor(connection, statements))
        page, floor = statistics.median(times), statistics.median(floors)
        print(
            f"  {label:34s} page {page:6.1f} ms   SQL floor {floor:6.1f} ms   "
            f"({page / floor if floor else 0:4.1f}x)   queries {'/'.join(map(str, sorted(counts)))}",
            flush=True,
        )


def _floor(connection, statements) -> float:
    """The time of the response's reads alone: its SELECTs re-run on a bare cursor (the audit
    row and the session's writes are left out; they are not the list's)."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for sql, params in statements:
            if sql.lstrip().upper().startswith("SELECT"):
                cursor.execute(sql, params)
                cursor.fetchall()
    return (time.perf_counter() - started) * 1000


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 20000])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument(
        "--reuse", action="store_true", help="measure the smallest size's database again if it exists"
    )
    parser.add_argument("--users", nargs="+", default=["demo.treatment"],
                        help="the demo users whose pages are measured, one after the other "
                             "(e.g. demo.probation, on 2,574 case teams at 20,000 people)")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--grow", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.requests, args.users[0])
    elif args.grow:
        grow(args.grow)
    else:
        orchestrate(args.sizes, args.requests, args.reuse, args.users)
