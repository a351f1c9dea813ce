"""The benchmarks' throwaway databases: one per benchmark run, on SQLite under var/ or, when
DATABASE_URL names a PostgreSQL server, a database of its own there (dropped and recreated)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def database_url(name: str) -> str:
    """The URL of the benchmark database `name` (e.g. "1000", "plans")."""
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith("postgres"):
        return base.rsplit("/", 1)[0] + f"/alliance_bench_{name}"
    return f"sqlite:///{ROOT / 'var' / f'bench-{name}.sqlite3'}"


def reset(url: str) -> None:
    """Start from an empty database at `url`."""
    if url.startswith("postgres"):
        import psycopg

        admin_url, name = url.rsplit("/", 1)
        with psycopg.connect(admin_url + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    else:
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)


def seeded(name: str, persons: int) -> dict[str, str]:
    """An empty benchmark database `name`, migrated and seeded with `persons` demo people; the
    environment that points a child process (manage.py, the measuring run) at it."""
    url = database_url(name)
    reset(url)
    env = {**os.environ, "DATABASE_URL": url, "ALLIANCE_DEMO": "1",
           "ALLIANCE_FAST_PASSWORDS": "1", "DJANGO_SETTINGS_MODULE": "alliance.settings"}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
    subprocess.run([*manage, "seed_demo", "--persons", str(persons)], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    return env
