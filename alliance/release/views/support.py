"""The support plan pages: the plan by pathway with its actions and responsible agencies, the
receiving municipality and the family; supervision — the conditions, the contacts log,
breaches and recalls.

The plan's page shows everything; each change is its own small form page (GET shows it, POST
sends it to the service). On success it goes back to the plan's page; on an error the form
comes back as it was typed, with the reason on its field (409 for a stale version).

Pathway entries, actions and conditions have no policy of their own: they are reached through
their support plan (`access.get_support_row_for_user`), so the plan's 404 / 403 rules and audit
apply to them.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods, require_POST

from alliance.core import audit
from alliance.core.forms import apply_service
from alliance.core.pagination import bounded_page

from .. import services
from ..access import (
    ReleaseAction,
    get_person_for_release,
    get_support_plan_for_user,
    get_support_row_for_user,
    support_plans,
)
from ..forms.support import (
    ActionForm,
    BreachForm,
    ConditionEndForm,
    ConditionForm,
    ContactForm,
    PathwayForm,
    SupportPlanForm,
    action_agencies,
    municipalities,
    supervising_agencies,
)
from ..models import PathwayEntry, PathwayStatus, SupervisionCondition, SupportAction
from ..selectors import episode_of, pathways_of
from ..services.common import team_agencies

CONTACTS_PER_PAGE = 20


def _plan_url(plan, anchor: str = "") -> str:
    return reverse("release:support_plan", args=[plan.person.uuid]) + anchor


def _form_page(request, form, call, *, plan, grant, title: str, submit: str, success: str,
               anchor: str = "", intro: str = "", about: str = ""):
    """Show `form`; on a valid POST run `call(cleaned_data)` (a service) and go back to the
    plan, or show the form again with the service's reason."""
    status = 200
    if request.method == "POST" and form.is_valid():
        done, status = apply_service(form, lambda: call(form.cleaned_data) or True)
        if done:
            messages.success(request, success)
            return redirect(_plan_url(plan, anchor))
    return render(request, "release/form.html", {
        "form": form, "person": plan.person, "grant": grant, "title": title, "intro": intro,
        "about": about, "submit": submit, "back_url": _plan_url(plan, anchor),
        "back_label": _("Support plan")}, status=status)


# --- the plan's page -----------------------------------------------------------------------------

def support_plan(request, person_uuid):
    person, grant = get_person_for_release(request.user, person_uuid)
    episode = episode_of(person)
    plan = None
    if episode is not None:
        plan = (support_plans.visible(request.user).filter(episode=episode)
                .select_related("municipality", "supervising_agency", "updated_by").first())
    context = {"person": person, "grant": grant, "episode": episode, "plan": plan,
               "can_work": grant.can(ReleaseAction.WORK), "today": timezone.localdate()}
    if plan is not None:
        plan.person = person
        audit.consulted(actor=request.user, obj=plan, agency=grant.agency)
        conditions = list(plan.conditions.select_related("created_by"))
        today = context["today"]
        context.update(
            pathways=pathways_of(plan),
            conditions_in_force=[c for c in conditions
                                 if c.ends_on is None or c.ends_on >= today],
            conditions_ended=[c for c in conditions if c.ends_on is not None
                              and c.ends_on < today],
            page=bounded_page(plan.contacts.select_related("agency", "recorded_by"),
                              request.GET.get("page"), CONTACTS_PER_PAGE),
            breaches=list(plan.breaches.select_related("condition", "recorded_by")),
            open_statuses=[PathwayStatus.NEED, PathwayStatus.IN_PROGRESS],
        )
    return render(request, "release/support_plan.html", context)


@require_POST
def support_plan_start(request, person_uuid):
    person, _grant = get_person_for_release(request.user, person_uuid, ReleaseAction.WORK)
    try:
        services.support_plan_start(actor=request.user, person=person)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The support plan was started with the seven pathways. "
                                    "Write down the needs of each, then the actions."))
    return redirect("release:support_plan", person.uuid)


@require_http_methods(["GET", "POST"])
def support_plan_edit(request, plan_uuid):
    plan, grant = get_support_plan_for_user(request.user, plan_uuid, ReleaseAction.WORK)
    person = plan.person
    supervisors = supervising_agencies(team_agencies(person))
    places = municipalities(person)
    for current, offered in ((plan.supervising_agency, supervisors), (plan.municipality, places)):
        if current is not None and current not in offered:
            offered.append(current)
    form = SupportPlanForm(request.POST or None, initial=SupportPlanForm.initial_for(plan),
                           municipalities=places, supervisors=supervisors)
    return _form_page(request, form, lambda data: services.support_plan_update(
        actor=request.user, plan=plan, expected_version=data["version"],
        **form.service_kwargs()), plan=plan, grant=grant,
        title=_("The receiving community and supervision"),
        intro=_("Involve the municipality and the family early, before the release."),
        submit=_("Save"), success=_("Support plan saved."), anchor="#community-h")


# --- pathways and actions ------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def pathway_edit(request, entry_uuid):
    entry, plan, grant = get_support_row_for_user(request.user, PathwayEntry, entry_uuid,
                                       ReleaseAction.WORK)
    form = PathwayForm(request.POST or None, initial={
        "needs": entry.needs, "status": entry.status, "version": entry.version})
    return _form_page(request, form, lambda data: services.pathway_update(
        actor=request.user, entry=entry, expected_version=data["version"], needs=data["needs"],
        status=data["status"]), plan=plan, grant=grant, title=entry.get_pathway_display(),
        submit=_("Save"), success=_("Pathway saved."), anchor=f"#pathway-{entry.uuid}")


def _agencies_for(person, current=None) -> list:
    agencies = action_agencies(person, team_agencies(person))
    if current is not None and current not in agencies:
        agencies.append(current)
    return agencies


@require_http_methods(["GET", "POST"])
def action_add(request, entry_uuid):
    entry, plan, grant = get_support_row_for_user(request.user, PathwayEntry, entry_uuid,
                                       ReleaseAction.WORK)
    form = ActionForm(request.POST or None, agencies=_agencies_for(plan.person))
    return _form_page(request, form, lambda data: services.action_add(
        actor=request.user, entry=entry, description=data["description"],
        agency=data["agency"], due_on=data["due_on"]), plan=plan, grant=grant,
        title=_("New action"), about=entry.get_pathway_display(), submit=_("Add the action"),
        success=_("Action added."), anchor=f"#pathway-{entry.uuid}")


@require_http_methods(["GET", "POST"])
def action_edit(request, action_uuid):
    action, plan, grant = get_support_row_for_user(request.user, SupportAction, action_uuid,
                                        ReleaseAction.WORK, plan_path="entry__plan")
    form = ActionForm(request.POST or None, initial=ActionForm.initial_for(action),
                      agencies=_agencies_for(plan.person, action.agency), editing=True)
    return _form_page(request, form, lambda data: services.action_update(
        actor=request.user, action=action, expected_version=data["version"],
        description=data["description"], agency=data["agency"], due_on=data["due_on"],
        status=data["status"]), plan=plan, grant=grant, title=pgettext("support plan", "Action"),
        about=action.entry.get_pathway_display(), submit=_("Save"),
        success=_("Action saved."), anchor=f"#pathway-{action.entry.uuid}")


# --- supervision ---------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def condition_add(request, plan_uuid):
    plan, grant = get_support_plan_for_user(request.user, plan_uuid, ReleaseAction.WORK)
    form = ConditionForm(request.POST or None)
    return _form_page(request, form, lambda data: services.condition_add(
        actor=request.user, plan=plan, kind=data["kind"], detail=data["detail"],
        starts_on=data["starts_on"], ends_on=data["ends_on"]), plan=plan, grant=grant,
        title=_("New supervision condition"), submit=_("Add the condition"),
        success=_("Condition added."), anchor="#conditions-h")


@require_http_methods(["GET", "POST"])
def condition_end(request, condition_uuid):
    condition, plan, grant = get_support_row_for_user(request.user, SupervisionCondition, condition_uuid,
                                           ReleaseAction.WORK)
    form = ConditionEndForm(request.POST or None, initial={
        "ends_on": condition.ends_on or timezone.localdate(), "version": condition.version})
    return _form_page(request, form, lambda data: services.condition_end(
        actor=request.user, condition=condition, expected_version=data["version"],
        ends_on=data["ends_on"]), plan=plan, grant=grant, title=_("End a condition"),
        about=f"{condition.get_kind_display()}: {condition.detail}",
        submit=_("End the condition"), success=_("Condition ended."), anchor="#conditions-h")


@require_http_methods(["GET", "POST"])
def contact_add(request, plan_uuid):
    plan, grant = get_support_plan_for_user(request.user, plan_uuid, ReleaseAction.WORK)
    form = ContactForm(request.POST or None)
    return _form_page(request, form, lambda data: services.contact_add(
        actor=request.user, plan=plan, contact_on=data["contact_on"], kind=data["kind"],
        kept=data["kept"], notes=data["notes"]), plan=plan, grant=grant,
        title=_("Log a contact"), submit=_("Log the contact"), success=_("Contact logged."),
        anchor="#contacts-h")


@require_http_methods(["GET", "POST"])
def breach_add(request, plan_uuid):
    plan, grant = get_support_plan_for_user(request.user, plan_uuid, ReleaseAction.WORK)
    form = BreachForm(request.POST or None, conditions=list(plan.conditions.all()))
    return _form_page(request, form, lambda data: services.breach_add(
        actor=request.user, plan=plan, **form.service_kwargs()), plan=plan, grant=grant,
        title=_("Record a breach of supervision"),
        intro=_("The case manager is told. A recall is recorded here as the response."),
        submit=_("Record the breach"), success=_("Breach recorded; the case manager is told."),
        anchor="#breaches-h")
