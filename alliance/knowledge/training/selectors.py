"""Scoped reads of training: the sessions list and page, who may attend or train, the staff
training page (today's accreditation overview with the courses attended and what is due) and
"My training". Sessions come only from the policy (access.training_sessions); staff only from
the agencies the reader oversees (access.manager_agency_ids)."""

import datetime
import uuid as uuid_module
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from alliance.accounts.access import profile_for
from alliance.accounts.models import Membership, Role, User
from alliance.assessments.accreditation import certification_overview
from alliance.assessments.models import Certification, Course
from alliance.organisations.models import Agency

from ..models import SessionStatus, TrainingAttendance, TrainingSession
from .access import manager_agency_ids, trainer_reach, training_sessions

PER_PAGE = 50
EXPIRING_DAYS = 60  # as assessments.accreditation.certification_overview's "expiring"
BOOSTER_DAYS = 30
CANDIDATES_SHOWN = 100


class DueState:
    """The staff page's filter: staff with a current certification in this state."""

    EXPIRED = "expired"
    EXPIRING = "expiring"
    BOOSTER_DUE = "booster_due"


# --- reference data ------------------------------------------------------------------------------

def courses() -> QuerySet[Course]:
    """The courses (reference data kept by the administrators in the admin)."""
    return Course.objects.order_by("name")


def organising_agencies(user) -> QuerySet[Agency]:
    """The agencies the user plans sessions for: where they hold the trainer role."""
    return Agency.objects.filter(pk__in=sorted(trainer_reach(user).agencies),
                                 is_active=True).order_by("name")


def _in_reach(agency):
    """Memberships of the agency's jurisdiction (a regional agency's: every one)."""
    places = Membership.objects.filter(is_active=True, agency__is_active=True,
                                       user__is_active=True)
    if agency.jurisdiction_id is not None:
        places = places.filter(agency__jurisdiction_id=agency.jurisdiction_id)
    return places


def trainer_candidates(agencies) -> list[User]:
    """Active users who may train a session organised by one of `agencies`: a trainer at an
    agency of its jurisdiction, or of the regional programme."""
    jurisdictions = {a.jurisdiction_id for a in agencies}
    # A regional session may be trained by any trainer; another, by one of its jurisdiction or
    # of the regional programme.
    places = Membership.objects.filter(
        is_active=True, agency__is_active=True, user__is_active=True).select_related("user",
                                                                                    "agency")
    if None not in jurisdictions:
        places = places.filter(Q(agency__jurisdiction_id__in=sorted(jurisdictions))
                               | Q(agency__jurisdiction__isnull=True))
    users = {m.user_id: m.user for m in places if Role.TRAINER in m.roles}
    return sorted(users.values(), key=lambda u: (u.last_name, u.first_name, u.pk))


def may_train(user, agency) -> bool:
    """The rule of trainer_candidates, for one user."""
    if not user.is_active:
        return False
    return any(agency.jurisdiction_id is None
               or g.jurisdiction_id in (None, agency.jurisdiction_id)
               for g in profile_for(user).grants_with(Role.TRAINER))


def active_users() -> QuerySet[User]:
    return User.objects.filter(is_active=True)


def users_by_uuid(uuids) -> list[User]:
    """The active users with these ids (the service says whether they may attend)."""
    return list(active_users().filter(uuid__in=list(uuids)))


def eligible_attendees(agency) -> QuerySet[User]:
    """Who may attend a session organised by `agency`: active users with an active place in its
    jurisdiction (anywhere, for a session of the regional programme)."""
    return User.objects.filter(is_active=True, pk__in=_in_reach(agency).values("user_id"))


def attendee_candidates(session, query: str = "") -> list[User]:
    """The first CANDIDATES_SHOWN eligible staff matching every word of `query` (first name,
    last name or user name), each with `places` (their agencies' names)."""
    users = eligible_attendees(session.agency)
    for word in query.split()[:5]:
        users = users.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word)
                             | Q(username__icontains=word))
    return list(_with_places(users.order_by("last_name", "first_name", "pk"),
                             _in_reach(session.agency))[:CANDIDATES_SHOWN])


def attendance_choices(session, *, keep, query: str = "") -> list[User]:
    """The users to offer on the attendees page: those in `keep` (uuids: the current attendees
    and those ticked) first, then the eligible staff matching `query`, each with `places`."""
    uuids = []
    for value in keep:
        try:
            uuids.append(uuid_module.UUID(str(value)))
        except ValueError:
            continue
    kept = list(_with_places(User.objects.filter(uuid__in=uuids, is_active=True).order_by(
        "last_name", "first_name", "pk"), _in_reach(session.agency)))
    shown = {u.pk for u in kept}
    return kept + [u for u in attendee_candidates(session, query) if u.pk not in shown]


def attendance_list(session) -> list[TrainingAttendance]:
    """The session's attendances with their users, by name."""
    return list(session.attendances.select_related("user", "certification").order_by(
        "user__last_name", "user__first_name", "pk"))


def _with_places(users, places):
    return users.prefetch_related(Prefetch(
        "memberships", queryset=places.select_related("agency").order_by("agency__name"),
        to_attr="places"))


# --- sessions ------------------------------------------------------------------------------------

def _listed(user) -> QuerySet[TrainingSession]:
    return (training_sessions.visible(user)
            .select_related("course", "agency", "trainer")
            .annotate(attendee_count=Count("attendances")))


def session_lists(user, page_number=None) -> dict:
    """Upcoming sessions (soonest first, all of them) and past ones (latest first, PER_PAGE a
    page)."""
    today = timezone.localdate()
    upcoming = list(_listed(user).filter(starts_on__gte=today).order_by("starts_on", "pk"))
    past = _listed(user).filter(starts_on__lt=today).order_by("-starts_on", "-pk")
    return {"upcoming": upcoming, "page": Paginator(past, PER_PAGE).get_page(page_number),
            "today": today}


def sessions_filtered(user, *, when: str = "", status: str = "") -> QuerySet[TrainingSession]:
    """The API's list: upcoming (soonest first), past (latest first) or all (latest first)."""
    today = timezone.localdate()
    rows = _listed(user)
    if status:
        rows = rows.filter(status=status)
    if when == "upcoming":
        return rows.filter(starts_on__gte=today).order_by("starts_on", "pk")
    if when == "past":
        rows = rows.filter(starts_on__lt=today)
    return rows.order_by("-starts_on", "-pk")


def attendances_of(session, user) -> list[TrainingAttendance]:
    """The session's attendances, each with `result_shown`: the trainers see every result; a
    manager, their own staff's (every one, when their agency organises the session)."""
    rows = attendance_list(session)
    reach = trainer_reach(user)
    trains = (reach.trainer and reach.covers(session.agency)) or session.trainer_id == user.pk
    ids = manager_agency_ids(user)
    if trains or session.agency_id in ids:
        staff = {r.user_id for r in rows}
    else:
        staff = set(Membership.objects.filter(
            user_id__in=[r.user_id for r in rows], agency_id__in=sorted(ids),
            is_active=True).values_list("user_id", flat=True))
    for row in rows:
        row.result_shown = row.user_id in staff
    return rows


# --- certifications: current, and what is due ----------------------------------------------------

def current_certifications() -> QuerySet[Certification]:
    """Certifications not revoked and not renewed by a later one of the same instrument and
    versions (assessments.accreditation.renewal_key, in SQL)."""
    later = Certification.objects.filter(
        user_id=OuterRef("user_id"), instrument_code=OuterRef("instrument_code"),
        min_version=OuterRef("min_version"), max_version=OuterRef("max_version"),
        revoked=False).filter(Q(certified_on__gt=OuterRef("certified_on"))
                              | Q(certified_on=OuterRef("certified_on"), pk__gt=OuterRef("pk")))
    return Certification.objects.filter(revoked=False).exclude(Exists(later))


def due_condition(state: str, today: datetime.date) -> Q:
    """Current certifications in `state` (DueState) today."""
    soon = today + datetime.timedelta(days=EXPIRING_DAYS)
    if state == DueState.EXPIRED:
        return Q(expires_on__lt=today)
    if state == DueState.EXPIRING:
        return Q(expires_on__gte=today, expires_on__lte=soon)
    return Q(expires_on__gte=today,
             booster_due_on__lte=today + datetime.timedelta(days=BOOSTER_DAYS))


@dataclass
class Due:
    """Something a staff member has to do for a certification."""

    kind: str  # "renew" (expired or expiring) or "booster"
    certification: Certification
    on: datetime.date
    overdue: bool


def due_of(certifications, today: datetime.date) -> list[Due]:
    """What is due for these certifications (with their `state` from certification_overview):
    renewing a current one that expired or expires within EXPIRING_DAYS days, a booster due
    within BOOSTER_DAYS days. Soonest first."""
    due = []
    booster_by = today + datetime.timedelta(days=BOOSTER_DAYS)
    for c in certifications:
        if c.state in ("expired", "expiring"):
            due.append(Due("renew", c, c.expires_on, c.expires_on < today))
        if (c.state in ("valid", "expiring") and c.booster_due_on
                and c.booster_due_on <= booster_by):
            due.append(Due("booster", c, c.booster_due_on, c.booster_due_on < today))
    return sorted(due, key=lambda d: d.on)


# --- the staff training page ---------------------------------------------------------------------

@dataclass
class StaffRow:
    user: User
    places: list
    certifications: list
    recent_practice: int
    attendances: list = field(default_factory=list)
    due: list = field(default_factory=list)


def staff_agencies(user) -> list[Agency]:
    return list(Agency.objects.filter(pk__in=sorted(manager_agency_ids(user))).order_by("name"))


def staff_of(user, *, agency=None, state: str = "") -> QuerySet[User]:
    """The active staff of the agencies the user oversees (of one of them), those with a
    current certification in `state` only, if given."""
    ids = sorted(manager_agency_ids(user))
    if agency is not None:
        ids = [agency.pk] if agency.pk in ids else []
    places = Membership.objects.filter(is_active=True, agency_id__in=ids)
    users = User.objects.filter(is_active=True, pk__in=places.values("user_id"))
    if state:
        users = users.filter(pk__in=current_certifications().filter(
            due_condition(state, timezone.localdate())).values("user_id"))
    return _with_places(users.order_by("last_name", "first_name", "pk"), places)


def staff_rows(users, today: datetime.date | None = None) -> list[StaffRow]:
    """Each staff member's certifications (certification_overview), courses attended and what
    is due: a constant number of queries for any number of staff."""
    today = today or timezone.localdate()
    users = list(users)
    attendances: dict[int, list] = {}
    for a in (TrainingAttendance.objects.filter(user__in=users)
              .select_related("session__course").order_by("-session__starts_on", "-pk")):
        attendances.setdefault(a.user_id, []).append(a)
    rows = []
    for row in certification_overview(users, today=today):
        user = row["user"]
        rows.append(StaffRow(user=user, places=getattr(user, "places", []),
                             certifications=row["certifications"],
                             recent_practice=row["recent_practice"],
                             attendances=attendances.get(user.pk, []),
                             due=due_of(row["certifications"], today)))
    return rows


def staff_page(user, *, agency=None, state: str = "", page_number=None):
    """PER_PAGE staff members a page, as StaffRow."""
    page = Paginator(staff_of(user, agency=agency, state=state), PER_PAGE).get_page(page_number)
    page.object_list = staff_rows(page.object_list)
    return page


# --- my training ---------------------------------------------------------------------------------

def my_record(user) -> dict:
    """The user's own certifications, what is due, the sessions they attend(ed) and their
    recent practice."""
    today = timezone.localdate()
    row = staff_rows([user], today)[0]
    attendances = list(TrainingAttendance.objects.filter(user=user).select_related(
        "session__course", "session__agency", "session__trainer", "certification")
        .order_by("-session__starts_on", "-pk"))
    return {"certifications": row.certifications, "due": row.due,
            "recent_practice": row.recent_practice,
            "upcoming": [a for a in attendances if a.session.status == SessionStatus.PLANNED],
            "attended": [a for a in attendances if a.session.status != SessionStatus.PLANNED],
            "today": today}
