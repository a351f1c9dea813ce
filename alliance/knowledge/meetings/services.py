"""Every write to meetings: atomic, the permission re-checked, 409 on a stale version, audited
with the values before and after (counts and codes; the texts by name only).

A meeting's free text (title, agenda, outcomes, the participants' names) passes the person-data
check (entries/screening.py): a person's reference is refused; a name of a person in the system,
a reference-like number or a date of birth is a warning the recorder confirms (`confirmed`).
Staff's names are what the names field is for: they warn only when they match a prisoner's."""

import datetime
from typing import NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _

from alliance.core import audit
from alliance.core.errors import check_version
from alliance.core.models import AuditAction
from alliance.core.text import checked_text as _text

from ..entries.screening import enforce
from ..models import MAX_TEXT, KnowledgeEntry, Meeting, MeetingKind, MeetingParticipation
from .access import MeetingAction, meetings, records_meetings
from .selectors import presentable_entries

MAX_PARTICIPANTS = 10_000
REGIONAL = "regional"  # the regional programme's row (no jurisdiction), in audit details


class Participation(NamedTuple):
    """Who took part from one jurisdiction (None: the regional programme)."""

    jurisdiction: object
    participants: int
    names: str = ""


def _key(jurisdiction) -> str:
    return jurisdiction.code if jurisdiction is not None else REGIONAL


def _clean_participations(rows, errors: dict) -> list[Participation]:
    cleaned, seen = [], set()
    for n, row in enumerate(rows or []):
        row = Participation(*row)
        key = row.jurisdiction.pk if row.jurisdiction is not None else None
        name = str(row.jurisdiction) if row.jurisdiction is not None else _(
            "the regional programme")
        if key in seen:
            errors.setdefault("participations", []).append(_(
                "%(jurisdiction)s is listed twice: give each jurisdiction one row.") % {
                "jurisdiction": name})
            continue
        seen.add(key)
        count = row.participants
        if not isinstance(count, int) or isinstance(count, bool) or not (
                1 <= count <= MAX_PARTICIPANTS):
            errors[f"participations.{n}.participants"] = [_(
                "Give the number of participants from %(jurisdiction)s (at least 1), or leave "
                "the row out.") % {"jurisdiction": name}]
            continue
        try:
            names = _text(row.names, f"participations.{n}.names", limit=MAX_TEXT)
        except ValidationError as exc:
            errors.update(exc.message_dict)
            continue
        cleaned.append(Participation(row.jurisdiction, count, names))
    return cleaned


def _clean_entries(entries, meeting, errors: dict) -> list[KnowledgeEntry]:
    """Only published entries may be presented; one the meeting already lists stays even if it
    was withdrawn since (it was presented)."""
    entries = list({e.pk: e for e in entries or []}.values())
    allowed = set(presentable_entries(meeting).filter(
        pk__in=[e.pk for e in entries]).values_list("pk", flat=True))
    refused = [e for e in entries if e.pk not in allowed]
    if refused:
        errors["entries"] = [_("Only published entries can be presented: %(entries)s is not "
                               "published.") % {"entries": ", ".join(str(e) for e in refused)}]
    return entries


def _clean(*, actor, meeting, kind, title, starts_on, ends_on, online, place, agenda, outcomes,
           participations, entries, confirmed) -> tuple[dict, list, list]:
    """The meeting's fields, its participations and its entries, validated (the same rules
    for a new meeting and a change), then the person-data check on every text."""
    errors: dict = {}
    if kind not in MeetingKind.values:
        errors["kind"] = [_("Choose a working-group meeting or a training.")]
    if not isinstance(starts_on, datetime.date):
        errors["starts_on"] = [_("Give the date of the meeting.")]
    elif ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = [_("The meeting cannot end before it starts: give a date on or "
                               "after %(day)s, or leave it empty for one day.") % {
            "day": formats.date_format(starts_on, "SHORT_DATE_FORMAT")}]
    fields = {}
    for name, value, required, message, limit in (
            ("title", title, True, _("Give the meeting a title."), 300),
            ("place", place, False, "", 200),
            ("agenda", agenda, False, "", MAX_TEXT),
            ("outcomes", outcomes, False, "", MAX_TEXT)):
        try:
            fields[name] = _text(value, name, required=required, message=message, limit=limit)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    online = bool(online)
    if not online and "place" in fields and not fields["place"]:
        errors["place"] = [_("Say where the meeting takes place, or mark it as online.")]
    rows = _clean_participations(participations, errors)
    entries = _clean_entries(entries, meeting, errors)
    if errors:
        raise ValidationError(errors)
    # Only what is new is checked: a text saved before passed (or was confirmed) then.
    before = _texts(meeting) if meeting is not None else {}
    texts = {"title": fields["title"], "agenda": fields["agenda"],
             "outcomes": fields["outcomes"]}
    for n, row in enumerate(rows):  # all rows passed, so the indexes are the caller's
        texts[f"participations.{n}.names"] = row.names
    keys = {f"participations.{n}.names": ("names", _key(row.jurisdiction))
            for n, row in enumerate(rows)}
    enforce({k: v for k, v in texts.items() if v and before.get(keys.get(k, k)) != v},
            actor=actor, confirmed=confirmed)
    data = {"kind": kind, "starts_on": starts_on, "ends_on": ends_on, "online": online,
            **fields}
    return data, rows, entries


def _texts(meeting) -> dict:
    """The free text saved on a meeting: its own fields, and the names by jurisdiction."""
    texts = {"title": meeting.title, "agenda": meeting.agenda, "outcomes": meeting.outcomes}
    for p in meeting.participations.select_related("jurisdiction"):
        texts["names", _key(p.jurisdiction)] = p.names
    return texts


def _state(meeting, rows, entries) -> dict:
    """What the audit trail keeps of a meeting: its facts, who came (counts), what was
    presented; the agenda and outcomes by length only."""
    return {"kind": meeting.kind, "title": meeting.title,
            "starts_on": meeting.starts_on.isoformat(),
            "ends_on": meeting.ends_on.isoformat() if meeting.ends_on else None,
            "online": meeting.online, "place": meeting.place,
            "agenda_chars": len(meeting.agenda), "outcomes_chars": len(meeting.outcomes),
            "participants": {_key(r.jurisdiction): r.participants for r in rows},
            "entries": sorted(str(e.uuid) for e in entries)}


def _current(meeting) -> tuple[list, list]:
    rows = [Participation(p.jurisdiction, p.participants, p.names)
            for p in meeting.participations.select_related("jurisdiction")]
    return rows, list(meeting.entries.all())


def _save_related(meeting, rows, entries) -> None:
    meeting.participations.all().delete()
    MeetingParticipation.objects.bulk_create([
        MeetingParticipation(meeting=meeting, jurisdiction=r.jurisdiction,
                             participants=r.participants, names=r.names) for r in rows])
    meeting.entries.set(entries)


def _changed(before: dict, after: dict) -> list[str]:
    return sorted(k for k in after if before.get(k) != after[k])


@transaction.atomic
def meeting_create(*, actor, kind: str, title: str, starts_on: datetime.date,
                   ends_on: datetime.date | None = None, online: bool = False, place: str = "",
                   agenda: str = "", outcomes: str = "", participations=(), entries=(),
                   confirmed: bool = False) -> Meeting:
    """Record a working-group meeting or a training of the regional programme (its
    coordinators and knowledge editors), with its participants by jurisdiction and the
    published entries presented."""
    if not records_meetings(actor):
        raise PermissionDenied(_("Meetings are recorded by the regional coordinators and the "
                                 "regional programme's knowledge editors."))
    data, rows, chosen = _clean(
        actor=actor, meeting=None, kind=kind, title=title, starts_on=starts_on,
        ends_on=ends_on, online=online, place=place, agenda=agenda, outcomes=outcomes,
        participations=participations, entries=entries, confirmed=confirmed)
    meeting = Meeting.objects.create(created_by=actor, **data)
    _save_related(meeting, rows, chosen)
    audit.record(actor=actor, action=AuditAction.CREATE, obj=meeting,
                 details={"before": None, "after": _state(meeting, rows, chosen)})
    return meeting


def _locked(meeting, expected_version) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    check_version(meeting, expected_version)
    return meeting


def _require(actor, meeting, action: str) -> None:
    if not meetings.grant(actor, meeting).can(action):
        raise PermissionDenied(
            _("Only a regional coordinator deletes a meeting.") if action == MeetingAction.DELETE
            else _("Meetings are changed by the regional coordinators and the regional "
                   "programme's knowledge editors."))


@transaction.atomic
def meeting_update(*, actor, meeting: Meeting, expected_version: int | None, kind: str,
                   title: str, starts_on: datetime.date, ends_on: datetime.date | None = None,
                   online: bool = False, place: str = "", agenda: str = "", outcomes: str = "",
                   participations=(), entries=(), confirmed: bool = False) -> Meeting:
    """Change a meeting as a whole (its participations and entries replaced by those given)."""
    meeting = _locked(meeting, expected_version)
    _require(actor, meeting, MeetingAction.EDIT)
    data, rows, chosen = _clean(
        actor=actor, meeting=meeting, kind=kind, title=title, starts_on=starts_on,
        ends_on=ends_on, online=online, place=place, agenda=agenda, outcomes=outcomes,
        participations=participations, entries=entries, confirmed=confirmed)
    old_rows, old_entries = _current(meeting)
    before = _state(meeting, old_rows, old_entries)
    names_changed = ({_key(r.jurisdiction): r.names for r in old_rows}
                     != {_key(r.jurisdiction): r.names for r in rows})
    texts_changed = [k for k in ("agenda", "outcomes") if getattr(meeting, k) != data[k]]
    for name, value in data.items():
        setattr(meeting, name, value)
    after = _state(meeting, rows, chosen)
    changed = sorted({*_changed(before, after), *texts_changed,
                      *(["names"] if names_changed else [])})
    if not changed:
        return meeting
    meeting.version += 1
    meeting.save()
    _save_related(meeting, rows, chosen)
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=meeting,
                 details={"fields": changed,
                          "before": {k: before[k] for k in changed if k in before},
                          "after": {k: after[k] for k in changed if k in after}})
    return meeting


@transaction.atomic
def meeting_delete(*, actor, meeting: Meeting, expected_version: int | None = None) -> None:
    """Delete a meeting recorded by mistake (a regional coordinator); what it held is kept in
    the audit event."""
    meeting = _locked(meeting, expected_version)
    _require(actor, meeting, MeetingAction.DELETE)
    before = _state(meeting, *_current(meeting))
    uuid = meeting.uuid
    meeting.delete()
    audit.record(actor=actor, action=AuditAction.DELETE, object_type="knowledge.meeting",
                 object_uuid=str(uuid), details={"before": before, "after": None})
