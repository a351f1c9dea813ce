"""The keyed chain (HMAC-SHA-256 with AUDIT_CHAIN_KEYS), its legacy prefix, key rotation, the
head, and the anchors written outside the database (core/audit.py, core/anchors.py)."""

import base64
import hashlib
import hmac
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from alliance.core import anchors, audit
from alliance.core.models import AuditAction, AuditEvent
from alliance.work import registry

from ..conftest import login

pytestmark = pytest.mark.django_db

OLD_KEY = "k2025:" + base64.b64encode(b"an old audit chain key, 32 bytes").decode()
NEW_KEY = "k2026:" + base64.b64encode(b"a new audit chain key, 32 bytes!").decode()
WRONG_KEY = base64.b64decode(NEW_KEY.partition(":")[2])[::-1]


@pytest.fixture(autouse=True)
def _anchor_file(settings, tmp_path):
    settings.AUDIT_ANCHOR_FILE = str(tmp_path / "audit-anchors.log")
    settings.AUDIT_ANCHOR_SYSLOG = ""
    # One chain, as on SQLite: these tests rewrite it as a whole (stripes: test_audit_stripes).
    settings.AUDIT_CHAIN_STRIPES = 1


def _run(command, *args):
    out = io.StringIO()
    try:
        call_command(command, *args, stdout=out)
        return 0, out.getvalue()
    except CommandError as exc:
        return exc.returncode, str(exc)


def _events(n):
    """n unsaved events, as `build` prepares them."""
    return [audit.build(actor=None, action=AuditAction.MAINTENANCE, details={"n": i})
            for i in range(n)]


def _chain(events, *, prev=audit.GENESIS, key_id="", key: bytes | None = None):
    """Hash `events` the way an attacker outside the application would: plain SHA-256 (key id
    "") or HMAC with a key of their choosing."""
    for event in events:
        event.prev_hash = prev
        event.key_id = key_id
        body = audit._canonical(event)
        event.hash = (hmac.new(key, body, hashlib.sha256).hexdigest() if key
                      else hashlib.sha256(body).hexdigest())
        prev = event.hash
    return events


class _Tampering:
    """What an attacker with write access to the database does: switch the triggers off."""

    def __enter__(self):
        with connection.cursor() as c:
            if connection.vendor == "postgresql":
                c.execute("SET LOCAL session_replication_role = replica")
            else:
                c.execute("DROP TRIGGER core_auditevent_no_update")
                c.execute("DROP TRIGGER core_auditevent_no_delete")
        return connection.cursor()

    def __exit__(self, *exc):
        return False


def _rewrite_table(events):
    """Replace the whole table with `events` (ids kept), through plain SQL inserts."""
    with _Tampering() as cursor:
        cursor.execute("DELETE FROM core_auditevent")
        AuditEvent.objects.bulk_create(events)


def test_new_events_are_sealed_with_the_current_key(world):
    event = audit.record(actor=world.dpo, action=AuditAction.MAINTENANCE)
    key = base64.b64decode(django_settings.AUDIT_CHAIN_KEYS[0].partition(":")[2])
    assert event.key_id == "demo"
    assert event.hash == hmac.new(key, audit._canonical(event), hashlib.sha256).hexdigest()
    assert event.hash != hashlib.sha256(audit._canonical(event)).hexdigest()


def test_a_row_edited_and_the_chain_recomputed_with_plain_sha256_is_detected(world):
    # given an intact keyed chain
    events = list(AuditEvent.objects.order_by("id"))
    assert audit.verify().ok and all(e.key_id for e in events)
    # when an attacker edits a row and recomputes every hash after it with plain SHA-256
    victim = events[2]
    victim.actor_username = "someone-else"
    _chain(events[2:], prev=events[1].hash)
    _rewrite_table(events)
    # then
    code, output = _run("audit_verify")
    assert code == 1
    assert f"#{victim.pk}" in output
    assert "recomputed without the chain key" in output


def test_a_chain_recomputed_from_the_start_as_if_it_were_legacy_fails_the_anchors(world):
    # A whole chain recomputed with plain SHA-256 looks like a legacy chain: the anchor
    # written before the forgery is what catches it.
    anchors.write_anchor()
    events = list(AuditEvent.objects.order_by("id"))
    events[0].actor_username = "someone-else"
    # Striped events must be keyed: recomputed with plain SHA-256 they are refused at once...
    assert not audit.verify(events=_chain([*events])).ok
    # ...so the forger also makes them look older than the stripes (no position)
    for event in events:
        event.stripe, event.position = 0, None
    _rewrite_table(_chain(events))
    assert audit.verify().ok
    code, output = _run("audit_verify")
    assert code == 1
    assert "deleted or rewritten after the anchor of" in output


def test_a_chain_recomputed_with_a_wrong_key_is_detected(world):
    events = list(AuditEvent.objects.order_by("id"))
    events[1].purpose = "a forged purpose"
    _chain(events[1:], prev=events[0].hash, key_id="demo", key=WRONG_KEY)
    result = audit.verify(events=events)
    assert not result.ok
    assert result.bad_event_id == events[1].pk
    assert "recomputed without the chain key" in result.reason


def test_legacy_events_are_accepted_as_the_prefix_and_counted(world, settings):
    events = list(AuditEvent.objects.order_by("id"))
    legacy = _chain(_events(3))
    for i, event in enumerate(legacy, start=1):
        event.pk = i
    keyed = events
    prev = legacy[-1].hash
    for event in keyed:  # re-seal the world's events after the legacy prefix, with the key
        event.prev_hash = prev
        event.hash = audit.compute_hash(event)
        prev = event.hash
        event.pk += 3
    _rewrite_table([*legacy, *keyed])

    code, output = _run("audit_verify")

    assert code == 0, output
    assert f"OK: {len(legacy) + len(keyed)} events" in output
    assert "3 legacy events" in output


def test_a_legacy_event_after_keyed_events_is_refused():
    keyed = _chain(_events(2), key_id="demo",
                   key=base64.b64decode(django_settings.AUDIT_CHAIN_KEYS[0].partition(":")[2]))
    forged = _chain(_events(1), prev=keyed[-1].hash)
    for i, event in enumerate([*keyed, *forged], start=1):
        event.pk = i
    assert audit.verify(events=keyed).ok
    result = audit.verify(events=[*keyed, *forged])
    assert not result.ok
    assert result.bad_event_id == 3
    assert "no key although keyed events precede it" in result.reason


def test_a_rotated_keyring_verifies_events_of_the_old_and_the_new_key(world, settings):
    demo = django_settings.DEMO_AUDIT_CHAIN_KEY  # the world's events were sealed with it
    settings.AUDIT_CHAIN_KEYS = [OLD_KEY, demo]
    before = audit.record(actor=world.dpo, action=AuditAction.MAINTENANCE)
    # rotation: the new key is prepended, the old ones kept for verification
    settings.AUDIT_CHAIN_KEYS = [NEW_KEY, OLD_KEY, demo]
    after = audit.record(actor=world.dpo, action=AuditAction.MAINTENANCE)

    assert (before.key_id, after.key_id) == ("k2025", "k2026")
    assert audit.verify().ok
    # dropping the old key too early makes its events unverifiable, and says why
    settings.AUDIT_CHAIN_KEYS = [NEW_KEY]
    result = audit.verify()
    assert not result.ok
    assert "no longer holds" in result.reason


def test_a_malformed_keyring_is_refused(settings):
    settings.AUDIT_CHAIN_KEYS = ["no-key-material"]
    with pytest.raises(ImproperlyConfigured, match="id:base64key"):
        audit.keyring()
    settings.AUDIT_CHAIN_KEYS = ["short:" + base64.b64encode(b"too short").decode()]
    with pytest.raises(ImproperlyConfigured):
        audit.keyring()


def test_generate_encryption_key_prints_a_usable_chain_key(settings):
    code, output = _run("generate_encryption_key", "--audit-chain")
    settings.AUDIT_CHAIN_KEYS = [output.strip()]
    key_id, key = next(iter(audit.keyring().items()))
    assert code == 0 and len(key) == 32 and output.startswith(key_id + ":")


def test_audit_head_prints_the_newest_event_and_the_count(world):
    head = AuditEvent.objects.order_by("-id").first()
    code, output = _run("audit_head")
    assert code == 0
    assert f"head #{head.pk} {head.hash}" in output
    assert f"{AuditEvent.objects.count()} events" in output

    code, output = _run("audit_head", "--json")
    data = json.loads(output)
    assert data["id"] == head.pk and data["hash"] == head.hash
    assert data["count"] == AuditEvent.objects.count()
    assert data["key_id"] == "demo"
    assert data["occurred_at"].startswith(head.occurred_at.strftime("%Y-%m-%dT%H:%M:%S"))


def test_audit_head_anchor_appends_a_sealed_line_to_the_anchor_file(world, settings):
    code, output = _run("audit_head", "--anchor", "--json")
    lines = Path(settings.AUDIT_ANCHOR_FILE).read_text().splitlines()
    assert code == 0 and len(lines) == 1
    line = json.loads(lines[0])
    assert (line["id"], line["hash"]) == (json.loads(output)["id"], audit.head_hash())
    assert set(line) == {"time", "id", "hash", "count", "database", "key_id", "stripes", "mac"}
    _run("audit_head", "--anchor")
    assert len(Path(settings.AUDIT_ANCHOR_FILE).read_text().splitlines()) == 2


def test_anchors_detect_that_the_newest_events_were_deleted(world, settings):
    anchors.write_anchor()
    anchored_head = audit.head()
    newest = list(AuditEvent.objects.order_by("-id").values_list("id", flat=True)[:2])
    # the chain without its newest events is still a valid chain...
    with _Tampering() as cursor:
        cursor.execute(f"DELETE FROM core_auditevent WHERE id IN ({newest[0]}, {newest[1]})")
    assert audit.verify().ok
    # ...but not the one that was anchored
    code, output = _run("audit_verify")
    assert code == 1
    assert "Events were deleted or rewritten after the anchor of" in output
    assert f"#{anchored_head.id}" in output


def test_an_intact_chain_passes_its_anchors(world):
    anchors.write_anchor()
    audit.record(actor=world.dpo, action=AuditAction.MAINTENANCE)
    anchors.write_anchor()
    code, output = _run("audit_verify")
    assert code == 0, output
    assert "2 anchors match the chain" in output


def test_a_forged_anchor_line_is_refused(world, settings):
    anchor = anchors.write_anchor()
    forged = {**json.loads(anchors.anchor_line(anchor)), "id": anchor.id - 1}
    with open(settings.AUDIT_ANCHOR_FILE, "a") as f:
        f.write(json.dumps(forged) + "\n")
    check = anchors.check_anchors()
    assert check.anchors == 1
    assert any("line 2 was altered or forged" in p for p in check.problems)


def test_anchors_of_another_database_are_skipped(world, settings):
    anchor = anchors.write_anchor()
    other = anchors.make_anchor(audit.ChainHead(anchor.id + 99, "f" * 64, None, 1),
                                now=world.dpo.date_joined, database="postgresql:elsewhere/x")
    with open(settings.AUDIT_ANCHOR_FILE, "a") as f:
        f.write("Nov 27 03:00:00 host alliance-audit-anchor " + anchors.anchor_line(other) + "\n")
    check = anchors.check_anchors()
    assert check.ok and (check.anchors, check.other_databases) == (1, 1)


@pytest.mark.skipif(connection.vendor == "sqlite",
                    reason="an in-memory database (SQLite's test database) is not anchored")
def test_the_daily_job_anchors_the_head_once_a_day(world, settings):
    daily = registry._DAILY["core.audit_anchor"]
    today = anchors.timezone.now().date()
    assert daily(today) == 1
    assert daily(today) == 0  # run again the same day (run_daily --force): nothing new
    lines = Path(settings.AUDIT_ANCHOR_FILE).read_text().splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["hash"] == audit.head_hash()


def test_the_daily_job_leaves_an_in_memory_database_unanchored(world, settings):
    if not (connection.vendor == "sqlite" and connection.is_in_memory_db()):
        pytest.skip("only SQLite's test database is in memory")
    assert registry._DAILY["core.audit_anchor"](anchors.timezone.now().date()) == 0
    assert not Path(settings.AUDIT_ANCHOR_FILE).exists()


def test_the_verify_page_reports_deleted_newest_events(world):
    anchors.write_anchor()
    with _Tampering() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [audit.head().id])
    page = login(world.dpo).post(reverse("audit_verify")).content.decode()
    assert "The chain is intact" in page  # what is left is a valid chain...
    assert "Events were deleted or rewritten after the anchor of" in page  # ...but not all


def test_the_verify_page_counts_the_matching_anchors(world):
    anchors.write_anchor()
    page = login(world.dpo).post(reverse("audit_verify")).content.decode()
    assert "1 anchor written outside the database matches the chain" in page


def test_production_refuses_to_start_without_a_chain_key():
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUDIT_CHAIN")}
    env.update(ALLIANCE_ENV="production", DJANGO_SETTINGS_MODULE="alliance.settings")
    done = subprocess.run([sys.executable, "-c", "import alliance.settings"], env=env,
                          capture_output=True, text=True, cwd=django_settings.BASE_DIR)
    assert done.returncode != 0
    assert "AUDIT_CHAIN_KEYS (or AUDIT_CHAIN_KEY_FILE) is missing" in done.stderr
