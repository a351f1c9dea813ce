"""Who reads and records the regional programme's meetings (the core/policy.py shape).

A meeting holds no person-level data (participants are counted by jurisdiction; the names are
staff's), so every member of the knowledge base (entries/access.py `can_use_knowledge`) reads
every meeting. The regional programme keeps the record: regional coordinators and its knowledge
editors (a knowledge editor's place with no jurisdiction) record and change meetings; only a
coordinator deletes one (a meeting recorded by mistake).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from alliance.accounts.access import profile_for
from alliance.accounts.models import Role
from alliance.core.policy import NO_GRANT, Grant, get_for_user

from ..entries.access import can_use_knowledge
from ..models import Meeting


class MeetingAction:
    VIEW = "view"
    EDIT = "edit"
    DELETE = "delete"


def records_meetings(user) -> bool:
    """A regional coordinator, or a knowledge editor of the regional programme."""
    if not can_use_knowledge(user):
        return False
    profile = profile_for(user)
    return profile.is_regional_coordinator or any(
        g.jurisdiction_id is None for g in profile.grants_with(Role.KNOWLEDGE_EDITOR))


def require_member(user) -> None:
    """403 for an account with no active place (it reads nothing of the knowledge base)."""
    if not can_use_knowledge(user):
        raise PermissionDenied(_("The knowledge base is for staff with a place in an agency."))


def require_recorder(user) -> None:
    if not records_meetings(user):
        raise PermissionDenied(_("Meetings are recorded by the regional coordinators and the "
                                 "regional programme's knowledge editors."))


class MeetingPolicy:
    object_type = "knowledge.meeting"

    def visible(self, user) -> QuerySet[Meeting]:
        return Meeting.objects.all() if can_use_knowledge(user) else Meeting.objects.none()

    def grant(self, user, meeting) -> Grant:
        if not can_use_knowledge(user):
            return NO_GRANT
        actions = {MeetingAction.VIEW}
        if records_meetings(user):
            actions.add(MeetingAction.EDIT)
            if profile_for(user).is_regional_coordinator:
                actions.add(MeetingAction.DELETE)
        return Grant(actions=frozenset(actions))

    def person_of(self, meeting):
        return None


meetings = MeetingPolicy()


def meetings_visible_to(user) -> QuerySet[Meeting]:
    return meetings.visible(user)


def get_meeting_for_user(user, meeting_uuid, action: str = MeetingAction.VIEW
                         ) -> tuple[Meeting, Grant]:
    """The meeting and the user's grant: 404 when not visible (no place anywhere), 403 when the
    action is not theirs; refusals audited by core.policy."""
    return get_for_user(
        meetings, user, meeting_uuid, action,
        queryset=Meeting.objects.select_related("created_by"),
        not_found_message=_("No such meeting, or not one you may see."),
        forbidden_message=_("Meetings are changed by the regional coordinators and the "
                            "regional programme's knowledge editors; only a coordinator "
                            "deletes one."))
