"""Reads of the release module for pages and the API: the person's section, the release page,
the worklists. Each runs a constant number of queries whatever the number of rows."""

from django.db.models import Count, Q
from django.utils import timezone

from alliance.people.access import Action
from alliance.people.models import CustodyEpisode

from .access import ReleaseAction, release_grant
from .models import FollowUp, Handover, HandoverStatus, PathwayStatus, ReleaseStep, SupportPlan
from .readiness import readiness_of


def episode_of(person) -> CustodyEpisode | None:
    """The episode the release work is about: the current one, else the latest."""
    return (CustodyEpisode.objects.filter(person=person).select_related("facility")
            .order_by("-is_current", "-admitted_on", "-id").first())


def steps_of(episode):
    return list(ReleaseStep.objects.filter(episode=episode).select_related(
        "template", "agency", "completed_by").order_by("due_on", "template__order", "id"))


def release_section(user, person, grant) -> dict:
    """The person page's release section: readiness and the steps, the handover, the support
    plan's pathways at a glance, the follow-ups."""
    today = timezone.localdate()
    episode = episode_of(person)
    if episode is None:
        return {"episode": None}
    steps = steps_of(episode)
    plan = (SupportPlan.objects.filter(episode=episode).annotate(
        pathways_open=Count("pathways", filter=Q(pathways__status__in=[
            PathwayStatus.NEED, PathwayStatus.IN_PROGRESS])),
        pathways_not_assessed=Count("pathways", filter=Q(
            pathways__status=PathwayStatus.NOT_ASSESSED)),
        conditions_count=Count("conditions", distinct=True)).first())
    handover = (Handover.objects.filter(episode=episode).select_related("to_agency")
                .order_by("-sent_at").first())
    follow_ups = list(FollowUp.objects.filter(episode=episode).select_related("agency"))
    release = release_grant(user, person, grant)
    return {
        "episode": episode, "today": today, "steps": steps,
        "readiness": readiness_of(steps, today), "support_plan": plan, "handover": handover,
        "handover_waiting": handover is not None and handover.status == HandoverStatus.SENT,
        "follow_ups": follow_ups,
        "can_work": release.can(ReleaseAction.WORK),
        "can_record_release": episode.is_current and grant.can(Action.MANAGE_CUSTODY),
    }
