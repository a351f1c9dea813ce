"""Meetings built through the service, as the regional coordinator records them."""

import datetime

from alliance.knowledge.meetings import services
from alliance.knowledge.meetings.services import Participation
from alliance.knowledge.models import MeetingKind

TODAY = datetime.date.today()


def meeting(w, *, title="Working group on motivation", starts_on=None, days_from_today=-30,
            kind=MeetingKind.WORKING_GROUP, online=False, place="Podgorica", participations=None,
            entries=(), actor=None, **extra):
    """A meeting recorded by the regional coordinator: by default a month ago, in Podgorica,
    with 3 participants from J1, 2 from J2 and 1 from the regional programme."""
    if participations is None:
        participations = [Participation(w.j1, 3, "Staff of Prison A"),
                          Participation(w.j2, 2, ""), Participation(None, 1, "")]
    starts_on = starts_on or TODAY + datetime.timedelta(days=days_from_today)
    return services.meeting_create(
        actor=actor or w.regional_coordinator, kind=kind, title=title, starts_on=starts_on,
        online=online, place=place, participations=participations, entries=list(entries),
        agenda=extra.pop("agenda", "1. Opening\n2. Practices"), **extra)
