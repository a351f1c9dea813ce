#!/usr/bin/env python
"""Benchmark: dynamic security at the volume of a large prison's year.

On a demo database with a caseload (seed_demo; prison A holds 40% of the people), adds a year
of security work in prison A: OBSERVATIONS observations across its people and wings (a few
hundred still new, some of them past the 72-hour review time, some escalated), addenda, links,
analyses and shared summaries, with one person of HEAVY observations and one of a few. The
bulk is written with bulk_create (encrypted like any other row), not through the services: the
benchmark measures reading and one write, not seeding. Then, as the security analyst, times the
security dashboard, the review queue (new; all), a person's security record (the heavy one and
a light one: the number of queries must be the same), an observation's page and the API list;
and, as the security officer, the record form's POST (with and without an escalation
indicator). Prints the median and p95 time and the SQL queries of each.

Runs on SQLite by default (var/bench-observations.sqlite3, rebuilt); set DATABASE_URL to a
PostgreSQL URL to measure there (its database alliance_bench_observations is dropped and
recreated):

    .venv/bin/python bench/observations.py [--requests 40] [--persons 1000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/alliance_bench .venv/bin/python \
        bench/observations.py
"""

import argparse
import datetime
import random
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

from databases import seeded
from plans import timed

ROOT = Path(__file__).resolve().parent.parent
warnings.filterwarnings("ignore", message="No directory at")

OBSERVATIONS = 8000  # about 22 a day: a large prison's security department
HEAVY = 400  # the observations of the person everyone watches
NEW = 250  # not reviewed yet (about 60% of them past the review time)
ESCALATED = 150
ADDENDA = 300
LINKS = 1000
ANALYSES = 150
SUMMARIES = 300
TEXT = ("Seen at association: he sat with the same three prisoners, who waited for him before "
        "eating. Said to one of them, loud enough for staff to hear: «Не зборувај со нив.» "
        "(Bench text, fictional.)")


def orchestrate(persons: int, requests: int) -> None:
    env = seeded("observations", persons)
    subprocess.run([sys.executable, __file__, "--measure", "--requests", str(requests)],
                   env=env, check=True)


# --- a year of security work, in bulk ------------------------------------------------------------

def build(users, home) -> dict:
    """OBSERVATIONS observations of prison A's people over the last year, and what the analysts
    made of them. Returns the heavy and a light person."""
    from django.db.models import F
    from django.utils import timezone

    from alliance.observations.models import (
        Addendum,
        Analysis,
        Category,
        Indicator,
        Observation,
        ObservationLink,
        ObservationStatus,
        Recipient,
        SharedSummary,
    )
    from alliance.organisations.models import FacilityUnit
    from alliance.people.models import Person

    rng = random.Random(10)  # noqa: S311 - reproducible bench data
    now = timezone.now()
    people = list(Person.objects.filter(responsible_agency=home).order_by("id"))
    assert len(people) >= 50, "seed_demo with more people: too few people in prison A"
    heavy, light = people[-1], people[-2]
    units = list(FacilityUnit.objects.filter(agency=home))
    observers = [users["demo.security"], users["demo.treatment"], users["demo.manager"]]
    analyst = users["demo.analyst"]
    indicators = list(Indicator.objects.filter(jurisdiction__isnull=True))
    statuses = [ObservationStatus.REVIEWED, ObservationStatus.LINKED, ObservationStatus.SHARED,
                ObservationStatus.ARCHIVED]
    rows = []
    for n in range(OBSERVATIONS):
        person = heavy if n < HEAVY else light if n < HEAVY + 3 else rng.choice(people[:-2])
        new = n >= OBSERVATIONS - NEW
        # The new ones are the last few days' (some past the review time); the others a year's.
        age = rng.uniform(0.1, 6) if new else rng.uniform(0.5, 365)
        observed_at = now - datetime.timedelta(days=age)
        rows.append(Observation(
            person=person, facility=home, unit=rng.choice(units), observed_at=observed_at,
            category=rng.choice(Category.values), verbatim=TEXT, context="Dining hall.",
            opinion="" if n % 3 else "He seems to lead the group.", scheme="5x5x5",
            source_reliability=rng.choice("ABC"), information_assessment=rng.choice("123"),
            handling_code=rng.choice("1234"), escalated=n % (OBSERVATIONS // ESCALATED) == 0,
            status=ObservationStatus.NEW if new else rng.choices(statuses, [60, 20, 15, 5])[0],
            recorded_by=rng.choice(observers),
            reviewed_by=None if new else analyst,
            reviewed_at=None if new else observed_at + datetime.timedelta(hours=20),
            feedback="" if new or n % 4 else "Thank you: clear and useful."))
    Observation.objects.bulk_create(rows, batch_size=500)
    # The services stamp created_at when an entry is recorded: shortly after it happened.
    Observation.objects.filter(facility=home).update(created_at=F("observed_at"))
    through = Observation.indicators.through
    through.objects.bulk_create([through(observation_id=o.pk, indicator_id=rng.choice(
        indicators).pk) for o in rows if o.escalated], batch_size=500)
    reviewed = [o for o in rows if o.status != ObservationStatus.NEW]
    Addendum.objects.bulk_create([Addendum(observation=o, author=o.recorded_by,
                                           text="Correction: two others were present.")
                                  for o in rng.sample(reviewed, ADDENDA)], batch_size=500)
    pairs = set()
    by_person: dict[int, list] = {}
    for o in reviewed:
        by_person.setdefault(o.person_id, []).append(o)
    candidates = [group for group in by_person.values() if len(group) >= 2]
    while len(pairs) < LINKS:
        first, second = sorted(rng.sample(rng.choice(candidates), 2), key=lambda o: o.pk)
        pairs.add((first.pk, second.pk))
    ObservationLink.objects.bulk_create([
        ObservationLink(first_id=a, second_id=b, note="Same group.", created_by=analyst)
        for a, b in sorted(pairs)], batch_size=500)
    # The light person has an analysis and a summary too, so that their record shows every
    # kind of row: a page that costs more queries for the heavy one would then be an N+1.
    subjects = [heavy, light] + rng.sample(people[:-2], ANALYSES - 2)
    analyses = Analysis.objects.bulk_create([
        Analysis(person=p, text="A group is forming around him at meals (bench).",
                 author=analyst) for p in subjects])
    Analysis.observations.through.objects.bulk_create([
        Analysis.observations.through(analysis_id=a.pk, observation_id=o.pk)
        for a in analyses for o in by_person.get(a.person_id, [])[:5]], batch_size=500)
    today = timezone.localdate()
    shared = SharedSummary.objects.bulk_create([
        SharedSummary(person=p, summary="A change in who he spends time with (bench).",
                      shared_by=analyst, agency=home,
                      expires_on=today + datetime.timedelta(days=rng.randint(-60, 90)))
        for p in [heavy] * 10 + [light] + rng.choices(people[:-2], k=SUMMARIES - 11)])
    Recipient.objects.bulk_create(
        [Recipient(summary=s, user=users["demo.treatment"]) for s in shared]
        + [Recipient(summary=s, role="case_manager") for s in shared[::3]], batch_size=500)
    SharedSummary.observations.through.objects.bulk_create([
        SharedSummary.observations.through(sharedsummary_id=s.pk, observation_id=o.pk)
        for s in shared for o in by_person.get(s.person_id, [])[:3]], batch_size=500)
    return {"heavy": heavy, "light": light}


# --- measuring -----------------------------------------------------------------------------------

def posted(client, url: str, data, n: int) -> tuple[float, float, list[int]]:
    """POST `data` to `url` n times (each one a new observation), expecting the redirect."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries = [], set()
    for _ in range(n):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.post(url, data)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 302, (url, response.status_code)
        queries.add(len(ctx.captured_queries))
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)], sorted(queries)


def _line(label: str, median: float, p95: float, queries: list[int], note: str = "") -> None:
    print(f"  {label:44s} median {median:6.1f} ms   p95 {p95:6.1f} ms   "
          f"queries {'/'.join(map(str, queries))}{note}")


def measure(requests: int) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from alliance.accounts.models import User
    from alliance.observations.models import Indicator, Observation, ObservationStatus

    users = {u.username: u for u in User.objects.filter(username__startswith="demo.")}
    home = users["demo.analyst"].memberships.get().agency
    started = time.perf_counter()
    people = build(users, home)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # planner statistics after the bulk load, as seed_demo does
    heavy, light = people["heavy"], people["light"]
    facility = Observation.objects.filter(facility=home)
    print(f"{connection.vendor}: a year of security work built in "
          f"{time.perf_counter() - started:.1f} s: {facility.count()} observations in "
          f"{home.name}, {facility.filter(status=ObservationStatus.NEW).count()} new, "
          f"{facility.filter(escalated=True).count()} escalated; "
          f"{heavy.reference}: {facility.filter(person=heavy).count()}, "
          f"{light.reference}: {facility.filter(person=light).count()}")
    analyst = Client()
    analyst.force_login(users["demo.analyst"],
                        backend="django.contrib.auth.backends.ModelBackend")
    record = lambda p: reverse("observations:person_record", args=[p.uuid]) + "?purpose=review"  # noqa: E731
    some = facility.filter(person=heavy).order_by("-observed_at").first()
    pages = [
        ("security dashboard", reverse("observations:dashboard"), None),
        ("review queue (new)", reverse("observations:queue"), None),
        ("review queue (all statuses)", reverse("observations:queue") + "?status=all", None),
        ("security record, heavy person", record(heavy), record(light)),
        ("observation page", reverse("observations:observation", args=[some.uuid])
         + "?purpose=review", None),
        ("API: the person's observations, heavy person",
         reverse("api:person-observations", args=[heavy.uuid]) + "?purpose=review",
         reverse("api:person-observations", args=[light.uuid]) + "?purpose=review"),
    ]
    print("  as the security analyst:")
    for label, url, small_url in pages:
        median, p95, queries = timed(analyst, url, requests)
        note = ""
        if small_url:
            _m, _p, small = timed(analyst, small_url, max(5, requests // 4))
            note = (f"   (light person: queries {'/'.join(map(str, small))}: "
                    f"{'the same' if small == queries else 'DIFFERENT'})")
        _line(label, median, p95, queries, note)
    officer = Client()
    officer.force_login(users["demo.security"],
                        backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("observations:record", args=[light.uuid])
    form = {"category": "behaviour", "verbatim": TEXT, "context": "Landing, morning count.",
            "opinion": "", "source_reliability": "B", "information_assessment": "1",
            "handling_code": "2",
            "observed_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}
    indicator = Indicator.objects.filter(jurisdiction__isnull=True).order_by("order").first()
    print("  as the security officer:")
    timed(officer, url, 2)  # the form, warmed up
    _line("record an observation (POST)", *posted(officer, url, form, requests))
    _line("record an escalated observation (POST)",
          *posted(officer, url, {**form, "indicators": [str(indicator.uuid)]},
                  max(5, requests // 4)))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--persons", type=int, default=1000,
                        help="The caseload seed_demo builds (prison A holds 40%% of them).")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.requests)
    else:
        orchestrate(args.persons, args.requests)
