"""The striped trail (core/audit.py): several chains, each with its own lock, so that readers do
not queue behind one. Each stripe still detects a change, an insertion or a deletion; the anchors
catch a stripe's deleted tail; the events from before the stripes stay valid as stripe 0's start;
and concurrent writers on PostgreSQL neither lose an event nor fork a chain."""

import io
import json
import threading
from collections import defaultdict
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, connections, transaction

from alliance.core import anchors, audit
from alliance.core.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

STRIPES = 3
PER_STRIPE = 4


@pytest.fixture(autouse=True)
def _anchor_file(settings, tmp_path):
    settings.AUDIT_ANCHOR_FILE = str(tmp_path / "audit-anchors.log")
    settings.AUDIT_ANCHOR_SYSLOG = ""
    # The world's events in stripe 0, as on SQLite: the fixtures add the other stripes by hand
    # (PostgreSQL's writers would spread them by connection). The concurrency test sets its own.
    settings.AUDIT_CHAIN_STRIPES = 1


class _Tampering:
    """What an attacker with write access to the database does: switch the triggers off."""

    def __enter__(self):
        with connection.cursor() as c:
            if connection.vendor == "postgresql":
                c.execute("SET LOCAL session_replication_role = replica")
            else:
                c.execute("DROP TRIGGER IF EXISTS core_auditevent_no_update")
                c.execute("DROP TRIGGER IF EXISTS core_auditevent_no_delete")
        return connection.cursor()

    def __exit__(self, *exc):
        return False


def _verify():
    out = io.StringIO()
    try:
        call_command("audit_verify", stdout=out)
        return 0, out.getvalue()
    except CommandError as exc:
        return exc.returncode, str(exc)


@pytest.fixture
def striped(world):
    """The world's events (stripe 0) and three stripes of four events each, interleaved as
    concurrent writers leave them, sealed as `append` seals them. SQLite's trail has one stripe,
    so the others are written here the way PostgreSQL's writers write them."""
    heads = {s: audit.combine([]) for s in range(STRIPES)}
    positions = dict.fromkeys(range(STRIPES), 0)
    last = AuditEvent.objects.filter(stripe=0).order_by("-id").first()
    heads[0], positions[0] = last.hash, last.position
    for n in range(PER_STRIPE):
        for stripe in range(STRIPES):
            event = audit.build(actor=None, action=AuditAction.VIEW, details={"n": n})
            positions[stripe] += 1
            event.key_id = audit.current_key_id()
            event.stripe, event.position = stripe, positions[stripe]
            event.prev_hash = heads[stripe]
            event.hash = heads[stripe] = audit.compute_hash(event)
            event.save(force_insert=True)
    return world


def _stripe(stripe):
    return list(AuditEvent.objects.filter(stripe=stripe).order_by("id"))


def test_every_stripe_verifies_and_the_head_is_the_digest_of_the_stripes_heads(striped):
    result = audit.verify()
    head = audit.head()

    assert result.ok and result.stripes == STRIPES
    assert result.count == AuditEvent.objects.count() == head.count
    tails = [(s, _stripe(s)[-1].pk, _stripe(s)[-1].hash) for s in range(STRIPES)]
    assert head.stripes == tuple(tails)
    assert result.head == head.hash == audit.head_hash() == audit.combine(tails)
    assert head.id == AuditEvent.objects.order_by("-id").first().pk
    code, output = _verify()
    assert code == 0 and f"{STRIPES} stripes verified" in output


@pytest.mark.parametrize("stripe", range(STRIPES))
def test_it_detects_an_altered_event_in_any_stripe(striped, stripe):
    victim = _stripe(stripe)[-2]
    with _Tampering() as cursor:
        cursor.execute("UPDATE core_auditevent SET purpose = 'forged' WHERE id = %s", [victim.pk])
    code, output = _verify()
    assert code == 1
    assert f"BROKEN at event #{victim.pk}" in output and "altered" in output


@pytest.mark.parametrize("stripe", range(STRIPES))
def test_it_detects_an_event_deleted_from_the_middle_of_any_stripe(striped, stripe):
    events = _stripe(stripe)
    with _Tampering() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [events[-3].pk])
    result = audit.verify()
    assert not result.ok
    assert result.bad_event_id == events[-2].pk
    assert "deleted or inserted" in result.reason


@pytest.mark.parametrize("stripe", range(STRIPES))
def test_it_detects_an_event_inserted_into_any_stripe_even_sealed_with_the_key(striped, stripe):
    # given an event sealed exactly as `append` would, slipped in after an older one
    events = _stripe(stripe)
    forged = audit.build(actor=None, action=AuditAction.VIEW, details={"forged": True})
    forged.key_id = audit.current_key_id()
    forged.stripe, forged.position = stripe, events[1].position + 1
    forged.prev_hash = events[1].hash
    forged.hash = audit.compute_hash(forged)
    with _Tampering() as cursor:
        # its position is taken: the attacker first moves the events after it out of the way
        cursor.execute(
            "UPDATE core_auditevent SET position = position + 1000 WHERE stripe = %s AND position > %s",
            [stripe, events[1].position],
        )
        forged.save(force_insert=True)
    # then the chain refuses the first event whose link, seal or place no longer holds
    result = audit.verify()
    assert not result.ok
    assert result.bad_event_id == events[2].pk


def test_an_event_moved_to_another_stripe_is_detected(striped):
    victim = _stripe(1)[-1]
    with _Tampering() as cursor:
        cursor.execute(
            "UPDATE core_auditevent SET stripe = 2, position = %s WHERE id = %s",
            [_stripe(2)[-1].position + 1, victim.pk],
        )
    result = audit.verify()
    assert not result.ok and result.bad_event_id == victim.pk


def test_a_stripe_forged_without_the_key_is_refused(striped):
    # an attacker adds a whole new stripe, chained from the start with plain SHA-256...
    forged = audit.build(actor=None, action=AuditAction.VIEW)
    forged.stripe, forged.position, forged.key_id = 7, 1, ""
    forged.prev_hash = audit.GENESIS
    forged.hash = audit.compute_hash(forged)
    forged.save(force_insert=True)
    result = audit.verify()
    assert not result.ok and result.bad_event_id == forged.pk
    assert "no key" in result.reason


def test_a_stripe_forged_as_if_it_predated_the_stripes_is_refused(striped):
    # ...or as events from before the stripes (no position), which only stripe 0 may begin with
    forged = audit.build(actor=None, action=AuditAction.VIEW)
    forged.stripe, forged.position, forged.key_id = 7, None, ""
    forged.prev_hash = audit.GENESIS
    forged.hash = audit.compute_hash(forged)
    forged.save(force_insert=True)
    result = audit.verify()
    assert not result.ok and result.bad_event_id == forged.pk
    assert "no position in its stripe" in result.reason


@pytest.mark.parametrize("stripe", range(STRIPES))
def test_the_anchor_catches_the_deleted_tail_of_any_stripe(striped, stripe):
    # given an anchor of every stripe's head
    anchor = anchors.write_anchor()
    assert [s for s, _id, _hash in anchor.stripes] == list(range(STRIPES))
    tail = _stripe(stripe)[-2:]
    # when the newest events of one stripe are deleted
    with _Tampering() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id IN (%s, %s)", [tail[0].pk, tail[1].pk])
    # then what is left is a valid trail, but not the one anchored
    assert audit.verify().ok
    code, output = _verify()
    assert code == 1
    assert f"deleted or rewritten after the anchor of {anchor.time} (event #{tail[1].pk}" in output


def test_the_anchor_catches_a_whole_stripe_deleted(striped):
    anchors.write_anchor()
    with _Tampering() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE stripe = 2")
    assert audit.verify().ok
    check = anchors.check_anchors()
    assert not check.ok and len(check.problems) == 1


def test_an_anchor_line_stripped_of_its_stripes_is_refused(striped, settings):
    anchors.write_anchor()
    path = Path(settings.AUDIT_ANCHOR_FILE)
    path.write_text(path.read_text().replace('"stripes":', '"unsealed":'))
    check = anchors.check_anchors()
    assert check.anchors == 0
    assert any("altered or forged" in p for p in check.problems)


def test_an_anchor_from_before_the_stripes_is_still_checked(striped, settings):
    # a line as the anchors wrote it before the stripes: one head event, no "stripes"
    head = AuditEvent.objects.filter(stripe=0).order_by("-id").first()
    old = anchors.make_anchor(
        audit.ChainHead(head.pk, head.hash, None, 9),
        now=head.occurred_at,
        database=anchors.database_identity(),
    )
    payload = {k: v for k, v in old.payload().items() if k != "stripes"}
    mac = audit.seal(old.key_id, anchors._message(payload))
    with open(settings.AUDIT_ANCHOR_FILE, "w") as f:
        f.write(json.dumps({**payload, "mac": mac}) + "\n")
    assert anchors.check_anchors().ok
    with _Tampering() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id >= %s AND stripe = 0", [head.pk])
    assert not anchors.check_anchors().ok


def test_two_events_cannot_take_one_position_of_a_stripe(striped):
    # The guarantee behind "no forked chain", held by the database whatever the locks did.
    taken = _stripe(1)[-1]
    twin = audit.build(actor=None, action=AuditAction.VIEW, details={"twin": True})
    twin.key_id = audit.current_key_id()
    twin.stripe, twin.position, twin.prev_hash = 1, taken.position, taken.prev_hash
    twin.hash = audit.compute_hash(twin)
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save(force_insert=True)


def test_events_from_before_the_stripes_stay_valid_and_new_events_chain_onto_them(world):
    # given a trail written before the stripes: stripe 0, no position, sealed without them
    events = list(AuditEvent.objects.order_by("id"))
    prev = audit.GENESIS
    for event in events:
        event.stripe, event.position, event.prev_hash = 0, None, prev
        event.hash = prev = audit.compute_hash(event)
    with _Tampering() as cursor:
        cursor.execute("DELETE FROM core_auditevent")
        AuditEvent.objects.bulk_create(events)
    assert audit.verify().ok
    # when the striped code appends
    event = audit.record(actor=world.dpo, action=AuditAction.MAINTENANCE)
    # then the new event continues stripe 0 at position 1, and the whole trail verifies
    assert (event.stripe, event.position, event.prev_hash) == (0, 1, events[-1].hash)
    code, output = _verify()
    assert code == 0, output
    assert f"OK: {len(events) + 1} events" in output
    # but no event from before the stripes may follow a striped one
    late = audit.build(actor=None, action=AuditAction.VIEW)
    late.key_id, late.prev_hash = audit.current_key_id(), event.hash
    late.hash = audit.compute_hash(late)
    late.save(force_insert=True)
    assert audit.verify().bad_event_id == late.pk


def test_a_transaction_that_appends_twice_stays_on_its_stripe(world):
    with transaction.atomic():
        first = audit.record(actor=world.dpo, action=AuditAction.MAINTENANCE)
        second = audit.record(actor=world.dpo, action=AuditAction.MAINTENANCE)
    assert second.stripe == first.stripe
    assert (second.position, second.prev_hash) == (first.position + 1, first.hash)


# --- concurrency, on PostgreSQL ----------------------------------------------------------------


@pytest.fixture
def audit_emptied_after():
    """These tests commit (transaction=True); the flush after them is a TRUNCATE, which the
    append-only trigger refuses: let it through on this connection."""
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises its writers: one stripe, nothing concurrent",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_lose_no_event_and_fork_no_chain(world, audit_emptied_after,
                                                            settings):
    settings.AUDIT_CHAIN_STRIPES = 16
    # given eight writers, each on its own connection, appending at the same moment
    writers, each = 8, 30
    before = AuditEvent.objects.count()
    start = threading.Barrier(writers)
    errors = []

    def write(slot):
        try:
            start.wait()
            for n in range(each):
                with transaction.atomic():
                    audit.record(actor=None, action=AuditAction.VIEW, details={"writer": slot, "n": n})
                    if n % 3 == 0:  # some transactions append twice, as a write and its view do
                        audit.record(
                            actor=None,
                            action=AuditAction.VIEW,
                            details={"writer": slot, "n": n, "again": True},
                        )
        except Exception as exc:  # reported below, with the thread's slot
            errors.append((slot, exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    # then every event is there, once
    assert errors == []
    written = writers * (each + len(range(0, each, 3)))
    assert AuditEvent.objects.count() == before + written
    # the writers spread over several stripes, each a single unbroken line of positions
    positions = defaultdict(list)
    for stripe, position in AuditEvent.objects.order_by("id").values_list("stripe", "position"):
        positions[stripe].append(position)
    assert len(positions) > 1
    for stripe, seen in positions.items():
        assert seen == list(range(1, len(seen) + 1)), stripe
    # and the trail verifies as a whole
    result = audit.verify()
    assert result.ok, result.reason
    assert result.count == before + written and result.stripes == len(positions)
