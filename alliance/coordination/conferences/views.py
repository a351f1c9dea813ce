"""The conference pages: a person's conferences, scheduling one, a conference (attendees,
agenda, the open actions carried over from earlier conferences, then the minutes), recording
the minutes, moving or cancelling it, its PDF, and closing an action. Conferences and actions
come only through access.py's getters (404 not visible, 403 without the action); writes go
through services.py and come back with every input kept and the reason when refused (409 for a
stale version)."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from alliance.core import audit
from alliance.core.forms import apply_service
from alliance.core.models import AuditAction
from alliance.people.access import Action, person_grant

from . import selectors, services
from .access import (
    Do,
    get_action_for_user,
    get_conference_for_user,
    get_person_for_conferences,
)
from .forms import ActionCloseForm, CancelForm, MinutesForm, RescheduleForm, ScheduleForm
from .pdf import render_minutes

FORM = "coordination/conferences/form.html"


@require_GET
def conference_list(request, person_uuid):
    person, grant = get_person_for_conferences(request.user, person_uuid)
    context = selectors.person_conferences(request.user, person)
    audit.consulted(actor=request.user, action=AuditAction.LIST, obj=person, agency=grant.agency,
                    details={"resource": "conferences", "count": len(context["all"])})
    return render(request, "coordination/conferences/list.html", {
        "person": person, "grant": grant, "can_schedule": grant.can(Do.SCHEDULE), **context})


@require_http_methods(["GET", "POST"])
def conference_new(request, person_uuid):
    person, _grant = get_person_for_conferences(request.user, person_uuid, Do.SCHEDULE)
    form = ScheduleForm(request.POST or None, people=selectors.invitable(person),
                        initial={"chair": str(request.user.uuid)})
    status = 200
    if form.is_valid():
        done, status = apply_service(form, lambda: services.conference_schedule(
            actor=request.user, person=person, **form.service_kwargs()))
        if done:
            messages.success(request, _("Case conference scheduled. Each attendee has a task "
                                        "for it."))
            return redirect("coordination:conference_detail", done.uuid)
    return render(request, FORM, {
        "form": form, "person": person, "submit": _("Schedule the conference"),
        "back": ("coordination:conference_list", person.uuid),
        "title": _("Schedule a case conference about %(reference)s") % {
            "reference": person.reference}}, status=status)


@require_GET
def conference_detail(request, conference_uuid):
    conference, grant = get_conference_for_user(request.user, conference_uuid)
    carried = []
    if conference.status == "scheduled":
        carried = selectors.open_actions(request.user, conference.person,
                                         exclude_conference=conference)
    minutes = selectors.minutes(conference)
    return render(request, "coordination/conferences/detail.html", {
        "conference": conference, "person": conference.person, "grant": grant,
        "can_manage": grant.can(Do.MANAGE), "carried": carried,
        "sees_person": person_grant(request.user, conference.person).can(Action.VIEW),
        "agencies": selectors.by_agency(minutes["attendees"]),
        "today": timezone.localdate(), **minutes})


def _scheduled_only(request, conference):
    if conference.status != "scheduled":
        messages.error(request, _("This conference is %(status)s: it can no longer change.") % {
            "status": conference.get_status_display().lower()})
        return redirect("coordination:conference_detail", conference.uuid)
    return None


@require_http_methods(["GET", "POST"])
def conference_minutes(request, conference_uuid):
    conference, _grant = get_conference_for_user(request.user, conference_uuid, Do.MANAGE)
    if (closed := _scheduled_only(request, conference)) is not None:
        return closed
    person = conference.person
    attendees = selectors.minutes(conference)["attendees"]
    owners = selectors.invitable(person)
    known = {user.pk for user, _agency in owners}
    owners += [(a.user, a.agency) for a in attendees if a.user_id not in known]
    carried = selectors.open_actions(request.user, person, exclude_conference=conference)
    form = MinutesForm(request.POST or None, attendees=attendees, owners=owners,
                       carried=carried, initial={"version": conference.version,
                                                 "attended": [str(a.user.uuid)
                                                              for a in attendees]})
    status = 200
    if form.is_valid():
        done, status = apply_service(form, lambda: services.conference_record_minutes(
            actor=request.user, conference=conference, **form.service_kwargs()))
        if done:
            messages.success(request, _("The minutes are recorded."))
            return redirect("coordination:conference_detail", done.uuid)
    return render(request, "coordination/conferences/minutes.html", {
        "conference": conference, "person": person, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
def conference_edit(request, conference_uuid):
    conference, _grant = get_conference_for_user(request.user, conference_uuid, Do.MANAGE)
    if (closed := _scheduled_only(request, conference)) is not None:
        return closed
    form = RescheduleForm(request.POST or None, initial={
        "version": conference.version, "place": conference.place,
        "scheduled_for": timezone.localtime(conference.scheduled_for)})
    status = 200
    if form.is_valid():
        data = form.cleaned_data
        done, status = apply_service(form, lambda: services.conference_reschedule(
            actor=request.user, conference=conference, expected_version=data["version"],
            scheduled_for=data["scheduled_for"], place=data["place"]))
        if done:
            messages.success(request, _("Conference moved. The attendees' tasks moved with "
                                        "it."))
            return redirect("coordination:conference_detail", done.uuid)
    return render(request, FORM, {
        "form": form, "person": conference.person, "submit": _("Move the conference"),
        "back": ("coordination:conference_detail", conference.uuid),
        "title": _("Move the case conference about %(reference)s") % {
            "reference": conference.person.reference}}, status=status)


@require_http_methods(["GET", "POST"])
def conference_cancel(request, conference_uuid):
    conference, _grant = get_conference_for_user(request.user, conference_uuid, Do.MANAGE)
    if (closed := _scheduled_only(request, conference)) is not None:
        return closed
    form = CancelForm(request.POST or None, initial={"version": conference.version})
    status = 200
    if form.is_valid():
        data = form.cleaned_data
        done, status = apply_service(form, lambda: services.conference_cancel(
            actor=request.user, conference=conference, expected_version=data["version"],
            reason=data["reason"]))
        if done:
            messages.success(request, _("Conference cancelled. The attendees are told."))
            return redirect("coordination:conference_detail", done.uuid)
    return render(request, FORM, {
        "form": form, "person": conference.person, "submit": _("Cancel the conference"),
        "danger": True, "back": ("coordination:conference_detail", conference.uuid),
        "title": _("Cancel the case conference about %(reference)s") % {
            "reference": conference.person.reference}}, status=status)


@require_GET
@reauthentication_required
def conference_pdf(request, conference_uuid):
    conference, grant = get_conference_for_user(request.user, conference_uuid)
    return render_minutes(request, conference, grant)


@require_http_methods(["GET", "POST"])
def action_close(request, action_uuid):
    """An action's page: what, who, by when, from which conference; closing it (done, or
    dropped with the reason) for its owner or whoever manages the conference."""
    wanted = Do.CLOSE if request.method == "POST" else Do.VIEW
    action, grant = get_action_for_user(request.user, action_uuid, wanted)
    can_close = grant.can(Do.CLOSE)
    form = ActionCloseForm(request.POST or None) if can_close else None
    status = 200
    if form is not None and form.is_valid():
        data = form.cleaned_data
        done, status = apply_service(form, lambda: services.action_close(
            actor=request.user, action=action, status=data["status"], note=data["note"]))
        if done:
            messages.success(request, _("Action closed: %(status)s.") % {
                "status": done.get_status_display().lower()})
            return redirect("coordination:conference_detail", done.conference.uuid)
    return render(request, "coordination/conferences/action.html", {
        "action": action, "conference": action.conference, "person": action.person,
        "form": form, "today": timezone.localdate()}, status=status)
