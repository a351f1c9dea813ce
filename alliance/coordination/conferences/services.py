"""Every write of case conferences: atomic, permission re-checked, the edit version compared
(409), validated with the reason, audited and on the timeline (the case team's share).

* `conference_schedule`: the person needs an open case; each attendee sits for an agency (their
  place on the case team, else their membership) that is the responsible one or may receive
  the case team's share under an agreement in force; a task for each, and an invitation.
* `conference_reschedule`, `conference_cancel`: the tasks move with it, or are cancelled.
* `conference_record_minutes`: who came, what was shared (each item a disclosure to every other
  attending agency, under the agreement that covers its category: none, and it is refused),
  decisions, new actions (each with an owner and a due date: a task), and the follow-up of the
  open actions of earlier conferences. A held conference completes the person's open
  pre-release "case conference" step.
* `action_close`: an action done or dropped from the owner's worklist.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alliance.cases.models import CaseStatus
from alliance.core import audit
from alliance.core.compartments import DataCategory
from alliance.core.errors import Conflict, check_version
from alliance.core.models import AuditAction
from alliance.core.text import checked_text as _text
from alliance.organisations.agreements import crossings
from alliance.organisations.models import SharingAgreement
from alliance.people import disclosures, timeline
from alliance.people.access import person_grant
from alliance.people.models import DisclosureChannel
from alliance.release.access import ReleaseAction, release_grant
from alliance.release.models import ReleaseStep, StepEvidence, StepStatus
from alliance.release.services import steps as release_steps

from ..models import (
    MAX_TEXT,
    ActionStatus,
    Attendee,
    CaseConference,
    ConferenceAction,
    ConferenceStatus,
    Decision,
    SharedItem,
)
from . import work
from .access import Do, action_grant, conference_grant, may_attend, person_conference_grant

CONFERENCE_STEP = "case_conference"  # the pre-release programme's step a conference completes
MAX_ROWS = 50  # shared items, decisions, actions, follow-ups: more is a mistake, not minutes


# --- what the services share -----------------------------------------------------------------------

def _require_manage(actor, conference) -> None:
    if not conference_grant(actor, conference).can(Do.MANAGE):
        raise PermissionDenied(_("Only the chair, the case manager or a record keeper of the "
                                 "responsible agency may change this conference."))


def _locked(conference, expected_version) -> CaseConference:
    conference = CaseConference.objects.select_for_update(of=("self",)).select_related(
        "person__responsible_agency", "case", "chair").get(pk=conference.pk)
    check_version(conference, expected_version)
    if conference.status != ConferenceStatus.SCHEDULED:
        raise ValidationError(_("This conference is %(status)s: it can no longer change.") % {
            "status": conference.get_status_display().lower()})
    return conference


def _team_places(person) -> dict[int, object]:
    """user id -> the agency of their place on the person's open case team."""
    places = {}
    for case in person.cases.filter(status=CaseStatus.OPEN):
        for member in case.team.filter(ended_at__isnull=True).select_related("agency"):
            places.setdefault(member.user_id, member.agency)
    return places


def attendee_agency(user, person, places: dict | None = None):
    """The agency a user attends for: their place on the person's case team, else their active
    membership (the responsible agency's first, if they have one there)."""
    places = _team_places(person) if places is None else places
    if user.pk in places:
        return places[user.pk]
    memberships = list(user.memberships.filter(is_active=True, agency__is_active=True)
                       .select_related("agency").order_by("id"))
    for membership in memberships:
        if membership.agency_id == person.responsible_agency_id:
            return membership.agency
    return memberships[0].agency if memberships else None


def check_attendees(person, users) -> list[tuple[object, object]]:
    """(user, agency) for each attendee, or a ValidationError naming each who cannot attend and
    why: no longer able to sign in, no agency, or an agency that is neither the responsible one
    nor under an agreement in force covering the case team's share."""
    places = _team_places(person)
    team_agencies = {agency.pk for agency in places.values()}
    chosen = [(user, attendee_agency(user, person, places)) for user in users]
    allowed = crossings({a.pk for _, a in chosen if a is not None})
    responsible = person.responsible_agency
    errors = []
    for user, agency in chosen:
        if not user.is_active:
            errors.append(_("%(user)s cannot attend: they can no longer sign in.") % {
                "user": user})
        elif agency is None:
            errors.append(_("%(user)s cannot attend: they work for no agency.") % {"user": user})
        elif not may_attend(responsible.pk, agency.pk, allowed):
            params = {"user": user, "agency": agency.name, "reference": person.reference,
                      "responsible": responsible.name}
            if agency.pk in team_agencies:
                errors.append(_(
                    "%(user)s (%(agency)s) cannot attend: no information-sharing agreement in "
                    "force lets %(agency)s receive the case team's share from "
                    "%(responsible)s.") % params)
            else:
                errors.append(_(
                    "%(user)s (%(agency)s) cannot attend: %(agency)s is neither responsible for "
                    "%(reference)s nor on their case team, and no information-sharing "
                    "agreement in force lets it receive the case team's share from "
                    "%(responsible)s.") % params)
    if errors:
        raise ValidationError({"attendees": errors})
    return chosen


def _unique(users) -> list:
    seen, unique = set(), []
    for user in users:
        if user is not None and user.pk not in seen:
            seen.add(user.pk)
            unique.append(user)
    return unique


def _when(scheduled_for) -> datetime.datetime:
    if scheduled_for is None:
        raise ValidationError({"scheduled_for": _("Enter the date and time of the conference.")})
    if timezone.is_naive(scheduled_for):
        scheduled_for = timezone.make_aware(scheduled_for)
    return scheduled_for


# --- scheduling ----------------------------------------------------------------------------------

@transaction.atomic
def conference_schedule(*, actor, person, scheduled_for, place: str = "", purpose: str = "",
                        chair=None, attendees=()) -> CaseConference:
    """Schedule a case conference about `person` (who needs an open case): the chair (the actor
    unless said) and the attendees are invited, each for their agency; a task for each."""
    grant = person_grant(actor, person)
    if not person_conference_grant(actor, person, grant).can(Do.SCHEDULE):
        raise PermissionDenied(_("Only the case manager or a record keeper of the responsible "
                                 "agency may schedule a case conference."))
    case = person.cases.filter(status=CaseStatus.OPEN).first()
    if case is None:
        raise ValidationError(_("%(reference)s has no open case: open one before scheduling a "
                                "case conference.") % {"reference": person.reference})
    scheduled_for = _when(scheduled_for)
    place = _text(place, "place", limit=200)
    purpose = _text(purpose, "purpose")
    chair = chair or actor
    placed = check_attendees(person, _unique([chair, *attendees]))
    conference = CaseConference.objects.create(
        person=person, case=case, agency=grant.agency or person.responsible_agency,
        scheduled_for=scheduled_for, place=place, purpose=purpose, chair=chair,
        created_by=actor)
    Attendee.objects.bulk_create([Attendee(conference=conference, user=user, agency=agency)
                                  for user, agency in placed])
    day = timezone.localtime(scheduled_for).date()
    timeline.add(person=person, kind="conference_scheduled", compartment=DataCategory.CASE_TEAM,
                 actor=actor, params={"conference_on": day.isoformat()})
    audit.record(actor=actor, action=AuditAction.CREATE, obj=conference, agency=grant.agency,
                 details={"scheduled_for": scheduled_for.isoformat(), "chair": chair.username,
                          "attendees": [user.username for user, _agency in placed],
                          "agencies": sorted({agency.name for _user, agency in placed})})
    work.attendance_ensure(conference, [user for user, _agency in placed], actor=actor)
    return conference


@transaction.atomic
def conference_reschedule(*, actor, conference, expected_version: int | None, scheduled_for,
                          place: str | None = None) -> CaseConference:
    """Move a scheduled conference (and its place); each attendee's task moves with it."""
    _require_manage(actor, conference)
    conference = _locked(conference, expected_version)
    scheduled_for = _when(scheduled_for)
    fields = []
    if scheduled_for != conference.scheduled_for:
        conference.scheduled_for = scheduled_for
        fields.append("scheduled_for")
    if place is not None:
        place = _text(place, "place", limit=200)
        if place != conference.place:
            conference.place = place
            fields.append("place")
    if not fields:
        return conference
    conference.version += 1
    conference.save()
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=conference,
                 details={"fields": fields, "scheduled_for": scheduled_for.isoformat()})
    if "scheduled_for" in fields:
        attendees = [a.user for a in conference.attendees.select_related("user")]
        work.attendance_ensure(conference, attendees, actor=actor, notify=False)
        work.minutes_task_cancel(conference, actor=actor)
    return conference


@transaction.atomic
def conference_cancel(*, actor, conference, expected_version: int | None,
                      reason: str) -> CaseConference:
    """Cancel a scheduled conference, with the reason: the attendees' tasks are cancelled and
    each attendee is told."""
    _require_manage(actor, conference)
    conference = _locked(conference, expected_version)
    conference.cancellation_reason = _text(reason, "reason", required=True,
                                           message=_("Say why the conference is cancelled."))
    conference.status = ConferenceStatus.CANCELLED
    conference.cancelled_at = timezone.now()
    conference.version += 1
    conference.save()
    day = timezone.localtime(conference.scheduled_for).date()
    timeline.add(person=conference.person, kind="conference_cancelled",
                 compartment=DataCategory.CASE_TEAM, actor=actor,
                 params={"conference_on": day.isoformat()})
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=conference,
                 details={"fields": ["status", "cancellation_reason"],
                          "status": ConferenceStatus.CANCELLED})
    work.cancelled(conference, actor=actor)
    return conference


# --- the minutes ----------------------------------------------------------------------------------

def _agreements_for(responsible_id, agency_ids) -> dict[int, dict[str, int]]:
    """attending agency id -> {category: agreement id} it may receive from the responsible one."""
    allowed = crossings(agency_ids)
    return {agency_id: allowed.get((responsible_id, agency_id), {}) for agency_id in agency_ids}


def _check_shared(shared, receiving: dict[int, object], covered, errors) -> list[tuple]:
    categories = dict(DataCategory.choices)
    items = []
    for n, (category, description) in enumerate(shared, start=1):
        description = (description or "").strip()
        if not category and not description:
            continue
        if category not in categories:
            errors.append(_("Shared item %(n)d: choose what kind of information it was.") % {
                "n": n})
            continue
        if not description:
            errors.append(_("Shared item %(n)d: say what was shared.") % {"n": n})
            continue
        if len(description) > MAX_TEXT:
            errors.append(_("Shared item %(n)d: keep it under %(max)d characters.") % {
                "n": n, "max": MAX_TEXT})
            continue
        for agency_id, agency in receiving.items():
            if category not in covered[agency_id]:
                errors.append(_(
                    "Shared item %(n)d: %(agency)s may not receive \"%(category)s\": no "
                    "information-sharing agreement in force covers it. Remove the item, or "
                    "untick that agency's attendees if they were not there.") % {
                    "n": n, "agency": agency.name, "category": categories[category]})
        items.append((category, description))
    return items


def _check_actions(actions, person, attendee_ids, errors) -> list[tuple]:
    rows = []
    for n, (description, owner, due_on) in enumerate(actions, start=1):
        description = (description or "").strip()
        if not description and owner is None and due_on is None:
            continue
        missing = [label for label, value in ((_("what is to be done"), description),
                                              (_("an owner"), owner), (_("a due date"), due_on))
                   if not value]
        if missing:
            errors.append(_("Action %(n)d needs %(missing)s.") % {
                "n": n, "missing": ", ".join(str(m) for m in missing)})
            continue
        if len(description) > MAX_TEXT:
            errors.append(_("Action %(n)d: keep it under %(max)d characters.") % {
                "n": n, "max": MAX_TEXT})
            continue
        if not owner.is_active:
            errors.append(_("Action %(n)d: %(user)s can no longer sign in; give it to someone "
                            "else.") % {"n": n, "user": owner})
            continue
        if owner.pk not in attendee_ids and not person_grant(owner, person).can("view"):
            errors.append(_("Action %(n)d: %(user)s neither sees %(reference)s nor attends this "
                            "conference; give it to someone who does.") % {
                "n": n, "user": owner, "reference": person.reference})
            continue
        rows.append((description, owner, due_on))
    return rows


def _check_follow_ups(follow_ups, person, conference, errors) -> list[tuple]:
    rows = []
    for action, status, note in follow_ups:
        note = (note or "").strip()
        if action.person_id != person.pk or action.conference_id == conference.pk:
            errors.append(_("An action followed up is not one of this person's earlier "
                            "actions."))
            continue
        if action.status != ActionStatus.OPEN:
            errors.append(_("The action \"%(action)s\" was closed meanwhile: reload the page.")
                          % {"action": action.description[:60]})
            continue
        if status not in ActionStatus.values:
            errors.append(_("Say whether the action \"%(action)s\" is done, dropped or still "
                            "open.") % {"action": action.description[:60]})
            continue
        if status == ActionStatus.DROPPED and not note:
            errors.append(_("Say why the action \"%(action)s\" is dropped.") % {
                "action": action.description[:60]})
            continue
        rows.append((action, status, note[:MAX_TEXT]))
    return rows


@transaction.atomic
def conference_record_minutes(*, actor, conference, expected_version: int | None, held_on,
                              summary: str = "", attended=(), shared=(), decisions=(),
                              actions=(), follow_ups=()) -> CaseConference:
    """Record that the conference was held: who attended (user ids), what was shared (rows of
    (category, description)), the decisions (texts), the new actions ((description, owner,
    due_on)) and the follow-up of earlier open actions ((action, "open"/"done"/"dropped",
    note)). Every problem is reported at once, nothing is saved until all is right."""
    _require_manage(actor, conference)
    conference = _locked(conference, expected_version)
    person = conference.person
    today = timezone.localdate()
    errors: dict[str, list] = {}
    if held_on is None:
        errors["held_on"] = [_("Enter the date the conference was held.")]
    elif held_on > today:
        errors["held_on"] = [_("This date is in the future: record the minutes once the "
                               "conference has been held.")]
    try:
        summary = _text(summary, "summary")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    attendees = list(conference.attendees.select_related("user", "agency"))
    came = {int(pk) for pk in attended}
    if not came & {a.user_id for a in attendees}:
        errors["attended"] = [_("Tick who attended: at least one of those invited.")]
    receiving = {a.agency_id: a.agency for a in attendees
                 if a.user_id in came and a.agency_id != person.responsible_agency_id}
    covered = _agreements_for(person.responsible_agency_id, set(receiving))
    for name, rows in (("shared", shared), ("decisions", decisions), ("actions", actions),
                       ("follow_ups", follow_ups)):
        if len(rows) > MAX_ROWS:
            errors.setdefault(name, []).append(_("At most %(max)d rows.") % {"max": MAX_ROWS})
    shared_rows = _check_shared(shared[:MAX_ROWS], receiving, covered,
                                errors.setdefault("shared", []))
    decision_rows = [d.strip() for d in decisions[:MAX_ROWS] if d and d.strip()]
    if any(len(d) > MAX_TEXT for d in decision_rows):
        errors.setdefault("decisions", []).append(_("Keep each decision under %(max)d "
                                                    "characters.") % {"max": MAX_TEXT})
    action_rows = _check_actions(actions[:MAX_ROWS], person, {a.user_id for a in attendees},
                                 errors.setdefault("actions", []))
    follow_up_rows = _check_follow_ups(follow_ups[:MAX_ROWS], person, conference,
                                       errors.setdefault("follow_ups", []))
    errors = {field: messages for field, messages in errors.items() if messages}
    if errors:
        raise ValidationError(errors)

    for attendee in attendees:
        attendee.attended = attendee.user_id in came
    Attendee.objects.bulk_update(attendees, ["attended"])
    conference.status = ConferenceStatus.HELD
    conference.held_on = held_on
    conference.summary = summary
    conference.minutes_by = actor
    conference.minutes_at = timezone.now()
    conference.version += 1
    conference.save()
    items = SharedItem.objects.bulk_create([
        SharedItem(conference=conference, category=category, description=description,
                   position=n) for n, (category, description) in enumerate(shared_rows)])
    Decision.objects.bulk_create([Decision(conference=conference, text=text, position=n)
                                  for n, text in enumerate(decision_rows)])
    disclosed = _disclose(conference, items, attendees, receiving, covered, actor)
    created = []
    for description, owner, due_on in action_rows:
        action = ConferenceAction.objects.create(conference=conference, person=person,
                                                 description=description, owner=owner,
                                                 due_on=due_on)
        work.action_assigned(action, actor=actor)
        created.append(action)
    closed = [_follow_up(action, status, note, conference, actor)
              for action, status, note in follow_up_rows]
    work.attendance_close(conference, attendees, actor=actor)
    timeline.add(person=person, kind="conference_held", compartment=DataCategory.CASE_TEAM,
                 actor=actor, params={"conference_on": held_on.isoformat()})
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=conference, details={
        "fields": ["status", "held_on", "summary", "attended"], "status": ConferenceStatus.HELD,
        "attended": sorted(a.user.username for a in attendees if a.attended),
        "shared": len(items), "decisions": len(decision_rows), "disclosures": disclosed,
        "actions": [str(a.uuid) for a in created],
        "followed_up": {str(a.uuid): s for a, s in closed}})
    _complete_release_step(conference, actor)
    return conference


def _disclose(conference, items, attendees, receiving, covered, actor) -> int:
    """A disclosure per (item, attending agency other than the responsible one), under the
    agreement that covers the item's category. The purpose is the agreement's: the
    conference's own purpose is encrypted free text, kept out of the log's plain column."""
    if not receiving or not items:
        return 0
    agreements = SharingAgreement.objects.in_bulk(
        {pk for by_category in covered.values() for pk in by_category.values()})
    came = {}
    for attendee in attendees:
        if attendee.attended:
            came.setdefault(attendee.agency_id, []).append(attendee.user)
    count = 0
    for item in items:
        for agency_id, agency in receiving.items():
            agreement = agreements[covered[agency_id][item.category]]
            users = came.get(agency_id, [])
            disclosures.record(
                person=conference.person, recipient_agency=agency, categories=[item.category],
                purpose=agreement.purpose, channel=DisclosureChannel.CONFERENCE, obj=conference,
                recipient=users[0] if len(users) == 1 else None, agreement=agreement)
            count += 1
    if count:
        audit.record(actor=actor, action=AuditAction.DISCLOSE, obj=conference,
                     details={"channel": DisclosureChannel.CONFERENCE, "count": count,
                              "agencies": sorted(a.name for a in receiving.values())})
    return count


def _follow_up(action, status, note, conference, actor) -> tuple:
    """One earlier action followed up at this conference: closed (done or dropped) with its
    task, or left open with a note."""
    action = ConferenceAction.objects.select_for_update().get(pk=action.pk)
    if note:
        action.note = note
    if status != ActionStatus.OPEN:
        action.status = status
        action.closed_at = timezone.now()
        action.closed_by = actor
        action.closed_at_conference = conference
        work.action_closed(action, done=status == ActionStatus.DONE, actor=actor)
    action.save()
    return action, status


# A conference completes the pre-release "case conference" step when held at most this many days
# before the step is due (or after): a sentence-planning conference a year before release is not
# the pre-release one.
CONFERENCE_STEP_WINDOW_DAYS = 90


def _complete_release_step(conference, actor) -> None:
    """The pre-release programme's "case conference" step is done by a real conference: the
    person's open step is completed with this one as its evidence, when the conference was held
    in the step's window (CONFERENCE_STEP_WINDOW_DAYS) and the one who records the minutes works
    on the person's release (the release module's own rule)."""
    person = conference.person
    step = (ReleaseStep.objects.filter(person=person, status=StepStatus.PENDING,
                                       template__code=CONFERENCE_STEP, episode__is_current=True)
            .select_related("template", "person").first())
    if step is None or conference.held_on < step.due_on - datetime.timedelta(
            days=CONFERENCE_STEP_WINDOW_DAYS):
        return
    if not release_grant(actor, person, person_grant(actor, person)).can(ReleaseAction.WORK):
        return
    release_steps.step_complete(
        actor=actor, step=step, expected_version=None, completed_on=conference.held_on,
        evidence_code=StepEvidence.CONFERENCE_HELD,
        evidence_params={"held_on": conference.held_on.isoformat(),
                         "conference": str(conference.uuid)},
        checklist=[item["code"] for item in step.template.checklist_items()])


# --- an action closed from the worklist ------------------------------------------------------------

@transaction.atomic
def action_close(*, actor, action, status: str, note: str = "",
                 expected_status: str | None = ActionStatus.OPEN) -> ConferenceAction:
    """The owner (or whoever manages the conference) marks an action done or dropped (with a
    note saying why). Closing one that was closed meanwhile is a conflict (409)."""
    action = ConferenceAction.objects.select_for_update(of=("self",)).select_related(
        "conference__person", "conference__case", "person").get(pk=action.pk)
    if expected_status is not None and action.status != expected_status:
        raise Conflict(_("This action was closed meanwhile: reload the page to see how."))
    if not action_grant(actor, action, conference_grant(actor, action.conference)).can(Do.CLOSE):
        raise PermissionDenied(_("Only the action's owner or whoever manages the conference "
                                 "may close it."))
    if status not in (ActionStatus.DONE, ActionStatus.DROPPED):
        raise ValidationError({"status": _("Choose done or dropped.")})
    note = _text(note, "note", required=status == ActionStatus.DROPPED,
                 message=_("Say why the action is dropped."))
    action.status = status
    action.note = note or action.note
    action.closed_at = timezone.now()
    action.closed_by = actor
    action.save()
    work.action_closed(action, done=status == ActionStatus.DONE, actor=actor)
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=action,
                 details={"fields": ["status", "note"], "status": status})
    return action

