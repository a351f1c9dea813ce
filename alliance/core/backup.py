"""Backups and restores that prove themselves with the audit chain.

A backup is consistent while the application runs: SQLite's online backup API (page by page,
under a read transaction, so WAL writers go on), PostgreSQL's `pg_dump -Fc` inside an exported
snapshot. Beside FILE it writes FILE.json: the audit head *in the backup* (id, hash, count), the
time, the database vendor, the application's version and the migrations applied. A restore then
verifies the restored chain and compares its head with FILE.json: a restored database that
passes `audit_verify` with the recorded head is the database that was backed up.

Connection settings reach pg_dump/pg_restore through the environment (PGPASSWORD...), never on
the command line, where `ps` would show them.
"""

import datetime
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess  # nosec B404
import tomllib
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

from django.conf import settings
from django.db import connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from . import audit
from .models import AuditAction, AuditEvent


class BackupError(Exception):
    """A backup or restore that cannot be done, with what to do about it."""


def app_version() -> str:
    try:
        with open(settings.BASE_DIR / "pyproject.toml", "rb") as f:
            return tomllib.load(f)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def sidecar_path(out: Path) -> Path:
    return out.with_name(out.name + ".json")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _migrations(using: str) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connections[using]).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


# --- SQLite -----------------------------------------------------------------------------------

def _event_from_row(row: dict) -> AuditEvent:
    occurred_at = row["occurred_at"]
    if isinstance(occurred_at, str):
        occurred_at = parse_datetime(occurred_at)
    if timezone.is_naive(occurred_at):
        occurred_at = occurred_at.replace(tzinfo=datetime.UTC)
    details = row["details"]
    # A backup made before the stripes has no stripe/position columns: its events are then
    # stripe 0's history, as the migration makes them.
    fields = {f.attname: row[f.column] if f.column in row else f.get_default()
              for f in AuditEvent._meta.concrete_fields}
    fields.update(occurred_at=occurred_at,
                  details=json.loads(details) if isinstance(details, str) else details)
    return AuditEvent(**fields)


def sqlite_chain(path: Path) -> Iterator[AuditEvent]:
    """The audit events of an SQLite file (a backup), in chain order, read without Django's
    connection: give them to `audit.verify(events=...)`."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        db.row_factory = sqlite3.Row
        for row in db.execute("SELECT * FROM core_auditevent ORDER BY id"):
            yield _event_from_row(dict(row))


def sqlite_head(path: Path) -> audit.ChainHead:
    """The head of the chain in an SQLite file: every stripe's newest event (audit.head)."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        columns = {r[1] for r in db.execute("PRAGMA table_info(core_auditevent)")}
        stripe = "stripe" if "stripe" in columns else "0"
        rows = db.execute(
            f"SELECT {stripe}, id, hash, occurred_at, key_id FROM core_auditevent "  # noqa: S608 # nosec B608
            f"WHERE id IN (SELECT MAX(id) FROM core_auditevent GROUP BY {stripe})").fetchall()
        count = db.execute("SELECT COUNT(*) FROM core_auditevent").fetchone()[0]
    heads = []
    for stripe_no, event_id, event_hash, occurred_at, key_id in rows:
        event = _event_from_row({**{f.column: None for f in AuditEvent._meta.concrete_fields},
                                 "occurred_at": occurred_at, "details": "{}"})
        heads.append((stripe_no, event_id, event_hash, event.occurred_at, key_id))
    return audit.chain_head(heads, count)


def _backup_sqlite(using: str, out: Path) -> audit.ChainHead:
    conn = connections[using]
    if conn.in_atomic_block:
        # SQLite's backup cannot read through a connection that holds the write lock.
        raise BackupError("Cannot back up from inside a transaction.")
    conn.ensure_connection()
    with closing(sqlite3.connect(out)) as target:
        conn.connection.backup(target, pages=1024)
        # A single file, whatever the source's journal mode: no -wal file to carry along.
        target.execute("PRAGMA journal_mode=DELETE")
    return sqlite_head(out)


# --- PostgreSQL -------------------------------------------------------------------------------

def pg_environment(using: str = "default") -> dict[str, str]:
    """libpq's environment for pg_dump/pg_restore, from DATABASES: the password never appears
    on a command line."""
    s = connections[using].settings_dict
    env = {**os.environ, "PGDATABASE": str(s["NAME"])}
    for name, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"),
                      ("PASSWORD", "PGPASSWORD")):
        if s.get(name):
            env[var] = str(s[name])
    if s.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = s["OPTIONS"]["sslmode"]
    return env


def _pg_tool(name: str, using: str) -> str:
    tool = shutil.which(name)
    if tool is None:
        raise BackupError(f"{name} was not found: install the PostgreSQL client (the "
                          f"postgresql-client package) of the server's major version or newer.")
    # A fixed argument list from shutil.which, no shell.
    output = subprocess.run([tool, "--version"], capture_output=True,  # noqa: S603 # nosec B603
                            text=True, check=True).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    tool_major = int(match.group(1)) if match else 0
    conn = connections[using]
    conn.ensure_connection()
    server_major = conn.pg_version // 10000
    if tool_major < server_major:
        raise BackupError(f"{name} {tool_major} is older than the server (PostgreSQL "
                          f"{server_major}): install the client of version {server_major}.")
    return tool


def _backup_postgresql(using: str, out: Path) -> audit.ChainHead:
    pg_dump = _pg_tool("pg_dump", using)
    conn = connections[using]
    command = [pg_dump, "--format=custom", "--no-owner", f"--file={out}"]
    if conn.in_atomic_block:
        # No snapshot to share from inside a transaction: the head is read just before the
        # dump, which may then hold a few newer events (still a valid chain).
        head = audit.head(using)
        _run(command, using)
        return head
    # The dump and the head are read from one snapshot: the head is exactly the dump's.
    with transaction.atomic(using=using), conn.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        head = audit.head(using)
        _run([*command, f"--snapshot={snapshot}"], using)
    return head


def _run(command: list[str], using: str) -> None:
    done = subprocess.run(command, env=pg_environment(using),  # noqa: S603 # nosec B603
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()}")


# --- the commands' work -------------------------------------------------------------------------

def backup(*, out: Path, actor=None, using: str = "default",
           now: datetime.datetime | None = None) -> dict:
    """Back the database up to `out` and write `out`.json; returns what the sidecar holds.
    The backup is audited first, so that the backup holds its own event as its head."""
    out = Path(out)
    if out.exists():
        raise BackupError(f"{out} exists already: choose a new file name.")
    out.parent.mkdir(parents=True, exist_ok=True)
    vendor = connections[using].vendor
    with transaction.atomic(using=using):
        audit.record(actor=actor, action=AuditAction.MAINTENANCE, object_type="core.backup",
                     details={"backup": out.name, "vendor": vendor})
    if vendor == "sqlite":
        head = _backup_sqlite(using, out)
    elif vendor == "postgresql":
        head = _backup_postgresql(using, out)
    else:
        raise BackupError(f"Backups of {vendor} databases are not supported.")
    info = {
        "file": out.name,
        "sha256": _sha256(out),
        "created_at": (now or timezone.now()).astimezone(datetime.UTC).isoformat(),
        "vendor": vendor,
        "app_version": app_version(),
        "audit_head": head.as_dict(),
        "migrations": _migrations(using),
    }
    sidecar_path(out).write_text(json.dumps(info, indent=2, sort_keys=True) + "\n")
    return info


def _read_sidecar(source: Path) -> dict | None:
    try:
        return json.loads(sidecar_path(source).read_text())
    except FileNotFoundError:
        return None


def _sqlite_is_empty(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return True
    with closing(sqlite3.connect(path)) as db:
        return db.execute("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' "
                          "AND name NOT LIKE 'sqlite_%'").fetchone()[0] == 0


def restore_sqlite_file(source: Path, target: Path, *, force: bool = False) -> None:
    """Copy the backup `source` into the SQLite file `target` with the online backup API."""
    if not _sqlite_is_empty(target) and not force:
        raise BackupError(f"{target} is not empty: restoring would overwrite it. Use --force "
                          "if that is what you want (back it up first).")
    with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src, \
            closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def _pg_is_empty(using: str) -> bool:
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM information_schema.tables "
                       "WHERE table_schema = 'public'")
        return cursor.fetchone()[0] == 0


def restore(*, source: Path, using: str = "default", force: bool = False) -> dict:
    """Restore `source` over the database `using`, then verify the restored chain and compare
    its head with the one the backup recorded. Returns {"verify", "expected", "head", "match"}."""
    source = Path(source)
    if not source.exists():
        raise BackupError(f"{source} does not exist.")
    conn = connections[using]
    if conn.vendor == "sqlite":
        target = Path(conn.settings_dict["NAME"])
        conn.close()
        restore_sqlite_file(source, target, force=force)
    elif conn.vendor == "postgresql":
        pg_restore = _pg_tool("pg_restore", using)
        if not _pg_is_empty(using) and not force:
            raise BackupError("The database is not empty: restore into a new, empty database "
                              "(createdb), or use --force to drop and replace its tables.")
        conn.close()
        command = [pg_restore, "--no-owner", "--exit-on-error", "--single-transaction",
                   f"--dbname={conn.settings_dict['NAME']}"]
        if force:
            command += ["--clean", "--if-exists"]
        _run([*command, str(source)], using)
    else:
        raise BackupError(f"Restores into {conn.vendor} databases are not supported.")
    conn.close()
    result = audit.verify(events=AuditEvent.objects.using(using).order_by("id").iterator(
        chunk_size=5000))
    head = audit.head(using)
    info = _read_sidecar(source)
    expected = info["audit_head"] if info else None
    match = bool(expected) and (expected["id"], expected["hash"]) == (head.id, head.hash)
    return {"verify": result, "head": head, "expected": expected, "match": match}
