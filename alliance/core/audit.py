"""The audit trail: append-only, hash-chained, written explicitly by services and access code.

Each event's hash covers its own content and the previous event's hash, so altering, deleting
or inserting a row breaks the chain from that point on; `manage.py audit_verify` walks it.
The trail is several such chains, *stripes* (16 on PostgreSQL, 1 on SQLite): each event names
its stripe and its position in it (both sealed), and a writer locks one stripe, not the whole
trail, so that concurrent requests do not queue behind one lock. The trail's head is the set of
the stripes' heads, combined into one digest (`combine`), which anchors and backups record.
The hash is keyed (HMAC-SHA-256 with a key of AUDIT_CHAIN_KEYS, kept outside the database), so
that someone who can write to the database cannot recompute the chain after an edit; and the
head is anchored outside the database every day (core/anchors.py), so that deleting the newest
events is detected too. Events written before the key existed (key id "") were hashed with plain
SHA-256: they are accepted only as the chain's prefix, before the first keyed event.
Writers of one stripe are serialised (a PostgreSQL advisory lock per stripe; SQLite's IMMEDIATE
transactions) so that two concurrent requests never chain onto the same predecessor, and the
database refuses two events at one position of a stripe in any case. Events written before the
stripes (position NULL) are stripe 0's history: the first striped event chains onto them.
"""

import base64
import binascii
import contextvars
import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from . import context
from .models import AuditAction, AuditEvent, AuditOutcome
from .text import clean_text

GENESIS = "0" * 64
LEGACY_KEY_ID = ""  # events hashed with plain SHA-256, before the chain was keyed
_LOCK_CLASS = 7_310_042  # any constant shared by all app servers; the stripe is the second key
POSTGRESQL_STRIPES = 16  # about 2 per CPU core of a large database server: beyond, no gain


@lru_cache(maxsize=8)
def parse_keyring(entries: tuple[str, ...]) -> dict[str, bytes]:
    """"id:base64key" entries -> {id: key}, in order (the first is the current key)."""
    keys: dict[str, bytes] = {}
    for entry in entries:
        key_id, sep, material = entry.strip().partition(":")
        try:
            key = base64.b64decode(material, validate=True) if sep else b""
        except (binascii.Error, ValueError):
            key = b""
        if not key_id or len(key_id) > 32 or len(key) < 16 or key_id in keys:
            raise ImproperlyConfigured(
                "AUDIT_CHAIN_KEYS must be 'id:base64key' entries, each id unique and at most 32 "
                "characters, each key at least 16 bytes. See docs/deployment.md.")
        keys[key_id] = key
    return keys


def keyring() -> dict[str, bytes]:
    keys = parse_keyring(tuple(settings.AUDIT_CHAIN_KEYS))
    if not keys:
        raise ImproperlyConfigured("AUDIT_CHAIN_KEYS is empty. See docs/deployment.md.")
    return keys


def current_key_id() -> str:
    return next(iter(keyring()))


@lru_cache(maxsize=8)
def _prepared_macs(entries: tuple[str, ...]) -> dict:
    # A prepared HMAC per key, copied per event: keyed hashing then costs what SHA-256 did.
    return {key_id: hmac.new(key, digestmod=hashlib.sha256)
            for key_id, key in parse_keyring(entries).items()}


def seal(key_id: str, message: bytes) -> str:
    """HMAC-SHA-256 of `message` with the chain key `key_id` (also seals the anchors)."""
    try:
        mac = _prepared_macs(tuple(settings.AUDIT_CHAIN_KEYS))[key_id].copy()
    except KeyError:
        raise UnknownChainKey(key_id) from None
    mac.update(message)
    return mac.hexdigest()


class UnknownChainKey(LookupError):
    """An event or anchor names a key that AUDIT_CHAIN_KEYS no longer holds."""


def _canonical(event: AuditEvent) -> bytes:
    payload = [
        event.prev_hash,
        event.occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
        event.actor_id,
        event.actor_username,
        event.agency_id,
        event.agency_name,
        event.action,
        event.object_type,
        event.object_uuid,
        event.person_id,
        event.person_reference,
        event.purpose,
        event.outcome,
        event.details,
        event.ip_address,
        event.request_id,
    ]
    if event.key_id != LEGACY_KEY_ID:
        # The key's id is sealed too: it cannot be swapped for another key's, or for "" (legacy).
        payload.append(event.key_id)
    if event.position is not None:
        # So are the stripe and position: an event cannot be moved to another stripe or place.
        payload += [event.stripe, event.position]
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def compute_hash(event: AuditEvent) -> str:
    """The event's seal: HMAC-SHA-256 with its key, or plain SHA-256 for a legacy event."""
    if event.key_id == LEGACY_KEY_ID:
        return hashlib.sha256(_canonical(event)).hexdigest()
    return seal(event.key_id, _canonical(event))


def stripe_count() -> int:
    """How many stripes new events spread over. SQLite's writers are serialised by its IMMEDIATE
    transactions whatever we do: one stripe. Verification walks whatever stripes exist, so the
    number can change between deployments (AUDIT_CHAIN_STRIPES)."""
    if connection.vendor != "postgresql":
        return 1
    return max(1, int(getattr(settings, "AUDIT_CHAIN_STRIPES", POSTGRESQL_STRIPES)))


def _home_stripe(count: int) -> int:
    # The backend's pid spreads the app servers' connections over the stripes, and keeps a
    # connection on the same stripe from one request to the next.
    info = getattr(connection.connection, "info", None)
    return (getattr(info, "backend_pid", 0) or 0) % count


def _take_stripe() -> int:
    """Lock a stripe until the end of the caller's transaction and return it: the connection's
    own stripe if free, else the next free one, and only if all are taken, wait for its own.
    A transaction that holds a stripe already finds it free (the lock is re-entrant), so it
    never waits while holding one: no two writers can wait for each other."""
    count = stripe_count()
    if connection.vendor != "postgresql":
        return 0
    home = _home_stripe(count)
    with connection.cursor() as cursor:
        for offset in range(count):
            stripe = (home + offset) % count
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [_LOCK_CLASS, stripe])
            if cursor.fetchone()[0]:
                return stripe
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_CLASS, home])
    return home


def combine(stripes: Iterable[tuple[int, int, str]]) -> str:
    """One digest for the heads (stripe, event id, hash) of all stripes. With a single stripe it
    is that stripe's head hash, as the head of the one chain was before the stripes."""
    heads = sorted((int(s), int(i), str(h)) for s, i, h in stripes)
    if not heads:
        return GENESIS
    if len(heads) == 1:
        return heads[0][2]
    body = json.dumps(heads, separators=(",", ":")).encode()
    return hashlib.sha256(body).hexdigest()


@dataclass(frozen=True)
class ChainHead:
    id: int | None  # the newest event, whatever its stripe
    hash: str  # `combine` of the stripes' heads
    occurred_at: datetime | None
    count: int
    key_id: str = ""
    stripes: tuple[tuple[int, int, str], ...] = ()  # (stripe, head event id, head hash)

    def as_dict(self) -> dict:
        return {"id": self.id, "hash": self.hash, "count": self.count, "key_id": self.key_id,
                "occurred_at": self.occurred_at.astimezone(UTC).isoformat()
                if self.occurred_at else None,
                "stripes": [list(s) for s in self.stripes]}


def chain_head(rows: Iterable[tuple[int, int, str, datetime, str]], count: int) -> ChainHead:
    """The head from each stripe's newest event (stripe, id, hash, occurred_at, key_id)."""
    rows = sorted(rows)
    if not rows:
        return ChainHead(None, GENESIS, None, 0)
    newest = max(rows, key=lambda r: r[1])
    stripes = tuple((s, i, h) for s, i, h, _when, _key in rows)
    return ChainHead(newest[1], combine(stripes), newest[3], count, newest[4], stripes)


def _stripe_heads(using: str):
    events = AuditEvent.objects.using(using)
    newest = events.values("stripe").annotate(last=Max("id")).values("last")
    return (events.filter(id__in=newest).order_by("stripe")
            .values_list("stripe", "id", "hash", "occurred_at", "key_id"))


def head_hash(using: str = "default") -> str:
    """The digest of the stripes' heads (see `combine`)."""
    return combine((s, i, h) for s, i, h, _when, _key in _stripe_heads(using))


def head(using: str = "default") -> ChainHead:
    """The stripes' heads, their digest, the newest event and the number of events: what
    anchors and backups record. Read in one transaction so that the count and heads agree."""
    with transaction.atomic(using=using):
        rows = list(_stripe_heads(using))
        count = AuditEvent.objects.using(using).count()
    return chain_head(rows, count)


def _object_fields(obj) -> tuple[str, str]:
    if obj is None:
        return "", ""
    return obj._meta.label_lower, str(getattr(obj, "uuid", "") or obj.pk)


def _person_of(obj, person):
    if person is not None:
        return person
    if obj is not None and obj._meta.label_lower == "people.person":
        return obj
    return getattr(obj, "person", None) if obj is not None else None


def _clean(value):
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(str(k)): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


# Who an actor works for is the accounts app's knowledge; it installs the resolver at start-up
# (accounts/apps.py), so that the audit trail below it needs no import of it.
_agency_of = None


def set_agency_resolver(resolver) -> None:
    """Install `resolver(user) -> Agency | None`, the agency an event is recorded under."""
    global _agency_of
    _agency_of = resolver


def _default_agency(actor):
    if actor is None or not getattr(actor, "is_authenticated", False) or _agency_of is None:
        return None
    return _agency_of(actor)


def build(
    *,
    actor,
    action: str,
    obj=None,
    person=None,
    agency=None,
    object_type: str = "",
    object_uuid: str = "",
    purpose: str = "",
    outcome: str = AuditOutcome.SUCCESS,
    details: dict | None = None,
) -> AuditEvent:
    """Prepare an unsaved event (use `record` unless you are writing many at once)."""
    ctx = context.current()
    person = _person_of(obj, person)
    agency = agency if agency is not None else _default_agency(actor)
    obj_type, obj_uuid = _object_fields(obj)
    actor = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent(
        occurred_at=timezone.now(),
        actor=actor,
        actor_username=actor.get_username() if actor else "",
        agency=agency,
        agency_name=agency.name if agency else "",
        action=action,
        object_type=object_type or obj_type,
        object_uuid=clean_text(str(object_uuid or obj_uuid))[:36],
        person=person,
        person_reference=person.reference if person else "",
        purpose=clean_text(purpose or ctx.purpose)[:300],
        outcome=outcome,
        details=_clean(details or {}),
        ip_address=ctx.ip_address,
        request_id=ctx.request_id,
    )


@transaction.atomic
def append(events: Iterable[AuditEvent], *, bulk: bool = False) -> list[AuditEvent]:
    """Chain and insert prepared events, in order, in the caller's transaction.

    They all go to one stripe, the one this transaction locks (`_take_stripe`). `bulk` inserts
    them in one statement per batch (imports, the demo seed); ids still follow the chain order
    because a single INSERT assigns them in row order."""
    stripe = _take_stripe()
    last = (AuditEvent.objects.filter(stripe=stripe).order_by("-id")
            .values_list("hash", "position").first())
    prev, position = (last[0], last[1] or 0) if last else (GENESIS, 0)
    key_id = current_key_id()
    saved = []
    for event in events:
        position += 1
        event.key_id = key_id
        event.stripe, event.position = stripe, position
        event.prev_hash = prev
        event.hash = compute_hash(event)
        prev = event.hash
        saved.append(event)
    if bulk:
        AuditEvent.objects.bulk_create(saved, batch_size=500)
        return saved
    for event in saved:
        event.save(force_insert=True)
    return saved


def record(**kwargs) -> AuditEvent:
    """Write one audit event (see `build` for the arguments). Call it inside the write's
    transaction so that the event and the change commit or roll back together."""
    return append([build(**kwargs)])[0]


# --- consultations: logged once per response, in one layer ------------------------------------
#
# Access functions and list selectors *note* what a response shows (`consulted`); the audit
# middleware opens a collection for each request and writes ONE event for it when the response
# is sent (core/middleware.py). Outside a request (commands, the shell) a note is written at once.
# So a page that reads a person, their assessments and a worklist still leaves one event, and no
# interface (page, htmx partial, API, export, PDF) can show person-level data without one.

@dataclass
class _Note:
    actor: object
    action: str
    obj: object = None
    persons: tuple = ()
    agency: object = None
    details: dict | None = None


_collection: contextvars.ContextVar[list | None] = contextvars.ContextVar(
    "alliance_consultations", default=None)
# The strongest kind of consultation names the merged event.
_RANK = [AuditAction.VIEW, AuditAction.LIST, AuditAction.SEARCH, AuditAction.EXPORT]


def consulted(*, actor, action: str = AuditAction.VIEW, obj=None, persons=(), agency=None,
              details: dict | None = None) -> None:
    """Note that this response shows `obj` (a record, whose person is derived) or `persons` (the
    rows of a list, search or export). Logged with the response, once (see above)."""
    note = _Note(actor, action, obj, tuple(persons), agency, details)
    notes = _collection.get()
    if notes is None:
        _write_consultation([note])
    else:
        notes.append(note)


def forget_consultations() -> None:
    """Drop what this response noted so far: it will show none of it after all (e.g. a page
    that asks why the record is being opened before opening it)."""
    notes = _collection.get()
    if notes is not None:
        notes.clear()


def collect_consultations() -> contextvars.Token:
    return _collection.set([])


def flush_consultations(token: contextvars.Token, *, shown: bool) -> None:
    """End the request's collection; write its one event if the response showed anything."""
    notes = _collection.get() or []
    _collection.reset(token)
    if shown and notes:
        _write_consultation(notes)


# Listeners told of each consultation event written, with the people it showed: the people app
# logs the disclosures across agency boundaries there (people/disclosures.py), so that no
# interface can show a person's data to another agency without its disclosure row.
_listeners: list = []


def on_consultation(listener) -> None:
    """Install `listener(event, persons)`, called in the event's transaction."""
    if listener not in _listeners:
        _listeners.append(listener)


def _write_consultation(notes: list[_Note]) -> None:
    event = append([_build_consultation(notes)])[0]
    if _listeners and event.actor_id is not None:
        persons: dict[int, object] = {}
        for n in notes:
            for p in (*n.persons, *([_person_of(n.obj, None)] if n.obj is not None else [])):
                if p is not None:
                    persons.setdefault(p.pk, p)
        for listener in _listeners:
            listener(event, list(persons.values()))


def _build_consultation(notes: list[_Note]) -> AuditEvent:
    action = max((n.action for n in notes), key=lambda a: _RANK.index(a) if a in _RANK else 0)
    objects = [n.obj for n in notes if n.obj is not None]
    persons: dict[int, object] = {}
    for n in notes:
        for p in (*n.persons, *([_person_of(n.obj, None)] if n.obj is not None else [])):
            if p is not None:
                persons.setdefault(p.pk, p)
    details: dict = {}
    for n in notes:
        details.update(n.details or {})
    listed = any(n.persons for n in notes) or len(persons) > 1
    if listed:
        details["count"] = len(persons)
        details["references"] = [p.reference for p in persons.values()]
    if len(objects) > 1:
        details["objects"] = [f"{o._meta.label_lower}:{getattr(o, 'uuid', o.pk)}"
                              for o in objects[1:]]
    single = next(iter(persons.values())) if len(persons) == 1 else None
    return build(actor=notes[0].actor, action=action, obj=objects[0] if objects else None,
                 person=single, agency=next((n.agency for n in notes if n.agency), None),
                 object_type="" if objects else "people.person", details=details)


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    count: int
    head: str  # `combine` of the stripes' heads verified
    bad_event_id: int | None = None
    reason: str = ""
    legacy_count: int = 0  # events before the first keyed one, hashed with plain SHA-256
    head_id: int | None = None
    stripes: int = 0


@dataclass
class _Stripe:
    """Where the walk of one stripe is."""
    prev: str = GENESIS
    prev_id: int | None = None
    position: int | None = None  # None while only events from before the stripes were seen
    keyed_seen: bool = False


def _problem(event: AuditEvent, walk: _Stripe) -> str:
    if event.prev_hash != walk.prev:
        return ("its link to the previous event is broken: an event before it was "
                "deleted or inserted")
    if event.position is None and (event.stripe != 0 or walk.position is not None):
        return ("it has no position in its stripe although only events from before the stripes "
                "may lack one, at the start of stripe 0: it was inserted")
    if event.key_id == LEGACY_KEY_ID and (walk.keyed_seen or event.position is not None):
        return ("it has no key although keyed events precede it: the chain was "
                "recomputed without the chain key")
    try:
        if not hmac.compare_digest(compute_hash(event), event.hash):
            return ("its content was altered, or the chain was recomputed without "
                    "the chain key")
    except UnknownChainKey:
        return (f"it was sealed with the key {event.key_id!r}, which AUDIT_CHAIN_KEYS "
                "no longer holds (keep old keys for verification)")
    if event.position is not None and event.position != (walk.position or 0) + 1:
        return (f"it is at position {event.position} of stripe {event.stripe}, where "
                f"{(walk.position or 0) + 1} was expected: an event before it is missing")
    return ""


def verify(chunk_size: int = 5000, events: Iterable[AuditEvent] | None = None) -> VerifyResult:
    """Recompute every stripe's chain from `events` in id order (default: the table; or e.g.
    read from a backup), in one pass. Reports the first event whose link, position, content or
    seal is wrong. Within a stripe, ids follow the chain: its writers are serialised."""
    if events is None:
        events = AuditEvent.objects.order_by("id").iterator(chunk_size=chunk_size)
    walks: dict[int, _Stripe] = {}
    count = legacy = 0
    newest_id = None
    for event in events:
        walk = walks.setdefault(event.stripe, _Stripe())
        reason = _problem(event, walk)
        if reason:
            return VerifyResult(False, count, walk.prev, event.pk, reason, legacy, walk.prev_id,
                                len(walks))
        if event.key_id == LEGACY_KEY_ID:
            legacy += 1
        else:
            walk.keyed_seen = True
        walk.prev, walk.prev_id, walk.position = event.hash, event.pk, event.position
        newest_id = event.pk
        count += 1
    digest = combine((s, w.prev_id, w.prev) for s, w in walks.items())
    return VerifyResult(True, count, digest, legacy_count=legacy, head_id=newest_id,
                        stripes=len(walks))


__all__ = ["AuditAction", "AuditOutcome", "record", "verify", "build",
           "append", "head_hash", "head", "combine", "compute_hash", "consulted",
           "collect_consultations", "flush_consultations", "on_consultation"]
