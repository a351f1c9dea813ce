"""Scoped reads of case conferences: a person's conferences and open actions, one conference's
minutes and the carry-over of earlier actions, the person page's section, and the pick-lists of
who may be invited or given an action. Every row comes through the policies (access.py); a
constant number of queries each."""

from django.db.models import Prefetch
from django.utils import timezone

from alliance.accounts.models import CASEWORK_ROLES, Membership
from alliance.cases.models import CaseStatus
from alliance.core.compartments import DataCategory

from ..models import ActionStatus, Attendee, ConferenceAction, ConferenceStatus
from .access import conference_actions, conferences


def open_actions(user, person, *, exclude_conference=None) -> list:
    """The person's open actions (oldest due first), from every conference the user sees but
    `exclude_conference`."""
    rows = (conference_actions.for_person(user, person).select_related("owner", "conference")
            .filter(status=ActionStatus.OPEN))
    if exclude_conference is not None:
        rows = rows.exclude(conference=exclude_conference)
    return list(rows.order_by("due_on", "id"))


def person_conferences(user, person) -> dict:
    """The person's conferences page: upcoming (soonest first), held and cancelled (latest
    first), and the open actions across them."""
    rows = list(conferences.for_person(user, person)
                .select_related("chair", "agency").prefetch_related(
                    Prefetch("attendees", queryset=Attendee.objects.select_related("agency")))
                .order_by("-scheduled_for", "-id"))
    today = timezone.localdate()
    actions = open_actions(user, person)
    return {
        "upcoming": sorted([c for c in rows if c.status == ConferenceStatus.SCHEDULED],
                           key=lambda c: c.scheduled_for),
        "held": [c for c in rows if c.status == ConferenceStatus.HELD],
        "cancelled": [c for c in rows if c.status == ConferenceStatus.CANCELLED],
        "open_actions": actions, "today": today,
        "overdue": [a for a in actions if a.due_on < today], "all": rows,
    }


def minutes(conference) -> dict:
    """One conference's attendees (by agency), shared items, decisions and actions, and the
    earlier actions followed up at it."""
    labels = dict(DataCategory.choices)
    return {
        "attendees": list(conference.attendees.select_related("user", "agency")
                          .order_by("agency__name", "user__last_name", "user__username")),
        "shared_items": [{"category": item.category, "description": item.description,
                          "label": labels.get(item.category, item.category)}
                         for item in conference.shared_items.all()],
        "decisions": list(conference.decisions.all()),
        "actions": list(conference.actions.select_related("owner").order_by("due_on", "id")),
        "followed_up": list(ConferenceAction.objects.filter(closed_at_conference=conference)
                            .exclude(conference=conference).select_related("owner")),
    }


def by_agency(attendees) -> list[tuple[object, list]]:
    """[(agency, [attendees])], in the order given."""
    grouped: dict[int, tuple[object, list]] = {}
    for attendee in attendees:
        grouped.setdefault(attendee.agency_id, (attendee.agency, []))[1].append(attendee)
    return list(grouped.values())


def conference_section(user, person, grant) -> dict:
    """The person page's side section: the next conference, the last held, the open actions
    (and the overdue ones). Two queries at most, one for someone with no conference the user
    sees: an action is seen with its conference (access.py), so there is none to read."""
    rows = list(conferences.for_person(user, person).order_by("-scheduled_for", "-id"))
    upcoming = [c for c in rows if c.status == ConferenceStatus.SCHEDULED]
    held = [c for c in rows if c.status == ConferenceStatus.HELD]
    today = timezone.localdate()
    actions = open_actions(user, person) if rows else []
    return {"next_conference": upcoming[-1] if upcoming else None,
            "last_held": held[0] if held else None, "open_actions": actions,
            "overdue_actions": [a for a in actions if a.due_on < today], "today": today}


def invitable(person) -> list:
    """Who may be invited or given an action, to choose from: the active caseworkers of the
    responsible agency and of the agencies on the person's open case team, and the team's
    members themselves. The service decides whether each may attend (an agreement in force)."""
    team = [m for case in person.cases.filter(status=CaseStatus.OPEN)
            .prefetch_related("team__user", "team__agency")
            for m in case.team.all() if m.ended_at is None and m.user.is_active]
    agency_ids = {person.responsible_agency_id, *(m.agency_id for m in team)}
    users: dict[int, tuple] = {m.user_id: (m.user, m.agency) for m in team}
    for membership in (Membership.objects.filter(agency_id__in=sorted(agency_ids),
                                                 is_active=True, user__is_active=True,
                                                 agency__is_active=True)
                       .select_related("user", "agency").order_by("agency__name", "id")):
        if set(membership.roles) & CASEWORK_ROLES:
            users.setdefault(membership.user_id, (membership.user, membership.agency))
    return sorted(users.values(), key=lambda row: (row[1].name, str(row[0]).lower()))

