"""Personas shared by the whole suite (STYLE.md): who works where, with which roles.

Prison A and prison B are in jurisdiction J1; `other` is a prison in jurisdiction J2.
`person_a` is held in prison A, with an open case run by `manager_a`.
"""

import datetime
import os
import time
from types import SimpleNamespace

import pytest
from allauth.account.internal.flows.login import (
    _AUTHENTICATION_METHODS_USER_SESSION_KEY,
    AUTHENTICATION_METHODS_SESSION_KEY,
)
from django.conf import settings as django_settings
from django.test import Client
from django.utils import translation

from alliance.accounts.models import Role, Sector
from alliance.cases import services as case_services
from alliance.organisations.models import AgencyType
from alliance.people import services as people_services

from .factories import (
    AgencyFactory,
    FacilityUnitFactory,
    JurisdictionFactory,
    agreement,
    member,
    person_fields,
)


def pytest_collection_modifyitems(items):
    """Under pytest-xdist (`make test`), the tests marked `slow` are handed out first: one of them
    started near the end would leave the other workers idle for minutes while it runs alone.
    The order is otherwise kept, and a run in one process keeps the file order."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _each_test_starts_in_the_default_language():
    """A request in another language leaves it active in the thread after the response (Django's
    LocaleMiddleware activates, nothing deactivates): without this, a test that reads a message
    outside a request would read it in whatever language the previous test on the worker used."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _last_activity_written_on_every_request(settings):
    """Each signed-in request writes the session's last activity, so that the query-count tests
    compare like with like (in production it is written at most once a minute; the tests of
    that, tests/accounts/test_sessions.py, set SESSION_TOUCH_SECONDS themselves)."""
    settings.SESSION_TOUCH_SECONDS = 0


@pytest.fixture(autouse=True)
def _second_factor_not_required(settings):
    """No role must use a second factor here, so that the DPO and administrator personas reach
    their pages as before. The tests of the enforcement (tests/accounts/test_mfa*.py) set
    `settings.MFA_REQUIRED_ROLES` themselves."""
    settings.MFA_REQUIRED_ROLES = []


@pytest.fixture
def world(db):
    j1 = JurisdictionFactory(code="J1", name="Jurisdiction One")
    j2 = JurisdictionFactory(code="J2", name="Jurisdiction Two")
    prison_a = AgencyFactory(jurisdiction=j1, name="Prison A", type=AgencyType.PRISON)
    prison_b = AgencyFactory(jurisdiction=j1, name="Prison B", type=AgencyType.PRISON)
    probation = AgencyFactory(jurisdiction=j1, name="Probation J1", type=AgencyType.PROBATION)
    ngo = AgencyFactory(jurisdiction=j1, name="NGO J1", type=AgencyType.COMMUNITY_PROVIDER)
    admin_hq = AgencyFactory(jurisdiction=j1, name="Prison Administration J1",
                             type=AgencyType.PRISON_ADMINISTRATION)
    regional = AgencyFactory(jurisdiction=None, name="Regional programme",
                             type=AgencyType.REGIONAL_PROGRAMME)
    prison_other = AgencyFactory(jurisdiction=j2, name="Prison J2", type=AgencyType.PRISON)
    unit_a = FacilityUnitFactory(agency=prison_a, name="Wing 1")
    w = SimpleNamespace(
        j1=j1, j2=j2, prison_a=prison_a, prison_b=prison_b, probation=probation, ngo=ngo,
        admin_hq=admin_hq, regional=regional, prison_other=prison_other, unit_a=unit_a,
        treatment_a=member(prison_a, Role.TREATMENT_OFFICER, sector=Sector.TREATMENT,
                           username="treatment_a"),
        security_a=member(prison_a, Role.SECURITY_OFFICER, sector=Sector.SECURITY,
                          username="security_a"),
        analyst_a=member(prison_a, Role.SECURITY_ANALYST, sector=Sector.SECURITY,
                         username="analyst_a"),
        manager_a=member(prison_a, Role.PRISON_MANAGER, Role.CASE_MANAGER,
                         sector=Sector.MANAGEMENT, username="manager_a"),
        treatment_b=member(prison_b, Role.TREATMENT_OFFICER, sector=Sector.TREATMENT,
                           username="treatment_b"),
        probation_officer=member(probation, Role.PROBATION_OFFICER, username="probation"),
        ngo_worker=member(ngo, Role.COMMUNITY_PROVIDER, username="ngo"),
        regional_coordinator=member(regional, Role.REGIONAL_COORDINATOR, username="regional"),
        dpo=member(admin_hq, Role.DATA_PROTECTION_OFFICER, username="dpo"),
        admin=member(admin_hq, Role.SYSTEM_ADMINISTRATOR, username="sysadmin"),
        manager_other=member(prison_other, Role.PRISON_MANAGER, Role.CASE_MANAGER,
                             sector=Sector.MANAGEMENT, username="manager_other"),
    )
    # The agencies of Jurisdiction One share everything under one agreement in force, so that a
    # case team across them works as before the agreement gate; tests of the gate change it.
    w.agreement = agreement(prison_a, prison_b, probation, ngo, admin_hq, created_by=w.admin,
                            title="Jurisdiction One: rehabilitation and reintegration")
    w.person_a = people_services.person_create(actor=w.manager_a, **person_fields(prison_a))
    w.episode_a = people_services.custody_episode_create(
        actor=w.manager_a, person=w.person_a, facility=prison_a, unit=unit_a,
        admitted_on=datetime.date(2024, 1, 10), legal_status="sentenced",
        offences="Fictional offence", terrorism_related=True, sentence_years=6,
        sentence_months=0, sentence_days=0, remand_credit_days=30,
        sentence_start=datetime.date(2024, 1, 10), sentence_start_source="court_judgment")
    w.person_a.refresh_from_db()
    w.case_a = case_services.case_open(actor=w.manager_a, person=w.person_a)
    return w


def login(user, *, reauthenticated: bool = True) -> Client:
    """A client signed in as `user`. `reauthenticated`: the password was just confirmed, as
    allauth records it, so that exports and the other pages behind re-authentication open; the
    tests of that gate (tests/accounts/test_reauth*.py) pass False."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    if reauthenticated:
        reauthenticate(client, user)
    return client


def reauthenticate(client: Client, user, *, seconds_ago: float = 0) -> None:
    """Record in `client`'s session that `user` confirmed their password `seconds_ago`, the way
    allauth's re-authentication form does (allauth.account.internal.flows.reauthentication)."""
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        *session.get(AUTHENTICATION_METHODS_SESSION_KEY, []),
        {"method": "password", "at": time.time() - seconds_ago, "reauthenticated": True}]
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session.save()


@pytest.fixture
def as_user():
    return login


@pytest.fixture
def instruments(db):
    """The open reference instruments, loaded as an administrator would: by kind (the first of
    each kind: the format-1 ones) and by file name (`structured_profile_v2`)."""
    from alliance.assessments import services as assessment_services
    from alliance.assessments.instruments import reference_definition_paths

    loaded = {}
    for path in reference_definition_paths():
        version, _ = assessment_services.instrument_load(actor=None, text=path.read_text(),
                                                         filename=path.name)
        loaded.setdefault(version.instrument.kind, version)
        loaded[path.stem.replace("-", "_")] = version
    return SimpleNamespace(**loaded)


def certify(user, instrument_code):
    """A current certification of `user` for the instrument with this code (since a month, for
    about two years)."""
    from alliance.assessments.models import Certification

    today = datetime.date.today()
    return Certification.objects.create(user=user, instrument_code=instrument_code,
                                        certified_on=today - datetime.timedelta(days=30),
                                        expires_on=today + datetime.timedelta(days=700))


@pytest.fixture
def assessing(world, instruments):
    """`world` plus instruments, a certified treatment officer in prison A, and a draft risk and
    needs assessment of person A led by them."""
    from alliance.assessments import services as assessment_services

    certify(world.treatment_a, "alliance-risk-needs")
    world.instruments = instruments
    world.draft = assessment_services.assessment_start(
        actor=world.treatment_a, person=world.person_a, instrument_version=instruments.risk_needs)
    return world


def complete_ratings(assessment, actor, rating="moderate"):
    """Rate every item of the assessment's instrument (unknown where allowed, for some)."""
    from alliance.assessments import services as assessment_services

    definition = assessment.instrument_version.parsed
    for n, item in enumerate(definition.items):
        value = "unknown" if item.unknown_allowed and n % 7 == 3 else rating
        assessment_services.assessment_rate_item(actor=actor, assessment=assessment,
                                                 item_code=item.code, rating=value,
                                                 evidence=f"Evidence for {item.code}")


# --- format 2: the reference structured profile, and a checklist ---------------------------------

# A full answer set of the structured profile; the comments give the value each answer scores
# (test_format2_engine.py checks the outputs against them, computed by hand).
PROFILE_ANSWERS = {
    "EN1": {"presence": "present", "influence": "strong"},  # 2, influence 2
    "EN2": {"presence": "partly_present", "influence": "some"},  # 1, influence 1
    "EN3": {"presence": "not_present"},  # 0, influence not asked
    "IN1": {"presence": "partly_present", "influence": "little"},  # 1: IN3 is asked
    "IN2": {"presence": "unknown"},  # unknown
    "IN3": {"presence": "present", "influence": "strong"},  # 2
    "CA1": {"presence": "present", "timeframe": "historical"},  # 2 (timeframe: unordered)
    "CA2": {"presence": "partly_present", "influence": "some"},  # 1
    "PR1": "strong",  # protection 2
    "PR2": "not_applicable",  # no family in contact
}
# The same with IN1 not present: IN3, asked only from IN1 partly present on, is left out.
PROFILE_ANSWERS_WITHOUT_IN3 = {code: rating for code, rating in PROFILE_ANSWERS.items()
                               if code != "IN3"} | {"IN1": {"presence": "not_present"}}

# A tiny format-2 checklist: K1, and K2 which may be not applicable.
FORMAT_2_CHECKLIST = {
    "format": 2, "code": "tiny-checklist", "version": "1.0", "kind": "checklist",
    "name": {"en": "Tiny checklist"}, "description": {"en": "For tests"}, "languages": ["en"],
    "licence": "open reference",
    "scales": [{"code": "yn", "type": "ordinal", "direction": "concern", "points": [
        {"code": "no", "value": 0, "label": {"en": "No"}},
        {"code": "yes", "value": 1, "label": {"en": "Yes"}}]}],
    "domains": [{"code": "d", "name": {"en": "Checks"}, "items": [
        {"code": "K1", "text": {"en": "Visits recorded"}, "scale": "yn"},
        {"code": "K2", "text": {"en": "Family contact"}, "scale": "yn",
         "not_applicable_allowed": True}]}],
}


@pytest.fixture
def profile_certified(assessing):
    """`assessing`, with treatment A certified for the structured profile (format 2) too, whose
    version is `profile_version`."""
    certify(assessing.treatment_a, "alliance-structured-profile")
    assessing.profile_version = assessing.instruments.structured_profile_v2
    return assessing


@pytest.fixture
def profiling(profile_certified):
    """`profile_certified`, and `profile`: a draft structured profile of person A led by
    treatment A."""
    from alliance.assessments import services as assessment_services

    w = profile_certified
    w.profile = assessment_services.assessment_start(actor=w.treatment_a, person=w.person_a,
                                                     instrument_version=w.profile_version)
    return w


def profile_complete(w, *, evidence, factor, source, formulation):
    """Complete the draft `w.profile` as treatment A, not submitted: PROFILE_ANSWERS_WITHOUT_IN3
    (each with the evidence `evidence.format(code=code)`), an engagement factor "Online contacts"
    (`factor`: its rating and evidence), an interview as the source (`source`: its description),
    the judgement of each domain and the formulation."""
    from alliance.assessments import services as assessment_services

    actor, draft = w.treatment_a, w.profile
    for code, rating in PROFILE_ANSWERS_WITHOUT_IN3.items():
        assessment_services.assessment_rate_item(actor=actor, assessment=draft, item_code=code,
                                                 rating=rating,
                                                 evidence=evidence.format(code=code))
    assessment_services.factor_add(actor=actor, assessment=draft, domain="engagement",
                                   name="Online contacts", **factor)
    return assessment_services.assessment_update(
        actor=actor, assessment=draft, expected_version=None,
        sources=[{"kind": "interview", "description": source, "on": ""}],
        formulation=formulation, domain_judgements={
            "engagement": {"judgement": "moderate", "rationale": "Belonging"},
            "intent": {"judgement": "low", "rationale": "No wish to harm"},
            "capability": {"judgement": "moderate", "rationale": "Past violence"}})
