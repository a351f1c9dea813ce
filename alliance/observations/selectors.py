"""What the dynamic-security pages and the person page's sections read: one shape per page,
a constant number of queries whatever the numbers of rows. Lists come from the policies'
`visible(user)`; every read of raw material is noted for the audit (with its purpose, see
purpose.py) by the caller's getter or here."""

import datetime

from django.db.models import Count, Max, Prefetch, Q
from django.utils import timezone

from alliance.accounts.access import profile_for
from alliance.accounts.models import Membership, Role, Sector
from alliance.cases.models import CaseTeamMember
from alliance.core import audit, context
from alliance.core.compartments import Compartment
from alliance.core.models import AuditAction
from alliance.organisations.models import FacilityUnit
from alliance.people.access import HOLDING_AGENCY_ROLES, persons

from . import grading
from .access import (
    ObservationAction,
    SecurityAction,
    addressed_to,
    analyses,
    in_force,
    observations,
    security_agency_ids,
    security_grant,
    security_holders,
    summaries,
)
from .models import Addendum, Indicator, Observation, ObservationLink, ObservationStatus
from .services import settings_for


def indicator_names(codes, jurisdiction_id) -> dict[str, str]:
    """code -> the escalation indicator's name in the reader's language, the person's
    jurisdiction's own before the regional one; out of use or not, since a due reason names what
    was ticked then (assessments/labels.py shows them). The indicators are read once per request."""
    every = context.remembered(("escalation_indicators",), lambda: list(Indicator.objects.all()))
    names: dict[str, str] = {}
    for indicator in sorted(every, key=lambda i: i.jurisdiction_id is not None):
        if indicator.code in codes and indicator.jurisdiction_id in (None, jurisdiction_id):
            names[indicator.code] = indicator.display_name
    return names


def security_section(user, person, grant) -> dict:
    """The person page's security section (the security compartment): counts only; the entries
    themselves are on the person's security record, opened with a purpose."""
    security = security_grant(user, person, grant)
    since = timezone.now() - datetime.timedelta(days=30)
    counts = Observation.objects.filter(person=person).aggregate(
        total=Count("pk"), new=Count("pk", filter=Q(status=ObservationStatus.NEW)),
        escalated=Count("pk", filter=Q(escalated=True, observed_at__gte=since)),
        last=Max("observed_at"))
    in_force = summaries.for_person(user, person).filter(
        withdrawn_at__isnull=True, expires_on__gte=timezone.localdate()).count()
    return {"security": security, "counts": counts, "summaries_in_force": in_force,
            "can_record": security.can(SecurityAction.RECORD),
            "can_analyse": security.can(SecurityAction.ANALYSE)}


def received_summaries(user, person) -> list:
    """The summaries in force that the security side shared with `user` about `person`."""
    rows = list(summaries.for_person(user, person)
                .filter(withdrawn_at__isnull=True, expires_on__gte=timezone.localdate())
                .select_related("shared_by", "agency").order_by("-created_at"))
    for row in rows:
        audit.consulted(actor=user, obj=row)
    return rows


def shared_section(user, person, grant) -> dict:
    """The person page's "Shared by security" section (the case team's share): the summaries in
    force addressed to the reader (the security side reads them on the security record), and
    the way to record an observation for staff who are not on the security side."""
    security = security_grant(user, person, grant)
    holds = security.can(SecurityAction.VIEW)
    return {"summaries": [] if holds else received_summaries(user, person),
            "can_record": security.can(SecurityAction.RECORD) and not holds,
            "security_side": holds}


# --- the security side's pages across people ----------------------------------------------------

QUEUE_STATUSES = [ObservationStatus.NEW, ObservationStatus.REVIEWED, ObservationStatus.LINKED,
                  ObservationStatus.SHARED, ObservationStatus.ARCHIVED]
WING_DAYS = 30  # the dashboard's observations by wing cover this many days
SUMMARIES_SHOWN = 10  # summaries in force on the dashboard (the soonest to expire)
LINKABLE = [ObservationStatus.REVIEWED, ObservationStatus.LINKED, ObservationStatus.SHARED]


def security_facilities(user) -> list:
    """The prisons where `user` is on the security side, in the order of their memberships (the
    dashboard's and the queue's facility picker)."""
    ids = security_agency_ids(user)
    found = {}
    for g in profile_for(user).grants:
        if g.agency_id in ids:
            found.setdefault(g.agency_id, g.agency)
    return list(found.values())


def _of_facility(user, facility):
    """The observations of a facility the user holds: recorded there, or about the people it is
    now responsible for (an entry recorded before a transfer follows its person)."""
    return observations.visible(user).filter(Q(facility=facility)
                                             | Q(person__responsible_agency=facility))


def _week_start(now) -> datetime.datetime:
    today = timezone.localtime(now).date()
    monday = today - datetime.timedelta(days=today.weekday())
    return timezone.make_aware(datetime.datetime.combine(monday, datetime.time.min))


def dashboard(user, facility) -> dict:
    """The security dashboard of one facility: counts, observations by wing over the last
    WING_DAYS days, and the summaries in force shared from it (a constant number of queries)."""
    review_within = settings_for(facility.jurisdiction).review_within_hours
    now = timezone.now()
    overdue_cutoff = now - datetime.timedelta(hours=review_within)
    week_start = _week_start(now)
    base = _of_facility(user, facility)
    new = Q(status=ObservationStatus.NEW)
    counts = base.aggregate(
        new=Count("pk", filter=new),
        new_escalated=Count("pk", filter=new & Q(escalated=True)),
        overdue=Count("pk", filter=new & Q(created_at__lt=overdue_cutoff)),
        escalated_week=Count("pk", filter=Q(escalated=True, created_at__gte=week_start)))
    wings = list(base.filter(observed_at__gte=now - datetime.timedelta(days=WING_DAYS))
                 .values("unit__uuid", "unit__name")
                 .annotate(total=Count("pk"),
                           escalated=Count("pk", filter=Q(escalated=True)),
                           new=Count("pk", filter=new))
                 .order_by("unit__name"))
    shared = (summaries.visible(user).filter(agency=facility).filter(in_force())
              .select_related("person").order_by("expires_on", "pk"))
    in_force_count = shared.count()
    soonest = list(shared[:SUMMARIES_SHOWN])
    audit.consulted(actor=user, action=AuditAction.LIST, persons=[s.person for s in soonest],
                    details={"list": "security_dashboard"})
    return {"counts": counts, "review_within_hours": review_within, "week_start": week_start,
            "wings": wings, "wing_days": WING_DAYS,
            "wing_max": max((w["total"] for w in wings), default=0),
            "summaries_in_force": in_force_count, "summaries_soonest": soonest}


def facility_units(facility) -> list:
    """The facility's wings, for the queue's filter."""
    return list(FacilityUnit.objects.filter(agency=facility, is_active=True).order_by("name"))


def review_queue(user, facility, *, status: str = ObservationStatus.NEW, unit=None):
    """The facility's observations with this status (all statuses for ""), in one wing or all,
    escalated first, then the oldest first: the analyst's queue. Lazy; `queue_page` reads a
    page of it."""
    rows = _of_facility(user, facility)
    if status:
        rows = rows.filter(status=status)
    if unit is not None:
        rows = rows.filter(unit=unit)
    return (rows.select_related("person", "unit", "recorded_by")
            .prefetch_related("indicators").order_by("-escalated", "created_at", "pk"))


def listed(user, rows, list_name: str) -> None:
    """Note the people shown by a page of a list (the response's one audit event)."""
    audit.consulted(actor=user, action=AuditAction.LIST,
                    persons=list({r.person_id: r.person for r in rows}.values()),
                    details={"list": list_name})


def overdue_before(facility) -> datetime.datetime:
    """Observations recorded before this and still new are overdue for review."""
    hours = settings_for(facility.jurisdiction).review_within_hours
    return timezone.now() - datetime.timedelta(hours=hours)


# --- one person's security record ----------------------------------------------------------------

def summary_state(summary, today=None) -> str:
    """in_force, expired or withdrawn."""
    if summary.withdrawn_at is not None:
        return "withdrawn"
    return "expired" if summary.expires_on < (today or timezone.localdate()) else "in_force"


def recipient_labels(summary) -> list[str]:
    """Who a summary is addressed to, in words: named members, then roles."""
    roles = dict(Role.choices)
    named = [str(r.user) for r in summary.recipients.all() if r.user_id]
    return named + [str(roles.get(r.role, r.role)) for r in summary.recipients.all() if r.role]


def _summary_rows(rows) -> list[dict]:
    today = timezone.localdate()
    return [{"summary": s, "state": summary_state(s, today), "recipients": recipient_labels(s)}
            for s in rows]


def person_record(user, person, *, status: str = "") -> dict:
    """The security record of one person (the person's security grant is the caller's): their
    observations, newest first (one status or all), the counts by status, analyses, and every
    summary shared about them with its recipients and state (a constant number of queries)."""
    mine = observations.visible(user).filter(person=person)
    counts = {row["status"]: row["n"] for row in mine.values("status").annotate(n=Count("pk"))
              .order_by()}
    rows = mine.filter(status=status) if status else mine
    rows = (rows.select_related("unit", "recorded_by", "reviewed_by")
            .prefetch_related("indicators").annotate(addenda_count=Count("addenda"))
            .order_by("-observed_at", "-pk"))
    person_analyses = (analyses.visible(user).filter(person=person).select_related("author")
                       .annotate(observations_count=Count("observations"))
                       .order_by("-created_at", "-pk"))
    shared = (summaries.for_person(user, person).select_related("shared_by")
              .prefetch_related("recipients__user").order_by("-created_at", "-pk"))
    return {"observations": rows, "counts": counts, "total": sum(counts.values()),
            "analyses": list(person_analyses), "summaries": _summary_rows(shared)}


def analysis_choices(user, person, analysis=None) -> list:
    """The observations an analysis of the person may read (its checkboxes): the reviewed ones
    that are not archived, and those it reads already, newest first."""
    where = Q(status__in=LINKABLE)
    if analysis is not None:
        where |= Q(pk__in=analysis.observations.values("pk"))
    return list(observations.visible(user).filter(person=person).filter(where)
                .order_by("-observed_at", "-pk"))


def share_options(user, person) -> dict:
    """What the sharing form offers: the observations a summary may draw on with their handling
    codes' meaning, the person's analyses, the members it may be addressed to by name, and the
    jurisdiction's expiry rules."""
    basis = list(observations.visible(user).filter(person=person, status__in=LINKABLE)
                 .order_by("-observed_at", "-pk"))
    rules = settings_for(person.jurisdiction)
    return {"observations": basis,
            "handling": {o.pk: grading_of(o)["handling"] for o in basis},
            "analyses": list(analyses.visible(user).filter(person=person)
                             .select_related("author").order_by("-created_at", "-pk")),
            "candidates": share_candidates(person),
            "default_days": rules.share_default_days, "max_days": rules.share_max_days}


def grading_of(observation) -> dict:
    """The observation's three grades with their labels, in the scheme it was graded with."""
    scheme = grading.scheme(observation.scheme)
    return {"scheme": scheme,
            "source": scheme.grade("source", observation.source_reliability),
            "information": scheme.grade("information", observation.information_assessment),
            "handling": scheme.grade("handling", observation.handling_code)}


def _links(user, observation, grant) -> list[dict]:
    """The observation's links; the other observation is shown only to who may see it."""
    links = list(ObservationLink.objects.filter(Q(first=observation) | Q(second=observation))
                 .select_related("first__person", "second__person", "created_by"))
    others = {link.pk: (link.second if link.first_id == observation.pk else link.first)
              for link in links}
    seen = set(observations.visible(user).filter(security_holders(user))
               .filter(pk__in=[o.pk for o in others.values()]).values_list("pk", flat=True))
    shown_people = {o.person_id: o.person for o in others.values() if o.pk in seen}
    person_grants = persons.grants(user, list(shown_people.values())) if shown_people else {}
    rows = []
    for link in links:
        other = others[link.pk]
        visible = other.pk in seen
        other_grant = (observations.grant_on_person(user, other, person_grants[other.person_id])
                       if visible else None)
        rows.append({"link": link, "other": other if visible else None,
                     "can_unlink": bool(visible and grant.can(ObservationAction.LINK)
                                        and other_grant.can(ObservationAction.LINK))})
    return rows


def observation_page(user, observation, grant) -> dict:
    """Everything the observation's page shows besides the observation: grading labels,
    indicators, addenda, links, the analyses that read it and the summaries drawing on it."""
    return {
        "grading": grading_of(observation),
        "indicators": list(observation.indicators.all()),
        "addenda": list(observation.addenda.select_related("author")),
        "links": _links(user, observation, grant),
        "analyses": list(analyses.visible(user).filter(observations=observation)
                         .select_related("author").order_by("-created_at", "-pk")),
        "summaries": _summary_rows(summaries.visible(user).filter(observations=observation)
                                   .select_related("shared_by")
                                   .prefetch_related("recipients__user")
                                   .order_by("-created_at", "-pk")),
    }


def link_candidates(user, observation, on: datetime.date | None = None) -> list:
    """What an analyst may link the observation to: the person's other reviewed observations,
    and (when `on` is given) the facility's of that day, not linked to it already."""
    linked = ObservationLink.objects.filter(Q(first=observation) | Q(second=observation))
    linked_ids = {pk for pair in linked.values_list("first_id", "second_id") for pk in pair}
    where = Q(person=observation.person)
    if on is not None:
        where |= Q(facility=observation.facility, observed_at__date=on)
    return list(observations.visible(user).filter(security_holders(user)).filter(where)
                .filter(status__in=LINKABLE).exclude(pk__in=linked_ids | {observation.pk})
                .select_related("person").order_by("-observed_at", "-pk")[:100])


def link_by_uuid(link_uuid):
    """A link with its two observations, or None. The caller then loads one of them through
    get_observation_for_user, which decides whether the user may see it (and the link)."""
    return (ObservationLink.objects.filter(uuid=link_uuid)
            .select_related("first", "second").first())


def analysis_page(user, analysis) -> dict:
    return {"observations": list(analysis.observations.filter(
                pk__in=observations.visible(user).values("pk")).order_by("-observed_at")),
            "summaries": _summary_rows(summaries.visible(user).filter(analysis=analysis)
                                       .select_related("shared_by")
                                       .prefetch_related("recipients__user"))}


def summary_page(summary, *, security_side: bool) -> dict:
    """What the summary's page shows besides the summary: for the security side, its state,
    recipients and the observations it draws on; for a recipient, nothing more."""
    if not security_side:
        return {}
    return {"state": summary_state(summary), "recipients": recipient_labels(summary),
            "basis": list(summary.observations.order_by("-observed_at", "-pk"))}


# --- sharing ---------------------------------------------------------------------------------

def share_candidates(person) -> list[dict]:
    """Who a summary about `person` may be addressed to by name: the members of the agency
    responsible for them with a person-level role, and the active members of their open case
    team, but not the security side (who reads the material itself). Two queries."""
    security_side, found = set(), {}
    for m in (Membership.objects.filter(agency_id=person.responsible_agency_id, is_active=True,
                                        user__is_active=True)
              .select_related("user", "agency").order_by("user__last_name", "user__username")):
        if not set(m.roles) & HOLDING_AGENCY_ROLES:
            continue
        if m.sector == Sector.SECURITY:
            security_side.add(m.user_id)
        found.setdefault(m.user_id, {"user": m.user, "agency": m.agency, "roles": m.roles})
    for t in (CaseTeamMember.objects.filter(case__person=person, case__status="open",
                                            ended_at__isnull=True, user__is_active=True)
              .select_related("user", "agency").order_by("added_at", "pk")):
        if Compartment.SECURITY in t.scopes:
            security_side.add(t.user_id)
        found.setdefault(t.user_id, {"user": t.user, "agency": t.agency, "roles": [],
                                     "team_role": t.team_role})
    labels = dict(Role.choices)
    rows = []
    for uid, row in found.items():
        if uid in security_side:
            continue
        what = row.get("team_role") or ", ".join(str(labels.get(r, r)) for r in row["roles"])
        rows.append({**row, "label": f"{row['user']} — {what}, {row['agency'].name}"})
    return sorted(rows, key=lambda r: r["label"].casefold())


# --- summaries shared with the reader ------------------------------------------------------------

def shared_with_me(user):
    """Summaries in force addressed to `user` (not those the security side reads on its own
    records), newest first. Lazy; the view pages it and notes the people with `listed`."""
    return (summaries.visible(user).filter(in_force()).filter(addressed_to(user))
            .exclude(security_holders(user)).select_related("person", "shared_by", "agency")
            .order_by("-created_at", "-pk"))


# --- the export ------------------------------------------------------------------------------

def export_data(user, person) -> dict:
    """A person's whole security record for the analyst's export: every observation with its
    grading, indicators and addenda, the links between them, the analyses and the summaries.
    A constant number of queries."""
    rows = list(observations.visible(user).filter(person=person)
                .select_related("facility", "unit", "recorded_by", "reviewed_by")
                .prefetch_related("indicators", Prefetch(
                    "addenda", queryset=Addendum.objects.select_related("author")))
                .order_by("observed_at", "pk"))
    ids = [o.pk for o in rows]
    links = list(ObservationLink.objects.filter(Q(first_id__in=ids) | Q(second_id__in=ids))
                 .select_related("first", "second"))
    entries = [{"observation": o, "grading": grading_of(o)} for o in rows]
    person_analyses = list(analyses.visible(user).filter(person=person).select_related("author")
                           .prefetch_related("observations").order_by("created_at", "pk"))
    shared = (summaries.for_person(user, person).select_related("shared_by")
              .prefetch_related("recipients__user", "observations").order_by("created_at", "pk"))
    return {"entries": entries, "links": links, "analyses": person_analyses,
            "summaries": _summary_rows(shared)}
