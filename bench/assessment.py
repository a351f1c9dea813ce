#!/usr/bin/env python
"""Benchmark: the assessment page with 40 items, and saving one item rating (an htmx request).

Loads a generated 40-item instrument into the demo database, opens an assessment, rates every
item, then times the page and single-item saves and counts their SQL queries (which must not
depend on the number of items). Builds its own SQLite database (var/bench-assessment.sqlite3)
with 200 demo people, or uses DATABASE_URL when set (seed it with seed_demo first):

    .venv/bin/python bench/assessment.py
"""

import os
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
warnings.filterwarnings("ignore", message="No directory at")


def instrument(items: int) -> str:
    import json

    text = {"en": "x", "sq": "x", "sr-latn": "x", "mk": "x"}
    per_domain = 8
    domains = [{"code": f"d{d}", "name": {**text, "en": f"Domain {d}"}, "items": [
        {"code": f"I{d}{n}", "scale": "lmh", "unknown_allowed": True,
         "text": {**text, "en": f"Item {d}.{n}"}} for n in range(per_domain)]}
        for d in range(items // per_domain)]
    return json.dumps({
        "format": 1, "code": "bench-forty", "version": "1.0", "kind": "risk_needs",
        "licence": "open reference", "languages": ["en", "sq", "sr-latn", "mk"],
        "name": {**text, "en": "Benchmark instrument (40 items)"}, "description": text,
        "scales": [{"code": "lmh", "type": "ordinal", "points": [
            {"code": c, "value": v, "label": {**text, "en": c}}
            for v, c in enumerate(["low", "moderate", "high"])]}],
        "domains": domains,
        "overall_judgement": {"options": [{"code": "low", "label": text},
                                          {"code": "high", "label": text}]},
    })


def timed(client, method, url, n, data_for=None):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries = [], set()
    for i in range(n):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = getattr(client, method)(url, data_for(i) if data_for else None,
                                               HTTP_HX_REQUEST="true")
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
        queries.add(len(ctx.captured_queries))
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)], sorted(queries)


def _own_database():
    import subprocess

    path = ROOT / "var" / "bench-assessment.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "ALLIANCE_DEMO": "1",
           "ALLIANCE_FAST_PASSWORDS": "1"}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
    subprocess.run([*manage, "seed_demo", "--persons", "200"], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    os.environ.update(env)


def main(n=40):
    if "DATABASE_URL" not in os.environ:
        _own_database()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.settings")
    import django

    django.setup()
    from django.test import Client
    from django.urls import reverse

    from alliance.accounts.models import User
    from alliance.assessments import services
    from alliance.assessments.models import Assessment
    from alliance.people.access import persons_visible_to

    user = User.objects.get(username="demo.treatment")
    version, _ = services.instrument_load(actor=None, text=instrument(40), filename="bench")
    person = persons_visible_to(user).order_by("-id").first()
    Assessment.objects.filter(person=person, instrument_version=version, status="draft").delete()
    assessment = services.assessment_start(actor=user, person=person, instrument_version=version)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    codes = [i.code for i in version.parsed.items]
    for code in codes:
        services.assessment_rate_item(actor=user, assessment=assessment, item_code=code,
                                      rating="moderate", evidence="bench")
    page = timed(client, "get", reverse("assessments:detail", args=[assessment.uuid]), n)
    stamps = {}

    def rating(i):
        from alliance.assessments.models import ItemRating

        code = codes[i % len(codes)]
        stamps[code] = ItemRating.objects.get(assessment=assessment, item_code=code).rated_at
        return {"rating": ["low", "high"][i % 2], "evidence": "bench",
                "stamp": stamps[code].isoformat()}

    times, queries = [], set()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(n):
        data = rating(i)
        url = reverse("assessments:rate_item", args=[assessment.uuid, codes[i % len(codes)]])
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.post(url, data, HTTP_HX_REQUEST="true")
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
        queries.add(len(ctx.captured_queries))
    times.sort()
    save = statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)], sorted(queries)
    print(f"{connection.vendor}: assessment with {len(codes)} items")
    print(f"  assessment page      median {page[0]:6.1f} ms   p95 {page[1]:6.1f} ms   "
          f"queries {'/'.join(map(str, page[2]))}")
    print(f"  save one item (htmx) median {save[0]:6.1f} ms   p95 {save[1]:6.1f} ms   "
          f"queries {'/'.join(map(str, save[2]))}   response {len(response.content)} bytes")


if __name__ == "__main__":
    main()
