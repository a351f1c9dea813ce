"""Scoped reads of the plans module: the person page's sections, worklists, statistics and
trends. Every list starts from a policy's `visible(user)`; every function runs a constant
number of queries whatever the person's history (bench/plans.py measures it), and notes the
people it shows for the response's one audit event."""

import datetime
from collections import defaultdict
from statistics import mean

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    Max,
    Prefetch,
    Q,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from alliance.accounts.access import profile_for
from alliance.accounts.models import User
from alliance.assessments.charts import trend_svg
from alliance.assessments.instruments.scoring import compute_outputs
from alliance.assessments.models import InstrumentKind
from alliance.assessments.selectors import instrument_versions, ratings_map
from alliance.core import audit
from alliance.core.i18n import content_languages, current_language
from alliance.organisations.models import Agency, Jurisdiction
from alliance.people.access import persons_visible_to

from .access import (
    PlanAction,
    WorkAction,
    alliance_measures,
    enrolments,
    offers,
    plans,
    sessions,
    stages,
    work_grant,
)
from .models import (
    Attendance,
    Enrolment,
    EnrolmentStatus,
    Goal,
    Intervention,
    OfferResponse,
    PlanStatus,
    Session,
    Stage,
    Step,
    StepStatus,
)

RECENT = 10  # sessions, offers shown on the person page (the rest on their own pages)
DRIFT_DAYS = 30  # no session attended in this long, though sessions were held: drifting away
DRIFT_MISSED = 2  # ... and at least this many missed (refused or not produced) in that time
SUBSCALES = ("goal", "task", "bond")


# The current version and the one in progress.
OPEN_STATUSES = (PlanStatus.COUNTERSIGNED, PlanStatus.DRAFT, PlanStatus.SUBMITTED)


def _open_goals_prefetch():
    """The goals with their steps, of the current version and the one in progress only."""
    return Prefetch("goals", queryset=Goal.objects.filter(plan__status__in=OPEN_STATUSES)
                    .prefetch_related(Prefetch("steps", queryset=Step.objects.select_related(
                        "actor_user", "actor_agency", "intervention"))))


# --- what a plan is built from -------------------------------------------------------------------

def latest_needs_of(assessment) -> dict:
    """Need area code -> item codes, from the assessment's needs output (advisory)."""
    outputs = compute_outputs(assessment.instrument_version.parsed, ratings_map(assessment))
    return next((r.value for r in outputs.values() if r.type.value == "needs"), {})


def plan_sources(plan) -> dict:
    """The needs and protective factors of the plan's assessment, labelled in the reader's
    language, for the goal form: [(code, label, [item texts])] and [(code, text, present)]."""
    if plan.assessment is None:
        return {"needs": [], "protective": []}
    definition, lang = plan.assessment.instrument_version.parsed, current_language()
    needs = [(area, definition.need_area(area).label.get(lang),
              [definition.item(code).text.get(lang) for code in codes])
             for area, codes in latest_needs_of(plan.assessment).items()]
    protective = [(item.code, item.text.get(lang)) for item in definition.items
                  if definition.is_protective(item)]
    return {"needs": needs, "protective": protective}


def goal_labels(plan) -> dict:
    """need area / protective item code -> label in the reader's language."""
    if plan is None or plan.assessment is None:
        return {}
    definition, lang = plan.assessment.instrument_version.parsed, current_language()
    labels = {area.code: area.label.get(lang) for area in definition.need_areas}
    labels.update({item.code: item.text.get(lang) for item in definition.items
                   if definition.is_protective(item)})
    return labels



# --- the plan page and the catalogue -------------------------------------------------------------

def plan_page(user, plan) -> dict:
    """What the plan page shows beside the plan (fetched through access.get_plan_for_user): its
    goals with their steps, its reviews, the versions of the person's plan the user may see, and
    what it is built from. A constant number of queries."""
    goals = list(plan.goals.prefetch_related(Prefetch(
        "steps", queryset=Step.objects.select_related("actor_user", "actor_agency",
                                                      "intervention"))))
    versions = list(plans.for_person(user, plan.person)
                    .select_related("author", "countersigned_by").order_by("-number"))
    return {"goals": goals, "reviews": list(plan.reviews.select_related("reviewed_by")),
            "versions": versions, "labels": goal_labels(plan), "sources": plan_sources(plan)}


def goal_of(plan, goal_uuid) -> Goal | None:
    """A goal of this plan (None for any other goal)."""
    return plan.goals.filter(uuid=goal_uuid).first()


def step_of(plan, step_uuid) -> Step | None:
    """A step of one of this plan's goals (None for any other step)."""
    return Step.objects.filter(goal__plan=plan, uuid=step_uuid).select_related("goal").first()


def step_options(person) -> dict:
    """Whom and what a step of the person's plan may name: the staff who may work with them
    (active members of the responsible agency and of the open case team; the service checks that
    the one chosen sees the person), the agencies of their jurisdiction, and its catalogue."""
    staff = (User.objects.filter(is_active=True).filter(
        Q(memberships__agency_id=person.responsible_agency_id, memberships__is_active=True)
        | Q(case_memberships__case__person_id=person.pk, case_memberships__case__status="open",
            case_memberships__ended_at__isnull=True))
        .distinct().order_by("last_name", "first_name", "username"))
    agencies = Agency.objects.filter(jurisdiction_id=person.jurisdiction_id, is_active=True)
    interventions = Intervention.objects.filter(jurisdiction_id=person.jurisdiction_id,
                                                is_active=True)
    return {"staff": list(staff), "agencies": list(agencies.order_by("name")),
            "interventions": list(interventions.order_by("name"))}


def catalogue_for(user):
    """The intervention catalogues the user reads: those of their agencies' jurisdictions, or
    every jurisdiction's for a user whose agencies have none (a regional programme)."""
    jurisdictions = {g.jurisdiction_id for g in profile_for(user).grants if g.jurisdiction_id}
    rows = Intervention.objects.select_related("jurisdiction", "provider")
    if jurisdictions:
        rows = rows.filter(jurisdiction_id__in=sorted(jurisdictions))
    return rows.order_by("jurisdiction__name", "-is_active", "name")


# The knowledge base sits above this app: its entries are reached through the reverse relation
# of KnowledgeEntry.interventions ("evidence_entries"), never by importing it.
_EVIDENCE_STATUS = "published"


def catalogue_with_evidence(user) -> list[tuple]:
    """The catalogue page's rows (`catalogue_for`), each as (intervention, evidence): the
    published knowledge entries linked to it, as (entry, its title in the reader's language if
    a version exists, else the original's). Two queries more whatever the catalogue's size."""
    entry_model = Intervention._meta.get_field("evidence_entries").related_model
    text_model = entry_model._meta.get_field("texts").related_model
    published = entry_model.objects.filter(status=_EVIDENCE_STATUS).order_by(
        "-published_at", "-id").prefetch_related(Prefetch("texts", queryset=text_model.objects
                                                          .only("id", "entry_id", "language",
                                                                "title")))
    rows = list(catalogue_for(user).prefetch_related(
        Prefetch("evidence_entries", queryset=published, to_attr="published_evidence")))
    languages = content_languages()
    return [(row, [(e, _entry_title(e, languages)) for e in row.published_evidence])
            for row in rows]


def _entry_title(entry, languages: tuple[str, ...]) -> str:
    titles = {t.language: t.title for t in entry.texts.all()}
    for code in (*languages, entry.original_language):
        if code in titles:
            return titles[code]
    return next(iter(titles.values()), "")


def need_area_labels() -> dict[str, str]:
    """Need area code -> label in the reader's language, from the published risk and needs
    instruments (the newest version's label wins)."""
    labels, lang = {}, current_language()
    for version in instrument_versions(InstrumentKind.RISK_NEEDS).filter(is_active=True):
        for area in version.parsed.need_areas:
            labels.setdefault(area.code, area.label.get(lang))
    return labels

# --- statistics ----------------------------------------------------------------------------------

def with_attendance(queryset):
    """Enrolments annotated with their sessions: planned (all), held (recorded), attended,
    refused, cancelled by the service, not produced, still to come — one query for any number
    of enrolments."""
    def n(**filters):
        return Count("sessions", filter=Q(**{f"sessions__{k}": v for k, v in filters.items()}))

    return queryset.annotate(
        sessions_total=Count("sessions"),
        sessions_attended=n(attendance=Attendance.ATTENDED),
        sessions_refused=n(attendance=Attendance.REFUSED),
        sessions_cancelled=n(attendance=Attendance.CANCELLED),
        sessions_not_produced=n(attendance=Attendance.NOT_PRODUCED),
        sessions_pending=n(attendance=""),
        last_attended=Max("sessions__scheduled_at",
                          filter=Q(sessions__attendance=Attendance.ATTENDED)))


def attendance_rate(enrolment) -> int | None:
    """Attended out of the sessions the person could attend (cancelled by the service does not
    count against them), in percent; None before any."""
    held = (enrolment.sessions_attended + enrolment.sessions_refused
            + enrolment.sessions_not_produced)
    return round(100 * enrolment.sessions_attended / held) if held else None


# --- the person page -----------------------------------------------------------------------------

def plan_section(user, person, grant) -> dict:
    """The plan section: the current plan with its goals and steps, the version in progress (for
    its planners and reviewers), the next review."""
    # Every version, but goals and steps only for the current one and the one in progress:
    # past versions are on the plan page.
    shown = list(plans.for_person(user, person).order_by("-number").select_related(
        "person", "author", "countersigned_by", "assessment__instrument_version")
        .defer("assessment__instrument_version__definition")
        .prefetch_related(_open_goals_prefetch()))
    open_versions = {p.status: p for p in shown if p.status in OPEN_STATUSES}
    current = open_versions.get(PlanStatus.COUNTERSIGNED)
    in_progress = open_versions.get(PlanStatus.DRAFT) or open_versions.get(PlanStatus.SUBMITTED)
    newest = in_progress or current
    planner = bool(newest) and (
        plans.grant_on_person(user, newest, grant).actions & {PlanAction.EDIT, PlanAction.REVISE})
    work = work_grant(user, person, grant)
    labels = goal_labels(current or in_progress)
    progress = [{"goal": g, "label": labels.get(g.need_area or g.protective_item, ""),
                 "steps": len(g.steps.all()),
                 "done": sum(1 for s in g.steps.all() if s.status == StepStatus.DONE)}
                for g in (current.goals.all() if current else [])]
    return {"plan_panel": {
        "current": current, "in_progress": in_progress, "versions": len(shown),
        "labels": labels, "progress": progress,
        "can_revise": bool(current and not in_progress and plans.grant_on_person(
            user, current, grant).can(PlanAction.REVISE)),
        "can_start": not shown and work.can(WorkAction.MANAGE),
        "planner": planner or (not shown and work.can(WorkAction.MANAGE)),
        "overdue": bool(current and current.next_review_on
                        and current.next_review_on < timezone.localdate()),
    }}


def engagement_section(user, person, grant) -> dict:
    """Enrolments with attendance, the next and the latest sessions (notes only for the
    treatment compartment), offers and refusals, the stage of change."""
    work = work_grant(user, person, grant)
    now = timezone.now()
    enrolment_rows = list(with_attendance(
        enrolments.for_person(user, person)
        .select_related("intervention", "practitioner")).order_by("-started_on", "-pk"))
    for e in enrolment_rows:
        e.rate = attendance_rate(e)
    # The section shows a session's note and shared summary for the recorded ones only, and no
    # correction's reason: what it does not show is left encrypted in the database.
    own = sessions.for_person(user, person).select_related(
        "enrolment__intervention", "facilitator").defer("correction_reason")
    # Sessions not recorded yet: the next five to come and the five oldest past ones (to
    # record), in one query.
    to_come = ExpressionWrapper(Q(scheduled_at__gte=now), output_field=BooleanField())
    pending = list(own.defer("note", "shared_summary").filter(attendance="").annotate(nth=Window(
        RowNumber(), partition_by=[to_come], order_by=F("scheduled_at").asc()))
        .filter(nth__lte=5).order_by("scheduled_at"))
    upcoming = [s for s in pending if s.scheduled_at >= now]
    to_record = [s for s in pending if s.scheduled_at < now]
    recent = list(own.exclude(attendance="").order_by("-scheduled_at")[:RECENT])
    # The latest offers, each carrying the number of refusals in the jurisdiction's window.
    days = person.jurisdiction.refusal_pattern_days
    offer_rows = list(offers.for_person(user, person)
                      .select_related("intervention", "offered_by")
                      .annotate(refusals_in_window=Window(Count("pk", filter=Q(
                          response=OfferResponse.REFUSED,
                          offered_on__gt=timezone.localdate() - datetime.timedelta(days=days)))))
                      [:RECENT])
    window = offer_rows[0].refusals_in_window if offer_rows else 0
    stage_rows = list(stages.for_person(user, person).select_related("recorded_by")[:6])
    return {"engagement": {
        "work": work, "notes": work.can(WorkAction.VIEW_NOTE),
        "enrolments": enrolment_rows, "upcoming": upcoming, "recent": recent,
        "to_record": to_record, "offers": offer_rows,
        "refusals_in_window": window, "pattern_days": days,
        "pattern": window >= person.jurisdiction.refusal_pattern_count,
        "stage": stage_rows[0] if stage_rows else None, "stages": stage_rows,
    }}


def _trend_chart(measures, title: str) -> str:
    labels = {"goal": _("Goal"), "task": _("Task"), "bond": _("Bond")}
    series = {labels[code]: [(m.taken_on, m.scores.get(code)) for m in measures
                             if m.scores.get(code) is not None] for code in SUBSCALES}
    return mark_safe(trend_svg(  # noqa: S308 - charts.py escapes every text it draws
        {"series": series}, title=title, empty_text=_("No working-alliance measure yet.")))


def alliance_section(user, person, grant) -> dict:
    """The working alliance (treatment compartment): the measures and their goal, task and bond
    trend, per practitioner."""
    measures = list(alliance_measures.for_person(user, person)
                    .select_related("practitioner", "enrolment__intervention")
                    .order_by("taken_on", "pk"))
    by_practitioner = defaultdict(list)
    for m in measures:
        by_practitioner[m.practitioner].append(m)
    return {"alliance": {
        "measures": list(reversed(measures))[:RECENT], "count": len(measures),
        "chart": _trend_chart(measures, _("Working alliance over time (advisory)")),
        "practitioners": [{"practitioner": p, "count": len(ms), "latest": ms[-1]}
                          for p, ms in by_practitioner.items()],
    }}


# --- worklists -----------------------------------------------------------------------------------

def sessions_today(user, day: datetime.date | None = None) -> list[Session]:
    """The sessions the user facilitates on `day` (today), of people they still see."""
    day = day or timezone.localdate()
    rows = list(sessions.visible(user).filter(facilitator=user, scheduled_at__date=day)
                .select_related("person", "enrolment__intervention").order_by("scheduled_at"))
    audit.consulted(actor=user, persons=[s.person for s in rows],
                    details={"list": "sessions_today"})
    return rows


def not_engaging(user) -> list[dict]:
    """People the user sees (with the case team's share) who refuse — a refusal pattern by their
    jurisdiction's rule — or who have drifted away (in the last DRIFT_DAYS, at least DRIFT_MISSED
    sessions missed and none attended), with the strategies already tried. A constant number of
    queries whatever the caseload."""
    today = timezone.localdate()
    visible_people = persons_visible_to(user)
    # The longest window of any jurisdiction (a handful of rows, where the jurisdictions of the
    # people seen would be a pass over all of them); each person's own window is applied below.
    longest = Jurisdiction.objects.aggregate(days=Max("refusal_pattern_days"))["days"] or 0
    refusals = defaultdict(list)
    for offer in (offers.visible(user).filter(
            response=OfferResponse.REFUSED,
            offered_on__gt=today - datetime.timedelta(days=max(longest, DRIFT_DAYS)))
            .select_related("person__jurisdiction", "intervention").order_by("-offered_on")):
        refusals[offer.person_id].append(offer)
    since = timezone.now() - datetime.timedelta(days=DRIFT_DAYS)
    held = (sessions.visible(user).filter(scheduled_at__gte=since,
                                          enrolment__status=EnrolmentStatus.ACTIVE)
            .exclude(attendance__in=["", Attendance.CANCELLED])
            .values("person_id").annotate(
                held=Count("pk"), attended=Count("pk", filter=Q(attendance=Attendance.ATTENDED)),
                missed=Count("pk", filter=~Q(attendance=Attendance.ATTENDED))))
    drifting = {row["person_id"]: row for row in held
                if row["attended"] == 0 and row["missed"] >= DRIFT_MISSED}
    candidates = set(drifting) | set(refusals)
    people = {p.pk: p for p in visible_people.filter(pk__in=candidates)
              .select_related("jurisdiction", "responsible_agency")}
    last_attended = dict(sessions.visible(user).filter(
        person_id__in=list(people), attendance=Attendance.ATTENDED)
        .values_list("person_id").annotate(last=Max("scheduled_at")))
    rows = []
    for pid, person in people.items():
        jurisdiction = person.jurisdiction
        window_start = today - datetime.timedelta(days=jurisdiction.refusal_pattern_days)
        in_window = [o for o in refusals.get(pid, []) if o.offered_on > window_start]
        pattern = len(in_window) >= jurisdiction.refusal_pattern_count
        if not pattern and pid not in drifting:
            continue
        recent = refusals.get(pid, [])
        rows.append({
            "person": person, "refusals": len(in_window), "pattern": pattern,
            "pattern_days": jurisdiction.refusal_pattern_days,
            "drifting": pid in drifting,
            "missed": drifting.get(pid, {}).get("missed", 0),
            "last_refusal": recent[0].offered_on if recent else None,
            "strategies": sorted({o.get_strategy_display() for o in recent if o.strategy}),
            "last_attended": last_attended.get(pid),
        })
    rows.sort(key=lambda r: (not r["pattern"], -r["refusals"], r["person"].reference))
    audit.consulted(actor=user, persons=[r["person"] for r in rows],
                    details={"list": "not_engaging"})
    return rows


def practitioner_trends(user) -> list[dict]:
    """The working alliance per practitioner, over the measures the user may read (treatment
    compartment): each practitioner's monthly mean of goal, task and bond, as a chart."""
    measures = list(alliance_measures.visible(user).select_related("practitioner", "person")
                    .order_by("taken_on", "pk"))
    by_practitioner = defaultdict(list)
    for m in measures:
        by_practitioner[m.practitioner].append(m)
    rows = []
    labels = {"goal": _("Goal"), "task": _("Task"), "bond": _("Bond")}
    for practitioner, ms in sorted(by_practitioner.items(),
                                   key=lambda kv: kv[0].get_full_name() or kv[0].username):
        monthly = defaultdict(lambda: defaultdict(list))
        for m in ms:
            month = m.taken_on.replace(day=1)
            for code in SUBSCALES:
                if m.scores.get(code) is not None:
                    monthly[code][month].append(m.scores[code])
        series = {labels[code]: sorted((month, round(mean(values), 2))
                                       for month, values in monthly[code].items())
                  for code in SUBSCALES}
        rows.append({
            "practitioner": practitioner, "count": len(ms),
            "people": len({m.person_id for m in ms}),
            "latest": {code: ms[-1].scores.get(code) for code in SUBSCALES},
            "chart": mark_safe(trend_svg(  # noqa: S308 - escaped by charts.py
                {"series": series}, title=_("Working alliance of %(name)s, monthly mean "
                                            "(advisory)") % {
                    "name": practitioner.get_full_name() or practitioner.username},
                empty_text=_("No working-alliance measure yet."))),
        })
    audit.consulted(actor=user, persons=list({m.person_id: m.person for m in measures}.values()),
                    details={"list": "alliance_by_practitioner"})
    return rows


def person_alliance_due(person) -> list[Enrolment]:
    """Active enrolments of the person (for the measure form's choice)."""
    return list(Enrolment.objects.filter(person=person, status=EnrolmentStatus.ACTIVE)
                .select_related("intervention", "practitioner"))


def stage_label(code: str) -> str:
    return Stage(code).label if code in Stage.values else code


# --- look-ups of the REST API (api.py) -----------------------------------------------------------

def interventions_for_api(user, *, jurisdiction: str = "", type: str = "",
                          active: bool | None = None):
    """The catalogues the user reads (`catalogue_for`), by jurisdiction code, type and whether
    they are offered."""
    rows = catalogue_for(user)
    if jurisdiction:
        rows = rows.filter(jurisdiction__code=jurisdiction)
    if type:
        rows = rows.filter(type=type)
    if active is not None:
        rows = rows.filter(is_active=active)
    return rows


def intervention_by_uuid(uuid) -> Intervention | None:
    """Any jurisdiction's intervention, for a request that names one: the services refuse one
    of another jurisdiction with that reason."""
    return Intervention.objects.select_related("jurisdiction", "provider").filter(
        uuid=uuid).first()


def jurisdictions_for_api():
    return Jurisdiction.objects.order_by("code")


def active_user_by_uuid(uuid) -> User | None:
    """An active user by their public id: whether they may act for a person is the service's
    question (it names them in its refusal)."""
    return User.objects.filter(uuid=uuid, is_active=True).first()


def person_plan_step(user, person, step_uuid) -> Step | None:
    """A step of one of the person's plans that `user` sees (None for any other step)."""
    return Step.objects.filter(
        uuid=step_uuid, goal__plan__in=plans.for_person(user, person)
    ).select_related("goal__plan").first()
