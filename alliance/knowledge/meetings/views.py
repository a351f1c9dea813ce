"""The meeting pages: the list (upcoming and past), a meeting, recording and changing one, and
deleting one recorded by mistake. Each view fetches through access, calls a service and
renders (services.py decides)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliance.core.forms import VersionedForm, apply_service

from ..models import MeetingKind
from ..recommendations.selectors import reader_title
from . import selectors, services
from .access import (
    MeetingAction,
    get_meeting_for_user,
    records_meetings,
    require_member,
    require_recorder,
)
from .forms import MeetingForm


def _year(value) -> int | None:
    return int(value) if value and value.isdigit() and 1900 < int(value) < 3000 else None


@require_GET
def meeting_list(request):
    require_member(request.user)
    kind = request.GET.get("kind", "")
    kind = kind if kind in MeetingKind.values else ""
    year = _year(request.GET.get("year"))
    listing = selectors.meeting_list(request.user, kind=kind, year=year,
                                     page=request.GET.get("page"))
    return render(request, "knowledge/meetings/list.html", {
        "listing": listing, "page": listing.past, "kinds": MeetingKind.choices, "kind": kind,
        "year": year, "years": selectors.meeting_years(request.user),
        "filtered": bool(kind or year), "may_record": records_meetings(request.user)})


def _detail(request, meeting, grant, *, delete_form=None, status: int = 200):
    presented = [(e, reader_title(e)) for e in
                 selectors.presented_entries(request.user, meeting)]
    participations = selectors.participations(meeting)
    may_delete = grant.can(MeetingAction.DELETE)
    if may_delete and delete_form is None:
        delete_form = VersionedForm(initial={"version": meeting.version}, auto_id="delete-%s")
    return render(request, "knowledge/meetings/detail.html", {
        "meeting": meeting, "presented": presented, "participations": participations,
        "participants_total": sum(p.participants for p in participations),
        "footnote": any(p.jurisdiction and p.jurisdiction.designation_footnote
                        for p in participations),
        "may_edit": grant.can(MeetingAction.EDIT), "may_delete": may_delete,
        "delete_form": delete_form}, status=status)


@require_GET
def meeting_detail(request, meeting_uuid):
    meeting, grant = get_meeting_for_user(request.user, meeting_uuid)
    return _detail(request, meeting, grant)


def _save(form, call):
    """Run the service with the form's values; its errors named as the form's fields."""
    def run():
        try:
            return call(**form.service_values())
        except ValidationError as exc:
            raise form.remap(exc) from exc
    return apply_service(form, run)


def _form(request, meeting=None, initial=None):
    return MeetingForm(request.POST or None, initial=initial,
                       jurisdictions=selectors.participation_jurisdictions(),
                       entries=selectors.presentable_entries(meeting))


@require_http_methods(["GET", "POST"])
def meeting_new(request):
    require_recorder(request.user)
    form = _form(request, initial={"kind": MeetingKind.WORKING_GROUP})
    status = 200
    if request.method == "POST" and form.is_valid():
        meeting, status = _save(form, lambda **values: services.meeting_create(
            actor=request.user, **values))
        if meeting:
            messages.success(request, _("Meeting recorded."))
            return redirect("knowledge:meeting_detail", meeting.uuid)
    return render(request, "knowledge/meetings/form.html", {"form": form, "meeting": None},
                  status=status)


def _initial(meeting) -> dict:
    initial = {"kind": meeting.kind, "title": meeting.title, "starts_on": meeting.starts_on,
               "ends_on": meeting.ends_on, "online": meeting.online, "place": meeting.place,
               "agenda": meeting.agenda, "outcomes": meeting.outcomes,
               "entries": [str(e.uuid) for e in meeting.entries.all()],
               "version": meeting.version}
    for p in meeting.participations.select_related("jurisdiction"):
        key = p.jurisdiction.code.lower() if p.jurisdiction else services.REGIONAL
        initial[f"participants_{key}"] = p.participants
        initial[f"names_{key}"] = p.names
    return initial


@require_http_methods(["GET", "POST"])
def meeting_edit(request, meeting_uuid):
    meeting, _grant = get_meeting_for_user(request.user, meeting_uuid, MeetingAction.EDIT)
    form = _form(request, meeting, initial=_initial(meeting))
    status = 200
    if request.method == "POST" and form.is_valid():
        done, status = _save(form, lambda **values: services.meeting_update(
            actor=request.user, meeting=meeting,
            expected_version=form.cleaned_data["version"], **values))
        if done:
            messages.success(request, _("Meeting saved."))
            return redirect("knowledge:meeting_detail", meeting.uuid)
    return render(request, "knowledge/meetings/form.html", {"form": form, "meeting": meeting},
                  status=status)


@require_POST
def meeting_delete(request, meeting_uuid):
    meeting, grant = get_meeting_for_user(request.user, meeting_uuid, MeetingAction.DELETE)
    form = VersionedForm(request.POST, auto_id="delete-%s")
    status = 200
    if form.is_valid():
        _done, status = apply_service(form, lambda: services.meeting_delete(
            actor=request.user, meeting=meeting, expected_version=form.cleaned_data["version"]))
        if not form.errors:
            messages.success(request, _("Meeting deleted."))
            return redirect("knowledge:meeting_list")
    return _detail(request, meeting, grant, delete_form=form, status=status)
