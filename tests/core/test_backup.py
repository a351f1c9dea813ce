"""Backups and the restore drill: a restored database passes audit_verify with the head recorded
at backup time (core/backup.py, manage.py backup / restore)."""

import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from alliance.core import audit, backup
from alliance.core.models import AuditEvent

ON_SQLITE = connection.vendor == "sqlite"
ON_POSTGRESQL = connection.vendor == "postgresql"


@pytest.fixture
def audit_emptied_after():
    """Backups read committed data, so these tests commit (transaction=True). The flush that
    empties the database after them meets the append-only triggers: empty the audit table first
    (with the triggers off), and leave them on for the next test."""
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The flush (a TRUNCATE) runs on this connection, closed right after it.
            cursor.execute("SET session_replication_role = replica")
            return
        cursor.execute("DROP TRIGGER IF EXISTS core_auditevent_no_delete")
        cursor.execute("DELETE FROM core_auditevent")
        cursor.execute("""CREATE TRIGGER core_auditevent_no_delete BEFORE DELETE ON core_auditevent
            BEGIN SELECT RAISE(ABORT, 'core_auditevent is append-only: DELETE refused'); END;""")


def _manage(*args, database_url: str):
    """manage.py in its own process, on another database (as an operator runs it)."""
    env = {**os.environ, "DATABASE_URL": database_url, "AUDIT_ANCHOR_FILE": ""}
    return subprocess.run([sys.executable, "manage.py", *args], env=env, capture_output=True,
                          text=True, cwd=django_settings.BASE_DIR, timeout=300)


@pytest.mark.skipif(not ON_SQLITE, reason="the SQLite drill (PostgreSQL's is below)")
@pytest.mark.django_db(transaction=True)
def test_the_restore_drill_on_sqlite_gives_a_verified_chain_with_the_same_head(
        world, tmp_path, audit_emptied_after):
    # given a database with a trail, backed up while it runs
    out = tmp_path / "alliance.backup.sqlite3"
    stdout = io.StringIO()
    call_command("backup", out=str(out), stdout=stdout)
    head = audit.head()
    sidecar = json.loads(backup.sidecar_path(out).read_text())

    # the backup's own event is its head, printed and recorded beside it
    assert AuditEvent.objects.get(pk=head.id).details == {"backup": out.name, "vendor": "sqlite"}
    assert f"#{head.id} {head.hash}" in stdout.getvalue()
    assert sidecar["audit_head"] == head.as_dict()
    assert sidecar["vendor"] == "sqlite"
    assert "0005_audit_chain_key_id" in sidecar["migrations"]["core"]

    # the backup file alone holds the same, verifiable chain
    in_file = audit.verify(events=backup.sqlite_chain(out))
    assert in_file.ok and (in_file.head_id, in_file.head) == (head.id, head.hash)
    assert in_file.count == AuditEvent.objects.count()

    # when an operator restores it into a new database file
    restored = tmp_path / "restored.sqlite3"
    done = _manage("restore", str(out), database_url=f"sqlite:///{restored}")

    # then the restore verified the chain and found the recorded head
    assert done.returncode == 0, done.stderr
    assert f"Audit chain verified: {head.count} events, head #{head.id} {head.hash}" in done.stdout
    assert "The head equals the one recorded at backup time." in done.stdout
    verified = _manage("audit_verify", database_url=f"sqlite:///{restored}")
    assert verified.returncode == 0, verified.stderr
    assert f"OK: {head.count} events, head hash {head.hash}" in verified.stdout


@pytest.mark.skipif(not ON_SQLITE, reason="SQLite's restore")
@pytest.mark.django_db(transaction=True)
def test_restore_refuses_to_overwrite_a_database_that_is_not_empty(
        world, tmp_path, audit_emptied_after):
    out = tmp_path / "b.sqlite3"
    backup.backup(out=out)
    target = tmp_path / "in-use.sqlite3"
    shutil.copy(out, target)

    with pytest.raises(backup.BackupError, match="not empty"):
        backup.restore_sqlite_file(out, target)
    backup.restore_sqlite_file(out, target, force=True)  # --force: the operator means it
    assert audit.verify(events=backup.sqlite_chain(target)).ok


@pytest.mark.skipif(not ON_SQLITE, reason="SQLite's restore")
@pytest.mark.django_db(transaction=True)
def test_restore_says_so_when_the_head_differs_from_the_recorded_one(
        world, tmp_path, audit_emptied_after):
    out = tmp_path / "b.sqlite3"
    backup.backup(out=out)
    sidecar = backup.sidecar_path(out)
    info = json.loads(sidecar.read_text())
    info["audit_head"]["hash"] = "0" * 64  # a backup that is not the one recorded
    sidecar.write_text(json.dumps(info))

    done = _manage("restore", str(out), database_url=f"sqlite:///{tmp_path / 'r.sqlite3'}")

    assert done.returncode == 1
    assert "differs from the one recorded at backup time" in done.stderr


@pytest.mark.django_db(transaction=True)
def test_the_backup_refuses_an_existing_file(world, tmp_path, audit_emptied_after):
    out = tmp_path / "taken.sqlite3"
    out.write_bytes(b"")
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", out=str(out), stdout=io.StringIO())


@pytest.mark.skipif(not (ON_POSTGRESQL and shutil.which("pg_dump")),
                    reason="needs PostgreSQL and its client tools")
@pytest.mark.django_db(transaction=True)
def test_a_postgresql_backup_restores_into_an_empty_database_with_the_same_head(
        world, tmp_path, audit_emptied_after):
    out = tmp_path / "alliance.dump"
    call_command("backup", out=str(out), stdout=io.StringIO())
    head = audit.head()
    assert out.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    assert json.loads(backup.sidecar_path(out).read_text())["audit_head"] == head.as_dict()

    name = f"alliance_restore_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    s = connection.settings_dict
    url = f"postgres://{s['USER']}:{s['PASSWORD'] or ''}@{s['HOST']}:{s['PORT'] or 5432}/{name}"
    try:
        done = _manage("restore", str(out), database_url=url)
        assert done.returncode == 0, done.stderr
        assert "The head equals the one recorded at backup time." in done.stdout
        again = _manage("restore", str(out), database_url=url)
        assert again.returncode == 1 and "not empty" in again.stderr
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_pg_tools_get_the_password_from_the_environment_not_the_command_line(settings):
    conn = connection
    env = backup.pg_environment()
    assert env["PGDATABASE"] == str(conn.settings_dict["NAME"])
    if conn.settings_dict.get("PASSWORD"):
        assert env["PGPASSWORD"] == conn.settings_dict["PASSWORD"]


def test_a_backup_file_is_read_without_django_s_connection(tmp_path):
    # sqlite_chain reads a bare file: no table means an error, not an empty (passing) chain
    path = tmp_path / "empty.sqlite3"
    sqlite3.connect(path).close()
    with pytest.raises(sqlite3.OperationalError):
        list(backup.sqlite_chain(path))
