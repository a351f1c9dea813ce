from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from alliance.core.forms import apply_service
from alliance.people.access import Action, get_person_for_user

from . import access, services
from .forms import CaseManagerForm, CloseCaseForm, ConfirmForm, ManagementLevelForm, TeamMemberForm


def _page(request, form, *, title, case=None, person=None, status=200, submit=None, intro=""):
    return render(request, "form.html", {
        "form": form, "title": title, "person": person or case.person, "status": status,
        "submit": submit or _("Save"), "intro": intro}, status=status)


def _done(request, message, person):
    messages.success(request, message)
    return redirect("people:detail", person.uuid)


@require_POST
def case_open(request, person_uuid):
    person, _grant = get_person_for_user(request.user, person_uuid, Action.MANAGE_CASE)
    form = ConfirmForm(request.POST)
    form.is_valid()
    case, status = apply_service(form, lambda: services.case_open(actor=request.user,
                                                                  person=person))
    if case:
        return _done(request, _("Case opened; you are its case manager."), person)
    messages.error(request, " ".join(form.non_field_errors()))
    return redirect("people:detail", person.uuid)


@require_http_methods(["GET", "POST"])
def case_close(request, case_uuid):
    case, _grant = access.get_case_for_user(request.user, case_uuid)
    form = CloseCaseForm(request.POST or None, initial={"version": case.version})
    status = 200
    if form.is_valid():
        done, status = apply_service(form, lambda: services.case_close(
            actor=request.user, case=case, reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"]))
        if done:
            return _done(request, _("Case closed."), case.person)
    return _page(request, form, title=_("Close the case of %(ref)s") % {
        "ref": case.person.reference}, case=case, status=status, submit=_("Close the case"))


@require_http_methods(["GET", "POST"])
def team_member_add(request, case_uuid):
    case, _grant = access.get_case_for_user(request.user, case_uuid)
    form = TeamMemberForm(request.POST or None,
                          memberships=services.eligible_memberships(case.person))
    status = 200
    if form.is_valid():
        done, status = apply_service(form, lambda: services.team_member_add(
            actor=request.user, case=case, **form.cleaned_data))
        if done:
            return _done(request, _("Team member added."), case.person)
    return _page(request, form, title=_("Add a member to the case team of %(ref)s") % {
        "ref": case.person.reference}, case=case, status=status, submit=_("Add to the team"),
        intro=_("Members from other agencies see this person only through the team, and only "
                "what you allow below."))


@require_http_methods(["GET", "POST"])
def team_member_end(request, case_uuid, member_uuid):
    case, _grant = access.get_case_for_user(request.user, case_uuid)
    member = access.get_team_member(case, member_uuid)
    form = ConfirmForm(request.POST) if request.method == "POST" else ConfirmForm()
    status = 200
    if form.is_bound and form.is_valid():
        done, status = apply_service(form, lambda: services.team_member_end(
            actor=request.user, member=member))
        if done:
            return _done(request, _("%(name)s left the case team.") % {"name": member.user},
                         case.person)
    return _page(request, form, title=_("Remove %(name)s from the case team") % {
        "name": member.user}, case=case, status=status, submit=_("Remove from the team"),
        intro=_("They will lose access to this person at once, unless their own agency is "
                "responsible for them."))


@require_http_methods(["GET", "POST"])
def case_manager(request, case_uuid):
    case, _grant = access.get_case_for_user(request.user, case_uuid)
    users = {m.user for m in services.eligible_memberships(case.person)}
    form = CaseManagerForm(request.POST or None, users=users,
                           initial={"case_manager": case.case_manager_id,
                                    "version": case.version})
    status = 200
    if form.is_valid():
        done, status = apply_service(form, lambda: services.case_set_manager(
            actor=request.user, case=case, case_manager=form.cleaned_data["case_manager"],
            expected_version=form.cleaned_data["version"]))
        if done:
            return _done(request, _("Case manager changed."), case.person)
    return _page(request, form, title=_("Case manager of %(ref)s") % {
        "ref": case.person.reference}, case=case, status=status)


@require_http_methods(["GET", "POST"])
def management_level(request, case_uuid):
    case, _grant = access.get_case_for_user(request.user, case_uuid)
    form = ManagementLevelForm(request.POST or None, initial={
        "level": case.management_level, "review_due": case.management_level_review_due,
        "version": case.version})
    status = 200
    if form.is_valid():
        done, status = apply_service(form, lambda: services.management_level_set(
            actor=request.user, case=case, level=form.cleaned_data["level"],
            reason=form.cleaned_data["reason"], review_due=form.cleaned_data["review_due"],
            expected_version=form.cleaned_data["version"]))
        if done:
            return _done(request, _("Management level recorded."), case.person)
    return _page(request, form, title=_("Management level of %(ref)s") % {
        "ref": case.person.reference}, case=case, status=status)
