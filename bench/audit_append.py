"""Audit appends per second with 1, 4 and 8 writer threads (core/audit.py, issue 17 goal 4).

Each thread opens its own connection and, in a loop, runs one transaction that appends one
event (`audit.record`), as a request's consultation does, optionally holds the transaction
open a little longer (`--hold-ms`: the rest of a write's work after its audit row), and
commits. The chain is verified at the end: a fast but forked chain would not count.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/audit_append.py

The database is `alliance_bench_audit` on that server (dropped, recreated and migrated), or
var/bench-audit.sqlite3 without a PostgreSQL DATABASE_URL. A report, never a timed test: the
figures depend on the machine and on whatever else runs on it.
"""

import argparse
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.databases import ROOT, database_url, reset  # noqa: E402


def _prepare(*, reuse: bool) -> None:
    url = database_url("audit")
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "alliance.settings"}
    if not reuse:
        reset(url)
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"], env=env, check=True)
    os.environ.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="alliance.settings")


def _writer(
    seconds: float, hold: float, counts: list[int], slot: int, barrier: threading.Barrier
) -> None:
    from django.db import connection, transaction

    from alliance.core import audit
    from alliance.core.models import AuditAction

    barrier.wait()
    deadline = time.perf_counter() + seconds
    done = 0
    try:
        while time.perf_counter() < deadline:
            with transaction.atomic():
                audit.record(
                    actor=None,
                    action=AuditAction.VIEW,
                    object_type="bench.page",
                    details={"writer": slot, "n": done},
                )
                if hold:
                    time.sleep(hold)
            done += 1
    finally:
        counts[slot] = done
        connection.close()


def _run(threads: int, seconds: float, hold: float) -> float:
    counts = [0] * threads
    barrier = threading.Barrier(threads)
    workers = [
        threading.Thread(target=_writer, args=(seconds, hold, counts, i, barrier))
        for i in range(threads)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return sum(counts) / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="per thread count")
    parser.add_argument(
        "--hold-ms", type=float, default=0.0, help="time a transaction stays open after its append"
    )
    parser.add_argument("--threads", default="1,4,8")
    parser.add_argument(
        "--reuse", action="store_true", help="keep the database of the last run (only migrate it)"
    )
    args = parser.parse_args()
    _prepare(reuse=args.reuse)

    import django

    django.setup()
    from django.db import connection

    from alliance.core import audit

    print(
        f"{connection.vendor}, hold {args.hold_ms} ms, {args.seconds} s per run, "
        f"{os.cpu_count()} CPUs (shared: other work runs beside it)"
    )
    for threads in (int(t) for t in args.threads.split(",")):
        rate = _run(threads, args.seconds, args.hold_ms / 1000)
        print(f"{threads:>2} writer threads: {rate:8.0f} appends/s")
    result = audit.verify()
    print(f"chain verified: {result.ok}, {result.count} events")


if __name__ == "__main__":
    main()
