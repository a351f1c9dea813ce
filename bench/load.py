#!/usr/bin/env python
"""Load test: 50 practitioners for two minutes against gunicorn on PostgreSQL, 20,000 people.

What it does, start to end (about four minutes on a 2-core machine):
  1. creates the database alliance_load on the PostgreSQL server of DATABASE_URL (default
     postgres://postgres@127.0.0.1:5432), migrates it and seeds the demo with 20,000 people
     (seed_demo writes them in bulk, encrypted identity and search index included);
  2. adds the practitioners: copies of the demo's treatment, security, case management,
     probation and analyst users (same agency, roles and case teams), each signed in once here
     (a session in the database; the load users never post the sign-in form, so the sign-in
     throttling and lockout are not what is measured), and lists for each the people, plans and
     observation forms their real counterpart can open (bench/var/load/practitioners.json);
  3. starts gunicorn on 127.0.0.1 (4 sync workers, DEBUG and PRODUCTION off, the demo's
     settings otherwise), waits for /healthz;
  4. runs bench/locustfile.py headless: --users 50 --spawn-rate 10 --time 2m;
  5. stops gunicorn, prints requests per second, p50/p95/p99 per page and every error (and
     server errors from gunicorn's log), then drops the database (--keep keeps it).

    .venv/bin/python bench/load.py [--persons 20000] [--users 50] [--time 2m] [--workers 4]
    make load LOAD_ARGS="--users 10 --time 30s"       (a short rehearsal)

The figures are what this machine measures with everything on it (PostgreSQL, gunicorn and
locust share the cores); they are a report, not a test that fails on a threshold.
"""

import argparse
import contextlib
import csv
import json
import logging
import os
import random
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from databases import reset

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
OUT = ROOT / "var" / "load"
DATABASE = "alliance_load"
TARGET_P95_MS = 300

# The practitioners: which demo user each is a copy of, and how many of each (out of 50; scaled
# for another --users). Most users of the system are treatment and security staff on the wings.
MIX = [("demo.treatment", 20), ("demo.treatment2", 6), ("demo.security", 10),
       ("demo.manager", 6), ("demo.probation", 6), ("demo.analyst", 2)]


# --- orchestration -------------------------------------------------------------------------------

def _server_url() -> str:
    base = os.environ.get("DATABASE_URL", "")
    if base and not base.startswith("postgres"):
        sys.exit("bench/load.py measures PostgreSQL only: set DATABASE_URL to a postgres:// URL "
                 "(the database name in it is ignored) or leave it unset.")
    return (base or "postgres://postgres@127.0.0.1:5432/postgres").rsplit("/", 1)[0]


def _wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own server
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer {url} within {seconds:.0f} s (see its log)")


def _warm_up(host: str, practitioners: Path, workers: int) -> None:
    """A few rounds of the scenario's pages before the measure, so that every gunicorn worker
    has loaded its code, templates, translations and instruments: a worker's first requests
    are several times slower, and a one-minute run would otherwise report them as its p95."""
    first = json.loads(practitioners.read_text())[0]
    cookie = f"{first['cookie_name']}={first['cookie']}"
    urls = [*first["people"][:3], *first["plans"][:1], *first["record"][:1],
            *first["pages"].values()]
    for _ in range(workers * 4):
        for url in urls:
            request = urllib.request.Request(f"http://{host}{url}", headers={"Cookie": cookie})
            # A redirect (home) or an error is the measure's to report, not the warm-up's.
            with contextlib.suppress(OSError):
                urllib.request.urlopen(request, timeout=30).read()  # noqa: S310 - our own server


def orchestrate(args) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    url = f"{_server_url()}/{DATABASE}"
    env = {**os.environ, "DATABASE_URL": url, "ALLIANCE_DEMO": "1", "ALLIANCE_FAST_PASSWORDS": "1",
           "ALLIANCE_ENV": "development", "DEBUG": "0", "LOG_LEVEL": "WARNING",
           "DJANGO_SETTINGS_MODULE": "alliance.settings", "PYTHONWARNINGS": "ignore"}
    manage = [sys.executable, str(ROOT / "manage.py")]
    print(f"== Database {url}", flush=True)
    reuse = args.reuse and _seeded(url)
    if not reuse:
        reset(url)
    try:
        started = time.perf_counter()
        subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
        print(f"   migrated in {time.perf_counter() - started:.0f} s", flush=True)
        if reuse:
            print("   reusing the people seeded by an earlier run (--reuse)", flush=True)
        else:
            started = time.perf_counter()
            # The whole demo, then bulk people up to --persons (seeding them all through every
            # module would take hours): what the pages under load read grows with them.
            subprocess.run([*manage, "seed_demo", "--grow-to", str(args.persons)], env=env,
                           check=True, stdout=subprocess.DEVNULL)
            print(f"   seeded {args.persons} people in {time.perf_counter() - started:.0f} s",
                  flush=True)
        practitioners = OUT / "practitioners.json"
        subprocess.run([sys.executable, __file__, "--prepare", str(practitioners),
                        "--users", str(args.users)], env=env, check=True)
        run(args, env, practitioners)
    finally:
        if args.keep:
            print(f"   kept the database {DATABASE} (--keep)")
        else:
            _drop(url)


def _seeded(url: str) -> bool:
    """Whether `url` is a database that an earlier run (--keep) seeded."""
    import psycopg

    try:
        with psycopg.connect(url) as conn:
            return conn.execute("SELECT count(*) FROM people_person").fetchone()[0] > 0
    except psycopg.Error:
        return False


def _drop(url: str) -> None:
    import psycopg

    admin_url, name = url.rsplit("/", 1)
    with psycopg.connect(admin_url + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(f"   dropped the database {name}")


def run(args, env, practitioners: Path) -> None:
    """Start --servers gunicorn servers (each --workers workers, on ports --port, --port + 1,
    ...; the practitioners are spread over them, as a load balancer would) and, with --worker,
    the background worker, all on the one database; run locust; stop them; report."""
    hosts = [f"127.0.0.1:{args.port + i}" for i in range(args.servers)]
    log = OUT / "gunicorn.log"
    processes = []
    print(f"== {args.servers} app server(s) ({', '.join(hosts)}), gunicorn {args.workers} "
          f"{args.worker_class} workers each" + (", and the background worker" if args.worker
                                                 else ""), flush=True)
    with open(log, "w") as log_file:
        try:
            for host in hosts:
                processes.append(subprocess.Popen(
                    [str(BIN / "gunicorn"), "alliance.wsgi:application", "--bind", host,
                     "--workers", str(args.workers), "--worker-class", args.worker_class,
                     "--threads", str(args.threads), "--timeout", "60",
                     "--log-level", "warning"],
                    cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT))
            if args.worker:
                processes.append(subprocess.Popen(
                    [sys.executable, str(ROOT / "manage.py"), "db_worker", "--queue-name",
                     "default", "--interval", "5", "--no-reload"],
                    cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT))
            for host in hosts:
                _wait_for(f"http://{host}/healthz")
                _warm_up(host, practitioners, args.workers)
            prefix = OUT / "run"
            print(f"== locust: {args.users} practitioners, {args.spawn_rate}/s, {args.time}",
                  flush=True)
            subprocess.run(
                [str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
                 "--users", str(args.users), "--spawn-rate", str(args.spawn_rate),
                 "--run-time", args.time, "--host", f"http://{hosts[0]}", "--csv", str(prefix),
                 "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "10"],
                cwd=ROOT, env={**env, "LOAD_PRACTITIONERS": str(practitioners),
                               "LOAD_HOSTS": " ".join(f"http://{h}" for h in hosts)},
                check=False)
        finally:
            for process in processes:
                process.send_signal(signal.SIGTERM)
            for process in processes:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
    report(prefix, log, args)


def report(prefix: Path, log: Path, args) -> None:
    with open(f"{prefix}_stats.csv") as f:
        rows = list(csv.DictReader(f))
    with open(f"{prefix}_failures.csv") as f:
        failures = list(csv.DictReader(f))
    server_errors = [line for line in log.read_text().splitlines()
                     if "Traceback" in line or " ERROR " in line or "[ERROR]" in line]
    total = next(r for r in rows if r["Name"] == "Aggregated")
    print(f"\n== Results: {args.users} practitioners for {args.time}, {args.persons} people, "
          f"{args.servers} app server(s) of gunicorn {args.workers} workers"
          + (f" x {args.threads} threads" if args.threads > 1 else "")
          + (", background worker" if args.worker else "") + ", PostgreSQL")
    print(f"{'page':34s} {'requests':>8s} {'errors':>6s} {'req/s':>6s} {'p50':>6s} {'p95':>6s} "
          f"{'p99':>6s} {'max':>6s}  (ms)")
    for row in rows:
        if row["Name"] == "Aggregated":
            continue
        print(_line(row["Name"], row))
    print(_line("all", total))
    slow = [r["Name"] for r in rows if r["Name"] != "Aggregated"
            and float(r["95%"] or 0) >= TARGET_P95_MS]
    print(f"\nthroughput {float(total['Requests/s']):.1f} requests/s; "
          f"{total['Failure Count']} errors in {total['Request Count']} requests; "
          f"p95 over all {total['95%']} ms (aim: under {TARGET_P95_MS} ms)"
          + (f"; at or over the aim: {', '.join(slow)}" if slow else ""))
    for failure in failures:
        print(f"   error x{failure['Occurrences']}: {failure['Method']} {failure['Name']}: "
              f"{failure['Error']}")
    if server_errors:
        print(f"   gunicorn logged {len(server_errors)} errors: see {log}")
    print(f"CSV: {prefix}_stats.csv, {prefix}_failures.csv; server log: {log}")


def _line(name: str, row: dict) -> str:
    return (f"{name:34s} {row['Request Count']:>8s} {row['Failure Count']:>6s} "
            f"{float(row['Requests/s']):6.1f} {row['50%']:>6s} {row['95%']:>6s} {row['99%']:>6s} "
            f"{float(row['Max Response Time']):6.0f}")


# --- the practitioners (run inside Django, against the seeded database) --------------------------

def prepare(out: Path, users: int) -> None:
    """Copy the demo's practitioners into `users` load users, sign each in, and write what each
    may open: {username, cookie, people, plans, record, searches}."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    # Probing which record forms a role opens logs each refusal (403) with its traceback.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from alliance.accounts.models import Membership, User
    from alliance.cases.models import CaseTeamMember
    from alliance.demo.names import BY_JURISDICTION
    from alliance.people.access import persons_visible_to
    from alliance.plans.access import get_plan_for_user
    from alliance.plans.models import Plan

    rng = random.Random(15)  # noqa: S311 - the choice of pages, not a secret
    weights = sum(count for _, count in MIX)
    names = [f"{given} {family}" for given_names, family_names in BY_JURISDICTION["MK"]
             for given in given_names[:4] for family in family_names[:4]]
    practitioners = []
    for template_name, count in MIX:
        template = User.objects.get(username=template_name)
        opens = _what_opens(template, persons_visible_to, get_plan_for_user, Plan, reverse, rng)
        for n in range(max(1, round(count * users / weights))):
            user = _copy_user(template, f"load.{template_name.removeprefix('demo.')}.{n + 1}",
                              Membership, CaseTeamMember)
            client = Client()
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
            practitioners.append({"username": user.username, "kind": template_name,
                                  "cookie_name": settings.SESSION_COOKIE_NAME,
                                  "cookie": client.cookies[settings.SESSION_COOKIE_NAME].value,
                                  "searches": rng.sample(names, 8), **opens})
    practitioners = practitioners[:users]
    out.write_text(json.dumps(practitioners, indent=1))
    kinds = {}
    for p in practitioners:
        kinds[p["kind"]] = kinds.get(p["kind"], 0) + 1
    print(f"   {len(practitioners)} practitioners signed in: "
          + ", ".join(f"{count} x {kind}" for kind, count in kinds.items()), flush=True)
    for kind in kinds:
        sample = next(p for p in practitioners if p["kind"] == kind)
        print(f"     {kind}: {len(sample['people'])} people, {len(sample['plans'])} plans, "
              f"records observations: {'yes' if sample['record'] else 'no'}", flush=True)


def _what_opens(template, persons_visible_to, get_plan_for_user, plan_model, reverse, rng):
    """The person pages, plans and observation forms the demo user `template` opens (and so its
    copies, which share its memberships and case teams)."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404
    from django.test import Client

    visible = list(persons_visible_to(template).order_by("?").values_list("uuid", flat=True)[:200])
    plans = []
    for plan in plan_model.objects.filter(person__uuid__in=visible).only("uuid")[:40]:
        try:
            get_plan_for_user(template, plan.uuid)
        except (Http404, PermissionDenied):
            continue
        plans.append(reverse("plans:plan", args=[plan.uuid]))
    client = Client()
    client.force_login(template, backend="django.contrib.auth.backends.ModelBackend")
    record = []
    for person in visible[:30]:
        url = reverse("observations:record", args=[person])
        if client.get(url).status_code == 200:
            record.append(url)
        if len(record) == 10:
            break
    return {"people": [reverse("people:detail", args=[p]) for p in visible],
            "plans": plans, "record": record,
            "pages": {"home": reverse("home"), "my_work": reverse("work:my_work"),
                      "caseload": reverse("people:caseload"),
                      "api_persons": reverse("api:person-list")}}


def _copy_user(template, username, membership_model, team_model):
    """A new active user with the memberships and case-team places of `template`."""
    import uuid

    from django.contrib.auth import get_user_model

    earlier = get_user_model().objects.filter(username=username).first()
    if earlier is not None:  # made by an earlier run on this database (--reuse)
        return earlier
    user = get_user_model().objects.create_user(
        username=username, email=f"{username}@example.invalid", password=None,
        first_name=template.first_name, last_name=f"{template.last_name} {username[-2:]}")
    for model, rows in ((membership_model, membership_model.objects.filter(user=template)),
                        (team_model, team_model.objects.filter(user=template))):
        copies = []
        for row in rows:
            row.pk = None
            row.user = user
            if hasattr(row, "uuid"):
                row.uuid = uuid.uuid4()
            copies.append(row)
        model.objects.bulk_create(copies)
    return user


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=20000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=int, default=10)
    parser.add_argument("--time", default="2m", help="locust's --run-time (2m, 30s, ...)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn's workers per server")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker "
                        "(more than 1: the gthread worker class)")
    parser.add_argument("--servers", type=int, default=1,
                        help="app servers (gunicorn instances) on the one database")
    parser.add_argument("--worker", action="store_true",
                        help="run the background worker (manage.py db_worker) during the load")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true",
                        help="reuse the database a --keep run left (migrated, not reseeded); "
                             "its load users are added again")
    parser.add_argument("--prepare", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.worker_class = "gthread" if args.threads > 1 else "sync"
    if args.prepare:
        prepare(args.prepare, args.users)
    else:
        orchestrate(args)
