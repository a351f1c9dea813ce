"""Builders of the release tests, on the suite's `world`: a release date set by hand, the
probation officer (and the NGO worker) on person A's case team, a ministry division with a
reintegration officer on it too."""

import datetime

from django.utils import timezone

from alliance.accounts.models import Membership, Role
from alliance.cases import services as case_services
from alliance.organisations.models import AgencyType
from alliance.people import services as people_services
from alliance.release.services import steps as step_services
from tests.factories import AgencyFactory, member


def months_ahead(n: int) -> datetime.date:
    from alliance.release.dates import add_months

    return add_months(timezone.localdate(), n)


def set_release(w, release_on: datetime.date, actor=None):
    """Set person A's expected release by hand (the key-date override)."""
    episode = w.person_a.custody_episodes.get(is_current=True)
    episode = people_services.key_date_override(
        actor=actor or w.manager_a, episode=episode, key_date="expected_release",
        value=release_on, reason="Conditional release granted", expected_version=None)
    w.episode_a = episode
    return episode


def add_to_team(w, user, agency, role="Member", scopes=("identity",)):
    membership = Membership.objects.get(user=user, agency=agency)
    return case_services.team_member_add(actor=w.manager_a, case=w.case_a, membership=membership,
                                         team_role=role, scopes=list(scopes))


def ensure_releasing(w, *, months: int = 2):
    """Person A released in `months`, probation and a ministry division on the team, steps
    generated."""
    if getattr(w, "releasing", False):
        return w
    w.ministry = AgencyFactory(jurisdiction=w.j1, name="Reintegration Division J1",
                               type=AgencyType.MINISTRY_DIVISION)
    w.reintegration_officer = member(w.ministry, Role.REINTEGRATION_OFFICER,
                                     username="reintegration")
    w.municipality = AgencyFactory(jurisdiction=w.j1, name="Municipality J1",
                                   type=AgencyType.MUNICIPALITY)
    add_to_team(w, w.probation_officer, w.probation, "Probation officer")
    add_to_team(w, w.reintegration_officer, w.ministry, "Reintegration officer")
    set_release(w, months_ahead(months))
    step_services.sync_steps(w.episode_a, today=timezone.localdate())
    w.releasing = True
    return w
