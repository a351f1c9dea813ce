"""The compartments of dynamic security at the policy level (observations/access.py), for every
persona of the authorization matrix: what each may know exists (`visible`), what each may do
with it (`grant`), and what the getters answer (404, 403, the object) and log.

Person A is held by prison A, whose security side (security A, analyst A) holds the security
compartment. Probation is on the case team with the identity scope, the NGO worker with none.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from alliance.accounts.models import Membership, Role, Sector
from alliance.cases import services as case_services
from alliance.core import context
from alliance.core.compartments import Compartment
from alliance.core.models import AuditEvent
from alliance.core.policy import NO_GRANT
from alliance.observations import access
from alliance.observations.access import ObservationAction as O
from alliance.observations.access import SecurityAction as S
from alliance.observations.access import SummaryAction
from alliance.observations.models import Recipient
from alliance.people.access import person_grant

from ..factories import member
from ..matrix import PERSONAS
from . import builders

pytestmark = pytest.mark.django_db

SECURITY_SIDE = {"security_a", "analyst_a"}


def user_of(w, persona):
    return AnonymousUser() if persona == "anonymous" else getattr(w, persona)


@pytest.fixture
def team(world):
    """`world` with probation on person A's team (identity scope) and the NGO worker (none)."""
    return builders.case_team(world)


@pytest.fixture
def material(team):
    """Every kind of security material of person A, and a summary shared with treatment A by
    name and with the probation officers of the case team by role."""
    w = team
    builders.security_new(w)
    builders.own_new(w)
    builders.own_reviewed(w)
    builders.link(w)
    builders.analysis(w)
    w.summary = builders.share(w, observations=[builders.security_reviewed(w)])
    # The role recipient as share_create stores it (added here: the policy is under test, and
    # share_create with roles is tested, and found broken, in test_services.py).
    Recipient.objects.create(summary=w.summary, role=Role.PROBATION_OFFICER)
    return w


# --- the person's security grant -----------------------------------------------------------------

SECURITY_ACTIONS = {
    "treatment_a": {S.RECORD},  # dynamic security is everyone's in the prison
    "security_a": {S.RECORD, S.VIEW},
    "analyst_a": {S.RECORD, S.VIEW, S.ANALYSE},
    "manager_a": {S.RECORD},
    "probation_officer": set(),  # on the team, without the security scope
    "ngo_worker": set(),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_holds_the_security_actions_of_their_place(team, persona):
    w = team
    user = user_of(w, persona)
    grant = access.security_grant(user, w.person_a, person_grant(user, w.person_a))
    assert set(grant.actions) == SECURITY_ACTIONS.get(persona, set())
    assert (Compartment.SECURITY in grant.compartments) == (persona in SECURITY_SIDE)


# --- observations --------------------------------------------------------------------------------

# persona -> actions on each observation (absent: no grant at all)
OBSERVATION_GRANTS = {
    "security_new": {"security_a": {O.VIEW, O.EDIT}, "analyst_a": {O.VIEW, O.REVIEW}},
    "security_reviewed": {"security_a": {O.VIEW, O.ADDENDUM},
                          "analyst_a": {O.VIEW, O.ADDENDUM, O.LINK, O.ARCHIVE}},
    # treatment A's own: their status and correction, never a VIEW of the entry
    "own_new": {"treatment_a": {O.EDIT}, "security_a": {O.VIEW},
                "analyst_a": {O.VIEW, O.REVIEW}},
    "own_reviewed": {"treatment_a": {O.ADDENDUM}, "security_a": {O.VIEW},
                     "analyst_a": {O.VIEW, O.ADDENDUM, O.LINK, O.ARCHIVE}},
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_sees_and_may_do_with_observations_what_their_compartment_allows(
        material, persona):
    w = material
    user = user_of(w, persona)
    listed = set(access.observations.visible(user).values_list("pk", flat=True))
    for name, expected in OBSERVATION_GRANTS.items():
        observation = getattr(w, f"obs_{name}")
        grant = access.observations.grant(user, observation)
        actions = expected.get(persona)
        if actions is None:
            assert grant == NO_GRANT, (name, grant)
            assert observation.pk not in listed, name
        else:
            assert set(grant.actions) == actions, name
            assert observation.pk in listed, name


def test_an_observer_outside_the_compartment_lists_only_their_own_and_cannot_open_them(material):
    w = material
    listed = set(access.observations.visible(w.treatment_a))
    assert listed == {w.obs_own_new, w.obs_own_reviewed}
    # visible to them (their status, their correction) but not a VIEW of the entry: 403
    with pytest.raises(PermissionDenied):
        access.get_observation_for_user(w.treatment_a, w.obs_own_new.uuid)
    observation, grant = access.get_observation_for_user(w.treatment_a, w.obs_own_new.uuid,
                                                         O.EDIT)
    assert observation == w.obs_own_new and not grant.can(O.VIEW)
    # security A's entries are not there at all: 404, as for an observation that does not exist
    for other in (w.obs_security_new, w.obs_security_reviewed):
        with pytest.raises(Http404):
            access.get_observation_for_user(w.treatment_a, other.uuid, O.EDIT)


def test_the_manager_who_records_an_observation_sees_their_own_only(material):
    w = material
    mine = builders.observe(w, w.manager_a)
    assert list(access.observations.visible(w.manager_a)) == [mine]
    grant = access.observations.grant(w.manager_a, mine)
    assert set(grant.actions) == {O.EDIT}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_observation_getter_answers_each_persona_as_the_policy_says(material, persona):
    w = material
    user = user_of(w, persona)
    for name in OBSERVATION_GRANTS:
        observation = getattr(w, f"obs_{name}")
        actions = OBSERVATION_GRANTS[name].get(persona)
        if actions is None:
            with pytest.raises(Http404):
                access.get_observation_for_user(user, observation.uuid)
        elif O.VIEW not in actions:
            with pytest.raises(PermissionDenied):
                access.get_observation_for_user(user, observation.uuid)
        else:
            found, grant = access.get_observation_for_user(user, observation.uuid)
            assert found == observation and set(grant.actions) == actions


def test_a_team_member_given_the_security_scope_reads_and_records_but_does_not_analyse(
        material):
    w = material
    # given: prison B's security officer joins person A's team with the security scope
    officer = member(w.prison_b, Role.SECURITY_OFFICER, sector=Sector.SECURITY)
    case_services.team_member_add(actor=w.manager_a, case=w.case_a, team_role="Liaison",
                                  scopes=[Compartment.SECURITY],
                                  membership=Membership.objects.get(user=officer))
    grant = access.security_grant(officer, w.person_a, person_grant(officer, w.person_a))
    assert set(grant.actions) == {S.RECORD, S.VIEW}
    assert w.obs_security_new in access.observations.visible(officer)
    assert w.obs_analysis in access.analyses.visible(officer)
    assert not access.observations.grant(officer, w.obs_security_new).can(O.REVIEW)


def test_leaving_the_team_takes_the_security_material_away_at_once(material):
    w = material
    officer = member(w.prison_b, Role.SECURITY_OFFICER, sector=Sector.SECURITY)
    place = case_services.team_member_add(actor=w.manager_a, case=w.case_a, team_role="Liaison",
                                          scopes=[Compartment.SECURITY],
                                          membership=Membership.objects.get(user=officer))
    assert access.observations.visible(officer).exists()
    case_services.team_member_end(actor=w.manager_a, member=place)
    assert not access.observations.visible(officer).exists()
    with pytest.raises(Http404):
        access.get_observation_for_user(officer, w.obs_security_new.uuid)


def test_security_staff_of_another_prison_see_nothing_of_person_a(material):
    w = material
    other = member(w.prison_b, Role.SECURITY_ANALYST, sector=Sector.SECURITY)
    assert not access.observations.visible(other).exists()
    assert not access.analyses.visible(other).exists()
    assert not access.summaries.visible(other).exists()
    assert access.analyst_agency_ids(other) == {w.prison_b.pk}
    with pytest.raises(Http404):
        access.get_person_for_security(other, w.person_a.uuid)


# --- analyses ------------------------------------------------------------------------------------

ANALYSIS_GRANTS = {"security_a": {O.VIEW}, "analyst_a": {O.VIEW, O.EDIT}}


@pytest.mark.parametrize("persona", PERSONAS)
def test_analyses_are_the_security_sides_alone(material, persona):
    w = material
    user = user_of(w, persona)
    listed = list(access.analyses.visible(user))
    grant = access.analyses.grant(user, w.obs_analysis)
    expected = ANALYSIS_GRANTS.get(persona)
    assert listed == ([w.obs_analysis] if expected else [])
    assert set(grant.actions) == (expected or set())
    if expected:
        assert access.get_analysis_for_user(user, w.obs_analysis.uuid)[0] == w.obs_analysis
    else:
        with pytest.raises(Http404):
            access.get_analysis_for_user(user, w.obs_analysis.uuid)


# --- shared summaries ----------------------------------------------------------------------------

# The security side reads every summary; the analyst withdraws; treatment A (named) and the
# probation officer (by role, on the team) read it while in date. Nobody else.
SUMMARY_GRANTS = {"security_a": {SummaryAction.VIEW},
                  "analyst_a": {SummaryAction.VIEW, SummaryAction.WITHDRAW},
                  "treatment_a": {SummaryAction.VIEW}, "probation_officer": {SummaryAction.VIEW}}


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_summary_reaches_its_recipients_and_the_security_side_only(material, persona):
    w = material
    user = user_of(w, persona)
    listed = list(access.summaries.visible(user))
    grant = access.summaries.grant(user, w.summary)
    expected = SUMMARY_GRANTS.get(persona)
    assert listed == ([w.summary] if expected else [])
    assert set(grant.actions) == (expected or set())
    if expected:
        assert access.get_summary_for_user(user, w.summary.uuid)[0] == w.summary
    else:
        with pytest.raises(Http404):
            access.get_summary_for_user(user, w.summary.uuid)


def test_a_recipient_who_leaves_the_case_team_no_longer_reads_the_summary(material):
    w = material
    place = w.case_a.team.get(user=w.probation_officer, ended_at__isnull=True)
    case_services.team_member_end(actor=w.manager_a, member=place)
    w.probation_officer = type(w.probation_officer).objects.get(pk=w.probation_officer.pk)
    assert not access.summaries.visible(w.probation_officer).exists()
    with pytest.raises(Http404):
        access.get_summary_for_user(w.probation_officer, w.summary.uuid)


# --- the person's security record and the pages across people -----------------------------------

@pytest.mark.parametrize("persona", PERSONAS)
def test_the_person_security_getter_answers_404_403_or_the_person(team, persona):
    w = team
    user = user_of(w, persona)
    allowed = SECURITY_ACTIONS.get(persona)
    for action in (S.VIEW, S.RECORD, S.ANALYSE):
        if allowed is None:
            with pytest.raises(Http404):
                access.get_person_for_security(user, w.person_a.uuid, action)
        elif action not in allowed:
            with pytest.raises(PermissionDenied):
                access.get_person_for_security(user, w.person_a.uuid, action)
        else:
            person, grant = access.get_person_for_security(user, w.person_a.uuid, action)
            assert person == w.person_a and grant.can(action)


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_security_side_uses_the_dashboard_and_the_queue(world, persona):
    user = user_of(world, persona)
    assert access.can_use_security_pages(user) == (persona in SECURITY_SIDE)
    assert access.analyst_agency_ids(user) == ({world.prison_a.pk}
                                               if persona == "analyst_a" else set())


# --- reads are logged with their purpose ---------------------------------------------------------

@pytest.fixture
def purpose():
    token = context.activate(context.RequestContext(purpose="case_conference"))
    yield "case_conference"
    context.deactivate(token)


def test_every_getter_logs_the_read_with_its_purpose(material, purpose):
    w = material
    reads = [
        (lambda: access.get_observation_for_user(w.analyst_a, w.obs_security_new.uuid),
         "observations.observation", w.obs_security_new.uuid),
        (lambda: access.get_analysis_for_user(w.security_a, w.obs_analysis.uuid),
         "observations.analysis", w.obs_analysis.uuid),
        (lambda: access.get_summary_for_user(w.treatment_a, w.summary.uuid),
         "observations.sharedsummary", w.summary.uuid),
    ]
    for read, object_type, uuid in reads:
        last = AuditEvent.objects.latest("id").pk
        read()
        events = list(AuditEvent.objects.filter(pk__gt=last))
        assert len(events) == 1, object_type
        event = events[0]
        assert (event.action, event.outcome, event.object_type, event.object_uuid,
                event.person, event.purpose) == ("view", "success", object_type, str(uuid),
                                                 w.person_a, purpose)


def test_a_refused_read_is_logged_against_the_person_for_their_dpo(material, purpose):
    w = material
    with pytest.raises(Http404):
        access.get_observation_for_user(w.treatment_a, w.obs_security_new.uuid)
    event = AuditEvent.objects.latest("id")
    assert (event.actor, event.outcome, event.object_type, event.person) == (
        w.treatment_a, "denied", "observations.observation", w.person_a)
    with pytest.raises(PermissionDenied):
        access.get_observation_for_user(w.treatment_a, w.obs_own_new.uuid)
    event = AuditEvent.objects.latest("id")
    assert (event.outcome, event.person, event.details["requested"]) == ("denied", w.person_a,
                                                                        "view")
