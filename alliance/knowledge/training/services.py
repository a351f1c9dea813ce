"""Every write to training sessions: atomic, permission re-checked (access.training_sessions),
409 on a stale version, audited in the same transaction.

A session is planned (its details, attendees and trainer may change, or it is cancelled) until
its trainer records the results of every attendee at once; it is then recorded, and frozen
(SESSION_TRANSITIONS). Recording turns each pass into certifications (assessments'
Certification rows: the assessments app has no service for them):

* a pass of a **certification course** certifies the attendee for the course's instrument from
  the session's last day, for the course's validity, with a booster due after the course's
  booster interval; a current certification of theirs for that instrument is renewed by it (it
  stays, as history, and stops being the current one);
* a pass of a **booster** moves the booster date of the attendee's current certification for
  the instrument (none: the recording is refused, naming them);
* a fail or an absence certifies nothing.
Each certification created or changed has its audit row (before and after), the tasks to renew
it or book its booster are closed, and each attendee is told their result is recorded
(work.py).
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alliance.assessments.models import Certification, Course
from alliance.core import audit
from alliance.core.errors import check_version
from alliance.core.models import AuditAction
from alliance.core.text import checked_text
from alliance.people.key_dates import add_months

from ..entries.screening import enforce
from ..models import (
    MAX_TEXT,
    AttendanceResult,
    SessionKind,
    SessionStatus,
    TrainingAttendance,
    TrainingSession,
)
from . import work
from .access import SessionAction, refusal_message, trainer_reach, training_sessions
from .selectors import eligible_attendees, may_train

# The session status machine (STYLE.md rule 5): results are recorded once, then it is frozen.
SESSION_TRANSITIONS = {
    SessionStatus.PLANNED: {SessionStatus.RECORDED},
    SessionStatus.RECORDED: set(),
}
MAX_ATTENDEES = 200
MAX_SCORE = 100  # a percentage
RECORDABLE = (AttendanceResult.PASSED, AttendanceResult.FAILED, AttendanceResult.ABSENT)


# --- checks --------------------------------------------------------------------------------------

def session_day(session) -> datetime.date:
    """The day a session's certifications count from: its last day."""
    return session.ends_on or session.starts_on


def _clean(*, actor, course, kind, starts_on, ends_on, online, place, agency, trainer, notes,
           confirmed) -> dict:
    """The session's fields, validated (the same rules for a new session and an edit)."""
    errors = {}
    if not isinstance(course, Course):
        errors["course"] = _("Choose the course.")
    if kind not in SessionKind.values:
        errors["kind"] = _("Choose whether it is a certification course or a booster.")
    if starts_on is None:
        errors["starts_on"] = _("Give the session's date.")
    elif ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = _("The last day cannot be before the first.")
    try:
        place = checked_text(place, "place", limit=200)
        notes = checked_text(notes, "notes", limit=MAX_TEXT)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if not online and not place:
        errors["place"] = _("Say where it takes place, or tick “online”.")
    if trainer is None or not may_train(trainer, agency):
        errors["trainer"] = _("Choose a trainer of %(agency)s's jurisdiction or of the "
                              "regional programme.") % {"agency": agency.name}
    if errors:
        raise ValidationError(errors)
    if notes:
        enforce({"notes": notes}, actor=actor, confirmed=confirmed)
    return {"course": course, "kind": kind, "starts_on": starts_on,
            "ends_on": ends_on if ends_on != starts_on else None, "online": bool(online),
            "place": place, "trainer": trainer, "notes": notes}


def _lock(session, expected_version) -> TrainingSession:
    session = TrainingSession.objects.select_for_update(of=("self",)).select_related(
        "course", "agency", "trainer").get(pk=session.pk)
    check_version(session, expected_version)
    return session


def _require(actor, session, action: str) -> None:
    """Re-check on the locked row that `actor` may do `action` (the policy's rule)."""
    if not training_sessions.grant(actor, session).can(action):
        raise PermissionDenied(refusal_message(session, action))


def _summary(session) -> dict:
    return {"course": str(session.course.uuid), "kind": session.kind,
            "starts_on": session.starts_on.isoformat(),
            "ends_on": session.ends_on.isoformat() if session.ends_on else "",
            "online": session.online, "place": session.place,
            "agency": str(session.agency.uuid), "trainer": session.trainer.get_username(),
            "status": session.status, "notes": bool(session.notes)}


# --- sessions ------------------------------------------------------------------------------------

@transaction.atomic
def session_create(*, actor, agency, course, kind: str, starts_on: datetime.date,
                   ends_on: datetime.date | None = None, online: bool = False, place: str = "",
                   trainer=None, notes: str = "", confirmed: bool = False) -> TrainingSession:
    """Plan a session organised by `agency`, where the actor holds the trainer role; its
    trainer is the actor unless another trainer of the jurisdiction is named."""
    if agency is None or agency.pk not in trainer_reach(actor).agencies:
        raise PermissionDenied(_("You plan sessions for an agency where you are a trainer."))
    data = _clean(actor=actor, course=course, kind=kind, starts_on=starts_on, ends_on=ends_on,
                  online=online, place=place, agency=agency, trainer=trainer or actor,
                  notes=notes, confirmed=confirmed)
    session = TrainingSession.objects.create(agency=agency, **data)
    audit.record(actor=actor, action=AuditAction.CREATE, obj=session,
                 details={"after": _summary(session)})
    return session


@transaction.atomic
def session_update(*, actor, session: TrainingSession, expected_version: int | None, course,
                   kind: str, starts_on: datetime.date, ends_on: datetime.date | None = None,
                   online: bool = False, place: str = "", trainer=None, notes: str = "",
                   confirmed: bool = False) -> TrainingSession:
    """Change a planned session (its organising agency stays: plan another session for
    another agency)."""
    session = _lock(session, expected_version)
    _require(actor, session, SessionAction.EDIT)
    before = _summary(session)
    data = _clean(actor=actor, course=course, kind=kind, starts_on=starts_on, ends_on=ends_on,
                  online=online, place=place, agency=session.agency,
                  trainer=trainer or session.trainer, notes=notes, confirmed=confirmed)
    for name, value in data.items():
        setattr(session, name, value)
    session.version += 1
    session.save()
    after = _summary(session)
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=session, details={
        "before": before, "after": after,
        "fields": sorted(k for k in after if after[k] != before[k])})
    return session


@transaction.atomic
def session_cancel(*, actor, session: TrainingSession, expected_version: int | None) -> None:
    """Cancel a planned session: it is deleted with its attendance list."""
    session = _lock(session, expected_version)
    _require(actor, session, SessionAction.CANCEL)
    before = _summary(session)
    before["attendees"] = sorted(session.attendances.values_list("user__username", flat=True))
    uuid = session.uuid
    session.delete()
    audit.record(actor=actor, action=AuditAction.DELETE,
                 object_type=training_sessions.object_type, object_uuid=str(uuid),
                 details={"before": before})


@transaction.atomic
def attendees_set(*, actor, session: TrainingSession, users, expected_version: int | None
                  ) -> TrainingSession:
    """Who attends a planned session: active staff of the organising agency's jurisdiction
    (anyone's, for a session of the regional programme)."""
    session = _lock(session, expected_version)
    _require(actor, session, SessionAction.ATTENDEES)
    wanted = {u.pk: u for u in users}
    if len(wanted) > MAX_ATTENDEES:
        raise ValidationError({"attendees": _("A session has at most %(max)d attendees.") % {
            "max": MAX_ATTENDEES}})
    eligible = set(eligible_attendees(session.agency).filter(pk__in=sorted(wanted))
                   .values_list("pk", flat=True))
    refused = sorted(str(u) for pk, u in wanted.items() if pk not in eligible)
    if refused:
        raise ValidationError({"attendees": _(
            "%(names)s cannot attend: choose active staff of %(agency)s's jurisdiction.") % {
            "names": ", ".join(refused), "agency": session.agency.name}})
    current = {a.user_id: a for a in session.attendances.select_related("user")}
    before = sorted(a.user.get_username() for a in current.values())
    removed = [pk for pk in current if pk not in wanted]
    added = [pk for pk in wanted if pk not in current]
    if not removed and not added:
        return session
    session.attendances.filter(user_id__in=removed).delete()
    TrainingAttendance.objects.bulk_create(
        [TrainingAttendance(session=session, user=wanted[pk]) for pk in added])
    session.version += 1
    session.save(update_fields=["version", "updated_at"])
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=session, details={
        "before": {"attendees": before},
        "after": {"attendees": sorted(u.get_username() for u in wanted.values())}})
    return session


# --- results -------------------------------------------------------------------------------------

def _certification_summary(c: Certification) -> dict:
    return {"user": c.user.get_username(), "instrument_code": c.instrument_code,
            "certified_on": c.certified_on.isoformat(), "expires_on": c.expires_on.isoformat(),
            "booster_due_on": c.booster_due_on.isoformat() if c.booster_due_on else "",
            "course": str(c.course.uuid) if c.course else ""}


def _current(user, instrument_code: str, on: datetime.date) -> Certification | None:
    """The user's latest certification for the instrument that is in force on `on`."""
    return (Certification.objects.select_for_update()
            .filter(user=user, instrument_code=instrument_code, revoked=False,
                    certified_on__lte=on, expires_on__gte=on)
            .order_by("-certified_on", "-pk").first())


def _certify(actor, session, attendance) -> Certification:
    """A pass of a certification course: a new certification, renewing the current one."""
    course, day = session.course, session_day(session)
    previous = _current(attendance.user, course.instrument_code, day)
    certification = Certification.objects.create(
        user=attendance.user, instrument_code=course.instrument_code, course=course,
        certified_on=day, expires_on=add_months(day, course.validity_months),
        booster_due_on=(add_months(day, course.booster_after_months)
                        if course.booster_after_months else None))
    audit.record(actor=actor, action=AuditAction.CREATE, obj=certification, details={
        "before": _certification_summary(previous) if previous else None,
        "after": _certification_summary(certification),
        "renews": str(previous.uuid) if previous else "", "session": str(session.uuid)})
    if previous is not None:
        work.on_renewed(previous, actor)
    return certification


def _boost(actor, session, attendance, certification) -> Certification:
    """A pass of a booster: the current certification's booster date moves on."""
    before = _certification_summary(certification)
    day, months = session_day(session), session.course.booster_after_months
    certification.booster_due_on = add_months(day, months) if months else None
    certification.save(update_fields=["booster_due_on", "updated_at"])
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=certification, details={
        "before": before, "after": _certification_summary(certification),
        "session": str(session.uuid)})
    work.on_boosted(certification, actor)
    return certification


def _clean_results(session, attendances, results, *, actor, confirmed) -> dict:
    """{attendance id: (result, score, note)} for every attendee, or ValidationError naming
    each problem under "results.<n>.<field>" (n: the attendee's place in the session's list)."""
    by_user = {a.user.uuid: (n, a) for n, a in enumerate(attendances)}
    errors: dict[str, list] = {}
    cleaned: dict[int, tuple] = {}
    notes = {}
    for row in results:
        user_uuid = getattr(row.get("user"), "uuid", row.get("user"))
        if user_uuid not in by_user:
            errors.setdefault("results", []).append(_(
                "%(user)s does not attend this session.") % {"user": row.get("user")})
            continue
        n, attendance = by_user[user_uuid]
        name = str(attendance.user)
        result, score = row.get("result"), row.get("score")
        if result not in RECORDABLE:
            errors[f"results.{n}.result"] = [_("%(user)s: choose passed, not passed or "
                                               "absent.") % {"user": name}]
        if score is not None and not 0 <= score <= MAX_SCORE:
            errors[f"results.{n}.score"] = [_("%(user)s: give a score from 0 to %(max)d.") % {
                "user": name, "max": MAX_SCORE}]
        if result == AttendanceResult.ABSENT and score is not None:
            errors[f"results.{n}.score"] = [_("%(user)s was absent: leave the score empty.")
                                            % {"user": name}]
        note = (row.get("note") or "").strip()
        if len(note) > 500:
            errors[f"results.{n}.note"] = [_("Keep this under %(max)d characters.") % {
                "max": 500}]
        elif note:
            notes[f"results.{n}.note"] = note
        cleaned[attendance.pk] = (result, score, note)
    missing = [str(a.user) for a in attendances if a.pk not in cleaned]
    if missing:
        errors.setdefault("results", []).append(_(
            "Record a result for every attendee: %(names)s has none.") % {
            "names": ", ".join(missing)})
    if errors:
        raise ValidationError(errors)
    if notes:
        enforce(notes, actor=actor, confirmed=confirmed)
    return cleaned


@transaction.atomic
def results_record(*, actor, session: TrainingSession, expected_version: int | None, results,
                   confirmed: bool = False) -> TrainingSession:
    """Record every attendee's result at once (`results`: [{"user": user or uuid, "result",
    "score", "note"}]) after the session took place; passes certify (see the module's
    docstring). The session is then recorded, and frozen."""
    session = _lock(session, expected_version)
    _require(actor, session, SessionAction.RECORD)
    if SessionStatus.RECORDED not in SESSION_TRANSITIONS[SessionStatus(session.status)]:
        raise ValidationError(_("The results of this session are already recorded."))
    if session_day(session) > timezone.localdate():
        raise ValidationError({"results": _(
            "Record results after the session has taken place (on %(day)s).") % {
            "day": session_day(session).isoformat()}})
    attendances = list(session.attendances.select_for_update(of=("self",))
                       .select_related("user").order_by("user__last_name",
                                                        "user__first_name", "pk"))
    if not attendances:
        raise ValidationError({"results": _("Add the attendees before recording results.")})
    cleaned = _clean_results(session, attendances, results, actor=actor, confirmed=confirmed)
    course, day = session.course, session_day(session)
    boosted = {}
    if session.kind == SessionKind.BOOSTER:
        errors = {}
        for n, a in enumerate(attendances):
            if cleaned[a.pk][0] == AttendanceResult.PASSED:
                boosted[a.pk] = _current(a.user, course.instrument_code, day)
                if boosted[a.pk] is None:
                    errors[f"results.{n}.result"] = [_(
                        "%(user)s holds no current certification for %(instrument)s: enrol "
                        "them in a certification course.") % {
                        "user": a.user, "instrument": course.instrument_code}]
        if errors:
            raise ValidationError(errors)
    outcome = {}
    for a in attendances:
        a.result, a.score, a.note = cleaned[a.pk]
        if a.result == AttendanceResult.PASSED:
            a.certification = (_boost(actor, session, a, boosted[a.pk])
                               if session.kind == SessionKind.BOOSTER
                               else _certify(actor, session, a))
        a.save()
        outcome[a.user.get_username()] = a.result
    session.status = SessionStatus.RECORDED
    session.recorded_at = timezone.now()
    session.version += 1
    session.save()
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=session, details={
        "before": {"status": SessionStatus.PLANNED},
        "after": {"status": session.status, "results": outcome}})
    for a in attendances:
        work.on_results(session, a, actor)
    return session
