"""Who sees and does what with training sessions (the core/policy.py shape: one rule for the
list filter and the object check).

* **Trainers** (Role.TRAINER) plan sessions for an agency where they hold the role, and see and
  change the sessions organised by any agency of the jurisdictions they train in; a trainer of
  the regional programme (no jurisdiction), every session. A session is changed, its attendees
  set or it is cancelled while it is planned; once its results are recorded it is frozen.
* **Results** are recorded by the session's trainer, or by a trainer of the organising agency.
* **Managers** who see their staff's certifications (assessments.access.countersign_agency_ids:
  prison managers and case managers) see the sessions their agency organises and those their
  staff attend, to read them only.
* **An attendee** sees their own attendance and results on "My training"
  (selectors.my_record), never the session with the other attendees.

A training session holds no person-level data (no model here points at a person).
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from alliance.accounts.access import profile_for
from alliance.accounts.models import Role
from alliance.assessments.access import countersign_agency_ids
from alliance.core.policy import NO_GRANT, Grant, get_for_user, refuse

from ..models import SessionStatus, TrainingAttendance, TrainingSession


class SessionAction:
    VIEW = "view"
    EDIT = "edit"  # dates, place, trainer, notes (planned)
    CANCEL = "cancel"  # delete a planned session
    ATTENDEES = "attendees"  # set who attends (planned)
    RECORD = "record"  # record the results (planned; the trainer or one of the same agency)


@dataclass(frozen=True)
class TrainerReach:
    """Where a user trains."""

    agencies: frozenset  # agencies where they hold the trainer role (they organise for these)
    jurisdictions: frozenset  # the jurisdictions of those agencies (None: the regional one)

    @property
    def trainer(self) -> bool:
        return bool(self.agencies)

    @property
    def regional(self) -> bool:
        """A trainer of the regional programme: every jurisdiction's sessions."""
        return None in self.jurisdictions

    def covers(self, agency) -> bool:
        """Whether sessions organised by `agency` are theirs to see and change."""
        return self.regional or (agency.jurisdiction_id is not None
                                 and agency.jurisdiction_id in self.jurisdictions)


NO_REACH = TrainerReach(frozenset(), frozenset())


def _active(user) -> bool:
    return user.is_authenticated and user.is_active


def trainer_reach(user) -> TrainerReach:
    if not _active(user):
        return NO_REACH
    grants = profile_for(user).grants_with(Role.TRAINER)
    return TrainerReach(frozenset(g.agency_id for g in grants),
                        frozenset(g.jurisdiction_id for g in grants))


def manager_agency_ids(user) -> set[int]:
    """The agencies whose staff's training the user oversees (the staff training page)."""
    return countersign_agency_ids(user) if _active(user) else set()


def can_view_staff_training(user) -> bool:
    """The "Staff training" page: managers who see their staff's certifications."""
    return bool(manager_agency_ids(user))


def can_plan_sessions(user) -> bool:
    return trainer_reach(user).trainer


def can_see_sessions(user) -> bool:
    """The sessions list: trainers and the managers of staff training."""
    return can_plan_sessions(user) or can_view_staff_training(user)


def can_use_training(user) -> bool:
    """The menu's "Training" entry (managers and trainers); everyone has "My training"."""
    return can_see_sessions(user)


# --- the rules, stated once ----------------------------------------------------------------------

def _trainer_condition(reach: TrainerReach) -> Q:
    # Every session for a trainer of the regional programme (an empty Q would vanish in "|").
    if reach.regional:
        return Q(pk__isnull=False)
    return Q(agency__jurisdiction_id__in=sorted(reach.jurisdictions))


def _staff_attend(agency_ids) -> QuerySet:
    """The sessions that staff of these agencies (an active place there) attend."""
    return TrainingAttendance.objects.filter(
        user__memberships__agency_id__in=sorted(agency_ids),
        user__memberships__is_active=True).values("session_id")


def _manager_sees(user, session) -> bool:
    ids = manager_agency_ids(user)
    if not ids:
        return False
    return session.agency_id in ids or _staff_attend(ids).filter(session_id=session.pk).exists()


def may_record(user, session, reach: TrainerReach | None = None) -> bool:
    """The session's trainer (while a trainer), or a trainer of the organising agency."""
    reach = reach or trainer_reach(user)
    return reach.trainer and (session.trainer_id == user.pk or session.agency_id in reach.agencies)


class SessionPolicy:
    object_type = "knowledge.trainingsession"

    def visible(self, user) -> QuerySet[TrainingSession]:
        if not _active(user):
            return TrainingSession.objects.none()
        reach = trainer_reach(user)
        condition = Q(trainer_id=user.pk)
        if reach.trainer:
            condition |= _trainer_condition(reach)
        ids = manager_agency_ids(user)
        if ids:
            condition |= Q(agency_id__in=sorted(ids)) | Q(pk__in=_staff_attend(ids))
        return TrainingSession.objects.filter(condition)

    def grant(self, user, session) -> Grant:
        if not _active(user):
            return NO_GRANT
        reach = trainer_reach(user)
        trains = reach.trainer and reach.covers(session.agency)
        if not (trains or session.trainer_id == user.pk or _manager_sees(user, session)):
            return NO_GRANT
        actions = {SessionAction.VIEW}
        if session.status == SessionStatus.PLANNED:
            if trains:
                actions |= {SessionAction.EDIT, SessionAction.CANCEL, SessionAction.ATTENDEES}
            if may_record(user, session, reach):
                actions.add(SessionAction.RECORD)
        return Grant(actions=frozenset(actions), agency=session.agency)

    def person_of(self, session):
        return None


training_sessions = SessionPolicy()


def refusal_message(session, action: str) -> str:
    """Why `action` is refused to a user who sees the session, in words they can act on."""
    if session.status != SessionStatus.PLANNED and action != SessionAction.VIEW:
        return _("The results of this session are recorded: it can no longer be changed.")
    if action == SessionAction.RECORD:
        return _("Only the session's trainer, or a trainer of %(agency)s, records its "
                 "results.") % {"agency": session.agency.name}
    return _("Only the trainers of %(agency)s's jurisdiction change this session.") % {
        "agency": session.agency.name}


def get_session_for_user(user, session_uuid, action: str = SessionAction.VIEW
                         ) -> tuple[TrainingSession, Grant]:
    """(session, grant): 404 when not visible, 403 with the reason when the action is not the
    user's; refusals are audited by core.policy."""
    session, grant = get_for_user(
        training_sessions, user, session_uuid, SessionAction.VIEW,
        queryset=TrainingSession.objects.select_related("course", "agency__jurisdiction",
                                                        "trainer"),
        not_found_message=_("No such training session, or not one you may see."))
    if not grant.can(action):
        refuse(user, session.uuid, action=action, not_found=False,
               object_type=training_sessions.object_type,
               message=refusal_message(session, action))
    return session, grant


def sessions_visible_to(user) -> QuerySet[TrainingSession]:
    return training_sessions.visible(user)
