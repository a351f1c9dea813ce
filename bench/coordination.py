#!/usr/bin/env python
"""Benchmark: coordination between agencies, and what the agreement gate costs every page.

On a demo database (seed_demo: the home jurisdiction's agreements, referrals in every state,
three case conferences), adds in bulk: the NGO worker on the case team of PLACES people of Demo
Prison A (MK) — a place that crosses an agency boundary under the community-mentoring agreement
—, REFERRALS referrals from Demo Prison A to the NGO, the division and probation in every state,
and CONFERENCES held conferences with three actions each. The bulk is written with bulk_create:
the benchmark measures the reads. Then prints, median and p95 time and SQL queries:

* the caseload page as demo.ngo (every row seen through the gate) and as demo.manager;
* a person's page as demo.ngo (each view writes its disclosure rows) and as demo.manager;
* the referral inbox (received, as demo.ngo; sent, as demo.manager) and the response times;
* a conference's page and a person's conference list as demo.manager;
* the DPO's disclosure log, first page, after the run's own disclosures.

Figures only, no assertion on time. SQLite by default (var/bench-coordination.sqlite3,
rebuilt); DATABASE_URL=postgres://... to measure there:

    .venv/bin/python bench/coordination.py [--places 600] [--referrals 2000] [--requests 30]
"""

import argparse
import datetime
import random
import subprocess
import sys
import warnings
from pathlib import Path

from databases import seeded
from release import _line, _page

ROOT = Path(__file__).resolve().parent.parent
warnings.filterwarnings("ignore", message="No directory at")


def orchestrate(places: int, referrals: int, conferences: int, persons: int,
                requests: int) -> None:
    env = seeded("coordination", persons)
    subprocess.run([sys.executable, __file__, "--measure", "--places", str(places),
                    "--referrals", str(referrals), "--conferences", str(conferences),
                    "--requests", str(requests)], env=env, check=True)


def build(places: int, referrals: int, conferences: int, users) -> dict:
    from django.utils import timezone

    from alliance.accounts.models import Membership
    from alliance.cases.models import Case, CaseTeamMember
    from alliance.coordination.models import (
        ActionStatus,
        Attendee,
        CaseConference,
        ConferenceAction,
        ConferenceStatus,
        DesiredResult,
        Referral,
        ReferralStatus,
    )
    from alliance.demo.seed import AGENCIES, HOME
    from alliance.organisations.models import Agency
    from alliance.people.models import Person

    names = {key: pattern.format(code=HOME) for key, pattern, _type in AGENCIES}
    agency = {key: Agency.objects.get(name=names[key])
              for key in ("prison_a", "ngo", "reintegration", "probation")}
    rng = random.Random(12)
    now, today = timezone.now(), timezone.localdate()
    ngo = Membership.objects.get(user=users["demo.ngo"], agency=agency["ngo"])
    manager = users["demo.manager"]
    cases = list(Case.objects.filter(person__responsible_agency=agency["prison_a"],
                                     status="open").exclude(team__user=ngo.user)
                 .select_related("person").order_by("pk"))
    if len(cases) < places:
        print(f"  only {len(cases)} open cases at Demo Prison A: seed more people")
    CaseTeamMember.objects.bulk_create(
        CaseTeamMember(case=c, user=ngo.user, agency=ngo.agency, team_role="Mentor", scopes=[],
                       added_at=now, added_by=manager) for c in cases[:places])
    people = [c.person for c in cases] or list(Person.objects.all()[:100])
    statuses = list(ReferralStatus.values)
    made = []
    for i in range(referrals):
        to = ("ngo", "reintegration", "probation")[i % 3]
        status = statuses[i % len(statuses)]
        sent = now - datetime.timedelta(days=rng.randint(1, 300))
        answered = status not in (ReferralStatus.DRAFT, ReferralStatus.SENT,
                                  ReferralStatus.WITHDRAWN)
        made.append(Referral(
            person=people[i % len(people)], from_agency=agency["prison_a"], to_agency=agency[to],
            kind="mentoring" if to == "ngo" else "support_service", reason="Bench referral",
            status=status, created_by=manager,
            sent_at=None if status == ReferralStatus.DRAFT else sent, sent_by=manager,
            respond_by=(sent + datetime.timedelta(days=10)).date(),
            responded_at=sent + datetime.timedelta(days=rng.randint(0, 20)) if answered else None))
    Referral.objects.bulk_create(made, batch_size=500)
    DesiredResult.objects.bulk_create(
        DesiredResult(referral=r, description="A result") for r in made)
    held = []
    for i, case in enumerate(cases[:conferences]):
        held.append(CaseConference(
            person=case.person, case=case, agency=agency["prison_a"], chair=manager,
            scheduled_for=now - datetime.timedelta(days=20 + i % 30),
            status=ConferenceStatus.HELD, summary="Bench minutes",
            held_on=today - datetime.timedelta(days=20 + i % 30), created_by=manager,
            minutes_by=manager, minutes_at=now))
    CaseConference.objects.bulk_create(held, batch_size=500)
    Attendee.objects.bulk_create(Attendee(conference=c, user=u, agency=agency[key], attended=True)
                                 for c in held for u, key in ((manager, "prison_a"),
                                                              (ngo.user, "ngo")))
    ConferenceAction.objects.bulk_create(
        ConferenceAction(conference=c, person=c.person, description=f"Action {k}", owner=manager,
                         due_on=today + datetime.timedelta(days=k * 7 - 7),
                         status=ActionStatus.OPEN if k else ActionStatus.DONE)
        for c in held for k in range(3))
    return {"places": min(places, len(cases)), "referrals": len(made), "conferences": len(held),
            "cases": cases}


def measure(places: int, referrals: int, conferences: int, requests: int) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.test import Client
    from django.urls import reverse

    from alliance.accounts.models import User
    from alliance.coordination.models import CaseConference
    from alliance.people.models import Disclosure

    users = {u.username: u for u in User.objects.filter(username__startswith="demo.")}
    built = build(places, referrals, conferences, users)
    print(f"Coordination: {built['places']} people with the NGO worker on their case team, "
          f"{built['referrals']} referrals, {built['conferences']} held conferences "
          f"({requests} requests each)")
    clients = {}
    for name in ("demo.ngo", "demo.manager", "demo.dpo"):
        clients[name] = Client()
        clients[name].force_login(users[name])
    person = built["cases"][0].person
    conference = CaseConference.objects.filter(person=person).first()
    rows = [
        ("caseload page, demo.ngo (through the gate)", "demo.ngo", reverse("people:caseload")),
        ("caseload page, demo.manager", "demo.manager", reverse("people:caseload")),
        ("person page, demo.ngo (disclosures logged)", "demo.ngo",
         reverse("people:detail", args=[person.uuid])),
        ("person page, demo.manager", "demo.manager",
         reverse("people:detail", args=[person.uuid])),
        ("referrals to us, demo.ngo", "demo.ngo", reverse("coordination:referral_inbox")),
        ("referrals we sent, demo.manager", "demo.manager",
         reverse("coordination:referral_inbox") + "?tab=sent"),
        ("response times, demo.manager", "demo.manager", reverse("coordination:referral_figures")),
        ("a person's conferences, demo.manager", "demo.manager",
         reverse("coordination:conference_list", args=[person.uuid])),
    ]
    if conference is not None:
        rows.append(("a held conference, demo.manager", "demo.manager",
                     reverse("coordination:conference_detail", args=[conference.uuid])))
    rows.append(("disclosure log, demo.dpo", "demo.dpo", reverse("coordination:disclosures")))
    for label, who, url in rows:
        figures, status = _page(clients[who], url, requests)
        if figures is None:
            print(f"  {label}: not measured (HTTP {status})")
            continue
        _line(label, *figures)
    print(f"  disclosure rows written by the run: {Disclosure.objects.count()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--places", type=int, default=600)
    parser.add_argument("--referrals", type=int, default=2000)
    parser.add_argument("--conferences", type=int, default=300)
    parser.add_argument("--persons", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.places, args.referrals, args.conferences, args.requests)
    else:
        orchestrate(args.places, args.referrals, args.conferences, args.persons,
                    args.requests)


if __name__ == "__main__":
    main()
