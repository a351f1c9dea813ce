"""Builders of the release tests, on the suite's `world`: a release date set by hand, the
probation officer (and the NGO worker) on person A's case team, a ministry division with a
reintegration officer on it too."""

import datetime

from django.utils import timezone

from alliance.accounts.models import Membership, Role
from alliance.cases import services as case_services
from alliance.core.compartments import DataCategory
from alliance.organisations.models import AgencyType, AgreementParty
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
    # The division and the municipality join the jurisdiction's agreement (tests/conftest.py).
    for agency in (w.ministry, w.municipality):
        AgreementParty.objects.create(agreement=w.agreement, agency=agency,
                                      categories=list(DataCategory.values))
    add_to_team(w, w.probation_officer, w.probation, "Probation officer")
    add_to_team(w, w.reintegration_officer, w.ministry, "Reintegration officer")
    set_release(w, months_ahead(months))
    step_services.sync_steps(w.episode_a, today=timezone.localdate())
    w.releasing = True
    return w


# --- appended by the core's tests (test_steps.py, test_handover_access.py, ...) -------------------

def steps_by_code(w) -> dict:
    """Person A's steps of the current episode, by template code."""
    from alliance.release.models import ReleaseStep

    return {s.template.code: s for s in ReleaseStep.objects.filter(
        episode__person=w.person_a, episode__is_current=True).select_related("template")}


def complete(step, actor, **kwargs):
    """Mark a step done with what its template asks for: evidence, every checklist item."""
    kwargs.setdefault("evidence", "Done: see the case file")
    kwargs.setdefault("checklist", [item["code"] for item in step.template.checklist_items()])
    return step_services.step_complete(actor=actor, step=step, expected_version=None, **kwargs)


def hand_over(w, *, acknowledge: bool = True, retain_days: int | None = None):
    """Manager A hands person A over to probation; the probation officer acknowledges."""
    from alliance.release import services

    handover = services.handover_send(actor=w.manager_a, person=w.person_a,
                                      to_agency=w.probation, note="The package",
                                      retain_days=retain_days)
    if acknowledge:
        handover = services.handover_acknowledge(actor=w.probation_officer, handover=handover,
                                                 expected_version=handover.version)
    w.handover = handover
    return handover


def release(w, released_on: datetime.date | None = None, release_type: str = "conditional"):
    """Manager A records person A's release (today unless said)."""
    from alliance.release import services

    episode = services.release_record(actor=w.manager_a, person=w.person_a,
                                      released_on=released_on or timezone.localdate(),
                                      release_type=release_type)
    w.person_a.refresh_from_db()
    w.episode_a = episode
    return episode


def released(w, *, retain_days: int | None = None, released_on=None):
    """`releasing`, handed over to probation (acknowledged) and released: probation is now
    responsible, the follow-ups are scheduled."""
    ensure_releasing(w)
    hand_over(w, retain_days=retain_days)
    release(w, released_on)
    return w


# --- appended by the support plan, handover and worklist pages' tests ------------------------------

def ngo_on_team(w, scopes=()):
    """The NGO worker joins person A's case team with the case team's share only (no identity,
    unless `scopes` says so)."""
    return add_to_team(w, w.ngo_worker, w.ngo, "Mentor", scopes=scopes)


def held_person(w, *, prison, actor, months: int, given_name: str, family_name: str,
                national_id: str):
    """Another person held in `prison` (registered by `actor`, a record keeper there), released
    in `months`, with their steps generated."""
    from alliance.people.models import CustodyEpisode
    from tests.factories import person_fields

    person = people_services.person_create(actor=actor, **person_fields(
        prison, given_name=given_name, family_name=family_name, national_id=national_id))
    episode = people_services.custody_episode_create(
        actor=actor, person=person, facility=prison, admitted_on=datetime.date(2023, 3, 1),
        legal_status="sentenced", offences="Fictional", terrorism_related=False,
        sentence_years=4, sentence_months=0, sentence_days=0, remand_credit_days=0,
        sentence_start=datetime.date(2023, 3, 1), sentence_start_source="court_judgment")
    episode = people_services.key_date_override(
        actor=actor, episode=episode, key_date="expected_release", value=months_ahead(months),
        reason="Conditional release granted", expected_version=None)
    step_services.sync_steps(CustodyEpisode.objects.get(pk=episode.pk),
                             today=timezone.localdate())
    person.refresh_from_db()
    return person


def person_in_prison_b(w, *, months: int = 3):
    """Person B, held in prison B (registered by its manager, `manager_b`), released in
    `months`, with their steps generated."""
    from alliance.accounts.models import Sector

    if getattr(w, "person_b", None) is not None:
        return w.person_b
    w.manager_b = member(w.prison_b, Role.PRISON_MANAGER, Role.CASE_MANAGER,
                         sector=Sector.MANAGEMENT, username="manager_b")
    w.person_b = held_person(w, prison=w.prison_b, actor=w.manager_b, months=months,
                             given_name="Besnik", family_name="Hoxha",
                             national_id="0101985450022")
    return w.person_b


# --- appended by the API's tests (test_api.py, matrix_api.py) -------------------------------------

def released_a_while_ago(w, *, days: int = 40) -> dict:
    """`released` `days` ago, once per test: person A's follow-ups by offset (the first ones
    due, the later ones to come)."""
    from alliance.release.models import FollowUp

    if not hasattr(w, "follow_ups_by_offset"):
        released(w, released_on=timezone.localdate() - datetime.timedelta(days=days))
        w.follow_ups_by_offset = {f.offset: f for f in FollowUp.objects.filter(
            person=w.person_a)}
    return w.follow_ups_by_offset


def handover_waiting(w):
    """`releasing`, and a handover to probation waiting for acknowledgement, once per test."""
    ensure_releasing(w)
    if not hasattr(w, "handover"):
        hand_over(w, acknowledge=False)
    return w.handover


def support_plan_started(w):
    """`releasing`, and the support plan started by the probation officer, once per test."""
    from alliance.release import services

    ensure_releasing(w)
    if not hasattr(w, "support_plan"):
        w.support_plan = services.support_plan_start(actor=w.probation_officer,
                                                     person=w.person_a)
    return w.support_plan
