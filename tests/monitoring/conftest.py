"""Fixtures of the monitoring tests, for every file of tests/monitoring/.

* `monitoring_world`: the suite's `world` (tests/conftest.py: J1 with prison A, prison B and
  probation; J2 with `prison_other`; the regional programme, with no jurisdiction) plus
    - `manager_b`, `manager_probation`: managers (Role.PRISON_MANAGER) of prison B and of
      probation (`manager_a` and `manager_other` already manage prison A and prison J2);
    - `coordinator_manager`: a regional coordinator who also manages prison B: they see prison
      B's exact figures and are refused the anonymous levels (access.py: the levels never meet);
    - `xk`, `prison_xk`: a third jurisdiction shown with the designation footnote (Kosovo*) and
      its prison, with `manager_xk`.
* `snapshot`: puts IndicatorValue and SnapshotMonth rows in directly, for tests of the figures
  (statistics, pages, exports, API) that need no person-level record:
      snapshot.put(w.prison_a, "2026-01", "screened", 7)
      snapshot.put(w.prison_a, "2026-01", "engagement", 6, 8)
      snapshot.computed("2026-01", "2026-02")       # or snapshot.computed_year(2026)
* `records` (on `monitoring_world`): builders of person-level records at known dates, written
  directly as the modules' services would leave them (test_sources.py, test_snapshots.py).

Months may be given as "2026-01" or as a date. Two helpers to import (`from .conftest import
at, month`): `month("2026-01")` -> date(2026, 1, 1); `at(day, hour)` -> an aware datetime at that
local hour (the figures count months in settings.TIME_ZONE, not in UTC).
"""

import datetime
from itertools import count

import pytest
from django.core.cache import cache
from django.utils import timezone

from alliance.accounts.models import Role, Sector
from alliance.assessments.models import (
    Assessment,
    AssessmentStatus,
    Certification,
    Course,
    Instrument,
    InstrumentKind,
    InstrumentVersion,
    Screening,
)
from alliance.cases.models import Case, CaseStatus
from alliance.coordination.models import Referral, ReferralStatus
from alliance.knowledge.models import AttendanceResult, TrainingAttendance, TrainingSession
from alliance.monitoring.models import IndicatorValue, SnapshotMonth
from alliance.monitoring.periods import months_between
from alliance.organisations.models import AgencyType
from alliance.people.models import CustodyEpisode, Person
from alliance.plans.models import AllianceMeasure, Enrolment, Intervention, Plan, PlanStatus, Session
from alliance.release.models import ReleaseStep, StepStatus, StepTemplate, SupportPlan

from ..factories import AgencyFactory, JurisdictionFactory, member


def month(value) -> datetime.date:
    """"2026-01" (or a date) -> the first day of that month."""
    if isinstance(value, datetime.date):
        return value.replace(day=1)
    year, number = value.split("-")
    return datetime.date(int(year), int(number), 1)


def at(day: datetime.date, hour: int = 12, minute: int = 0) -> datetime.datetime:
    """An aware datetime at `hour`:`minute` local time (settings.TIME_ZONE) on `day`."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@pytest.fixture
def monitoring_world(world):
    w = world
    w.manager_b = member(w.prison_b, Role.PRISON_MANAGER, sector=Sector.MANAGEMENT,
                         username="manager_b")
    w.manager_probation = member(w.probation, Role.PRISON_MANAGER, username="manager_probation")
    w.coordinator_manager = member(w.regional, Role.REGIONAL_COORDINATOR,
                                   username="coordinator_manager")
    w.coordinator_manager.memberships.create(agency=w.prison_b, roles=[Role.PRISON_MANAGER],
                                             sector=Sector.MANAGEMENT)
    w.xk = JurisdictionFactory(code="XK", name="Kosovo", designation_footnote=True)
    w.prison_xk = AgencyFactory(jurisdiction=w.xk, name="Prison XK", type=AgencyType.PRISON)
    w.manager_xk = member(w.prison_xk, Role.PRISON_MANAGER, sector=Sector.MANAGEMENT,
                          username="manager_xk")
    return w


class Snapshot:
    """Writes the snapshot table directly (what snapshots.compute would have written)."""

    def put(self, agency, when, indicator: str, numerator: float,
            denominator: int | None = None) -> IndicatorValue:
        value, _ = IndicatorValue.objects.update_or_create(
            agency=agency, month=month(when), indicator=indicator,
            defaults={"jurisdiction": agency.jurisdiction, "numerator": numerator,
                      "denominator": denominator})
        return value

    def computed(self, *months) -> None:
        """Mark months as computed (a month not marked shows as "not computed yet")."""
        now = timezone.now()
        for when in months:
            SnapshotMonth.objects.update_or_create(month=month(when),
                                                   defaults={"computed_at": now})

    def computed_year(self, year: int) -> None:
        self.computed(*months_between(datetime.date(year, 1, 1), datetime.date(year, 12, 1)))


@pytest.fixture
def snapshot(db):
    # The anonymous figures are cached per year (statistics._protected_year): start clean.
    cache.clear()
    return Snapshot()


class Records:
    """Person-level records at known dates, written directly with the fields the modules'
    services set (statuses, dates, foreign keys), so that each test states its own dates."""

    def __init__(self, w):
        self.w = w
        self._n = count(1)
        self.staff = w.treatment_a
        self.versions = {}

    # --- people ---------------------------------------------------------------------------------

    def person(self, agency, *, jurisdiction=None) -> Person:
        """A person whose responsible agency is `agency` (no custody episode yet)."""
        n = next(self._n)
        return Person.objects.create(
            reference=f"MON-{n:05d}", jurisdiction=jurisdiction or agency.jurisdiction,
            responsible_agency=agency, given_name="Given", family_name=f"Family{n}",
            data_subject_category="convicted", classification="at_risk")

    def episode(self, person, facility, admitted_on, ended_on=None,
                release_type: str = "") -> CustodyEpisode:
        return CustodyEpisode.objects.create(
            person=person, facility=facility, admitted_on=admitted_on, ended_on=ended_on,
            is_current=ended_on is None, release_type=release_type, legal_status="sentenced")

    def held(self, facility, admitted_on=datetime.date(2020, 1, 1)) -> Person:
        """A person held in `facility` since `admitted_on` (and responsible to it)."""
        person = self.person(facility)
        self.episode(person, facility, admitted_on)
        return person

    # --- assessments ----------------------------------------------------------------------------

    def version(self, kind: str) -> InstrumentVersion:
        if kind not in self.versions:
            instrument = Instrument.objects.create(code=f"test-{kind}", kind=kind,
                                                   name=f"Test {kind}")
            self.versions[kind] = InstrumentVersion.objects.create(
                instrument=instrument, version="1.0", content_hash=f"test-{kind}",
                definition={}, licence="open reference")
        return self.versions[kind]

    def screening(self, person, when: datetime.datetime) -> Screening:
        return Screening.objects.create(
            person=person, instrument_version=self.version(InstrumentKind.SCREENING),
            occasion="intake", outcome="no_concern", evidence={}, bias_answers={},
            screened_by=self.staff, screened_at=when)

    def assessment(self, person, countersigned: datetime.datetime | None, *,
                   status: str = AssessmentStatus.COUNTERSIGNED, corrects=None,
                   kind: str = InstrumentKind.RISK_NEEDS) -> Assessment:
        """An assessment countersigned at `countersigned` (None: submitted, not yet)."""
        submitted = (countersigned or timezone.now()) - datetime.timedelta(days=2)
        return Assessment.objects.create(
            person=person, instrument_version=self.version(kind), status=status,
            lead_assessor=self.staff, submitted_at=submitted, submitted_by=self.staff,
            countersigned_at=countersigned,
            countersigned_by=self.w.manager_a if countersigned else None, corrects=corrects,
            correction_reason="A wrong rating" if corrects else "")

    # --- cases and plans ------------------------------------------------------------------------

    def case(self, person, opened: datetime.datetime,
             closed: datetime.datetime | None = None) -> Case:
        return Case.objects.create(person=person, opened_at=opened, closed_at=closed,
                                   status=CaseStatus.CLOSED if closed else CaseStatus.OPEN)

    def plan(self, person, countersigned: datetime.datetime | None, *,
             status: str = PlanStatus.COUNTERSIGNED, number: int = 1) -> Plan:
        return Plan.objects.create(
            person=person, number=number, status=status, author=self.staff,
            submitted_at=countersigned, countersigned_at=countersigned,
            countersigned_by=self.w.manager_a if countersigned else None)

    # --- engagement -----------------------------------------------------------------------------

    def intervention(self) -> Intervention:
        if not hasattr(self, "_intervention"):
            self._intervention = Intervention.objects.create(
                jurisdiction=self.w.j1, code="MON", name="Mentoring", type="exit_mentoring",
                format="individual")
        return self._intervention

    def enrolment(self, person) -> Enrolment:
        return Enrolment.objects.create(
            person=person, intervention=self.intervention(), practitioner=self.staff,
            planned_sessions=10, started_on=datetime.date(2020, 1, 1), created_by=self.staff)

    def session(self, person, when: datetime.datetime, attendance: str = "") -> Session:
        """A session scheduled at `when`, its attendance recorded ("" : not recorded)."""
        return Session.objects.create(
            enrolment=self.enrolment(person), person=person, scheduled_at=when,
            facilitator=self.staff, attendance=attendance,
            recorded_at=when if attendance else None,
            recorded_by=self.staff if attendance else None)

    def alliance(self, person, taken_on: datetime.date, total: float | None) -> AllianceMeasure:
        """A measure whose overall (`total`) subscale is `total` (None: too few answers)."""
        return AllianceMeasure.objects.create(
            person=person, practitioner=self.staff,
            instrument_version=self.version(InstrumentKind.ALLIANCE), occasion="scheduled",
            taken_on=taken_on, ratings={}, recorded_by=self.staff,
            scores={"goal": total, "task": total, "bond": total, "total": total})

    # --- release --------------------------------------------------------------------------------

    def step(self, episode, due_on: datetime.date, status: str = StepStatus.PENDING,
             completed_on: datetime.date | None = None) -> ReleaseStep:
        n = next(self._n)
        template = StepTemplate.objects.create(code=f"step-{n}", name=f"Step {n}")
        return ReleaseStep.objects.create(
            person=episode.person, episode=episode, template=template, agency=episode.facility,
            due_on=due_on, status=status, completed_on=completed_on,
            completed_by=self.staff if completed_on else None)

    def support_plan(self, episode, created: datetime.datetime) -> SupportPlan:
        plan = SupportPlan.objects.create(person=episode.person, episode=episode,
                                          created_by=self.staff, updated_by=self.staff)
        SupportPlan.objects.filter(pk=plan.pk).update(created_at=created)  # auto_now_add
        plan.refresh_from_db()
        return plan

    # --- coordination ---------------------------------------------------------------------------

    def referral(self, person, from_agency, to_agency, sent: datetime.datetime | None, *,
                 respond_by: datetime.date | None = None,
                 responded: datetime.datetime | None = None,
                 status: str | None = None) -> Referral:
        """A referral sent at `sent`, answered at `responded` (accepted unless `status` says
        otherwise)."""
        if status is None:
            status = (ReferralStatus.ACCEPTED if responded else
                      ReferralStatus.SENT if sent else ReferralStatus.DRAFT)
        return Referral.objects.create(
            person=person, from_agency=from_agency, to_agency=to_agency, kind="mentoring",
            reason="Mentoring after release", created_by=self.staff, sent_at=sent,
            sent_by=self.staff if sent else None, respond_by=respond_by, responded_at=responded,
            responded_by=self.staff if responded else None, status=status,
            withdrawn_at=timezone.now() if status == ReferralStatus.WITHDRAWN else None)

    # --- staff ----------------------------------------------------------------------------------

    def course(self) -> Course:
        if not hasattr(self, "_course"):
            self._course = Course.objects.create(name="Assessor course",
                                                 instrument_code="alliance-risk-needs")
        return self._course

    def training(self, starts_on: datetime.date,
                 ends_on: datetime.date | None = None) -> TrainingSession:
        """A training session held by the regional programme (attendees: `attend`)."""
        return TrainingSession.objects.create(
            course=self.course(), starts_on=starts_on, ends_on=ends_on, agency=self.w.regional,
            trainer=self.w.regional_coordinator)

    def attend(self, session, user, result: str = AttendanceResult.PASSED) -> TrainingAttendance:
        return TrainingAttendance.objects.create(session=session, user=user, result=result)

    def certification(self, user, certified_on: datetime.date, expires_on: datetime.date, *,
                      revoked: bool = False) -> Certification:
        return Certification.objects.create(user=user, instrument_code="alliance-risk-needs",
                                            certified_on=certified_on, expires_on=expires_on,
                                            revoked=revoked)


@pytest.fixture
def records(monitoring_world):
    return Records(monitoring_world)

