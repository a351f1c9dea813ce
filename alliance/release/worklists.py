"""The release worklists across people: releases coming up within the jurisdiction's horizon,
grouped by facility with their readiness; overdue pre-release steps; follow-ups due; handovers
waiting. Every list starts from a release policy's `visible(user)`, runs a constant number of
queries whatever the number of rows, and notes the people it shows for the response's one
audit event (a consultation, as a list)."""

import datetime
import uuid
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from alliance.accounts.access import profile_for
from alliance.core import audit
from alliance.core.compartments import Compartment
from alliance.core.models import AuditAction
from alliance.core.pagination import BoundedPage, bounded_page
from alliance.people.access import holders_among
from alliance.people.models import CustodyEpisode

from .access import follow_ups, handovers, release_steps
from .dates import add_months
from .models import FollowUpStatus, HandoverStatus, ReleaseSettings, StepStatus
from .readiness import by_episode

PAGE_SIZE = 25
FOLLOW_UP_WITHIN = datetime.timedelta(days=14)
DEFAULT_HORIZON = ReleaseSettings._meta.get_field("horizon_months").default
TABS = ("releases", "overdue", "follow_ups", "handovers")


@dataclass
class Worklist:
    tab: str
    today: datetime.date
    horizon_months: int
    counts: dict
    page: BoundedPage | None = None
    rows: list = field(default_factory=list)
    facilities: list = field(default_factory=list)  # the releases' summary per facility
    groups: list = field(default_factory=list)  # the page's release rows by facility
    facility: str = ""  # the filter (a facility's UUID), if any


def _horizons() -> dict[int, int]:
    """jurisdiction id -> its horizon in months (jurisdictions without settings: the
    default)."""
    return dict(ReleaseSettings.objects.values_list("jurisdiction_id", "horizon_months"))


def _within_horizon(today: datetime.date, horizons: dict[int, int]) -> Q:
    """Steps of a current custody whose expected release is within the horizon of the
    person's jurisdiction — or has passed while the person is still held (shown first: the
    release is late, or its date needs correcting)."""
    window = (~Q(person__jurisdiction_id__in=sorted(horizons))
              & Q(episode__expected_release__lte=add_months(today, DEFAULT_HORIZON)))
    for jurisdiction_id, months in horizons.items():
        window |= Q(person__jurisdiction_id=jurisdiction_id,
                    episode__expected_release__lte=add_months(today, months))
    return Q(episode__is_current=True) & window


def _horizon_for(user, horizons: dict[int, int]) -> int:
    """The horizon the page's title states: the longest among the user's jurisdictions."""
    mine = {g.jurisdiction_id for g in profile_for(user).grants}
    return max([horizons.get(j, DEFAULT_HORIZON) for j in mine] or [DEFAULT_HORIZON])


def _uuid_or_blank(value: str) -> str:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        return ""


def _overdue_steps(user, today):
    return (release_steps.visible(user)
            .filter(status=StepStatus.PENDING, due_on__lt=today, episode__is_current=True))


def _follow_ups_due(user, today):
    return follow_ups.visible(user).filter(status=FollowUpStatus.SCHEDULED,
                                           due_on__lte=today + FOLLOW_UP_WITHIN)


def _handovers_waiting(user):
    mine = sorted({g.agency_id for g in profile_for(user).grants})
    return handovers.visible(user).filter(
        Q(to_agency_id__in=mine) | Q(from_agency_id__in=mine), status=HandoverStatus.SENT)


def _facility_summary(user, today, horizons) -> list[dict]:
    """Per facility: releases coming up, how many are ready, how many have overdue steps
    (one query over the steps, grouped by custody episode)."""
    per_episode = (release_steps.visible(user).filter(_within_horizon(today, horizons))
                   .values("episode_id", "episode__facility__uuid", "episode__facility__name")
                   .annotate(total=Count("pk"),
                             blocking=Count("pk", filter=Q(status=StepStatus.PENDING,
                                                           template__blocks_readiness=True)),
                             overdue=Count("pk", filter=Q(status=StepStatus.PENDING,
                                                          due_on__lt=today)))
                   .order_by())
    facilities: dict[str, dict] = {}
    for row in per_episode:
        key = str(row["episode__facility__uuid"])
        summary = facilities.setdefault(key, {"uuid": key, "name": row["episode__facility__name"],
                                              "releases": 0, "ready": 0, "overdue": 0})
        summary["releases"] += 1
        summary["ready"] += int(row["total"] > 0 and row["blocking"] == 0)
        summary["overdue"] += int(row["overdue"] > 0)
    return sorted(facilities.values(), key=lambda f: f["name"])


def _release_rows(user, today, horizons, facility: str, page_number):
    upcoming = release_steps.visible(user).filter(_within_horizon(today, horizons))
    episodes = (CustodyEpisode.objects.filter(pk__in=upcoming.values("episode_id"))
                .select_related("facility", "person__responsible_agency")
                .order_by("facility__name", "expected_release", "person__reference", "pk"))
    if facility:
        episodes = episodes.filter(facility__uuid=facility)
    page = bounded_page(episodes, page_number, PAGE_SIZE)
    shown = list(page.object_list)
    steps = list(release_steps.visible(user).filter(episode__in=[e.pk for e in shown])
                 .select_related("template", "agency").order_by("due_on", "template__order"))
    readiness = by_episode(steps, today)
    next_step = {}
    for step in steps:
        if step.is_open:
            next_step.setdefault(step.episode_id, step)
    named = holders_among(user, [e.person for e in shown], Compartment.IDENTITY)
    rows = [{"episode": e, "person": e.person, "facility": e.facility,
             "named": e.person_id in named, "readiness": readiness.get(e.pk),
             "days": (e.expected_release - today).days,
             "late": (today - e.expected_release).days, "next_step": next_step.get(e.pk)}
            for e in shown]
    return page, rows


def _rows_of(user, page, person_of) -> list[dict]:
    records = list(page.object_list)
    named = holders_among(user, [person_of(r) for r in records], Compartment.IDENTITY)
    return [{"record": r, "person": person_of(r), "named": person_of(r).pk in named}
            for r in records]


def release_worklist(user, *, tab: str = "releases", facility: str = "", page_number=1,
                     today: datetime.date | None = None) -> Worklist:
    """One tab of the release worklist (see the module's docstring), with the counts of the
    others; audited as a list of the people on the page shown."""
    today = today or timezone.localdate()
    tab = tab if tab in TABS else TABS[0]
    facility = _uuid_or_blank(facility) if facility else ""
    horizons = _horizons()
    summary = _facility_summary(user, today, horizons)
    worklist = Worklist(tab=tab, today=today, horizon_months=_horizon_for(user, horizons),
                        facilities=summary, facility=facility, counts={
                            "releases": sum(f["releases"] for f in summary),
                            "overdue": _overdue_steps(user, today).count(),
                            "follow_ups": _follow_ups_due(user, today).count(),
                            "handovers": _handovers_waiting(user).count()})
    if tab == "releases":
        worklist.page, worklist.rows = _release_rows(user, today, horizons, facility,
                                                     page_number)
        by_uuid = {f["uuid"]: f for f in summary}
        for row in worklist.rows:
            if not worklist.groups or worklist.groups[-1]["facility"] != row["facility"]:
                worklist.groups.append({"facility": row["facility"], "rows": [],
                                        "summary": by_uuid.get(str(row["facility"].uuid))})
            worklist.groups[-1]["rows"].append(row)
    elif tab == "overdue":
        steps = (_overdue_steps(user, today)
                 .select_related("template", "agency", "person", "episode__facility")
                 .order_by("due_on", "episode__facility__name", "person__reference", "pk"))
        if facility:
            steps = steps.filter(episode__facility__uuid=facility)
        worklist.page = bounded_page(steps, page_number, PAGE_SIZE)
        worklist.rows = _rows_of(user, worklist.page, lambda s: s.person)
    elif tab == "follow_ups":
        due = (_follow_ups_due(user, today).select_related("person", "agency")
               .order_by("due_on", "person__reference", "pk"))
        worklist.page = bounded_page(due, page_number, PAGE_SIZE)
        worklist.rows = _rows_of(user, worklist.page, lambda f: f.person)
    else:
        waiting = (_handovers_waiting(user)
                   .select_related("person", "from_agency", "to_agency", "sent_by")
                   .order_by("sent_at", "pk"))
        worklist.page = bounded_page(waiting, page_number, PAGE_SIZE)
        worklist.rows = _rows_of(user, worklist.page, lambda h: h.person)
        mine = {g.agency_id for g in profile_for(user).grants}
        for row in worklist.rows:
            row["to_acknowledge"] = row["record"].to_agency_id in mine
    audit.consulted(actor=user, action=AuditAction.LIST,
                    persons=list({r["person"].pk: r["person"] for r in worklist.rows}.values()),
                    details={"list": "release_worklist", "tab": tab,
                             "page": worklist.page.number if worklist.page else 1})
    return worklist
