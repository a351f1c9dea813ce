"""Reads of the release module for pages and the API: the person's section, the release page,
the worklists. Each runs a constant number of queries whatever the number of rows."""

import datetime

from django.db.models import Count, Exists, F, Prefetch, Q
from django.utils import timezone

from alliance.organisations.models import Jurisdiction
from alliance.people.access import Action, holding_agency_ids
from alliance.people.models import CustodyEpisode, LegalStatus, RetainedAccess
from alliance.people.selectors import episodes_of

from . import dates
from .access import ReleaseAction, on_receiving_side, release_grant
from .models import (
    FollowUp,
    Handover,
    HandoverStatus,
    PathwayStatus,
    ReleaseSettings,
    ReleaseStep,
    SupportAction,
    SupportPlan,
)
from .readiness import readiness_of
from .services.handover import receiving_agencies

NEXT_STEPS = 3


def episode_of(person) -> CustodyEpisode | None:
    """The episode the release work is about: the current one, else the latest."""
    episodes = episodes_of(person)
    return next((e for e in episodes if e.is_current), episodes[0] if episodes else None)


def steps_of(episode):
    return list(ReleaseStep.objects.filter(episode=episode).select_related(
        "template", "agency", "completed_by").order_by("due_on", "template__order", "id"))


def _present(person, episode) -> dict:
    """Which of the episode's release records exist, and the jurisdiction's horizon (its
    setting, read without creating it), in one query: most people are far from release and
    have none of them, and each read skipped is a query the person page does not run (four,
    for them)."""
    def of(model):
        return Exists(model.objects.filter(episode_id=episode.pk))

    row = Jurisdiction.objects.filter(pk=person.jurisdiction_id).values(
        steps=of(ReleaseStep), handover=of(Handover), follow_ups=of(FollowUp),
        support_plan=of(SupportPlan), horizon=F("release_settings__horizon_months")).get()
    if row["horizon"] is None:
        row["horizon"] = ReleaseSettings._meta.get_field("horizon_months").default
    return row


def _support_plan(episode) -> SupportPlan | None:
    return (SupportPlan.objects.filter(episode=episode).select_related("supervising_agency",
                                                                      "municipality")
            .annotate(pathways_open=Count("pathways", distinct=True, filter=Q(
                pathways__status__in=[PathwayStatus.NEED, PathwayStatus.IN_PROGRESS])),
                pathways_not_assessed=Count("pathways", distinct=True, filter=Q(
                    pathways__status=PathwayStatus.NOT_ASSESSED)),
                conditions_count=Count("conditions", distinct=True)).first())


def follow_ups_scheduled(episode) -> int:
    """How many follow-up contacts recording the release of `episode` scheduled (read by the
    one who recorded it, whose access to the person may since have become read-only)."""
    return FollowUp.objects.filter(episode=episode).count()


def pathways_of(plan) -> list:
    """A support plan's pathway entries with their actions and each action's agency."""
    return list(plan.pathways.select_related("updated_by").prefetch_related(
        Prefetch("actions", queryset=SupportAction.objects.select_related("agency"))))


def _handover_of(episode) -> Handover | None:
    """The handover under way (sent or acknowledged), else the latest one (withdrawn)."""
    handovers = list(Handover.objects.filter(episode=episode).select_related(
        "to_agency", "from_agency").order_by("-sent_at", "-id"))
    live = [h for h in handovers if h.status != HandoverStatus.WITHDRAWN]
    return (live or handovers or [None])[0]


def _programme_start(episode, steps, months: int) -> dict:
    """Why there are no steps yet, and when they will come (`months` before the expected
    release): {"state": "no_release" | "remand" | "starts" | "soon" | "", "starts_on": date}."""
    if steps or not episode.is_current:
        return {"state": ""}
    if episode.legal_status == LegalStatus.REMAND:
        return {"state": "remand"}
    if episode.expected_release is None:
        return {"state": "no_release"}
    starts_on = dates.add_months(episode.expected_release, -months)
    return {"state": "starts" if starts_on > timezone.localdate() else "soon",
            "starts_on": starts_on, "months": months}


def step_rows(steps, today: datetime.date, *, in_custody: bool = True) -> list[dict]:
    """Each step with how many days it is overdue (0 when it is not; and once the person is
    released, a step left to do is no longer overdue: the programme is over)."""
    return [{"step": step, "overdue_days": (today - step.due_on).days
             if in_custody and step.is_overdue(today) else 0} for step in steps]


def _sends_handovers(user, person) -> bool:
    """Whether the reader is on the sending side of a handover: the receiving agency
    acknowledges one, it does not send it to itself (with no probation service on the team
    yet, the handover page says what to do)."""
    agencies = receiving_agencies(person)
    return not agencies or any(not on_receiving_side(user, person.pk, agency.pk)
                               for agency in agencies)


def _release_state(user, person, grant) -> dict:
    """What the section and the release page share: the episode, its steps and readiness, the
    handover, the support plan, the follow-ups, and what the reader may do."""
    today = timezone.localdate()
    episode = episode_of(person)
    if episode is None:
        return {"episode": None, "today": today}
    present = _present(person, episode)
    steps = steps_of(episode) if present["steps"] else []
    handover = _handover_of(episode) if present["handover"] else None
    follow_ups = list(FollowUp.objects.filter(episode=episode).select_related(
        "agency", "recorded_by").order_by("due_on", "id")) if present["follow_ups"] else []
    release = release_grant(user, person, grant)
    can_work = release.can(ReleaseAction.WORK)
    in_custody = episode.is_current
    days = ((episode.expected_release - today).days
            if in_custody and episode.expected_release else None)
    return {
        "episode": episode, "today": today, "steps": steps,
        "readiness": readiness_of(steps, today),
        "support_plan": _support_plan(episode) if present["support_plan"] else None,
        "handover": handover,
        "handover_waiting": handover is not None and handover.status == HandoverStatus.SENT,
        "follow_ups": follow_ups,
        "next_follow_up": next((f for f in follow_ups if f.is_open), None),
        "in_custody": in_custody,
        "days_to_release": days, "days_past_release": -days if days and days < 0 else 0,
        "can_work": can_work,
        "can_send_handover": can_work and in_custody
        and person.responsible_agency_id == episode.facility_id
        and (handover is None or handover.status == HandoverStatus.WITHDRAWN)
        and _sends_handovers(user, person),
        "can_record_release": in_custody and grant.can(Action.MANAGE_CUSTODY),
        "programme": _programme_start(episode, steps, present["horizon"]),
    }


def release_section(user, person, grant) -> dict:
    """The person page's release section: readiness and the next steps, the handover, the
    support plan's pathways at a glance, the next follow-up. `grant` is the reader's grant on
    the person."""
    state = _release_state(user, person, grant)
    state["read_access_until"] = _read_access_until(user, person)
    if state["episode"] is not None:
        state["next_steps"] = step_rows([s for s in state["steps"] if s.is_open][:NEXT_STEPS],
                                        state["today"]) if state["in_custody"] else []
    return state


def person_page(user, person, grant) -> dict:
    """The person's release page: the whole programme in due order, the handover, the support
    plan and the follow-ups. `grant` is the reader's grant on the person (get_person_for_user's;
    the release grant is derived from it)."""
    state = _release_state(user, person, grant)
    state["read_access_until"] = _read_access_until(user, person)
    if state["episode"] is not None:
        state["step_rows"] = step_rows(state["steps"], state["today"],
                                       in_custody=state["in_custody"])
    return state


def _read_access_until(user, person):
    """The last day the reader's agency keeps read access to the person after a handover (if it
    is how the reader sees them now), else None."""
    if person.responsible_agency_id in holding_agency_ids(user):
        return None
    return (RetainedAccess.objects.filter(person=person, agency_id__in=holding_agency_ids(user),
                                          until__gte=timezone.localdate())
            .order_by("-until").values_list("until", flat=True).first())
