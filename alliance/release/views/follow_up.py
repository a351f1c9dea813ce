"""The follow-up page: when the contact is due and who makes it; recording it with its outcomes
(coded answers the monitoring module counts), or saying it was missed once its date has
passed. Follow-ups come only through get_follow_up_for_user."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from alliance.core.forms import apply_service

from .. import services
from ..access import ReleaseAction, get_follow_up_for_user
from ..forms.follow_ups import FollowUpMissedForm, FollowUpRecordForm


def _page(request, follow_up, grant, *, status: int = 200, bound=None):
    """The follow-up page; `bound` holds the form just sent, as typed. A form the page no
    longer offers (recorded meanwhile) shows its errors at the top."""
    bound = bound or {}
    today = timezone.localdate()
    can_work = grant.can(ReleaseAction.WORK)
    forms = {}
    if can_work and follow_up.is_open:
        version = {"version": follow_up.version}
        forms["record_form"] = bound.pop("record_form", None) or FollowUpRecordForm(
            initial=version)
        if follow_up.due_on <= today or "missed_form" in bound:
            forms["missed_form"] = bound.pop("missed_form", None) or FollowUpMissedForm(
                initial=version, auto_id="missed-%s")
    return render(request, "release/follow_up.html", {
        "follow_up": follow_up, "person": follow_up.person, "grant": grant, "today": today,
        "released_on": follow_up.episode.ended_on, "can_work": can_work,
        "overdue_days": (today - follow_up.due_on).days if follow_up.is_overdue(today) else 0,
        "errors": [error for form in bound.values() for errors in form.errors.values()
                   for error in errors],
        **forms}, status=status)


def _done(request, follow_up, message: str):
    messages.success(request, message)
    return redirect("release:person", follow_up.person.uuid)


@require_http_methods(["GET", "POST"])
def follow_up_detail(request, follow_up_uuid):
    if request.method != "POST":
        follow_up, grant = get_follow_up_for_user(request.user, follow_up_uuid)
        return _page(request, follow_up, grant)
    follow_up, grant = get_follow_up_for_user(request.user, follow_up_uuid, ReleaseAction.WORK)
    form = FollowUpRecordForm(request.POST)
    status = 200
    if form.is_valid():
        done, status = apply_service(form, lambda: services.follow_up_record(
            actor=request.user, follow_up=follow_up, **form.service_kwargs()))
        if done:
            return _done(request, done, _("Follow-up %(offset)s recorded.") % {
                "offset": done.offset_label()})
    return _page(request, follow_up, grant, status=status, bound={"record_form": form})


@require_POST
def follow_up_missed(request, follow_up_uuid):
    follow_up, grant = get_follow_up_for_user(request.user, follow_up_uuid, ReleaseAction.WORK)
    form = FollowUpMissedForm(request.POST, auto_id="missed-%s")
    status = 200
    if form.is_valid():
        data = form.cleaned_data
        done, status = apply_service(form, lambda: services.follow_up_missed(
            actor=request.user, follow_up=follow_up, expected_version=data["version"],
            notes=data["notes"]))
        if done:
            return _done(request, done, _("Follow-up %(offset)s recorded as missed.") % {
                "offset": done.offset_label()})
    return _page(request, follow_up, grant, status=status, bound={"missed_form": form})
