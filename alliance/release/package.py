"""The handover package: what the agency taking the person on needs, assembled live from the
records as they are now — the key dates, the latest countersigned assessment in the case
team's words, the plan's goals and progress, the support plan with its conditions and the last
contacts, the readiness of the pre-release steps, and whom to call.

Every part is read through its own module's policy (`visible(user)`), so the package never
shows a reader more than their grant allows; the person's name only with the identity
compartment. Given the references the handover kept when it was sent
(services.handover.package_refs), each part says whether it changed since. A constant number
of queries, whatever the number of goals, pathways, actions or contacts.
"""

from django.db.models import Prefetch
from django.utils import timezone

from alliance.accounts.models import Membership
from alliance.assessments.access import assessments
from alliance.assessments.models import AssessmentStatus
from alliance.assessments.selectors.summary import (
    domain_judgement_labels,
    judgement_label,
    needs_of,
)
from alliance.cases.models import Case, CaseStatus
from alliance.core.i18n import current_language
from alliance.plans.access import plans
from alliance.plans.models import PlanStatus
from alliance.plans.models import StepStatus as PlanStepStatus
from alliance.plans.selectors import goal_labels

from .access import handovers, release_steps, support_plans
from .models import PathwayEntry, SupportAction
from .readiness import readiness_of
from .selectors import episode_of

LAST_CONTACTS = 5
LAST_BREACHES = 5


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


def key_dates(episode) -> dict:
    if episode is None:
        return {}
    return {"facility": episode.facility, "admitted_on": episode.admitted_on,
            "expected_release": episode.expected_release,
            "released_on": None if episode.is_current else episode.ended_on,
            "release_type": episode.get_release_type_display() if episode.release_type else "",
            "in_custody": episode.is_current}


def assessment_summary(user, person) -> dict | None:
    """The latest countersigned assessment the reader may see, as the case team reads it: the
    instrument, the date, the overall and the domain judgements, the need areas (advisory).
    Never the ratings, the evidence or the formulation."""
    latest = (assessments.visible(user)
              .filter(person=person, status=AssessmentStatus.COUNTERSIGNED)
              .select_related("instrument_version__instrument").defer("instrument_version__definition").prefetch_related("ratings")
              .order_by("-countersigned_at", "-id").first())
    if latest is None:
        return None
    definition = latest.instrument_version.parsed
    return {"uuid": str(latest.uuid), "assessment": latest,
            "instrument": definition.name.get(current_language())
            or latest.instrument_version.instrument.name,
            "countersigned_on": latest.countersigned_at,
            "judgement": judgement_label(latest),
            "domains": domain_judgement_labels(latest),
            "need_areas": list(needs_of(latest))}


def plan_progress(user, person) -> dict | None:
    """The current (countersigned) plan: each goal with its need, status and steps done."""
    plan = (plans.for_person(user, person).filter(status=PlanStatus.COUNTERSIGNED)
            .select_related("assessment__instrument_version", "countersigned_by")
            .defer("assessment__instrument_version__definition")
            .prefetch_related("goals__steps").order_by("-number").first())
    if plan is None:
        return None
    labels = goal_labels(plan)
    goals = []
    for goal in plan.goals.all():
        steps = list(goal.steps.all())
        goals.append({"text": goal.text, "status": goal.get_status_display(),
                      "code": goal.status,
                      "label": labels.get(goal.need_area or goal.protective_item, ""),
                      "steps": len(steps),
                      "done": sum(1 for s in steps if s.status == PlanStepStatus.DONE)})
    return {"plan": plan, "uuid": str(plan.uuid), "version": plan.version,
            "number": plan.number, "countersigned_on": plan.countersigned_at,
            "next_review_on": plan.next_review_on, "goals": goals}


def support_plan_parts(user, episode) -> dict:
    """The support plan of the episode: its pathways with their actions, the conditions (in
    force first), the last contacts and breaches."""
    if episode is None:
        return {"support_plan": None}
    plan = (support_plans.visible(user).filter(episode=episode)
            .select_related("municipality", "supervising_agency")
            .prefetch_related(Prefetch("pathways", queryset=PathwayEntry.objects.order_by("id")
                                       .prefetch_related(Prefetch(
                                           "actions", queryset=SupportAction.objects
                                           .select_related("agency").order_by("id")))))
            .first())
    if plan is None:
        return {"support_plan": None}
    today = timezone.localdate()
    conditions = list(plan.conditions.order_by("starts_on", "id"))
    return {
        "support_plan": plan, "uuid": str(plan.uuid), "version": plan.version,
        "pathways": list(plan.pathways.all()),
        "conditions": conditions,
        "conditions_in_force": [c for c in conditions if c.ends_on is None or c.ends_on >= today],
        "conditions_ended": [c for c in conditions if c.ends_on is not None and c.ends_on < today],
        "contacts": list(plan.contacts.select_related("agency", "recorded_by")
                         .order_by("-contact_on", "-id")[:LAST_CONTACTS]),
        "breaches": list(plan.breaches.select_related("condition")
                         .order_by("-occurred_on", "-id")[:LAST_BREACHES]),
    }


def contacts_of(person) -> dict:
    """Whom to call: the case manager and the open case team (name, agency, role)."""
    case = (Case.objects.filter(person=person, status=CaseStatus.OPEN)
            .select_related("case_manager").first())
    if case is None:
        return {"case_manager": None, "team": []}
    team = [{"name": _name(m.user), "agency": m.agency, "role": m.team_role, "user": m.user}
            for m in case.team.filter(ended_at__isnull=True).select_related("user", "agency")
            .order_by("added_at", "id")]
    manager = None
    if case.case_manager is not None:
        place = next((t for t in team if t["user"].pk == case.case_manager_id), None)
        agency = place["agency"] if place else next(iter(
            m.agency for m in Membership.objects.filter(user=case.case_manager, is_active=True)
            .select_related("agency").order_by("id")), None)
        manager = {"name": _name(case.case_manager), "agency": agency,
                   "role": place["role"] if place else ""}
    return {"case_manager": manager, "team": team}


def _changed(refs: dict | None, package: dict) -> dict:
    """Part -> whether it changed since the handover was sent (empty without `refs`)."""
    if refs is None:
        return {}
    assessment, plan, support = package["assessment"], package["plan"], package["support"]
    readiness, dates = package["readiness"], package["key_dates"]
    release_on = dates.get("expected_release")
    return {
        "assessment": (assessment["uuid"] if assessment else None) != refs.get("assessment"),
        "plan": ([plan["uuid"], plan["version"]] if plan else None) != refs.get("plan"),
        "support_plan": ([support["uuid"], support["version"]]
                         if support.get("support_plan") else None) != refs.get("support_plan"),
        "steps": [readiness.done, readiness.total] != refs.get("steps"),
        "release_on": (release_on.isoformat() if release_on else None) != refs.get("release_on"),
    }


def handover_package(user, person, grant, refs: dict | None = None) -> dict:
    """The package for `user` (who holds `grant` on the person's release): see the module's
    docstring. `refs`: the handover's stored references, to say what changed since."""
    today = timezone.localdate()
    episode = episode_of(person)
    steps = (list(release_steps.visible(user).filter(episode=episode)
                  .select_related("template", "agency").order_by("due_on", "template__order"))
             if episode is not None else [])
    handover = (handovers.visible(user).filter(episode=episode)
                .select_related("to_agency", "from_agency").order_by("-sent_at").first()
                if episode is not None else None)
    package = {
        "person": person, "identity": grant.sees_identity,
        "name": person.full_name if grant.sees_identity else "",
        "episode": episode, "key_dates": key_dates(episode), "today": today,
        "assessment": assessment_summary(user, person),
        "plan": plan_progress(user, person),
        "support": support_plan_parts(user, episode),
        "readiness": readiness_of(steps, today),
        "open_steps": [s for s in steps if s.is_open],
        "handover": handover,
        "contacts": contacts_of(person),
    }
    package["changed"] = _changed(refs, package)
    package["any_change"] = any(package["changed"].values())
    return package
