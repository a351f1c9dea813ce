#!/usr/bin/env python
"""Benchmark: the release module at the volume of a region's caseload.

On a demo database (seed_demo, which also takes four people of prison A through the stages of
release), adds PEOPLE people in four prisons (Demo Prison A and B of MK, Demo Prison A of AL
and of RS) with their expected releases spread over the next eighteen months (a few already
past, still held), each with an open case; half of MK's with the probation officer and the
reintegration officer on the case team; and RELEASED people released in the last year (ended
custody, probation responsible). The bulk is written with bulk_create, not through the
services: the benchmark measures the daily job and the reads, not seeding. Then prints:

* the daily job's functions: `daily_steps` (first run: the steps generated for every release
  within the horizon, with their tasks and overdue notices; second run: nothing to do) and
  `daily_follow_ups` (first run: the follow-ups of the releases and their tasks; second run:
  nothing), each with its time, what it changed and its SQL queries;
* the worklist selector (`worklists.release_worklist`, each tab, run as in a request: its memo,
  its one audit event) as demo.manager of Demo Prison A (MK), and the worklist page: median and
  p95 time, SQL queries;
* the person page's release section (`selectors.release_section`) and the person's release
  page for people at different stages — the query counts must not depend on what they hold.

Figures only, no assertion on time. Runs on SQLite by default (var/bench-release.sqlite3,
rebuilt); set DATABASE_URL to a PostgreSQL URL to measure there (its database
alliance_bench_release is dropped and recreated):

    .venv/bin/python bench/release.py [--people 2000] [--requests 30] [--persons 200]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/alliance_bench .venv/bin/python \
        bench/release.py
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

ROOT = Path(__file__).resolve().parent.parent
warnings.filterwarnings("ignore", message="No directory at")

PEOPLE = 2000
RELEASED = 200  # released in the last year, followed up
PRISONS = [("MK", "prison_a", 50), ("MK", "prison_b", 20), ("AL", "prison_a", 15),
           ("RS", "prison_a", 15)]  # jurisdiction, prison, share of the people (%)
SPREAD_DAYS = 548  # releases over the next eighteen months
PAST_DAYS = 20  # ... a few of them already past, the person still held


def orchestrate(people: int, persons: int, requests: int) -> None:
    env = seeded("release", persons)
    subprocess.run([sys.executable, __file__, "--measure", "--people", str(people),
                    "--requests", str(requests)], env=env, check=True)


# --- the caseload, in bulk -----------------------------------------------------------------------

_AGENCIES: dict = {}


def _agency(code: str, key: str):
    """A demo agency (seed.AGENCIES), e.g. ("MK", "prison_a")."""
    from alliance.demo.seed import AGENCIES
    from alliance.organisations.models import Agency

    if (code, key) not in _AGENCIES:
        pattern = {k: name for k, name, _type in AGENCIES}[key]
        _AGENCIES[(code, key)] = Agency.objects.get(name=pattern.format(code=code))
    return _AGENCIES[(code, key)]


def build(n: int, released: int, users) -> dict:
    """n people held in PRISONS, releases spread over SPREAD_DAYS, and `released` people of MK
    released in the last year. Returns counts for the summary line."""
    from django.utils import timezone

    from alliance.cases.models import Case, CaseTeamMember
    from alliance.people.models import (
        Classification,
        CustodyEpisode,
        DataSubjectCategory,
        LegalStatus,
        Person,
        ReleaseType,
    )

    rng = random.Random(11)  # noqa: S311 - reproducible bench data
    today, now = timezone.localdate(), timezone.now()
    manager = users["demo.manager"]
    team = [(users["demo.probation"], _agency("MK", "probation"), "Probation officer"),
            (users["demo.reintegration"], _agency("MK", "reintegration"), "Reintegration")]
    probation = team[0][1]
    places = [(code, _agency(code, key)) for code, key, share in PRISONS for _ in range(share)]
    people, episodes = [], []
    for i in range(n + released):
        out = i >= n
        code, prison = ("MK", _agency("MK", "prison_a")) if out else places[i % len(places)]
        admitted = today - datetime.timedelta(days=rng.randint(400, 3000))
        if out:
            ended = today - datetime.timedelta(days=rng.randint(1, 360))
            release_on = ended
        else:
            release_on = today + datetime.timedelta(days=rng.randint(-PAST_DAYS, SPREAD_DAYS))
        people.append(Person(
            reference=f"{code}-R{i:05d}", jurisdiction=prison.jurisdiction,
            responsible_agency=probation if out else prison, given_name="Bench",
            family_name=f"Person {i}", data_subject_category=DataSubjectCategory.CONVICTED,
            classification=rng.choice([Classification.AT_RISK, Classification.VEP])))
        episodes.append(CustodyEpisode(
            facility=prison, admitted_on=admitted, legal_status=LegalStatus.SENTENCED,
            sentence_years=rng.randint(2, 10), sentence_start=admitted,
            sentence_start_source="court_judgment", expected_release=release_on,
            expected_release_source="computed", is_current=not out,
            ended_on=release_on if out else None,
            release_type=rng.choice([ReleaseType.CONDITIONAL, ReleaseType.END_OF_SENTENCE])
            if out else ""))
    Person.objects.bulk_create(people, batch_size=500)
    for person, episode in zip(people, episodes, strict=True):
        episode.person = person
    CustodyEpisode.objects.bulk_create(episodes, batch_size=500)
    home_a = _agency("MK", "prison_a")
    cases = Case.objects.bulk_create([
        Case(person=p, opened_at=now,
             case_manager=manager if p.responsible_agency_id == home_a.pk else None)
        for p in people], batch_size=500)
    home_jurisdiction = home_a.jurisdiction_id
    CaseTeamMember.objects.bulk_create([
        CaseTeamMember(case=case, user=user, agency=agency, team_role=role, scopes=[],
                       added_at=now, added_by=manager)
        for k, case in enumerate(cases) if case.person.jurisdiction_id == home_jurisdiction
        and (k % 2 == 0 or k >= n) for user, agency, role in team], batch_size=500)
    return {"people": n, "released": released}


# --- measuring -----------------------------------------------------------------------------------

def _captured(function):
    """Run `function()` once: (result, seconds, SQL queries). Queries are counted, not logged
    (Django's query log keeps only the last 9,000: the daily job runs far more)."""
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


def _repeated(function, n: int) -> tuple[float, float, list[int]]:
    """Median and p95 milliseconds of n calls, and the distinct query counts."""
    function()  # warm up
    times, queries = [], set()
    for _ in range(n):
        _result, elapsed, count = _captured(function)
        times.append(elapsed * 1000)
        queries.add(count)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)], sorted(queries)


def _as_request(function):
    """`function` run as a request runs it: with the request's memo (the user's case-team
    places read once) and its consultations written as one audit event at the end."""
    from alliance.core import audit, context

    def run():
        token = context.activate(context.RequestContext(memo={}))
        notes = audit.collect_consultations()
        try:
            return function()
        finally:
            audit.flush_consultations(notes, shown=True)
            context.deactivate(token)

    return run


def _line(label: str, median: float, p95: float, queries: list[int], note: str = "") -> None:
    print(f"  {label:52s} median {median:7.1f} ms   p95 {p95:7.1f} ms   "
          f"queries {'/'.join(map(str, queries))}{note}")


def _page(client, url: str, n: int):
    """The page's figures, or None when it does not answer 200 (a page not built yet)."""
    status = client.get(url).status_code
    if status != 200:
        return None, status

    def get():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    return _repeated(get, n), status


def measure(n: int, requests: int) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from alliance.accounts.models import User
    from alliance.demo import release as demo_release
    from alliance.people.access import person_grant
    from alliance.people.models import CustodyEpisode, Person
    from alliance.release import worklists
    from alliance.release.models import FollowUp, ReleaseStep
    from alliance.release.selectors import release_section
    from alliance.release.services.follow_ups import daily_follow_ups
    from alliance.release.services.steps import daily_steps
    from alliance.work.models import Notification, Task

    users = {u.username: u for u in User.objects.filter(username__startswith="demo.")}
    manager = users["demo.manager"]
    today = timezone.localdate()
    started = time.perf_counter()
    built = build(n, RELEASED, users)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # planner statistics after the bulk load, as seed_demo does
    print(f"{connection.vendor}: {built['people']} people held in {len(PRISONS)} prisons, "
          f"releases from {PAST_DAYS} days ago to {SPREAD_DAYS} days ahead, and "
          f"{built['released']} released in the last year; built in "
          f"{time.perf_counter() - started:.1f} s")

    def episodes(function) -> int:
        """How many custody episodes the function goes through (its loop's queryset)."""
        if function is daily_steps:
            return max(1, CustodyEpisode.objects.filter(
                is_current=True, expected_release__isnull=False).count())
        return max(1, CustodyEpisode.objects.filter(is_current=False).count())

    print("  the daily job:")
    for function, label in [(daily_steps, "daily_steps"), (daily_follow_ups, "daily_follow_ups")]:
        for run in ("first run", "second run"):
            changed, elapsed, queries = _captured(lambda f=function: f(today))
            print(f"  {label + ', ' + run:40s} {elapsed:7.2f} s   changed {changed:6d}   "
                  f"queries {queries:7d}   ({queries / episodes(function):.0f} per custody "
                  f"episode looked at)")
    print(f"  now: {ReleaseStep.objects.count()} steps "
          f"({ReleaseStep.objects.filter(status='pending', due_on__lt=today).count()} overdue), "
          f"{FollowUp.objects.count()} follow-ups, "
          f"{Task.objects.filter(status='open', kind__in=['release_step_due', 'follow_up_due']).count()}"
          f" open release tasks, "
          f"{Notification.objects.filter(kind='release_step_overdue').count()} overdue notices")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    print(f"  as demo.manager ({manager.memberships.get().agency.name}):")
    for tab in worklists.TABS:
        figures = _repeated(_as_request(lambda t=tab: worklists.release_worklist(manager, tab=t)),
                            requests)
        _line(f"worklist selector, tab {tab}", *figures)
    client = Client()
    client.force_login(manager, backend="django.contrib.auth.backends.ModelBackend")
    for tab in worklists.TABS:
        figures, status = _page(client, reverse("release:worklist") + f"?tab={tab}", requests)
        if figures is None:
            print(f"  worklist page, tab {tab}: not measured (HTTP {status})")
        else:
            _line(f"worklist page, tab {tab}", *figures)

    staged = demo_release.stages()
    nothing = (Person.objects.filter(responsible_agency=_agency("MK", "prison_a"))
               .exclude(release_steps__isnull=False).order_by("pk").first())
    subjects = [(f"demo stage: {code}", person) for code, person in staged.items()
                if person_grant(manager, person).can("view")] + [("no release steps", nothing)]
    for label, person in subjects:
        grant = person_grant(manager, person)
        figures = _repeated(_as_request(lambda p=person, g=grant: release_section(manager, p, g)),
                            max(5, requests // 3))
        _line(f"release section, {label}", *figures)
    for label, person in subjects:
        figures, status = _page(client, reverse("release:person", args=[person.uuid]),
                                max(5, requests // 3))
        if figures is None:
            print(f"  release page, {label}: not measured (HTTP {status})")
        else:
            _line(f"release page, {label}", *figures)
    for label, person in subjects:
        figures, status = _page(client, reverse("people:detail", args=[person.uuid]),
                                max(5, requests // 3))
        if figures is not None:
            _line(f"person page, {label}", *figures)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=PEOPLE,
                        help="People held, with releases over the next eighteen months.")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--persons", type=int, default=200,
                        help="The caseload seed_demo builds first (with the demo users).")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.people, args.requests)
    else:
        orchestrate(args.people, args.persons, args.requests)
