"""Every write to enrolments, sessions, offers and refusals, stages of change and
working-alliance measures: atomic, permission re-checked with the policy's grant, validated,
audited. What follows from a write (a concern, a refusal pattern, an alliance measure falling
due) is done in the same transaction through work.py and the assessments' trigger."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alliance.assessments.instruments.scoring import compute_outputs, validate_ratings
from alliance.assessments.models import DueReason, InstrumentKind
from alliance.assessments.services import mark_reassessment_due
from alliance.core import audit
from alliance.core.compartments import Compartment
from alliance.core.errors import check_version
from alliance.core.models import AuditAction
from alliance.people import timeline
from alliance.people.access import person_grant

from .. import work
from ..access import WorkAction, holds, sessions, work_grant
from ..models import (
    AllianceMeasure,
    AllianceOccasion,
    Attendance,
    Enrolment,
    EnrolmentStatus,
    Offer,
    OfferResponse,
    RefusalReason,
    Session,
    Stage,
    StageOfChange,
    Strategy,
)
from .plans import _text, check_works_with

MAX_SERIES = 52  # weekly sessions scheduled at once: a year


def _work(actor, person, action: str, message: str):
    grant = work_grant(actor, person, person_grant(actor, person))
    if not grant.can(action):
        raise PermissionDenied(message)
    return grant


# --- enrolments ----------------------------------------------------------------------------------

@transaction.atomic
def enrolment_create(*, actor, person, intervention, practitioner, started_on: datetime.date,
                     planned_sessions: int | None = None, step=None) -> Enrolment:
    """Enrol the person in an intervention of their jurisdiction's catalogue, led by a
    practitioner who works with them."""
    _work(actor, person, WorkAction.MANAGE, _(
        "Enrolments are made by the case manager and the treatment staff of the agency "
        "responsible for the person."))
    errors = {}
    if intervention.jurisdiction_id != person.jurisdiction_id:
        errors["intervention"] = _("This intervention is in the catalogue of another "
                                   "jurisdiction.")
    elif not intervention.is_active:
        errors["intervention"] = _("This intervention is no longer offered.")
    check_works_with(errors, "practitioner", practitioner, person)
    if planned_sessions is not None and not 1 <= planned_sessions <= 500:
        errors["planned_sessions"] = _("Plan between 1 and 500 sessions.")
    if step is not None and step.goal.plan.person_id != person.pk:
        errors["step"] = _("This step is not part of this person's plan.")
    if errors:
        raise ValidationError(errors)
    enrolment = Enrolment.objects.create(
        person=person, intervention=intervention, practitioner=practitioner, step=step,
        planned_sessions=planned_sessions or intervention.typical_sessions,
        started_on=started_on, created_by=actor)
    timeline.add(person=person, kind="enrolment_started", compartment=Compartment.CASE_TEAM,
                 actor=actor, params={"intervention": intervention.name})
    audit.record(actor=actor, action=AuditAction.CREATE, obj=enrolment, person=person,
                 details={"intervention": intervention.code,
                          "practitioner": practitioner.get_username()})
    return enrolment


@transaction.atomic
def enrolment_end(*, actor, enrolment, expected_version, status: str, ended_on: datetime.date,
                  reason: str = "") -> Enrolment:
    """Close an enrolment as completed or ended early (with the reason); the sessions still
    planned after its end are cancelled (removed from the diaries), the recorded ones stay."""
    enrolment = Enrolment.objects.select_for_update().select_related(
        "person", "intervention").get(pk=enrolment.pk)
    check_version(enrolment, expected_version)
    _work(actor, enrolment.person, WorkAction.MANAGE, _(
        "Enrolments are closed by the case manager and the treatment staff of the agency "
        "responsible for the person."))
    errors = {}
    if enrolment.status != EnrolmentStatus.ACTIVE:
        errors["status"] = _("This enrolment has already ended.")
    elif status not in (EnrolmentStatus.COMPLETED, EnrolmentStatus.ENDED):
        errors["status"] = _("Say whether it was completed or ended early.")
    if ended_on < enrolment.started_on or ended_on > timezone.localdate():
        errors["ended_on"] = _("The end date must be between the start and today.")
    if status == EnrolmentStatus.ENDED and not reason.strip():
        errors["reason"] = _("Say why it ended early.")
    if errors:
        raise ValidationError(errors)
    pending = Session.objects.filter(enrolment=enrolment, attendance="",
                                     scheduled_at__date__gt=ended_on)
    removed = [str(s.uuid) for s in pending]
    pending.delete()
    enrolment.status, enrolment.ended_on = status, ended_on
    enrolment.end_reason = _text(reason, "reason", required=False)
    enrolment.version += 1
    enrolment.save()
    timeline.add(person=enrolment.person, kind=f"enrolment_{status}",
                 compartment=Compartment.CASE_TEAM, actor=actor,
                 params={"intervention": enrolment.intervention.name})
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=enrolment, person=enrolment.person,
                 details={"status": status, "planned_sessions_removed": removed})
    work.on_enrolment_ended(enrolment, actor)
    return enrolment


# --- sessions ------------------------------------------------------------------------------------

@transaction.atomic
def sessions_schedule(*, actor, enrolment, first_at: datetime.datetime, count: int = 1,
                      every_days: int = 7, duration_minutes: int = 60,
                      facilitator=None) -> list[Session]:
    """Plan one session, or a series (`count` sessions, `every_days` apart)."""
    _work(actor, enrolment.person, WorkAction.MANAGE, _(
        "Sessions are planned by the case manager and the treatment staff of the agency "
        "responsible for the person."))
    facilitator = facilitator or enrolment.practitioner
    errors = {}
    if enrolment.status != EnrolmentStatus.ACTIVE:
        errors["__all__"] = _("This enrolment has ended: enrol the person again to plan more "
                              "sessions.")
    if not 1 <= count <= MAX_SERIES:
        errors["count"] = _("Plan between 1 and %(max)d sessions at a time.") % {
            "max": MAX_SERIES}
    if not 1 <= every_days <= 60:
        errors["every_days"] = _("Leave between 1 and 60 days between sessions.")
    if not 10 <= duration_minutes <= 480:
        errors["duration_minutes"] = _("A session lasts between 10 minutes and 8 hours.")
    if first_at.date() < enrolment.started_on:
        errors["first_at"] = _("A session cannot come before the enrolment starts.")
    check_works_with(errors, "facilitator", facilitator, enrolment.person)
    if errors:
        raise ValidationError(errors)
    created = [Session.objects.create(
        enrolment=enrolment, person=enrolment.person, facilitator=facilitator,
        scheduled_at=first_at + datetime.timedelta(days=every_days * i),
        duration_minutes=duration_minutes) for i in range(count)]
    audit.record(actor=actor, action=AuditAction.CREATE, object_type="plans.session",
                 person=enrolment.person, details={
                     "enrolment": str(enrolment.uuid), "count": count,
                     "sessions": [str(s.uuid) for s in created],
                     "facilitator": facilitator.get_username()})
    return created


def _check_refusal(fields: dict, errors: dict) -> None:
    if fields.get("reason") not in RefusalReason.values:
        errors["reason"] = _("Record the reason the person gave (or that they gave none).")
    if fields.get("strategy") not in Strategy.values:
        errors["strategy"] = _("Record the strategy you will try next.")


@transaction.atomic
def session_record(*, actor, session, expected_version, attendance: str, note: str = "",
                   shared_summary: str = "", concern: bool = False,
                   rupture_suspected: bool = False, reason: str = "", reason_words: str = "",
                   strategy: str = "", strategy_note: str = "",
                   correction_reason: str = "") -> Session:
    """Record what happened at a session: attendance (a refusal with the reason given and the
    strategy tried next), the note (treatment staff only), the summary shared with the case
    team, a concern (a task and a notification for the case manager) and a suspected rupture
    of the working alliance (a measure falls due). Later calls amend the note, the summary and
    the flags; a different attendance is a correction, which needs its reason: a refusal it
    replaces is withdrawn (audited), a refusal it records counts like any other."""
    session = Session.objects.select_for_update().select_related(
        "person__jurisdiction", "person__responsible_agency", "enrolment__intervention",
        "facilitator").get(pk=session.pk)
    check_version(session, expected_version)
    grant = sessions.grant(actor, session)
    if not grant.can(WorkAction.RECORD):
        raise PermissionDenied(_("A session is recorded by its facilitator, the case manager or "
                                 "the treatment staff of the agency responsible for the person."))
    errors = {}
    first = not session.is_recorded
    previous = session.attendance
    correcting = not first and bool(attendance) and attendance != previous
    if (first or correcting) and attendance not in Attendance.values:
        errors["attendance"] = _("Record whether the person attended.")
    elif correcting and not correction_reason.strip():
        errors["correction_reason"] = _(
            "Attendance was recorded as “%(attendance)s”: say why it is corrected.") % {
            "attendance": session.get_attendance_display()}
    attendance = attendance or session.attendance
    if attendance in (Attendance.ATTENDED, Attendance.NOT_PRODUCED) \
            and session.scheduled_at > timezone.now():
        errors["attendance"] = _("This session has not happened yet: it cannot be recorded as "
                                 "attended or not produced before its time.")
    note = _text(note, "note", required=False)
    if note and not holds(grant, Compartment.TREATMENT):
        errors["note"] = _("Session notes belong to the treatment staff; write what the case "
                           "team may know in the shared summary.")
    if (first or correcting) and attendance == Attendance.REFUSED:
        _check_refusal({"reason": reason, "strategy": strategy}, errors)
    if errors:
        raise ValidationError(errors)
    raised = concern and not session.concern
    rupture = rupture_suspected and not session.rupture_suspected
    changed = []
    if first:
        session.attendance, session.recorded_at, session.recorded_by = \
            attendance, timezone.now(), actor
        changed.append("attendance")
    elif correcting:
        session.attendance, session.corrected_at = attendance, timezone.now()
        session.correction_reason = _text(correction_reason, "correction_reason")
        changed += ["attendance", "correction_reason"]
        withdrawn = Offer.objects.filter(session=session).first()
        if withdrawn is not None:
            audit.record(actor=actor, action=AuditAction.DELETE, obj=withdrawn,
                         person=session.person, details={"session": str(session.uuid),
                                                         "reason": "attendance_corrected"})
            withdrawn.delete()
    for name, value in (("note", note), ("shared_summary",
                                         _text(shared_summary, "shared_summary", required=False)),
                        ("concern", concern or session.concern),
                        ("rupture_suspected", rupture_suspected or session.rupture_suspected)):
        if name == "note" and not holds(grant, Compartment.TREATMENT):
            continue
        if getattr(session, name) != value:
            setattr(session, name, value)
            changed.append(name)
    if not changed:
        return session
    session.version += 1
    session.save()
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=session, person=session.person,
                 details={"fields": changed, "attendance": session.attendance,
                          "concern": session.concern,
                          **({"attendance_before": previous} if correcting else {})})
    if (first or correcting) and attendance == Attendance.REFUSED:
        _offer_create(actor=actor, person=session.person,
                      intervention=session.enrolment.intervention, session=session,
                      offered_on=timezone.localtime(session.scheduled_at).date(),
                      response=OfferResponse.REFUSED, reason=reason, reason_words=reason_words,
                      strategy=strategy, strategy_note=strategy_note)
    if raised:
        timeline.add(person=session.person, kind="session_concern",
                     compartment=Compartment.CASE_TEAM, actor=actor,
                     params={"intervention": session.enrolment.intervention.name})
        work.on_session_concern(session, actor)
    if ((first or correcting) and attendance == Attendance.ATTENDED) or rupture:
        work.on_alliance_check(session.enrolment, actor, rupture=rupture)
    return session


# --- offers, refusals and the refusal pattern ----------------------------------------------------

def _offer_create(*, actor, person, intervention, offered_on, response, reason, reason_words,
                  strategy, strategy_note, session=None) -> Offer:
    offer = Offer.objects.create(
        person=person, intervention=intervention, session=session, offered_on=offered_on,
        offered_by=actor, response=response,
        reason=reason if response == OfferResponse.REFUSED else "",
        reason_words=_text(reason_words, "reason_words", required=False),
        strategy=strategy if response == OfferResponse.REFUSED else "",
        strategy_note=_text(strategy_note, "strategy_note", required=False))
    audit.record(actor=actor, action=AuditAction.CREATE, obj=offer, person=person,
                 details={"response": response, "reason": offer.reason,
                          "strategy": offer.strategy,
                          "session": str(session.uuid) if session else ""})
    if response == OfferResponse.REFUSED:
        _check_refusal_pattern(actor, person, offer)
    return offer


def refusals_in_window(person, on: datetime.date, *, exclude=None) -> int:
    days = person.jurisdiction.refusal_pattern_days
    refusals = Offer.objects.filter(
        person=person, response=OfferResponse.REFUSED,
        offered_on__gt=on - datetime.timedelta(days=days), offered_on__lte=on)
    if exclude is not None:
        refusals = refusals.exclude(pk=exclude.pk)
    return refusals.count()


def _check_refusal_pattern(actor, person, offer) -> None:
    """The refusal that makes the pattern (N refusals within D days, the jurisdiction's policy)
    marks a reassessment due through the assessments' significant-event trigger and tells the
    case manager; the person is on the not-engaging worklist while the pattern lasts."""
    threshold = person.jurisdiction.refusal_pattern_count
    before = refusals_in_window(person, offer.offered_on, exclude=offer)
    if before < threshold <= before + 1:
        mark_reassessment_due(person=person, reason=DueReason.SIGNIFICANT_EVENT,
                              compartment=Compartment.CASE_TEAM, actor=actor)
        timeline.add(person=person, kind="refusal_pattern", compartment=Compartment.CASE_TEAM,
                     actor=actor, params={"count": threshold,
                                          "days": person.jurisdiction.refusal_pattern_days})
        work.on_refusal_pattern(person, offer, actor)


@transaction.atomic
def offer_record(*, actor, person, offered_on: datetime.date, response: str, intervention=None,
                 reason: str = "", reason_words: str = "", strategy: str = "",
                 strategy_note: str = "") -> Offer:
    """Record an offer (of an intervention, or of work in general) and the person's answer; a
    refusal needs the reason they gave and the strategy tried next."""
    _work(actor, person, WorkAction.MANAGE, _(
        "Offers are recorded by the case manager and the treatment staff of the agency "
        "responsible for the person."))
    errors = {}
    if response not in OfferResponse.values:
        errors["response"] = _("Record whether the person accepted or refused.")
    if response == OfferResponse.REFUSED:
        _check_refusal({"reason": reason, "strategy": strategy}, errors)
    if offered_on > timezone.localdate():
        errors["offered_on"] = _("An offer cannot be recorded before it is made.")
    if intervention is not None and intervention.jurisdiction_id != person.jurisdiction_id:
        errors["intervention"] = _("This intervention is in the catalogue of another "
                                   "jurisdiction.")
    if errors:
        raise ValidationError(errors)
    return _offer_create(actor=actor, person=person, intervention=intervention,
                         offered_on=offered_on, response=response, reason=reason,
                         reason_words=reason_words, strategy=strategy,
                         strategy_note=strategy_note)


# --- stage of change -----------------------------------------------------------------------------

@transaction.atomic
def stage_record(*, actor, person, stage: str, assessed_on: datetime.date,
                 rationale: str) -> StageOfChange:
    """Record the person's stage of change with its rationale (treatment staff)."""
    grant = person_grant(actor, person)
    if not holds(grant, Compartment.TREATMENT):
        raise PermissionDenied(_("The stage of change is judged by the treatment staff."))
    errors = {}
    if stage not in Stage.values:
        errors["stage"] = _("Choose a stage of change.")
    if assessed_on > timezone.localdate():
        errors["assessed_on"] = _("A stage of change cannot be recorded for a future date.")
    try:
        rationale = _text(rationale, "rationale")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    previous = StageOfChange.objects.filter(person=person).order_by("-assessed_on", "-pk").first()
    entry = StageOfChange.objects.create(person=person, stage=stage, assessed_on=assessed_on,
                                         rationale=rationale, recorded_by=actor)
    if previous is None or previous.stage != stage:
        timeline.add(person=person, kind="stage_of_change", compartment=Compartment.CASE_TEAM,
                     actor=actor, params={"stage": stage})
    audit.record(actor=actor, action=AuditAction.CREATE, obj=entry, person=person,
                 details={"stage": stage})
    return entry


# --- the working alliance ------------------------------------------------------------------------

def alliance_scores(instrument_version, ratings: dict) -> dict:
    """Subscale code -> mean (None when too few answers), from the instrument's subscales
    outputs (advisory)."""
    outputs = compute_outputs(instrument_version.parsed, ratings)
    scores = {}
    for result in outputs.values():
        if result.type.value == "subscales":
            for code, sub in result.value.items():
                scores[code] = None if sub.value is None else round(float(sub.value), 2)
    return scores


@transaction.atomic
def alliance_record(*, actor, person, instrument_version, practitioner,
                    taken_on: datetime.date, ratings: dict, occasion: str, enrolment=None,
                    note: str = "") -> AllianceMeasure:
    """Record a working-alliance measure the person completed about their work with a
    practitioner (treatment staff). Closes the measure's task for that enrolment."""
    grant = person_grant(actor, person)
    if not holds(grant, Compartment.TREATMENT):
        raise PermissionDenied(_("Working-alliance measures are recorded by the treatment "
                                 "staff."))
    errors = {}
    if instrument_version.instrument.kind != InstrumentKind.ALLIANCE \
            or not instrument_version.is_active:
        errors["instrument_version"] = _("Choose a working-alliance instrument that is offered.")
    if occasion not in AllianceOccasion.values:
        errors["occasion"] = _("Choose the occasion.")
    if taken_on > timezone.localdate():
        errors["taken_on"] = _("A measure cannot be recorded for a future date.")
    if enrolment is not None and enrolment.person_id != person.pk:
        errors["enrolment"] = _("This enrolment is not this person's.")
    check_works_with(errors, "practitioner", practitioner, person)
    if not isinstance(ratings, dict) or not ratings:
        errors["ratings"] = _("Record the person's answers.")
    elif "instrument_version" not in errors:
        definition = instrument_version.parsed
        unknown = set(ratings) - {item.code for item in definition.items}
        if unknown:
            errors["ratings"] = _("Unknown item: %(codes)s") % {"codes": ", ".join(sorted(unknown))}
        else:
            for code in validate_ratings(definition, ratings):
                errors[f"item_{code}"] = _("%(item)s: this answer is not on the item's scale.") % {
                    "item": code}
    if errors:
        raise ValidationError(errors)
    measure = AllianceMeasure.objects.create(
        person=person, practitioner=practitioner, enrolment=enrolment,
        instrument_version=instrument_version, occasion=occasion, taken_on=taken_on,
        ratings=ratings, scores=alliance_scores(instrument_version, ratings),
        note=_text(note, "note", required=False), recorded_by=actor)
    audit.record(actor=actor, action=AuditAction.CREATE, obj=measure, person=person,
                 details={"occasion": occasion, "practitioner": practitioner.get_username(),
                          "instrument": instrument_version.reference})
    if enrolment is not None:
        work.on_alliance_recorded(enrolment, actor)
    return measure

