"""Each indicator's computation from the person-level records of the other modules.

Every function named by an indicator's `source` (indicators.py) takes the first and the last
month (first days of months) and yields `(agency id, month, numerator, denominator)` for every
agency and calendar month in between that has something to count (absent means 0): a count
with denominator None, a rate with numerator <= denominator, a mean as the sum of the values
and their number. docs/indicators.md gives each definition in words; the rules common to all:

* **Months are local.** A record's date and time is taken in settings.TIME_ZONE, so that an
  event at 00:30 on the 1st belongs to that month, not (as in UTC) to the month before.
* **Attribution to an agency.** A person's event counts for the prison of the custody episode
  that covers the event's date (on the day of a transfer, the prison they were transferred to;
  on the day of release, the prison); an event outside custody (on probation, after release)
  counts for the person's responsible agency. A referral counts for the agency that sent it;
  a pre-release step and a release, for the facility of their custody episode; training and
  certification, for every agency where the staff member holds an active membership.
* **Efficient.** Event indicators are one GROUP BY query each (agency, month) over the whole
  range, whatever the number of records; the attribution is a correlated subquery on the
  person's custody episodes (a few rows each, by index). State indicators ("last": a state on
  each month's last day) are one such query per month.
"""

import datetime
from collections.abc import Iterator

from django.db.models import (
    Count,
    DateField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import (
    Cast,
    Coalesce,
    ExtractDay,
    ExtractMonth,
    ExtractYear,
    TruncDate,
    TruncMonth,
)
from django.utils import timezone

from alliance.accounts.models import Membership
from alliance.assessments.models import (
    FINAL,
    Assessment,
    Certification,
    InstrumentKind,
    Screening,
)
from alliance.cases.models import Case
from alliance.coordination.models import Referral, ReferralStatus
from alliance.knowledge.models import AttendanceResult, TrainingAttendance
from alliance.people.models import CustodyEpisode
from alliance.plans.models import AllianceMeasure, Attendance, Plan, PlanStatus, Session
from alliance.release.models import ReleaseStep, StepStatus, SupportPlan
from alliance.release.services.handover import COMMUNITY_RELEASES

from .periods import add_months, month_end, months_between

Row = tuple[int, datetime.date, float, int | None]

# The attendances a session's rate is out of: the person attended, refused, or was not brought
# (an operational failure that keeps them from the work as surely). A session the service
# cancelled never took place and counts nowhere.
ATTENDANCE_COUNTED = (Attendance.ATTENDED, Attendance.REFUSED, Attendance.NOT_PRODUCED)
# A staff member was at the training (the result recorded, passed or not).
TRAINING_PRESENT = (AttendanceResult.PASSED, AttendanceResult.FAILED)
# The overall score of a working-alliance measure: its instrument's subscale coded "total"
# (the reference instrument: the mean of the nine items, 1 to 5, at least seven answered).
ALLIANCE_TOTAL = "total"
PLAN_APPROVED = (PlanStatus.COUNTERSIGNED, PlanStatus.SUPERSEDED)


# --- common pieces ----------------------------------------------------------------------------

def _start_of(day: datetime.date) -> datetime.datetime:
    """Local midnight at the start of `day`, as an aware datetime."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _instants(first: datetime.date, last: datetime.date) -> tuple:
    """[start, end): the instants of the months from `first` to `last`, in local time."""
    return _start_of(first), _start_of(add_months(last, 1))


def _days(first: datetime.date, last: datetime.date) -> tuple:
    """(first day, last day) of the months from `first` to `last`, for a date range lookup."""
    return first, month_end(last)


def _month_of(field: str) -> TruncMonth:
    """The (local) calendar month of a date or datetime field, as a date."""
    return TruncMonth(field, output_field=DateField())


def _where(day, person: str = "person") -> Coalesce:
    """The agency a person's event on `day` counts for: the facility of the custody episode
    that covers that day (the later admission on a transfer day), else the person's
    responsible agency. `day` is a date or an OuterRef to the event's date."""
    covering = (CustodyEpisode.objects
                .filter(person=OuterRef(person), admitted_on__lte=day)
                .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day))
                .order_by("-admitted_on", "-pk").values("facility")[:1])
    return Coalesce(Subquery(covering), F(f"{person}__responsible_agency"),
                    output_field=IntegerField())


def _grouped(queryset, *, agency, month, **aggregates):
    """`aggregates` per (agency, month): one GROUP BY query."""
    return (queryset.annotate(counted_for=agency, counted_in=month).order_by()
            .values("counted_for", "counted_in").annotate(**aggregates))


def _person_events(queryset, when: str, **aggregates):
    """`aggregates` of a person's events per (agency, month), the event's date and time being
    `when` (a datetime field)."""
    return _grouped(queryset.annotate(event_day=TruncDate(when)),
                    agency=_where(OuterRef("event_day")), month=_month_of(when), **aggregates)


def _counts(rows) -> Iterator[Row]:
    for row in rows:
        if row["n"]:
            yield row["counted_for"], row["counted_in"], float(row["n"]), None


def _rates(rows) -> Iterator[Row]:
    for row in rows:
        if row["den"]:
            yield row["counted_for"], row["counted_in"], float(row["num"]), row["den"]


# --- assessments ------------------------------------------------------------------------------

def screened(first: datetime.date, last: datetime.date) -> Iterator[Row]:
    """Screenings completed (every Screening is a completed one), by the screening's date."""
    start, end = _instants(first, last)
    screenings = Screening.objects.filter(screened_at__gte=start, screened_at__lt=end)
    yield from _counts(_person_events(screenings, "screened_at", n=Count("pk")))


def _completed_assessments():
    """Risk and needs assessments that were completed: countersigned (the service asks it of
    every assessment), whether still current or since superseded; corrections excluded (a
    correction restates an assessment already counted)."""
    return Assessment.objects.filter(
        instrument_version__instrument__kind=InstrumentKind.RISK_NEEDS, status__in=FINAL,
        countersigned_at__isnull=False, corrects__isnull=True)


def assessed(first: datetime.date, last: datetime.date) -> Iterator[Row]:
    """Risk and needs assessments completed, by the date of their countersignature."""
    start, end = _instants(first, last)
    completed = _completed_assessments().filter(countersigned_at__gte=start,
                                                countersigned_at__lt=end)
    yield from _counts(_person_events(completed, "countersigned_at", n=Count("pk")))


def _day_number(field: str):
    """(year * 12 + month) * 32 + day of the local date of `field`: ordered as the dates are,
    and adding 32 * n moves it n months on, the day kept (so `a <= b + 32 * n` says that date a
    is on or before b plus n months, a shorter month's last day included)."""
    return ExtractYear(field) * 384 + ExtractMonth(field) * 32 + ExtractDay(field)


def reassessment_on_time(first: datetime.date, last: datetime.date) -> Iterator[Row]:
    """Of the reassessments completed in the month (a completed assessment of a person who had
    one before), those completed within the person's jurisdiction's reassessment interval of
    the previous one: the completion date on or before the previous completion date plus the
    interval in months (the due date the assessments module schedules)."""
    start, end = _instants(first, last)
    previous = (_completed_assessments()
                .filter(person=OuterRef("person"), countersigned_at__lt=OuterRef("countersigned_at"))
                .order_by("-countersigned_at").annotate(day=_day_number("countersigned_at"))
                .values("day")[:1])
    reassessments = (_completed_assessments()
                     .filter(countersigned_at__gte=start, countersigned_at__lt=end)
                     .annotate(previous_day=Subquery(previous, output_field=IntegerField()),
                               completed_day=_day_number("countersigned_at"),
                               interval=F("person__jurisdiction__reassessment_interval_months"))
                     .filter(previous_day__isnull=False))
    on_time = Q(completed_day__lte=F("previous_day") + F("interval") * 32)
    yield from _rates(_person_events(reassessments, "countersigned_at", den=Count("pk"),
                                     num=Count("pk", filter=on_time)))


def certified_staff(first: datetime.date, last: datetime.date) -> Iterator[Row]:
    """Per month: staff members holding a certification valid on its last day (certified on
    or before it, expiring on or after it, not revoked), counted once in each agency where
    they hold an active membership (an active account)."""
    for month in months_between(first, last):
        day = month_end(month)
        valid = Certification.objects.filter(user=OuterRef("user"), revoked=False,
                                             certified_on__lte=day, expires_on__gte=day)
        rows = (Membership.objects.filter(is_active=True, user__is_active=True)
                .filter(Exists(valid)).order_by().values("agency").annotate(n=Count("pk")))
        for row in rows:
            if row["n"]:
                yield row["agency"], month, float(row["n"]), None


# --- plans ------------------------------------------------------------------------------------

def current_plan(first: datetime.date, last: datetime.date) -> Iterator[Row]:
    """Per month, on its last day: people with an open case (opened on or before that day, not
    closed by its end), and those of them with an approved plan in force (a version
    countersigned on or before that day: it stays in force until a later countersigned version
    supersedes it). Attributed to where the person was that day."""
    for month in months_between(first, last):
        day = month_end(month)
        end = _start_of(day + datetime.timedelta(days=1))
        in_force = Plan.objects.filter(person=OuterRef("person"), status__in=PLAN_APPROVED,
                                       countersigned_at__lt=end)
        cases = (Case.objects.filter(opened_at__lt=end)
                 .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=end))
                 .annotate(planned=Exists(in_force)))
        rows = (cases.annotate(counted_for=_where(day)).order_by().values("counted_for")
                .annotate(den=Count("pk"), num=Count("pk", filter=Q(planned=True))))
        for row in rows:
            if row["den"]:
                yield row["counted_for"], month, float(row["num"]), row["den"]


def _sessions(first, last, counted: str) -> Iterator[Row]:
    start, end = _instants(first, last)
    sessions = Session.objects.filter(scheduled_at__gte=start, scheduled_at__lt=end,
                                      attendance__in=ATTENDANCE_COUNTED)
    yield from _rates(_person_events(sessions, "scheduled_at", den=Count("pk"),
                                     num=Count("pk", filter=Q(attendance=counted))))


def engagement(first: datetime.date, last: datetime.date) -> Iterator[Row]:
    """Sessions scheduled in the month with their attendance recorded (attended, refused or
    not produced; cancelled by the service and not recorded excluded): those attended."""
    yield from _sessions(first, last, Attendance.ATTENDED)


def refusal(first: datetime.date, last: datetime.date) -> Iterator[Row]:
    """The same sessions as `engagement`: those the person refused."""
    yield from _sessions(first, last, Attendance.REFUSED)


def alliance(first: datetime.date, last: datetime.date) -> Iterator[Row]:
    """Working-alliance measures taken in the month whose overall score (ALLIANCE_TOTAL) was
    computed: the sum of those scores and their number."""
    total = Cast(KeyTextTransform(ALLIANCE_TOTAL, "scores"), FloatField())
    # A JSON null (too few answers) is excluded before the cast: SQLite would cast it to 0.
    measures = (AllianceMeasure.objects.filter(taken_on__range=_days(first, last),
                                               scores__has_key=ALLIANCE_TOTAL)
                .exclude(**{f"scores__{ALLIANCE_TOTAL}": None}).annotate(total=total))
    rows = _grouped(measures, agency=_where(OuterRef("taken_on")), month=_month_of("taken_on"),
                    s=Sum("total"), n=Count("pk"))
    for row in rows:
        if row["n"]:
            yield row["counted_for"], row["counted_in"], float(row["s"]), row["n"]


# --- release ----------------------------------------------------------------------------------

def prerelease_on_time(first: datetime.date, last: datetime.date) -> Iterator[Row]:
    """Pre-release steps due in the month, for the facility of their custody episode: those
    done on or before their due date, out of all but the steps not applicable and the steps
    still to do whose due date has not passed (they may yet be done on time)."""
    today = timezone.localdate()
    steps = (ReleaseStep.objects.filter(due_on__range=_days(first, last))
             .exclude(status=StepStatus.NOT_APPLICABLE)
             .exclude(status=StepStatus.PENDING, due_on__gte=today))
    on_time = Q(status=StepStatus.DONE, completed_on__lte=F("due_on"))
    yield from _rates(_grouped(steps, agency=F("episode__facility"), month=_month_of("due_on"),
                               den=Count("pk"), num=Count("pk", filter=on_time)))


def support_plan_at_release(first: datetime.date, last: datetime.date) -> Iterator[Row]:
    """Releases into the community in the month (custody episodes ended at the end of the
    sentence or by conditional release; transfers and deportations are not releases here),
    for the releasing facility: those whose support plan was recorded on or before the day of
    release."""
    planned = Exists(SupportPlan.objects.filter(episode=OuterRef("pk"),
                                                created_at__date__lte=OuterRef("ended_on")))
    releases = (CustodyEpisode.objects
                .filter(release_type__in=COMMUNITY_RELEASES, ended_on__range=_days(first, last))
                .annotate(planned=planned))
    yield from _rates(_grouped(releases, agency=F("facility"), month=_month_of("ended_on"),
                               den=Count("pk"), num=Count("pk", filter=Q(planned=True))))


# --- coordination -----------------------------------------------------------------------------

def referral_on_time(first: datetime.date, last: datetime.date) -> Iterator[Row]:
    """Referrals sent in the month, for the sending agency: those accepted or declined on or
    before their respond-by date (a referral without one: answered at all), out of all but
    those withdrawn before an answer and those still waiting whose date has not passed."""
    today = timezone.localdate()
    start, end = _instants(first, last)
    waiting = Q(status=ReferralStatus.SENT) & (Q(respond_by__isnull=True)
                                               | Q(respond_by__gte=today))
    referrals = (Referral.objects.filter(sent_at__gte=start, sent_at__lt=end)
                 .exclude(status=ReferralStatus.WITHDRAWN, responded_at__isnull=True)
                 .exclude(waiting))
    on_time = Q(responded_at__isnull=False) & (Q(respond_by__isnull=True)
                                               | Q(responded_at__date__lte=F("respond_by")))
    yield from _rates(_grouped(referrals, agency=F("from_agency"), month=_month_of("sent_at"),
                               den=Count("pk"), num=Count("pk", filter=on_time)))


def referral_response_days(first: datetime.date, last: datetime.date) -> Iterator[Row]:
    """Referrals answered (accepted or declined) in the month, for the sending agency: the sum
    of the days from the day it was sent to the day of the answer, and their number."""
    start, end = _instants(first, last)
    answered = Referral.objects.filter(responded_at__gte=start, responded_at__lt=end,
                                       sent_at__isnull=False)
    days = ExpressionWrapper(TruncDate("responded_at") - TruncDate("sent_at"),
                             output_field=DurationField())
    rows = _grouped(answered, agency=F("from_agency"), month=_month_of("responded_at"),
                    days=Sum(days), n=Count("pk"))
    for row in rows:
        if row["n"]:
            yield (row["counted_for"], row["counted_in"], row["days"].total_seconds() / 86400,
                   row["n"])


# --- knowledge --------------------------------------------------------------------------------

def trained_staff(first: datetime.date, last: datetime.date) -> Iterator[Row]:
    """Attendances at training sessions (courses and boosters) that ended in the month (the
    last day, or the only one), the result recorded as passed or not passed (absent and not
    recorded excluded): counted in each agency where the attendee holds an active
    membership."""
    attendances = (TrainingAttendance.objects.filter(result__in=TRAINING_PRESENT)
                   .annotate(held_on=Coalesce("session__ends_on", "session__starts_on"))
                   .filter(held_on__range=_days(first, last), user__is_active=True,
                           user__memberships__is_active=True))
    yield from _counts(_grouped(attendances, agency=F("user__memberships__agency"),
                                month=_month_of("held_on"), n=Count("pk")))
