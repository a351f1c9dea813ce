"""The jurisdictions of the monitoring history: what every one shares (the instruments, the
course), each one's agencies, staff, catalogue, release programme and trends, its staff's
certifications and training, and who was held in its prisons and when."""

import datetime
import math
import random
from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction

from django.utils import timezone

from alliance.accounts.models import Membership, Role, Sector, User
from alliance.assessments.models import Certification, Course, InstrumentKind, InstrumentVersion
from alliance.knowledge.models import (
    AttendanceResult,
    SessionKind,
    SessionStatus,
    TrainingAttendance,
    TrainingSession,
)
from alliance.monitoring.periods import month_start
from alliance.organisations.models import FacilityUnit
from alliance.people.key_dates import Sentence, add_months, compute_key_dates
from alliance.plans.models import Intervention
from alliance.plans.services.engagement import alliance_scores
from alliance.release.services.common import settings_for, templates_for

from ..names import BY_JURISDICTION
from ..seed import reference_versions
from .rows import at, own_timestamps, weekday

SEED = 14
AVERAGE_STAY_MONTHS = 20
# The staff of every jurisdiction: agency key, name, roles, sector, how many. In MK the demo
# users hold the first places of their kind (EXISTING); the others are fictional colleagues.
STAFF = [
    ("prison_a", "treatment-a", [Role.TREATMENT_OFFICER], Sector.TREATMENT, 3),
    ("prison_a", "manager-a", [Role.PRISON_MANAGER, Role.CASE_MANAGER], Sector.MANAGEMENT, 1),
    ("prison_b", "treatment-b", [Role.TREATMENT_OFFICER], Sector.TREATMENT, 2),
    ("prison_b", "manager-b", [Role.PRISON_MANAGER, Role.CASE_MANAGER], Sector.MANAGEMENT, 1),
    ("probation", "probation", [Role.PROBATION_OFFICER], "", 2),
    ("reintegration", "reintegration", [Role.REINTEGRATION_OFFICER], "", 1),
    ("municipality", "municipality", [Role.COMMUNITY_PROVIDER], "", 1),
    ("ngo", "ngo", [Role.COMMUNITY_PROVIDER], "", 1),
]
EXISTING = {("MK", "prison_a", Role.TREATMENT_OFFICER): "demo.treatment",
            ("MK", "prison_a", Role.PRISON_MANAGER): "demo.manager",
            ("MK", "prison_b", Role.TREATMENT_OFFICER): "demo.treatment2"}
ASSESSOR_COURSE = ("Alliance risk and needs assessment (demo)", "alliance-risk-needs")


# --- what every jurisdiction shares ----------------------------------------------------------------

@dataclass
class Common:
    today: datetime.date
    now: datetime.datetime
    first: datetime.date  # the first month of the history
    months: int
    screening: InstrumentVersion
    risk_needs: InstrumentVersion
    alliance: InstrumentVersion
    course: Course
    trainer: User
    scores: dict = field(default_factory=dict)

    @classmethod
    def load(cls, users, months, today):
        versions = reference_versions()
        alliance = (InstrumentVersion.objects.filter(instrument__kind=InstrumentKind.ALLIANCE,
                                                     is_active=True).order_by("-id").first())
        course, _ = Course.objects.get_or_create(name=ASSESSOR_COURSE[0],
                                                 instrument_code=ASSESSOR_COURSE[1])
        return cls(today=today, now=timezone.now(),
                   first=add_months(month_start(today), 1 - months), months=months,
                   screening=versions[InstrumentKind.SCREENING],
                   risk_needs=versions[InstrumentKind.RISK_NEEDS], alliance=alliance,
                   course=course, trainer=users["demo.trainer"])

    def index(self, day: datetime.date) -> float:
        """Where `day` lies in the history: 0 in its first month, 1 in the current one."""
        k = (day.year - self.first.year) * 12 + day.month - self.first.month
        return min(max(k / max(1, self.months - 1), 0.0), 1.0)

    def alliance_scores(self, ratings: dict) -> dict:
        key = tuple(sorted(ratings.items()))
        if key not in self.scores:
            self.scores[key] = alliance_scores(self.alliance, ratings)
        return self.scores[key]


class Trend:
    """A rate that moves over the history: a level, a drift and a seasonal swing."""

    def __init__(self, rng, low, high, drift):
        self.level = rng.uniform(low, high)
        self.drift = rng.uniform(-drift / 2, drift)
        self.phase = rng.uniform(0, 2 * math.pi)
        self.swing = rng.uniform(0.02, 0.05)

    def at(self, x: float) -> float:
        return min(0.98, max(0.02, self.level + self.drift * x
                             + self.swing * math.sin(self.phase + 2 * math.pi * 2 * x)))


@dataclass
class Area:
    """One jurisdiction: its agencies, staff, catalogue, release programme and trends."""

    code: str
    jurisdiction: object
    agencies: dict
    staff: dict  # (agency key, role) -> [User]
    new_staff: list
    catalogue: list
    templates: list
    horizon: int
    retain_days: int
    follow_up_offsets: list
    units: dict
    fraction: Fraction
    trends: dict
    common: Common
    names: list

    @classmethod
    def load(cls, code, agencies, users, common, rng):
        mine = {key: agency for (c, key), agency in agencies.items() if c == code}
        jurisdiction = mine["prison_a"].jurisdiction
        staff, new_staff = staff_of(code, mine, users)
        units = {}
        for unit in FacilityUnit.objects.filter(agency__in=mine.values()).order_by("pk"):
            units.setdefault(unit.agency_id, []).append(unit)
        config = settings_for(jurisdiction)
        trends = {
            "attended": Trend(rng, 0.70, 0.84, 0.10),
            "refused": Trend(rng, 0.06, 0.13, -0.05),
            "step_on_time": Trend(rng, 0.55, 0.78, 0.18),
            "reassessed_on_time": Trend(rng, 0.55, 0.78, 0.15),
            "support_plan": Trend(rng, 0.45, 0.62, 0.20),
            "referral_on_time": Trend(rng, 0.50, 0.75, 0.20),
            "alliance": Trend(rng, 0.50, 0.65, 0.15),  # of the scale's range
        }
        return cls(code=code, jurisdiction=jurisdiction, agencies=mine, staff=staff,
                   new_staff=new_staff,
                   catalogue=list(Intervention.objects.filter(jurisdiction=jurisdiction,
                                                              is_active=True).order_by("code")),
                   templates=templates_for(jurisdiction), horizon=config.horizon_months,
                   retain_days=config.retain_days,
                   follow_up_offsets=list(dict.fromkeys(config.follow_up_offsets)), units=units,
                   fraction=Fraction(jurisdiction.conditional_release_numerator,
                                     jurisdiction.conditional_release_denominator),
                   trends=trends, common=common, names=BY_JURISDICTION[code])

    def rate(self, name: str, day: datetime.date) -> float:
        return self.trends[name].at(self.common.index(day))

    def one(self, key: str, role: str, rng) -> User:
        return rng.choice(self.staff[(key, role)])


def staff_places(code) -> list[tuple]:
    """(agency key, username, roles, sector) of every place of the jurisdiction's staff."""
    places = []
    for key, name, roles, sector, count in STAFF:
        for n in range(1, count + 1):
            existing = EXISTING.get((code, key, roles[0])) if n == 1 else None
            places.append((key, existing or f"demo.{code.lower()}.{name}{n}", roles, sector))
    return places


def staff_of(code, mine, users) -> tuple[dict, list]:
    """The jurisdiction's staff: MK's demo users, and fictional colleagues (created once; no
    password: they never sign in)."""
    staff, new = {}, []
    rng = random.Random(f"{SEED}:{code}:staff")
    for key, username, roles, sector in staff_places(code):
        if username in EXISTING.values():
            user = users[username]
        else:
            given_names, family_names = rng.choice(BY_JURISDICTION[code])
            user, created = User.objects.get_or_create(username=username, defaults={
                "first_name": rng.choice(given_names), "last_name": rng.choice(family_names),
                "email": f"{username}@example.invalid"})
            if created:
                user.set_unusable_password()
                user.save()
            Membership.objects.update_or_create(user=user, agency=mine[key], defaults={
                "roles": [str(r) for r in roles], "sector": sector, "is_active": True})
            new.append((key, roles[0], user))
        for role in roles:
            staff.setdefault((key, role), []).append(user)
    return staff, new


def training(area: Area, rng) -> Counter:
    """The assessors' certifications and the year's training sessions of the jurisdiction's
    new staff: most certified before the history began, two on a course during it; boosters
    every other month."""
    common = area.common
    assessors = [(key, user) for key, role, user in area.new_staff
                 if role in (Role.TREATMENT_OFFICER, Role.PRISON_MANAGER)]
    if not assessors or Certification.objects.filter(user=assessors[0][1]).exists():
        return Counter()
    attendees = [user for _key, _role, user in area.new_staff]
    organiser = area.agencies["prison_admin"]
    course = common.course
    certifications, sessions, attendances = [], [], []

    def session(day, kind):
        s = TrainingSession(course=course, kind=kind, starts_on=day, agency=organiser,
                            trainer=common.trainer, status=SessionStatus.RECORDED,
                            place="Training centre (demo)", recorded_at=at(day, 17),
                            created_at=at(day - datetime.timedelta(days=30), 10),
                            updated_at=at(day, 17))
        sessions.append(s)
        return s

    late = {user.pk for _key, user in assessors[-2:]}
    course_day = weekday(add_months(common.first, common.months // 3) + datetime.timedelta(
        days=rng.randint(3, 20)))
    on_course = session(course_day, SessionKind.CERTIFICATION) if course_day < common.today \
        else None
    for _key, user in assessors:
        if user.pk in late and on_course is not None:
            certified = course_day
        else:
            certified = common.first - datetime.timedelta(days=rng.randint(30, 700))
        cert = Certification(user=user, instrument_code=course.instrument_code, course=course,
                             certified_on=certified,
                             expires_on=certified + datetime.timedelta(days=3 * 365),
                             booster_due_on=add_months(certified, 12),
                             created_at=at(certified, 16), updated_at=at(certified, 16))
        certifications.append(cert)
        if user.pk in late and on_course is not None:
            attendances.append(TrainingAttendance(session=on_course, user=user,
                                                  result=AttendanceResult.PASSED,
                                                  score=rng.randint(70, 95), certification=cert))
    for k in range(rng.randint(0, 1), common.months, 2):
        day = weekday(add_months(common.first, k) + datetime.timedelta(days=rng.randint(5, 24)))
        if day >= common.today:
            break
        booster = session(day, SessionKind.BOOSTER)
        for user in rng.sample(attendees, min(len(attendees), rng.randint(5, 9))):
            result = AttendanceResult.ABSENT if rng.random() < 0.1 else AttendanceResult.PASSED
            attendances.append(TrainingAttendance(session=booster, user=user, result=result))
    with own_timestamps():
        Certification.objects.bulk_create(certifications)
        TrainingSession.objects.bulk_create(sessions)
        TrainingAttendance.objects.bulk_create(attendances)
    return Counter({"Certification": len(certifications), "TrainingSession": len(sessions),
                    "TrainingAttendance": len(attendances)})


# --- who was held, and when ----------------------------------------------------------------------

@dataclass
class Life:
    key: str  # for the person's own random generator
    prison: object
    admitted: datetime.date
    remand: bool
    years: int = 0
    months: int = 0
    credit: int = 0
    conditional: bool = False
    release: datetime.date | None = None  # the expected release
    released: bool = False  # released during the history


def key_dates(life: Life, fraction: Fraction) -> dict:
    return compute_key_dates(Sentence(life.admitted, life.years, life.months, 0, life.credit),
                             fraction)


def release_of(life: Life, fraction: Fraction) -> datetime.date:
    dates = key_dates(life, fraction)
    return dates["conditional_release_eligibility"] if life.conditional \
        else dates["expected_release"]


def lives_of(area: Area, prison, held: int, rng) -> list[Life]:
    """`held` people in the prison today (a few on remand), and the people it released during
    the history at the rate a stay of AVERAGE_STAY_MONTHS gives."""
    common, lives = area.common, []
    released = round(held * common.months / AVERAGE_STAY_MONTHS)
    history_days = (common.today - common.first).days

    def sentenced(n):
        life = Life(key=f"{area.code}:{prison.pk}:{n}", prison=prison, admitted=common.today,
                     remand=False, years=rng.randint(1, 6), months=rng.choice([0, 0, 6]),
                     credit=rng.choice([0, 0, 45, 120]), conditional=rng.random() < 0.6)
        reference = datetime.date(2020, 1, 1)
        life.admitted = reference
        return life, (release_of(life, area.fraction) - reference).days

    n = 0
    while len(lives) < held:
        n += 1
        if rng.random() < 0.08:
            lives.append(Life(key=f"{area.code}:{prison.pk}:{n}", prison=prison, remand=True,
                               admitted=common.today - datetime.timedelta(
                                   days=rng.randint(10, 300))))
            continue
        life, stay = sentenced(n)
        if stay < 60:
            continue
        life.admitted = common.today - datetime.timedelta(days=rng.randint(15, stay - 1))
        life.release = release_of(life, area.fraction)
        if life.release > common.today:
            lives.append(life)
    out = 0
    while out < released:
        n += 1
        life, stay = sentenced(n)
        target = common.first + datetime.timedelta(days=rng.randint(0, history_days - 1))
        life.admitted = target - datetime.timedelta(days=stay)
        life.release = release_of(life, area.fraction)
        if common.first <= life.release < common.today:
            life.released = True
            lives.append(life)
            out += 1
    return lives
