"""The plan pages: a person's individual plan built from their assessed needs (goals, steps, their
position), countersigned by a manager, then reviewed and changed through versions; its PDF; the
intervention catalogue.

Every write is a POST from the plan page. It comes back to the page: on success by a redirect
(or, for htmx, the page's refreshed body, so every form on it carries the new edit version); on
an error, the page again with the form as it was typed and the error on its field (409 for a
stale version)."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from alliance.core import audit
from alliance.core.forms import apply_service
from alliance.core.models import AuditAction
from alliance.people.access import require_caseload
from alliance.people.key_dates import add_months

from .. import pdf, selectors, services
from ..access import PlanAction, WorkAction, get_person_for_plan_work, get_plan_for_user
from ..forms.plan import (
    GoalForm,
    PlanForm,
    PositionForm,
    ProgressForm,
    ReturnForm,
    ReviewForm,
    ReviseForm,
    StepForm,
    VersionOnlyForm,
)
from ..models import GoalStatus, PlanStatus, StepStatus

# --- rendering the page --------------------------------------------------------------------------

def _goal_id(goal) -> str:
    return f"goal-{goal.uuid}-%s"


def _step_id(step) -> str:
    return f"step-{step.uuid}-%s"


def _new_step_id(goal) -> str:
    return f"new-step-{goal.uuid}-%s"


def _goal_rows(plan, context, bound: dict, options) -> list[dict]:
    """Each goal with its label and steps, and (for a draft's planners) their edit forms: the
    one the user just sent, as typed, or a fresh one."""
    rows, version = [], plan.version
    for goal in context["goals"]:
        key = goal.need_area or goal.protective_item
        row = {"goal": goal, "label": context["labels"].get(key, key),
               "is_need": bool(goal.need_area), "steps": []}
        if options is not None:
            row["form"] = bound.get(("goal", goal.uuid)) or GoalForm(
                sources=context["sources"], editing=True, auto_id=_goal_id(goal), initial={
                    "text": goal.text, "need_area": goal.need_area, "status": goal.status,
                    "protective_item": goal.protective_item, "version": version})
            row["add_step"] = bound.get(("step_add", goal.uuid)) or StepForm(
                options=options, auto_id=_new_step_id(goal), initial={"version": version})
        for step in goal.steps.all():
            form = None
            if options is not None:
                form = bound.get(("step", step.uuid)) or StepForm(
                    options=options, auto_id=_step_id(step),
                    initial=StepForm.initial_for(step, version))
            row["steps"].append({"step": step, "form": form})
        rows.append(row)
    return rows


def _page(request, plan, grant, *, status: int = 200, bound: dict | None = None,
          flash: str = ""):
    bound = bound or {}
    context = selectors.plan_page(request.user, plan)
    can_edit = grant.can(PlanAction.EDIT)
    options = selectors.step_options(plan.person) if can_edit else None
    today = timezone.localdate()
    version = {"version": plan.version}
    context.update(
        plan=plan, person=plan.person, flash=flash,
        goal_rows=_goal_rows(plan, context, bound, options),
        can_edit=can_edit, can_countersign=grant.can(PlanAction.COUNTERSIGN),
        can_review=grant.can(PlanAction.REVIEW), can_revise=grant.can(PlanAction.REVISE),
        newer_assessment=services.needs_status(plan) == "newer_assessment",
        problems=services.submission_problems(plan) if can_edit else {},
        overdue=bool(plan.next_review_on and plan.next_review_on < today
                     and plan.status == PlanStatus.COUNTERSIGNED),
        action_form=bound.get("action"),
        plan_form=bound.get("plan") or PlanForm(initial={
            "summary": plan.summary, "review_every_months": plan.review_every_months,
            **version}),
        position_form=bound.get("position") or PositionForm(initial={
            "position": plan.position, "position_words": plan.position_words, **version}),
        goal_form=bound.get("goal_add") or GoalForm(sources=context["sources"],
                                                    auto_id="new-goal-%s", initial=version),
        review_form=bound.get("review") or ReviewForm(initial={
            "reviewed_on": today, "next_review_on": add_months(today, plan.review_every_months),
            **version}),
        revise_form=ReviseForm(),
        return_form=bound.get("return") or ReturnForm(initial=version),
        goal_statuses=GoalStatus.choices, step_statuses=StepStatus.choices,
    )
    return render(request, "plans/plan/detail.html", context, status=status)


def _save(request, plan, grant, form, key, call, success: str, anchor: str = ""):
    """Run one write of the plan page for a valid form (see the module's docstring)."""
    done, status = apply_service(form, lambda: call() or True) if form.is_valid() else (None, 200)
    if not done:
        return _page(request, plan, grant, status=status, bound={key: form})
    if request.headers.get("HX-Request"):
        plan, grant = get_plan_for_user(request.user, plan.uuid)
        return _page(request, plan, grant, flash=success)
    messages.success(request, success)
    return redirect(reverse("plans:plan", args=[plan.uuid]) + anchor)


def _version(form):
    return form.cleaned_data["version"]


# --- the plan ------------------------------------------------------------------------------------

@require_POST
def plan_start(request, person_uuid):
    person, _work = get_person_for_plan_work(request.user, person_uuid, WorkAction.MANAGE)
    try:
        plan = services.plan_start(actor=request.user, person=person)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(reverse("people:detail", args=[person.uuid]) + "#plan-h")
    messages.success(request, _("The plan was started from the person's assessed needs: a goal "
                                "for each need. Add steps, then record their position."))
    return redirect("plans:plan", plan.uuid)


def plan_detail(request, plan_uuid):
    plan, grant = get_plan_for_user(request.user, plan_uuid)
    return _page(request, plan, grant)


@require_POST
def plan_update(request, plan_uuid):
    plan, grant = get_plan_for_user(request.user, plan_uuid, PlanAction.EDIT)
    form = PlanForm(request.POST)
    return _save(request, plan, grant, form, "plan", lambda: services.plan_update(
        actor=request.user, plan=plan, expected_version=_version(form),
        summary=form.cleaned_data["summary"],
        review_every_months=form.cleaned_data["review_every_months"]),
        _("Summary saved."), "#summary-h")


@require_POST
def plan_position(request, plan_uuid):
    plan, grant = get_plan_for_user(request.user, plan_uuid, PlanAction.EDIT)
    form = PositionForm(request.POST)
    return _save(request, plan, grant, form, "position", lambda: services.plan_update(
        actor=request.user, plan=plan, expected_version=_version(form),
        position=form.cleaned_data["position"],
        position_words=form.cleaned_data["position_words"]),
        _("The person's position was recorded."), "#position-h")


@require_POST
def goal_add(request, plan_uuid):
    plan, grant = get_plan_for_user(request.user, plan_uuid, PlanAction.EDIT)
    form = GoalForm(request.POST, sources=selectors.plan_sources(plan), auto_id="new-goal-%s")
    return _save(request, plan, grant, form, "goal_add", lambda: services.goal_save(
        actor=request.user, plan=plan, expected_version=_version(form),
        **form.service_kwargs()), _("Goal added."), "#goals-h")


def _goal(plan, goal_uuid):
    goal = selectors.goal_of(plan, goal_uuid)
    if goal is None:
        raise Http404(_("This plan has no such goal."))
    return goal


def _step(plan, step_uuid):
    step = selectors.step_of(plan, step_uuid)
    if step is None:
        raise Http404(_("This plan has no such step."))
    return step


@require_POST
def goal_edit(request, plan_uuid, goal_uuid):
    plan, grant = get_plan_for_user(request.user, plan_uuid, PlanAction.EDIT)
    goal = _goal(plan, goal_uuid)
    form = GoalForm(request.POST, sources=selectors.plan_sources(plan), editing=True,
                    auto_id=_goal_id(goal))
    return _save(request, plan, grant, form, ("goal", goal.uuid), lambda: services.goal_save(
        actor=request.user, plan=plan, expected_version=_version(form), goal=goal,
        **form.service_kwargs()), _("Goal saved."), f"#goal-{goal.uuid}")


@require_POST
def goal_remove(request, plan_uuid, goal_uuid):
    plan, grant = get_plan_for_user(request.user, plan_uuid, PlanAction.EDIT)
    goal = _goal(plan, goal_uuid)
    form = VersionOnlyForm(request.POST)
    return _save(request, plan, grant, form, "action", lambda: services.goal_remove(
        actor=request.user, plan=plan, expected_version=_version(form), goal=goal),
        _("Goal removed, with its steps."), "#goals-h")


@require_POST
def step_add(request, plan_uuid, goal_uuid):
    plan, grant = get_plan_for_user(request.user, plan_uuid, PlanAction.EDIT)
    goal = _goal(plan, goal_uuid)
    form = StepForm(request.POST, options=selectors.step_options(plan.person),
                    auto_id=_new_step_id(goal))
    return _save(request, plan, grant, form, ("step_add", goal.uuid), lambda: services.step_save(
        actor=request.user, plan=plan, expected_version=_version(form), goal=goal,
        **form.service_kwargs()), _("Step added."), f"#goal-{goal.uuid}")


@require_POST
def step_edit(request, plan_uuid, step_uuid):
    plan, grant = get_plan_for_user(request.user, plan_uuid, PlanAction.EDIT)
    step = _step(plan, step_uuid)
    form = StepForm(request.POST, options=selectors.step_options(plan.person),
                    auto_id=_step_id(step))
    return _save(request, plan, grant, form, ("step", step.uuid), lambda: services.step_save(
        actor=request.user, plan=plan, expected_version=_version(form), goal=step.goal,
        step=step, **form.service_kwargs()), _("Step saved."), f"#goal-{step.goal.uuid}")


@require_POST
def step_remove(request, plan_uuid, step_uuid):
    plan, grant = get_plan_for_user(request.user, plan_uuid, PlanAction.EDIT)
    step = _step(plan, step_uuid)
    form = VersionOnlyForm(request.POST)
    return _save(request, plan, grant, form, "action", lambda: services.step_remove(
        actor=request.user, plan=plan, expected_version=_version(form), step=step),
        _("Step removed."), f"#goal-{step.goal.uuid}")


@require_POST
def progress(request, plan_uuid):
    plan, grant = get_plan_for_user(request.user, plan_uuid, PlanAction.REVIEW)
    form = ProgressForm(request.POST)

    def call():
        data = form.cleaned_data
        goal = _goal(plan, data["goal"]) if data["goal"] else None
        step = _step(plan, data["step"]) if data["step"] else None
        return services.progress_record(actor=request.user, plan=plan,
                                        expected_version=_version(form), goal=goal, step=step,
                                        status=data["status"])
    return _save(request, plan, grant, form, "action", call, _("Progress recorded."),
                 "#goals-h")


@require_POST
def plan_submit(request, plan_uuid):
    plan, grant = get_plan_for_user(request.user, plan_uuid, PlanAction.EDIT)
    form = VersionOnlyForm(request.POST)
    return _save(request, plan, grant, form, "action", lambda: services.plan_submit(
        actor=request.user, plan=plan, expected_version=_version(form)),
        _("Submitted for countersignature."))


@require_POST
def plan_countersign(request, plan_uuid):
    plan, grant = get_plan_for_user(request.user, plan_uuid, PlanAction.COUNTERSIGN)
    form = VersionOnlyForm(request.POST)
    return _save(request, plan, grant, form, "action", lambda: services.plan_countersign(
        actor=request.user, plan=plan, expected_version=_version(form)),
        _("Countersigned: this is now the person's current plan, and its review is scheduled."))


@require_POST
def plan_return(request, plan_uuid):
    plan, grant = get_plan_for_user(request.user, plan_uuid, PlanAction.COUNTERSIGN)
    form = ReturnForm(request.POST)
    return _save(request, plan, grant, form, "return", lambda: services.plan_return(
        actor=request.user, plan=plan, expected_version=_version(form),
        comments=form.cleaned_data["comments"]), _("Returned to its planners with your comments."))


@require_http_methods(["GET", "POST"])
def plan_revise(request, plan_uuid):
    plan, _grant = get_plan_for_user(request.user, plan_uuid, PlanAction.REVISE)
    form = ReviseForm(request.POST or None)
    if form.is_valid():
        new, _status = apply_service(form, lambda: services.plan_revise(
            actor=request.user, plan=plan, reason=form.cleaned_data["reason"]))
        if new:
            messages.success(request, _("Version %(number)s was opened as a draft, with the goals "
                                        "and steps of the current plan.") % {"number": new.number})
            return redirect("plans:plan", new.uuid)
    return render(request, "form.html", {
        "form": form, "person": plan.person, "submit": _("Open the new version"),
        "title": _("New version of the plan of %(ref)s") % {"ref": plan.person.reference},
        "intro": _("The current plan stays in force until the new version is countersigned. "
                   "Say why the plan changes.")})


@require_POST
def plan_review(request, plan_uuid):
    plan, grant = get_plan_for_user(request.user, plan_uuid, PlanAction.REVIEW)
    form = ReviewForm(request.POST)
    return _save(request, plan, grant, form, "review", lambda: services.plan_review(
        actor=request.user, plan=plan, expected_version=_version(form),
        note=form.cleaned_data["note"], reviewed_on=form.cleaned_data["reviewed_on"],
        next_review_on=form.cleaned_data["next_review_on"]),
        _("Review recorded; the next one is scheduled."), "#reviews-h")


@reauthentication_required
def plan_pdf(request, plan_uuid):
    plan, grant = get_plan_for_user(request.user, plan_uuid)
    audit.consulted(actor=request.user, action=AuditAction.EXPORT, obj=plan, agency=grant.agency,
                    details={"format": "pdf"})
    context = selectors.plan_page(request.user, plan)
    context.update(plan=plan, person=plan.person)
    try:
        content = pdf.plan_pdf(context)
    except pdf.PdfUnavailable:
        messages.error(request, _("PDF output is not available on this server (a system library "
                                  "is missing). Ask your administrator."))
        return redirect("plans:plan", plan.uuid)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="plan-{plan.person.reference}-{plan.number}.pdf"')
    return response


# --- the catalogue -------------------------------------------------------------------------------

def interventions(request):
    require_caseload(request.user)
    labels = selectors.need_area_labels()
    jurisdictions = {}
    for row, evidence in selectors.catalogue_with_evidence(request.user):
        jurisdictions.setdefault(row.jurisdiction, []).append(
            {"i": row, "needs": [labels.get(code, code) for code in row.need_areas],
             "evidence": evidence})
    return render(request, "plans/plan/interventions.html", {"jurisdictions": jurisdictions})
