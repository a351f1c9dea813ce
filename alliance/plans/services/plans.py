"""Every write to the intervention catalogue and to plans: atomic, permission re-checked with
the policy's grant, validated, audited, on the timeline. A countersigned plan changes only
through its next version (with a reason); its goals' and steps' progress is recorded on it."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alliance.assessments.models import Assessment
from alliance.assessments.selectors import latest_needs
from alliance.core import audit
from alliance.core.compartments import Compartment
from alliance.core.errors import check_version
from alliance.core.i18n import current_language
from alliance.core.models import AuditAction
from alliance.people import timeline
from alliance.people.access import person_grant, persons_visible_to
from alliance.people.key_dates import add_months

from .. import work
from ..access import PlanAction, catalogue_jurisdiction_ids, is_planner, plans
from ..models import (
    PLAN_TRANSITIONS,
    Goal,
    GoalStatus,
    Intervention,
    InterventionFormat,
    InterventionType,
    Plan,
    PlanReview,
    PlanStatus,
    PrisonerPosition,
    Step,
    StepActor,
    StepStatus,
)
from ..selectors import latest_needs_of

MAX_TEXT = 4000


def _require(actor, plan, action: str, message: str) -> None:
    if not plans.grant(actor, plan).can(action):
        raise PermissionDenied(message)


def _lock(plan, expected_version=None) -> Plan:
    # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of the outer join that
    # a plan without an assessment needs.
    locked = Plan.objects.select_for_update(of=("self",)).select_related(
        "person__jurisdiction", "person__responsible_agency", "assessment__instrument_version"
    ).defer("assessment__instrument_version__definition").get(pk=plan.pk)
    check_version(locked, expected_version)
    return locked


def _move(plan, to: str) -> None:
    if to not in PLAN_TRANSITIONS[PlanStatus(plan.status)]:
        raise ValidationError(_("A plan that is %(status)s cannot be %(action)s.") % {
            "status": plan.get_status_display().lower(), "action": PlanStatus(to).label.lower()})
    plan.status = to


def _touch(plan) -> None:
    """Any change to a plan's goals or steps is a new edit version of the plan (so a stale
    edit of the plan is refused with 409)."""
    plan.version += 1
    plan.save(update_fields=["version", "updated_at"])


def check_works_with(errors: dict, field: str, user, person) -> None:
    """Note under `field` that `user` cannot be given work about `person`: they see neither
    the person's case team nor the agency responsible for them (inactive users see no one)."""
    if not persons_visible_to(user).filter(pk=person.pk).exists():
        errors[field] = _("%(user)s does not work with this person (not on the case team nor "
                          "in the responsible agency).") % {"user": user}


def _text(value: str, field: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    if len(value) > MAX_TEXT:
        raise ValidationError({field: _("Keep this under %(max)d characters.") % {
            "max": MAX_TEXT}})
    return value


# --- the catalogue -------------------------------------------------------------------------------

CATALOGUE_FIELDS = ("code", "name", "type", "format", "provider", "typical_sessions",
                    "need_areas", "description", "evidence_notes", "is_active")


def _check_intervention(jurisdiction, fields: dict) -> None:
    errors = {}
    if fields.get("type") not in InterventionType.values:
        errors["type"] = _("Choose a type of intervention.")
    if fields.get("format") not in InterventionFormat.values:
        errors["format"] = _("Choose individual or group.")
    areas = fields.get("need_areas", [])
    if not isinstance(areas, list) or not all(isinstance(a, str) and a for a in areas):
        errors["need_areas"] = _("Give the need areas as a list of codes.")
    provider = fields.get("provider")
    if provider is not None and provider.jurisdiction_id != jurisdiction.pk:
        errors["provider"] = _("The provider must be an agency of the same jurisdiction.")
    if not str(fields.get("code", "")).strip():
        errors["code"] = _("This field is required.")
    if not str(fields.get("name", "")).strip():
        errors["name"] = _("This field is required.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def intervention_save(*, actor, jurisdiction, intervention=None, expected_version=None,
                      **fields) -> Intervention:
    """Add an intervention to a jurisdiction's catalogue, or change one (prison managers of that
    jurisdiction; system administrators use the admin). A change of a version that is no longer
    the stored one is a Conflict (409)."""
    if jurisdiction.pk not in catalogue_jurisdiction_ids(actor):
        raise PermissionDenied(_("Only a prison manager of this jurisdiction keeps its "
                                 "catalogue of interventions."))
    if intervention is not None:
        intervention = Intervention.objects.select_for_update().get(pk=intervention.pk)
        check_version(intervention, expected_version)
    unknown = set(fields) - set(CATALOGUE_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}")
    current = {name: getattr(intervention, name) for name in CATALOGUE_FIELDS} if intervention \
        else {"typical_sessions": 10, "need_areas": [], "description": "", "evidence_notes": "",
              "is_active": True, "provider": None}
    current.update(fields)
    _check_intervention(jurisdiction, current)
    duplicate = Intervention.objects.filter(jurisdiction=jurisdiction, code=current["code"])
    if intervention is not None:
        duplicate = duplicate.exclude(pk=intervention.pk)
    if duplicate.exists():
        raise ValidationError({"code": _("This jurisdiction already has an intervention with "
                                         "this code.")})
    created = intervention is None
    if created:
        intervention = Intervention(jurisdiction=jurisdiction)
    for name, value in current.items():
        setattr(intervention, name, value)
    if not created:
        intervention.version += 1
    intervention.save()
    audit.record(actor=actor, action=AuditAction.CREATE if created else AuditAction.CHANGE,
                 obj=intervention, details={"fields": sorted(fields), "code": intervention.code,
                                            "jurisdiction": jurisdiction.code})
    return intervention


# --- what a plan is built from -------------------------------------------------------------------

def _latest_assessment(person) -> Assessment | None:
    return latest_needs(person)["assessment"]


def need_codes(plan) -> set[str]:
    """The need areas of the plan's assessment: the only needs its goals may be linked to."""
    if plan.assessment is None:
        return set()
    return set(latest_needs_of(plan.assessment))


def protective_codes(plan) -> set[str]:
    if plan.assessment is None:
        return set()
    definition = plan.assessment.instrument_version.parsed
    return {item.code for item in definition.items if definition.is_protective(item)}


# --- plans ---------------------------------------------------------------------------------------

@transaction.atomic
def plan_start(*, actor, person) -> Plan:
    """Start the person's first plan, built on their latest countersigned assessment (if any),
    with a goal for each need it found as a starting point. A person with a current plan gets
    its next version instead (`plan_revise`)."""
    grant = person_grant(actor, person)
    if not is_planner(actor, person, grant):
        raise PermissionDenied(_("Plans are built by the case manager and the treatment staff "
                                 "of the agency responsible for the person."))
    if Plan.objects.filter(person=person, status__in=[PlanStatus.DRAFT,
                                                      PlanStatus.SUBMITTED]).exists():
        raise ValidationError(_("A version of this plan is already being prepared: continue "
                                "that one."))
    if Plan.objects.filter(person=person, status=PlanStatus.COUNTERSIGNED).exists():
        raise ValidationError(_("This person has a current plan: open a new version of it, "
                                "with the reason."))
    assessment = _latest_assessment(person)
    plan = Plan.objects.create(
        person=person, number=1, assessment=assessment, author=actor,
        review_every_months=person.jurisdiction.plan_review_interval_months)
    if assessment is not None:
        definition = assessment.instrument_version.parsed
        for order, area in enumerate(latest_needs_of(assessment)):
            label = definition.need_area(area).label.get(current_language())
            Goal.objects.create(plan=plan, order=order, text=label, need_area=area)
    audit.record(actor=actor, action=AuditAction.CREATE, obj=plan, person=person,
                 details={"number": 1, "assessment": str(assessment.uuid) if assessment else "",
                          "goals": plan.goals.count()})
    return plan


@transaction.atomic
def plan_update(*, actor, plan, expected_version, **fields) -> Plan:
    """Change a draft's summary, review interval, or the person's position on it."""
    plan = _lock(plan, expected_version)
    _require(actor, plan, PlanAction.EDIT, _("Only a draft plan can be changed, by its "
                                             "planners."))
    allowed = {"summary", "review_every_months", "position", "position_words"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}")
    if "summary" in fields:
        fields["summary"] = _text(fields["summary"], "summary", required=False)
    if "review_every_months" in fields:
        months = fields["review_every_months"]
        if not isinstance(months, int) or not 1 <= months <= 24:
            raise ValidationError({"review_every_months": _(
                "Review the plan every 1 to 24 months.")})
    if "position" in fields or "position_words" in fields:
        position = fields.get("position", plan.position)
        if position not in PrisonerPosition.values:
            raise ValidationError({"position": _("Choose the person's position on the plan.")})
        words = _text(fields.get("position_words", plan.position_words), "position_words",
                      required=position != PrisonerPosition.COULD_NOT_ANSWER)
        fields["position_words"] = words
        if (position, words) != (plan.position, plan.position_words):
            plan.position_recorded_at = timezone.now()
    changed = sorted(name for name, value in fields.items() if getattr(plan, name) != value)
    for name, value in fields.items():
        setattr(plan, name, value)
    if changed:
        plan.version += 1
        plan.save()
        audit.record(actor=actor, action=AuditAction.CHANGE, obj=plan, person=plan.person,
                     details={"fields": changed})
    return plan


def _check_goal_links(plan, need_area: str, protective_item: str) -> None:
    if need_area and need_area not in need_codes(plan):
        raise ValidationError({"need_area": _(
            "This is not one of the needs found by this person's assessment that the plan is "
            "built on.")})
    if protective_item and protective_item not in protective_codes(plan):
        raise ValidationError({"protective_item": _(
            "This is not a protective factor of the assessment the plan is built on.")})
    if need_area and protective_item:
        raise ValidationError({"protective_item": _(
            "Link a goal to a need or to a protective factor, not both.")})


@transaction.atomic
def goal_save(*, actor, plan, expected_version, goal=None, text: str, need_area: str = "",
              protective_item: str = "", status: str | None = None) -> Goal:
    """Add a goal to a draft plan, or change one."""
    plan = _lock(plan, expected_version)
    _require(actor, plan, PlanAction.EDIT, _("Only a draft plan can be changed, by its "
                                             "planners."))
    text = _text(text, "text")
    _check_goal_links(plan, need_area, protective_item)
    if status is not None and status not in GoalStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    created = goal is None
    if created:
        goal = Goal(plan=plan, order=plan.goals.count())
    elif goal.plan_id != plan.pk:
        raise ValidationError(_("This goal is not part of this plan."))
    goal.text, goal.need_area, goal.protective_item = text, need_area, protective_item
    if status is not None:
        goal.status = status
    goal.save()
    _touch(plan)
    audit.record(actor=actor, action=AuditAction.CREATE if created else AuditAction.CHANGE,
                 obj=goal, person=plan.person, details={"plan": str(plan.uuid),
                                                        "need_area": need_area,
                                                        "protective_item": protective_item})
    return goal


@transaction.atomic
def goal_remove(*, actor, plan, expected_version, goal) -> None:
    plan = _lock(plan, expected_version)
    _require(actor, plan, PlanAction.EDIT, _("Only a draft plan can be changed, by its "
                                             "planners."))
    if goal.plan_id != plan.pk:
        raise ValidationError(_("This goal is not part of this plan."))
    audit.record(actor=actor, action=AuditAction.DELETE, obj=goal, person=plan.person,
                 details={"plan": str(plan.uuid), "steps": goal.steps.count()})
    goal.delete()
    _touch(plan)


def _check_step(plan, fields: dict) -> None:
    errors = {}
    actor_kind = fields.get("actor")
    if actor_kind not in StepActor.values:
        errors["actor"] = _("Say who acts: staff, the person, or an agency.")
    if actor_kind == StepActor.STAFF:
        user = fields.get("actor_user")
        if user is None:
            errors["actor_user"] = _("Choose the staff member who acts.")
        else:
            check_works_with(errors, "actor_user", user, plan.person)
    if actor_kind == StepActor.AGENCY and fields.get("actor_agency") is None:
        errors["actor_agency"] = _("Choose the agency that acts.")
    intervention = fields.get("intervention")
    if intervention is not None and intervention.jurisdiction_id != plan.person.jurisdiction_id:
        errors["intervention"] = _("This intervention is in the catalogue of another "
                                   "jurisdiction.")
    if fields.get("status") is not None and fields["status"] not in StepStatus.values:
        errors["status"] = _("Choose a status.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def step_save(*, actor, plan, expected_version, goal, step=None, text: str, actor_kind: str,
              actor_user=None, actor_agency=None, intervention=None, target_on=None,
              status: str | None = None) -> Step:
    """Add a step to a goal of a draft plan, or change one."""
    plan = _lock(plan, expected_version)
    _require(actor, plan, PlanAction.EDIT, _("Only a draft plan can be changed, by its "
                                             "planners."))
    if goal.plan_id != plan.pk or (step is not None and step.goal_id != goal.pk):
        raise ValidationError(_("This step is not part of this plan."))
    text = _text(text, "text")
    _check_step(plan, {"actor": actor_kind, "actor_user": actor_user,
                       "actor_agency": actor_agency, "intervention": intervention,
                       "status": status})
    created = step is None
    if created:
        step = Step(goal=goal, order=goal.steps.count())
    step.text, step.actor, step.target_on, step.intervention = text, actor_kind, target_on, \
        intervention
    step.actor_user = actor_user if actor_kind == StepActor.STAFF else None
    step.actor_agency = actor_agency if actor_kind == StepActor.AGENCY else None
    if status is not None:
        step.status = status
    step.save()
    _touch(plan)
    audit.record(actor=actor, action=AuditAction.CREATE if created else AuditAction.CHANGE,
                 obj=step, person=plan.person, details={"plan": str(plan.uuid),
                                                        "goal": str(goal.uuid),
                                                        "actor": actor_kind})
    return step


@transaction.atomic
def step_remove(*, actor, plan, expected_version, step) -> None:
    plan = _lock(plan, expected_version)
    _require(actor, plan, PlanAction.EDIT, _("Only a draft plan can be changed, by its "
                                             "planners."))
    if step.goal.plan_id != plan.pk:
        raise ValidationError(_("This step is not part of this plan."))
    audit.record(actor=actor, action=AuditAction.DELETE, obj=step, person=plan.person,
                 details={"plan": str(plan.uuid)})
    step.delete()
    _touch(plan)


@transaction.atomic
def progress_record(*, actor, plan, expected_version, goal=None, step=None,
                    status: str) -> Goal | Step:
    """Record the progress of a goal or a step of the current (countersigned) plan: its status
    only. Its content changes through the next version."""
    plan = _lock(plan, expected_version)
    _require(actor, plan, PlanAction.REVIEW, _("Progress is recorded on the current plan, by "
                                               "its planners."))
    target = goal if goal is not None else step
    owner = target.plan_id if goal is not None else target.goal.plan_id
    if target is None or owner != plan.pk:
        raise ValidationError(_("This is not part of this plan."))
    choices = GoalStatus.values if goal is not None else StepStatus.values
    if status not in choices:
        raise ValidationError({"status": _("Choose a status.")})
    if target.status != status:
        previous, target.status = target.status, status
        target.save(update_fields=["status", "updated_at"])
        _touch(plan)
        audit.record(actor=actor, action=AuditAction.CHANGE, obj=target, person=plan.person,
                     details={"plan": str(plan.uuid), "status": [previous, status]})
    return target


def submission_problems(plan) -> dict[str, str]:
    """What stops a draft from being submitted, by field (empty when it can be)."""
    problems = {}
    goals = list(plan.goals.prefetch_related("steps"))
    if not goals:
        problems["goals"] = _("Add at least one goal.")
    elif any(not goal.steps.all() for goal in goals):
        problems["goals"] = _("Give every goal at least one step.")
    if not plan.position:
        problems["position"] = _("Record the person's position on the plan (agreed, does not "
                                 "agree, or could not answer).")
    return problems


@transaction.atomic
def plan_submit(*, actor, plan, expected_version) -> Plan:
    """Send a complete draft to the managers of the responsible agency for countersignature."""
    plan = _lock(plan, expected_version)
    _require(actor, plan, PlanAction.EDIT, _("Only a draft plan can be submitted, by its "
                                             "planners."))
    problems = submission_problems(plan)
    if problems:
        raise ValidationError(problems)
    _move(plan, PlanStatus.SUBMITTED)
    plan.submitted_at, plan.submitted_by, plan.return_comments = timezone.now(), actor, ""
    plan.version += 1
    plan.save()
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=plan, person=plan.person,
                 details={"status": plan.status})
    work.on_plan_submitted(plan, actor)
    return plan


@transaction.atomic
def plan_countersign(*, actor, plan, expected_version) -> Plan:
    """A manager of the responsible agency, who neither wrote nor submitted it, countersigns:
    it becomes the current plan (superseding the previous version) and its reviews are
    scheduled."""
    plan = _lock(plan, expected_version)
    if actor.pk in {plan.author_id, plan.submitted_by_id} and plan.status == PlanStatus.SUBMITTED:
        raise PermissionDenied(_("A plan is countersigned by a manager other than the person "
                                 "who wrote or submitted it."))
    _require(actor, plan, PlanAction.COUNTERSIGN, _(
        "A submitted plan is countersigned by a prison or case manager of the agency "
        "responsible for the person."))
    _move(plan, PlanStatus.COUNTERSIGNED)
    today = timezone.localdate()
    previous = plan.previous
    if previous is not None and previous.status == PlanStatus.COUNTERSIGNED:
        previous.status = PlanStatus.SUPERSEDED
        previous.version += 1
        previous.save()
        audit.record(actor=actor, action=AuditAction.CHANGE, obj=previous, person=plan.person,
                     details={"status": previous.status, "superseded_by": str(plan.uuid)})
        work.on_plan_superseded(previous, actor)
    plan.countersigned_at, plan.countersigned_by = timezone.now(), actor
    plan.next_review_on = add_months(today, plan.review_every_months)
    plan.version += 1
    plan.save()
    timeline.add(person=plan.person, kind="plan_countersigned", compartment=Compartment.CASE_TEAM,
                 actor=actor, params={"number": plan.number})
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=plan, person=plan.person,
                 details={"status": plan.status, "next_review_on": plan.next_review_on.isoformat()})
    work.on_plan_countersigned(plan, actor)
    return plan


@transaction.atomic
def plan_return(*, actor, plan, expected_version, comments: str) -> Plan:
    """The manager sends the plan back to draft with comments for its planners."""
    plan = _lock(plan, expected_version)
    _require(actor, plan, PlanAction.COUNTERSIGN, _(
        "A submitted plan is returned by a manager of the agency responsible for the person."))
    comments = _text(comments, "comments")
    _move(plan, PlanStatus.DRAFT)
    plan.return_comments = comments
    plan.version += 1
    plan.save()
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=plan, person=plan.person,
                 details={"status": "returned"})
    work.on_plan_returned(plan, actor)
    return plan


@transaction.atomic
def plan_revise(*, actor, plan, reason: str) -> Plan:
    """Open the next version of the current plan, with the reason: a draft that copies its
    goals and steps (and their progress), built on the person's latest assessment."""
    plan = _lock(plan)
    _require(actor, plan, PlanAction.REVISE, _(
        "A new version is opened from the current plan, by its planners."))
    reason = _text(reason, "reason")
    if Plan.objects.filter(person=plan.person, status__in=[PlanStatus.DRAFT,
                                                           PlanStatus.SUBMITTED]).exists():
        raise ValidationError(_("A new version of this plan is already being prepared: "
                                "continue that one."))
    new = Plan.objects.create(
        person=plan.person, number=plan.number + 1, previous=plan, change_reason=reason,
        assessment=_latest_assessment(plan.person) or plan.assessment, author=actor,
        summary=plan.summary, review_every_months=plan.review_every_months)
    for goal in plan.goals.prefetch_related("steps"):
        copy = Goal.objects.create(plan=new, order=goal.order, text=goal.text,
                                   need_area=goal.need_area,
                                   protective_item=goal.protective_item, status=goal.status)
        Step.objects.bulk_create([Step(
            goal=copy, order=s.order, text=s.text, actor=s.actor, actor_user_id=s.actor_user_id,
            actor_agency_id=s.actor_agency_id, intervention_id=s.intervention_id,
            target_on=s.target_on, status=s.status) for s in goal.steps.all()])
    audit.record(actor=actor, action=AuditAction.CREATE, obj=new, person=plan.person,
                 details={"number": new.number, "previous": str(plan.uuid)})
    return new


@transaction.atomic
def plan_review(*, actor, plan, expected_version, note: str, reviewed_on: datetime.date,
                next_review_on: datetime.date) -> PlanReview:
    """Record a review of the current plan and when the next one is due."""
    plan = _lock(plan, expected_version)
    _require(actor, plan, PlanAction.REVIEW, _("The current plan is reviewed by its planners."))
    note = _text(note, "note")
    today = timezone.localdate()
    errors = {}
    if reviewed_on > today:
        errors["reviewed_on"] = _("A review cannot be recorded before it happens.")
    if next_review_on <= reviewed_on:
        errors["next_review_on"] = _("The next review must come after this one.")
    if errors:
        raise ValidationError(errors)
    review = PlanReview.objects.create(plan=plan, reviewed_on=reviewed_on, reviewed_by=actor,
                                       note=note, next_review_on=next_review_on)
    plan.next_review_on = next_review_on
    plan.version += 1
    plan.save()
    timeline.add(person=plan.person, kind="plan_reviewed", compartment=Compartment.CASE_TEAM,
                 actor=actor, params={"number": plan.number})
    audit.record(actor=actor, action=AuditAction.CREATE, obj=review, person=plan.person,
                 details={"plan": str(plan.uuid), "next_review_on": next_review_on.isoformat()})
    work.on_plan_reviewed(plan, actor)
    return review


def needs_status(plan) -> str:
    """Whether the plan is built on the person's latest countersigned assessment."""
    latest = _latest_assessment(plan.person)
    if latest is None or plan.assessment_id == latest.pk:
        return "current"
    return "newer_assessment"

