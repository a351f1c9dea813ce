"""Builders of the conference tests, on the suite's `world`: conferences about person A
scheduled by manager A (the case manager), a municipality with no agreement, minutes."""

import datetime

from django.utils import timezone

from alliance.accounts.models import Role
from alliance.coordination.conferences import services
from alliance.organisations.models import AgencyType
from tests.factories import AgencyFactory, member


def when(days: int = 7, hour: int = 10) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def municipality(w):
    """A municipality of Jurisdiction One outside every agreement, with a social worker."""
    if not hasattr(w, "municipality_worker"):
        w.outside = AgencyFactory(jurisdiction=w.j1, name="Municipality J1",
                                       type=AgencyType.MUNICIPALITY)
        w.municipality_worker = member(w.outside, Role.COMMUNITY_PROVIDER,
                                       username="municipality")
    return w.municipality_worker


def schedule(w, *, attendees=None, days: int = 7, actor=None, **kwargs):
    """A conference about person A, scheduled by manager A, with treatment A and the probation
    officer (under the agreement, not on the case team) invited unless said."""
    if attendees is None:
        attendees = [w.treatment_a, w.probation_officer]
    kwargs.setdefault("purpose", "Review of the plan before release")
    return services.conference_schedule(actor=actor or w.manager_a, person=w.person_a,
                                        scheduled_for=when(days), place="Room 2",
                                        attendees=attendees, **kwargs)


def scheduled(w):
    """The conference of `schedule`, once per test."""
    if not hasattr(w, "conference"):
        w.conference = schedule(w)
    return w.conference


def hold(w, conference, *, actor=None, days_ago: int = 0, **kwargs):
    """Record the minutes: everyone invited attended unless said."""
    kwargs.setdefault("attended", [a.user_id for a in conference.attendees.all()])
    kwargs.setdefault("summary", "Discussed progress")
    conference.refresh_from_db()
    return services.conference_record_minutes(
        actor=actor or w.manager_a, conference=conference, expected_version=conference.version,
        held_on=timezone.localdate() - datetime.timedelta(days=days_ago), **kwargs)


def held_with_action(w):
    """`scheduled`, held in the past with one action for treatment A, once per test."""
    if not hasattr(w, "action"):
        conference = scheduled(w)
        hold(w, conference, actions=[("Enrol in the anger programme", w.treatment_a,
                                      timezone.localdate() + datetime.timedelta(days=14))])
        w.action = conference.actions.get()
    return w.action
