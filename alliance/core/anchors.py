"""Anchors: the chain's head written outside the database, so that deleting the newest events
is detected too.

A keyed chain (core/audit.py) cannot be recomputed without the key, but the newest events can
simply be deleted: what is left is still a valid chain. So the daily job (and
`manage.py audit_head --anchor`) appends the head to AUDIT_ANCHOR_FILE, one JSON line each,
and/or sends it to syslog (AUDIT_ANCHOR_SYSLOG): the time, the newest event's id, the digest of
the stripes' heads and each stripe's head (stripe, event id, hash), the number of events, the
database it belongs to, and an HMAC of the line with the chain key (so a forged or edited line is
refused). `audit_verify` then checks that every anchored stripe head is still in the chain with
the same hash: deleting the newest events of any stripe is detected. Lines written before the
stripes (no "stripes") name one head event, checked the same way.

The file is opened for appending only; put it where the database's users cannot write (another
disk, an append-only mount, a log server): docs/deployment.md.
"""

import dataclasses
import datetime
import json
import logging
import logging.handlers
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit
from .models import AuditEvent

logger = logging.getLogger(__name__)

_SEALED_FIELDS = ("time", "id", "hash", "count", "database", "key_id")


@dataclass(frozen=True)
class Anchor:
    time: str
    id: int
    hash: str
    count: int
    database: str
    key_id: str
    mac: str = ""
    line: int = 0
    # [[stripe, event id, hash], ...]; None on a line from before the stripes (sealed without)
    stripes: tuple | None = None

    def payload(self) -> dict:
        payload = {name: getattr(self, name) for name in _SEALED_FIELDS}
        if self.stripes is not None:
            payload["stripes"] = [list(s) for s in self.stripes]
        return payload

    def heads(self) -> list[tuple[int, str]]:
        """The (event id, hash) pairs the chain must still hold."""
        if not self.stripes:
            return [(self.id, self.hash)]
        return [(int(i), str(h)) for _s, i, h in self.stripes]


@dataclass(frozen=True)
class AnchorCheck:
    anchors: int  # lines of this database checked
    problems: tuple[str, ...]
    other_databases: int = 0  # lines of another database (staging, a test run): skipped

    @property
    def ok(self) -> bool:
        return not self.problems


def database_identity(using: str = "default") -> str:
    """Which database an anchor belongs to: its vendor, host and name. Taken from the settings,
    which someone who can only write to the database cannot change."""
    conn = connections[using]
    host = conn.settings_dict.get("HOST") or ""
    return f"{conn.vendor}:{host}/{conn.settings_dict.get('NAME')}"


def _message(payload: dict) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()


def make_anchor(head: audit.ChainHead, *, now: datetime.datetime, database: str) -> Anchor:
    key_id = audit.current_key_id()
    anchor = Anchor(time=now.astimezone(datetime.UTC).isoformat(timespec="seconds"),
                    id=head.id, hash=head.hash, count=head.count, database=database,
                    key_id=key_id, stripes=tuple(tuple(s) for s in head.stripes))
    mac = audit.seal(key_id, _message(anchor.payload()))
    return dataclasses.replace(anchor, mac=mac)


def anchor_line(anchor: Anchor) -> str:
    return json.dumps({**anchor.payload(), "mac": anchor.mac}, sort_keys=True,
                      separators=(",", ":"))


def write_anchor(*, now: datetime.datetime | None = None, path: str | None = None,
                 syslog: str | None = None, using: str = "default") -> Anchor | None:
    """Append the current head to the anchor file and/or syslog. None if the chain is empty or
    no destination is configured."""
    path = settings.AUDIT_ANCHOR_FILE if path is None else path
    syslog = settings.AUDIT_ANCHOR_SYSLOG if syslog is None else syslog
    head = audit.head(using)
    if head.id is None or not (path or syslog):
        return None
    anchor = make_anchor(head, now=now or timezone.now(), database=database_identity(using))
    line = anchor_line(anchor)
    if path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        # O_APPEND: each line lands at the end, whoever else writes; fsync: a crash right after
        # cannot lose an anchor that the log already claims.
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(fd, (line + "\n").encode())
            os.fsync(fd)
        finally:
            os.close(fd)
    if syslog:
        _send_to_syslog(syslog, line)
    return anchor


def _send_to_syslog(address: str, line: str) -> None:
    host, sep, port = address.rpartition(":")
    target = (host, int(port)) if sep and port.isdigit() else address
    handler = logging.handlers.SysLogHandler(
        address=target, facility=logging.handlers.SysLogHandler.LOG_AUTH)
    try:
        handler.emit(logging.LogRecord("alliance.audit.anchor", logging.INFO, __file__, 0,
                                       "alliance-audit-anchor %s", (line,), None))
    finally:
        handler.close()


def read_anchors(path: str) -> tuple[list[Anchor], list[str]]:
    """The anchors of a file (the anchor file, or lines copied from syslog: anything before the
    first "{" of a line is ignored), and the problems of lines that cannot be trusted."""
    anchors: list[Anchor] = []
    problems: list[str] = []
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return anchors, problems
    for number, raw in enumerate(text.splitlines(), start=1):
        if "{" not in raw:
            continue
        try:
            data = json.loads(raw[raw.index("{"):])
            stripes = data.get("stripes")
            anchor = Anchor(**{name: data[name] for name in _SEALED_FIELDS},
                            mac=str(data["mac"]), line=number,
                            stripes=None if stripes is None else tuple(
                                (int(s), int(i), str(h)) for s, i, h in stripes))
            expected = audit.seal(anchor.key_id, _message(anchor.payload()))
        except audit.UnknownChainKey as exc:
            problems.append(_("Anchor line %(line)s is sealed with the key %(key)s, which "
                              "AUDIT_CHAIN_KEYS no longer holds.") % {"line": number,
                                                                       "key": exc.args[0]})
            continue
        except (ValueError, KeyError, TypeError):
            problems.append(_("Anchor line %(line)s cannot be read.") % {"line": number})
            continue
        if expected != anchor.mac:
            problems.append(_("Anchor line %(line)s was altered or forged (its seal does not "
                              "match).") % {"line": number})
            continue
        anchors.append(anchor)
    return anchors, problems


def check_anchors(path: str | None = None, *, using: str = "default") -> AnchorCheck:
    """Is every stripe head anchored in `path` (default AUDIT_ANCHOR_FILE) still in the chain,
    with the same hash? An indexed look-up per head, so it stays fast beside `audit.verify`."""
    path = settings.AUDIT_ANCHOR_FILE if path is None else path
    if not path:
        return AnchorCheck(0, ())
    anchors, problems = read_anchors(path)
    here = database_identity(using)
    mine = [a for a in anchors if a.database == here]
    hashes: dict[int, str] = {}
    ids = sorted({event_id for a in mine for event_id, _hash in a.heads()})
    for start in range(0, len(ids), 500):
        hashes.update(AuditEvent.objects.using(using).filter(id__in=ids[start:start + 500])
                      .values_list("id", "hash"))
    for anchor in mine:
        for event_id, event_hash in anchor.heads():
            if hashes.get(event_id) != event_hash:
                problems.append(
                    _("Events were deleted or rewritten after the anchor of %(time)s (event "
                      "#%(id)s, %(count)s events then).")
                    % {"time": anchor.time, "id": event_id, "count": anchor.count})
    return AnchorCheck(len(mine), tuple(problems), len(anchors) - len(mine))


def daily_anchor(today: datetime.date) -> int:
    """The daily job's anchor. Idempotent: nothing new if this database was anchored today.
    An in-memory database (a test run) vanishes with its process: there is nothing to anchor."""
    conn = connections["default"]
    if conn.vendor == "sqlite" and conn.is_in_memory_db():
        return 0
    path = settings.AUDIT_ANCHOR_FILE
    if path:
        anchors, _problems = read_anchors(path)
        here = database_identity()
        if any(a.database == here and a.time[:10] == today.isoformat() for a in anchors):
            return 0
    return 1 if write_anchor() is not None else 0
