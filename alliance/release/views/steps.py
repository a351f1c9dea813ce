"""The step page: what the step asks, by when and of whom; completing it with its checklist and
evidence; marking it not applicable or reopening it with a reason; giving it to another agency.
Steps come only through get_step_for_user (404 not visible, 403 without the right to work).
Writes come back to the release page on success, to the step page with what was typed and the
error otherwise (409 for a stale version)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from alliance.core.forms import apply_service

from .. import selectors, services
from ..access import ReleaseAction, get_step_for_user
from ..forms.steps import (
    StepAgencyForm,
    StepCompleteForm,
    StepNotApplicableForm,
    StepReopenForm,
)
from ..services.common import team_agencies


def _page(request, step, grant, *, status: int = 200, bound=None):
    """The step page; `bound` holds the form just sent, as typed, under its name. A form the
    page no longer offers (the step changed meanwhile) shows its errors at the top."""
    bound = bound or {}
    can_work = grant.can(ReleaseAction.WORK)
    version = {"version": step.version}
    forms = {}
    if can_work and step.is_open:
        forms["complete_form"] = bound.pop("complete_form", None) or StepCompleteForm(
            step=step, initial=version)
        forms["not_applicable_form"] = bound.pop("not_applicable_form", None) or \
            StepNotApplicableForm(initial=version, auto_id="na-%s")
    elif can_work:
        forms["reopen_form"] = bound.pop("reopen_form", None) or StepReopenForm(
            initial=version, auto_id="reopen-%s")
    today = timezone.localdate()
    return render(request, "release/step.html", {
        "step": step, "person": step.person, "grant": grant, "template": step.template,
        "checklist": [{**item, "done": item["code"] in step.checklist_done}
                      for item in step.template.checklist_items()],
        "overdue_days": selectors.step_rows([step], today,
                                            in_custody=step.episode.is_current)[0]["overdue_days"],
        "can_work": can_work, "errors": [error for form in bound.values()
                                         for errors in form.errors.values() for error in errors],
        **forms}, status=status)


def _done(request, step, message: str):
    messages.success(request, message)
    return redirect("release:person", step.person.uuid)


@require_http_methods(["GET", "POST"])
def step_detail(request, step_uuid):
    if request.method != "POST":
        step, grant = get_step_for_user(request.user, step_uuid)
        return _page(request, step, grant)
    step, grant = get_step_for_user(request.user, step_uuid, ReleaseAction.WORK)
    form = StepCompleteForm(request.POST, step=step)
    status = 200
    if form.is_valid():
        done, status = apply_service(form, lambda: services.step_complete(
            actor=request.user, step=step, **form.service_kwargs()))
        if done:
            return _done(request, done, _("Step done: %(step)s.") % {
                "step": done.template.display_name()})
    return _page(request, step, grant, status=status, bound={"complete_form": form})


@require_POST
def step_not_applicable(request, step_uuid):
    step, grant = get_step_for_user(request.user, step_uuid, ReleaseAction.WORK)
    form = StepNotApplicableForm(request.POST, auto_id="na-%s")
    status = 200
    if form.is_valid():
        data = form.cleaned_data
        done, status = apply_service(form, lambda: services.step_not_applicable(
            actor=request.user, step=step, expected_version=data["version"],
            reason=data["reason"]))
        if done:
            return _done(request, done, _("Marked not applicable: %(step)s.") % {
                "step": done.template.display_name()})
    return _page(request, step, grant, status=status, bound={"not_applicable_form": form})


@require_POST
def step_reopen(request, step_uuid):
    step, grant = get_step_for_user(request.user, step_uuid, ReleaseAction.WORK)
    form = StepReopenForm(request.POST, auto_id="reopen-%s")
    status = 200
    if form.is_valid():
        data = form.cleaned_data
        done, status = apply_service(form, lambda: services.step_reopen(
            actor=request.user, step=step, expected_version=data["version"],
            reason=data["reason"]))
        if done:
            messages.success(request, _("Step reopened: %(step)s. It is to do again, due on "
                                        "%(due_on)s.") % {
                "step": done.template.display_name(),
                "due_on": formats.date_format(done.due_on, "SHORT_DATE_FORMAT")})
            return redirect("release:step", done.uuid)
    return _page(request, step, grant, status=status, bound={"reopen_form": form})


@require_http_methods(["GET", "POST"])
def step_agency(request, step_uuid):
    """Give the step to the agency responsible for the person or to one on their case team."""
    step, _grant = get_step_for_user(request.user, step_uuid, ReleaseAction.WORK)
    person = step.person
    agencies = [person.responsible_agency, *[a for a in team_agencies(person)
                                             if a.pk != person.responsible_agency_id]]
    form = StepAgencyForm(request.POST or None, agencies=agencies,
                          initial={"version": step.version, "agency": str(step.agency.uuid)})
    status = 200
    if form.is_valid():
        done, status = apply_service(form, lambda: services.step_reassign(
            actor=request.user, step=step, expected_version=form.cleaned_data["version"],
            agency=form.chosen()))
        if done:
            return _done(request, done, _("%(step)s is now with %(agency)s.") % {
                "step": done.template.display_name(), "agency": done.agency.name})
    return render(request, "form.html", {
        "form": form, "person": person, "submit": _("Give the step to this agency"),
        "title": _("Who does the step: %(step)s") % {"step": step.template.display_name()},
        "intro": _("The agency responsible for %(reference)s or one on the case team. Its staff "
                   "get the step's task; the step stays with it when the release date "
                   "moves.") % {"reference": person.reference}}, status=status)
