#!/usr/bin/env python
"""Benchmark: the person page of someone with five years of rehabilitation work behind them.

Builds, on a demo database with a caseload (seed_demo), one person in prison A with five years
of history — about 300 sessions over ten enrolments, 50 of them refused (each an offer with its
reason and strategy), 20 working-alliance measures, four plan versions with reviews, stage of
change entries — and one person with a small history (a plan, an enrolment, five sessions). Both
are on the NGO mentor's case team. Then renders the person page N times as the treatment officer
(who holds the treatment compartment) and as the NGO case-team member (who holds the case team's
share only), printing the median and p95 time and the number of SQL queries, and shows that the
count does not depend on the history: small history and five years run the same number.

Runs on SQLite by default (var/bench-plans.sqlite3, rebuilt); set DATABASE_URL to a PostgreSQL
URL to measure there (its database alliance_bench_plans is dropped and recreated):

    .venv/bin/python bench/plans.py [--requests 40] [--persons 1000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/alliance_bench .venv/bin/python bench/plans.py
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

YEARS = 5
ENROLMENTS = 10
SESSIONS = 300
REFUSALS = 50
MEASURES = 20
VERSIONS = 4


def orchestrate(persons: int, requests: int) -> None:
    env = seeded("plans", persons)
    subprocess.run([sys.executable, __file__, "--measure", "--requests", str(requests)],
                   env=env, check=True)


# --- building the histories (through the services, as the work would be recorded) ---------------

def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _pick_people(users, n: int) -> list:
    """People in prison A with the NGO mentor on their case team and no plan yet."""
    from alliance.people.models import Person
    from alliance.plans.models import Plan

    planned = Plan.objects.values("person_id")
    people = list(Person.objects.filter(
        cases__team__user=users["demo.ngo"], cases__status="open",
        responsible_agency__in=users["demo.treatment"].memberships.values("agency"))
        .exclude(pk__in=planned).order_by("-id")[:n])
    assert len(people) == n, "seed_demo with more people: too few people to build on"
    return people


def _plan(person, users):
    from alliance.plans import services

    treatment, manager = users["demo.treatment"], users["demo.manager"]
    plan = services.plan_start(actor=treatment, person=person)
    for goal in plan.goals.all():
        services.step_save(actor=treatment, plan=plan, expected_version=None, goal=goal,
                           text="Take part in the programme agreed.", actor_kind="prisoner")
    services.plan_update(actor=treatment, plan=plan, expected_version=None, position="agreed",
                         position_words="I agree with it.", summary="Bench plan.")
    plan = services.plan_submit(actor=treatment, plan=plan, expected_version=None)
    return services.plan_countersign(actor=manager, plan=plan, expected_version=None)


def build(person, users, catalogue, *, years: int, enrolments: int, sessions: int,
          refusals: int, measures: int, versions: int, alliance_version) -> dict:
    """`years` of work: a plan and its versions, `enrolments` enrolments sharing `sessions`
    sessions (`refusals` refused, a few cancelled or not produced, the rest attended), a
    working-alliance measure every so many attended sessions, stage entries."""
    from django.utils import timezone

    from alliance.plans import services

    treatment = users["demo.treatment"]
    rng = random.Random(9)  # noqa: S311 - reproducible bench data
    today = timezone.localdate()
    start = today - datetime.timedelta(days=365 * years)
    plan = _plan(person, users)
    for n in range(versions - 1):
        services.plan_review(actor=treatment, plan=plan, expected_version=None,
                             note=f"Review {n + 1}.", reviewed_on=today,
                             next_review_on=today + datetime.timedelta(days=90))
        plan = services.plan_revise(actor=treatment, plan=plan, reason=f"Version {n + 2}.")
        services.plan_update(actor=treatment, plan=plan, expected_version=None,
                             position="agreed", position_words="Still agree.")
        plan = services.plan_submit(actor=treatment, plan=plan, expected_version=None)
        plan = services.plan_countersign(actor=users["demo.manager"], plan=plan,
                                         expected_version=None)
    per = sessions // enrolments
    span = (today - start).days - 7
    refused_at = set(rng.sample(range(sessions), refusals))
    attended = recorded = 0
    taken = 0
    every = max(1, (sessions - refusals - sessions // 23) // measures) if measures else 0
    stages = ["precontemplation", "contemplation", "preparation", "action", "maintenance"]
    interventions = list(catalogue.values())
    for e in range(enrolments):
        began = start + datetime.timedelta(days=span * e // enrolments)
        intervention = interventions[e % len(interventions)]
        practitioner = users["demo.ngo"] if intervention.code == "EXIT" else treatment
        enrolment = services.enrolment_create(
            actor=treatment, person=person, intervention=intervention,
            practitioner=practitioner, started_on=began, planned_sessions=per)
        gap = max(1, min(7, (span // enrolments) // per))
        planned = services.sessions_schedule(actor=treatment, enrolment=enrolment,
                                             first_at=_at(began), count=per, every_days=gap)
        services.stage_record(actor=treatment, person=person, stage=stages[e % 5],
                              assessed_on=began, rationale=f"Stage rationale {e}.")
        for session in planned:
            if session.scheduled_at >= timezone.now():
                continue
            actor = practitioner
            if recorded in refused_at:
                services.session_record(
                    actor=actor, session=session, expected_version=None, attendance="refused",
                    reason="not_relevant", reason_words="Not today.",
                    strategy="motivational_interviewing", strategy_note="Offer again.",
                    shared_summary="Refused.")
            elif recorded % 23 == 5:
                services.session_record(actor=actor, session=session, expected_version=None,
                                        attendance=["cancelled", "not_produced"][recorded % 2],
                                        shared_summary="Did not take place.")
            else:
                note = "" if actor != treatment else f"Session note {recorded}."
                services.session_record(actor=actor, session=session, expected_version=None,
                                        attendance="attended", note=note,
                                        shared_summary="Attended.")
                attended += 1
                if every and taken < measures and attended % every == 0:
                    services.alliance_record(
                        actor=treatment, person=person, instrument_version=alliance_version,
                        practitioner=practitioner, enrolment=enrolment, occasion="scheduled",
                        taken_on=timezone.localtime(session.scheduled_at).date(),
                        ratings={c: rng.choice(["sometimes", "often", "always"]) for c in
                                 ("G1", "G2", "G3", "T1", "T2", "T3", "B1", "B2", "B3")})
                    taken += 1
            recorded += 1
        if e < enrolments - 1:
            last = max(timezone.localtime(s.scheduled_at).date() for s in planned)
            services.enrolment_end(actor=treatment, enrolment=enrolment, expected_version=None,
                                   status="completed", ended_on=min(last, today))
        else:  # the current enrolment goes on: three sessions to come
            services.sessions_schedule(actor=treatment, enrolment=enrolment, count=3,
                                       first_at=timezone.now() + datetime.timedelta(days=1))
    return {"sessions": recorded, "measures": taken}


def _history_counts(person) -> str:
    from alliance.plans.models import AllianceMeasure, Offer, Plan, Session, StageOfChange

    return (f"{Session.objects.filter(person=person).count()} sessions, "
            f"{Offer.objects.filter(person=person, response='refused').count()} refusals, "
            f"{AllianceMeasure.objects.filter(person=person).count()} alliance measures, "
            f"{Plan.objects.filter(person=person).count()} plan versions, "
            f"{StageOfChange.objects.filter(person=person).count()} stage entries")


# --- measuring -----------------------------------------------------------------------------------

def timed(client, url: str, n: int) -> tuple[float, float, list[int]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm up
    times, queries = [], set()
    for _ in range(n):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries.add(len(ctx.captured_queries))
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)], sorted(queries)


def measure(requests: int) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from alliance.accounts.models import User
    from alliance.assessments.models import InstrumentKind, InstrumentVersion
    from alliance.demo import seed
    from alliance.people.access import persons_visible_to
    from alliance.plans.models import Intervention

    users = {u.username: u for u in User.objects.filter(username__startswith="demo.")}
    alliance_version = InstrumentVersion.objects.get(instrument__kind=InstrumentKind.ALLIANCE,
                                                     is_active=True)
    # The format-1 reference tool the demo's histories use (a second risk and needs tool, the
    # format-2 structured profile, is loaded too).
    risk_needs = InstrumentVersion.objects.get(instrument__code="alliance-risk-needs",
                                               is_active=True)
    home = users["demo.treatment"].memberships.get().agency
    catalogue = {i.code: i for i in Intervention.objects.filter(jurisdiction=home.jurisdiction)}
    long_person, small_person = _pick_people(users, 2)
    started = time.perf_counter()
    for person in (long_person, small_person):
        seed.countersigned_assessment(person, risk_needs, users["demo.treatment"],
                                      users["demo.manager"], random.Random(5),  # noqa: S311
                                      ("moderate", "high"), "moderate",
                                      timezone.now())
    build(long_person, users, catalogue, years=YEARS, enrolments=ENROLMENTS, sessions=SESSIONS,
          refusals=REFUSALS, measures=MEASURES, versions=VERSIONS,
          alliance_version=alliance_version)
    build(small_person, users, catalogue, years=1, enrolments=1, sessions=5, refusals=1,
          measures=1, versions=1, alliance_version=alliance_version)
    built = time.perf_counter() - started
    print(f"{connection.vendor}: history built in {built:.1f} s; demo.treatment sees "
          f"{persons_visible_to(users['demo.treatment']).count()} people")
    print(f"  five years: {_history_counts(long_person)}")
    print(f"  small:      {_history_counts(small_person)}")
    personas = [("treatment officer", users["demo.treatment"]),
                ("NGO case-team member", users["demo.ngo"])]
    pages = {
        "person page": lambda p: reverse("people:detail", args=[p.uuid]),
        "all sessions of the person": lambda p: reverse("plans:person_sessions", args=[p.uuid]),
        "API sessions of the person": lambda p: reverse("api:person-sessions", args=[p.uuid]),
    }
    for label, user in personas:
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        for page, url in pages.items():
            median, p95, queries = timed(client, url(long_person), requests)
            small_median, _p, small = timed(client, url(small_person), max(5, requests // 4))
            same = "the same" if small == queries else "DIFFERENT"
            print(f"  {label:21s} {page:27s} median {median:6.1f} ms   p95 {p95:6.1f} ms   "
                  f"queries {'/'.join(map(str, queries))}   (small history: median "
                  f"{small_median:6.1f} ms, queries {'/'.join(map(str, small))}: {same})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--persons", type=int, default=1000,
                        help="The caseload seed_demo builds around the two people.")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.requests)
    else:
        orchestrate(args.persons, args.requests)
