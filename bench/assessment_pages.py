#!/usr/bin/env python
"""Benchmark: the rating page of one domain and one item save, for format-2 instruments of 45
and of 200 items, each item rated for presence and (from "partly present" on) influence.

For each size it loads a generated instrument (with guidance in four languages, as a licensed
tool has), opens a draft for a demo person with half the items rated, then measures over N
requests, as demo.treatment with the Django test client:
  - the rating page of one domain (assessments:rate_domain; the whole-instrument page
    assessments:detail where that page does not exist yet: the script says which it measured),
  - saving one item through htmx (assessments:rate_item, fields rating:presence and
    rating:influence, evidence and the stamp of the rating it replaces),
  - the whole-instrument overview (assessments:detail), for its page weight (the issue: 560 KiB
    for 200 items before format 2; the domain page should be well under half of that),
printing the median and p95 time, the SQL queries per request and the page weight in KiB.

Runs on SQLite by default (var/bench-assessment_pages.sqlite3, rebuilt); set DATABASE_URL to a
PostgreSQL URL to measure there (its database alliance_bench_assessment_pages is dropped and
recreated):

    .venv/bin/python bench/assessment_pages.py [--requests 30] [--sizes 45 200]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

from databases import database_url, reset

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("en", "sq", "sr-latn", "mk")
warnings.filterwarnings("ignore", message="No directory at")


def orchestrate(sizes: list[int], requests: int, persons: int) -> None:
    url = database_url("assessment_pages")
    reset(url)
    env = {**os.environ, "DATABASE_URL": url, "ALLIANCE_DEMO": "1",
           "ALLIANCE_FAST_PASSWORDS": "1", "DJANGO_SETTINGS_MODULE": "alliance.settings"}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
    subprocess.run([*manage, "seed_demo", "--persons", str(persons)], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run([sys.executable, __file__, "--measure", "--requests", str(requests),
                    "--sizes", *map(str, sizes)], env=env, check=True)


# --- the instruments -------------------------------------------------------------------------

def _text(words: str) -> dict[str, str]:
    """One text in the four languages (each a little longer than the English, as they are)."""
    return {language: words if language == "en" else f"{words} ({language}, translated)"
            for language in LANGUAGES}


def _points(*codes: str) -> list[dict]:
    return [{"code": code, "value": value, "label": _text(code.replace("_", " ").capitalize())}
            for value, code in enumerate(codes)]


def instrument(items: int, domains: int) -> str:
    """A format-2 risk and needs instrument of `items` items in `domains` domains; every item
    rated for presence and, from partly present on, for influence, with guidance per point."""
    ratings = [
        {"code": "presence", "scale": "presence", "label": _text("Presence")},
        {"code": "influence", "scale": "influence", "label": _text("Influence on offending"),
         "when": {"rating": "presence", "at_least": "partly_present"}},
    ]
    per_domain = -(-items // domains)
    codes = [f"I{n + 1:03d}" for n in range(items)]
    domain_list = []
    for d in range(domains):
        chunk = codes[d * per_domain:(d + 1) * per_domain]
        if not chunk:
            break
        domain_list.append({
            "code": f"domain{d + 1}", "name": _text(f"Domain {d + 1}"),
            "description": _text("What this domain is about, in two sentences. Rate what the "
                                 "person does and says."),
            "judgement": {"label": _text("Judgement of this domain"), "options": [
                {"code": c, "label": _text(c.capitalize())} for c in ("low", "moderate", "high")]},
            "items": [{
                "code": code, "text": _text(f"Indicator {code}: a factor described in one line"),
                "unknown_allowed": True, "evidence_required": True, "ratings": ratings,
                "guidance": {
                    "text": _text("What the indicator means, and what to look for in the file."),
                    "points": {p: _text(f"When to rate {p.replace('_', ' ')}.")
                               for p in ("not_present", "partly_present", "present")},
                    "not_an_indicator": _text("Lawful views held with respect for others."),
                },
            } for code in chunk],
        })
    return json.dumps({
        "format": 2, "code": f"bench-format2-{items}", "version": "1.0", "kind": "risk_needs",
        "licence": "open reference", "languages": list(LANGUAGES),
        "name": _text(f"Benchmark instrument ({items} items, format 2)"),
        "description": _text("Generated by bench/assessment_pages.py"),
        "scales": [
            {"code": "presence", "type": "ordinal", "direction": "concern",
             "points": _points("not_present", "partly_present", "present")},
            {"code": "influence", "type": "ordinal", "direction": "concern",
             "points": _points("little", "some", "strong")},
        ],
        "domains": domain_list,
        "overall_judgement": {"label": _text("Formulation"), "formulation_only": True,
                              "rationale_required": False},
    })


# --- measuring -------------------------------------------------------------------------------

def _summary(times: list[float], queries: set[int], sizes: set[int]) -> str:
    times.sort()
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    kib = "/".join(f"{size / 1024:.0f}" for size in sorted(sizes))
    return (f"median {statistics.median(times):6.1f} ms   p95 {p95:6.1f} ms   "
            f"queries {'/'.join(map(str, sorted(queries)))}   {kib} KiB")


def _get(client, url: str, requests: int) -> str:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm up (the parsed definition is cached per process)
    times, queries, sizes = [], set(), set()
    for _ in range(requests):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries.add(len(ctx.captured_queries))
        sizes.add(len(response.content))
    return _summary(times, queries, sizes)


def _saves(client, assessment, codes: list[str], requests: int) -> str:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from alliance.assessments.models import ItemRating

    times, queries, sizes, statuses = [], set(), set(), {}
    for i in range(requests + 1):
        code = codes[i % len(codes)]
        saved = ItemRating.objects.filter(assessment=assessment, item_code=code).first()
        data = {"rating:presence": ["partly_present", "present"][i % 2],
                "rating:influence": ["some", "strong"][(i // 2) % 2],
                "evidence": f"Benchmark evidence for {code}",
                "stamp": saved.rated_at.isoformat() if saved else ""}
        url = reverse("assessments:rate_item", args=[assessment.uuid, code])
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.post(url, data, HTTP_HX_REQUEST="true")
            elapsed = (time.perf_counter() - started) * 1000
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        if i == 0:
            continue  # warm up
        times.append(elapsed)
        queries.add(len(ctx.captured_queries))
        sizes.add(len(response.content))
    unsaved = {status: n for status, n in statuses.items() if status != 200}
    note = f"   (not saved: {unsaved} responses by status)" if unsaved else ""
    return _summary(times, queries, sizes) + note


def measure(sizes: list[int], requests: int) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import logging

    from django.db import connection
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from alliance.accounts.models import User
    from alliance.assessments import services
    from alliance.people.access import persons_visible_to

    logging.getLogger("django.request").setLevel(logging.ERROR)  # refused saves are counted
    user = User.objects.get(username="demo.treatment")
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    people = list(persons_visible_to(user).order_by("-id")[:len(sizes)])
    print(f"\n{connection.vendor}: format-2 instruments, two ratings per item, {requests} requests")
    for size, person in zip(sizes, people, strict=False):
        domains = 5 if size <= 45 else 8
        version, _ = services.instrument_load(actor=None, text=instrument(size, domains),
                                              filename=f"bench-{size}.json")
        definition = version.parsed
        assessment = services.assessment_start(actor=user, person=person,
                                               instrument_version=version)
        for n, item in enumerate(definition.items):
            if n % 2 == 0:  # half the items rated
                services.assessment_rate_item(
                    actor=user, assessment=assessment, item_code=item.code,
                    rating={"presence": "present", "influence": "some"},
                    evidence="Benchmark evidence")
        domain = definition.domains[0]
        overview = reverse("assessments:detail", args=[assessment.uuid])
        try:
            page, page_name = reverse("assessments:rate_domain",
                                      args=[assessment.uuid, domain.code]), "rate_domain"
        except NoReverseMatch:
            page, page_name = overview, "detail (rate_domain does not resolve yet)"
        print(f"  {size} items in {len(definition.domains)} domains; the domain measured has "
              f"{len(domain.items)} items")
        print(f"    rating page of one domain ({page_name})")
        print(f"      {_get(client, page, requests)}")
        print("    save one item (htmx POST rate_item)")
        print(f"      {_saves(client, assessment, [i.code for i in domain.items], requests)}")
        print("    whole-instrument overview (detail)")
        print(f"      {_get(client, overview, requests)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[45, 200])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--persons", type=int, default=200,
                        help="demo people seeded into the benchmark database")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.sizes, args.requests)
    else:
        orchestrate(args.sizes, args.requests, args.persons)
