"""The training pages, under /training/: "Staff training" (managers) and its CSV export, "My
training" (everyone), and the sessions (trainers, and managers to read): the list, a session,
planning and changing one, its attendees and its results. Each view fetches through access or
selectors, calls a service and renders (services.py decides)."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliance.core import audit
from alliance.core.csvexport import csv_cell, streaming_writer
from alliance.core.forms import apply_service
from alliance.core.models import AuditAction

from ..models import SessionStatus
from . import selectors, services
from .access import (
    SessionAction,
    can_plan_sessions,
    can_see_sessions,
    can_view_staff_training,
    get_session_for_user,
)
from .forms import AttendeesForm, CancelForm, ResultsForm, SessionForm, StaffFilterForm


@require_GET
def home(request):
    """/training/ (the menu's "Training"): the reader's first training page, shown here rather
    than redirected to, so that the menu entry opens with 200 like every other."""
    if can_view_staff_training(request.user):
        return staff(request)
    if can_plan_sessions(request.user):
        return session_list(request)
    return mine(request)


# --- staff training and my training --------------------------------------------------------------

def _require_staff_page(user) -> None:
    if not can_view_staff_training(user):
        raise PermissionDenied(_("Staff training is for the managers who oversee their staff's "
                                 "certifications."))


def _staff_filters(request):
    form = StaffFilterForm(request.GET or None, agencies=selectors.staff_agencies(request.user))
    return form, form.filters()


@require_GET
def staff(request):
    _require_staff_page(request.user)
    form, filters = _staff_filters(request)
    page = selectors.staff_page(request.user, page_number=request.GET.get("page"), **filters)
    return render(request, "knowledge/training/staff.html", {
        "form": form, "page": page, "filtered": any(filters.values()),
        "query": request.GET.urlencode()})


@require_GET
@reauthentication_required
def staff_export(request):
    _require_staff_page(request.user)
    form, filters = _staff_filters(request)
    rows = selectors.staff_rows(selectors.staff_of(request.user, **filters))
    audit.record(actor=request.user, action=AuditAction.EXPORT,
                 object_type="assessments.certification",
                 details={"export": "staff_training", "staff": len(rows),
                          "agency": str(filters["agency"].uuid) if filters["agency"] else "",
                          "state": filters["state"]})
    writer = streaming_writer()
    header = [_("Staff member"), _("User name"), _("Agencies"), _("Instrument"),
              _("Versions"), _("Certified on"), _("Expires on"), _("Booster due on"),
              _("State"), _("Assessments in 12 months"), _("Courses attended")]
    states = {"valid": _("valid"), "expiring": _("expires soon"), "expired": _("expired"),
              "revoked": _("revoked"), "renewed": _("renewed")}

    def lines():
        yield writer.writerow(header)
        for row in rows:
            person = [str(row.user), row.user.get_username(),
                      ", ".join(p.agency.name for p in row.places)]
            courses = len([a for a in row.attendances if a.result == "passed"])
            for c in row.certifications or [None]:
                cert = ["", "", "", "", "", _("not certified")] if c is None else [
                    c.instrument_code, _versions(c), c.certified_on.isoformat(),
                    c.expires_on.isoformat(),
                    c.booster_due_on.isoformat() if c.booster_due_on else "",
                    states.get(c.state, c.state)]
                yield writer.writerow([csv_cell(v) for v in (*person, *cert,
                                                             row.recent_practice, courses)])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="alliance-staff-training-{timezone.localdate()}.csv"')
    return response


def _versions(c) -> str:
    if not (c.min_version or c.max_version):
        return ""
    return f"{c.min_version or '…'}–{c.max_version or '…'}"


@require_GET
def mine(request):
    return render(request, "knowledge/training/mine.html", selectors.my_record(request.user))


# --- sessions ------------------------------------------------------------------------------------

@require_GET
def session_list(request):
    if not can_see_sessions(request.user):
        raise PermissionDenied(_("Training sessions are for trainers and managers."))
    return render(request, "knowledge/training/session_list.html", {
        **selectors.session_lists(request.user, request.GET.get("page")),
        "can_plan": can_plan_sessions(request.user)})


def _detail(request, session, grant, *, status: int = 200, cancel_form=None):
    return render(request, "knowledge/training/session_detail.html", {
        "session": session, "grant": grant, "can": {
            "edit": grant.can(SessionAction.EDIT), "cancel": grant.can(SessionAction.CANCEL),
            "attendees": grant.can(SessionAction.ATTENDEES),
            "record": grant.can(SessionAction.RECORD)},
        "attendances": selectors.attendances_of(session, request.user),
        "cancel_form": cancel_form or CancelForm(initial={"version": session.version}),
        "taken_place": services.session_day(session) <= timezone.localdate(),
        "recorded": session.status == SessionStatus.RECORDED}, status=status)


@require_GET
def session_detail(request, session_uuid):
    session, grant = get_session_for_user(request.user, session_uuid)
    return _detail(request, session, grant)


@require_http_methods(["GET", "POST"])
def session_new(request):
    if not can_plan_sessions(request.user):
        raise PermissionDenied(_("Only trainers plan training sessions."))
    agencies = list(selectors.organising_agencies(request.user))
    form = SessionForm(request.POST or None, agencies=agencies, courses=selectors.courses(),
                       trainers=selectors.trainer_candidates(agencies),
                       initial={"kind": "certification"})
    status = 200
    if request.method == "POST" and form.is_valid():
        session, status = apply_service(form, lambda: services.session_create(
            actor=request.user, agency=form.cleaned_data["agency"], **form.service_values()))
        if session:
            messages.success(request, _("Session planned. Now add its attendees."))
            return redirect("training:session_attendees", session.uuid)
    return render(request, "knowledge/training/session_form.html", {
        "form": form, "session": None}, status=status)


@require_http_methods(["GET", "POST"])
def session_edit(request, session_uuid):
    session, _grant = get_session_for_user(request.user, session_uuid, SessionAction.EDIT)
    initial = {"course": str(session.course.uuid), "kind": session.kind,
               "starts_on": session.starts_on, "ends_on": session.ends_on,
               "online": session.online, "place": session.place,
               "trainer": str(session.trainer.uuid), "notes": session.notes,
               "version": session.version}
    form = SessionForm(request.POST or None, initial=initial, agencies=[],
                       courses=selectors.courses(),
                       trainers=selectors.trainer_candidates([session.agency]), editing=True)
    status = 200
    if request.method == "POST" and form.is_valid():
        done, status = apply_service(form, lambda: services.session_update(
            actor=request.user, session=session, expected_version=form.cleaned_data["version"],
            **form.service_values()))
        if done:
            messages.success(request, _("Session saved."))
            return redirect("training:session_detail", session.uuid)
    return render(request, "knowledge/training/session_form.html", {
        "form": form, "session": session}, status=status)


@require_POST
def session_cancel(request, session_uuid):
    session, grant = get_session_for_user(request.user, session_uuid, SessionAction.CANCEL)
    form = CancelForm(request.POST)
    status = 400
    if form.is_valid():
        _done, status = apply_service(form, lambda: services.session_cancel(
            actor=request.user, session=session, expected_version=form.cleaned_data["version"]))
        if status == 200 and not form.errors:
            messages.success(request, _("Session cancelled."))
            return redirect("training:session_list")
    return _detail(request, session, grant, status=status, cancel_form=form)


@require_http_methods(["GET", "POST"])
def session_attendees(request, session_uuid):
    session, _grant = get_session_for_user(request.user, session_uuid,
                                           SessionAction.ATTENDEES)
    current = [a.user for a in selectors.attendance_list(session)]
    data = request.POST if request.method == "POST" else None
    query = (data or request.GET).get("q", "").strip()[:100]
    chosen = (data.getlist("attendees") if data is not None
              else [str(u.uuid) for u in current])
    people = selectors.attendance_choices(session, keep=[*chosen, *(str(u.uuid)
                                                                   for u in current)],
                                          query=query)
    form = AttendeesForm(data, users=people, initial={"version": session.version})
    status = 200
    if data is not None and "search" not in data and form.is_valid():
        done, status = apply_service(form, lambda: services.attendees_set(
            actor=request.user, session=session, users=form.chosen(),
            expected_version=form.cleaned_data["version"]))
        if done:
            messages.success(request, _("Attendees saved."))
            return redirect("training:session_detail", session.uuid)
    checked = set(form.data.getlist("attendees")) if data is not None else set(chosen)
    return render(request, "knowledge/training/attendees.html", {
        "session": session, "form": form, "query": query,
        "people": [(u, str(u.uuid) in checked) for u in people],
        "current_count": len(current)}, status=status)


@require_http_methods(["GET", "POST"])
def session_results(request, session_uuid):
    session, _grant = get_session_for_user(request.user, session_uuid, SessionAction.RECORD)
    attendances = selectors.attendance_list(session)
    form = ResultsForm(request.POST or None, attendances=attendances,
                       initial={"version": session.version})
    status = 200
    if request.method == "POST" and form.is_valid():
        def record():
            try:
                return services.results_record(
                    actor=request.user, session=session,
                    expected_version=form.cleaned_data["version"], results=form.results(),
                    confirmed=form.cleaned_data["confirm_no_person_data"])
            except ValidationError as exc:
                raise form.remap(exc) from exc

        done, status = apply_service(form, record)
        if done:
            messages.success(request, _("Results recorded. Passes have created or renewed "
                                        "certifications; each attendee is told."))
            return redirect("training:session_detail", session.uuid)
    return render(request, "knowledge/training/results.html", {
        "session": session, "form": form,
        "taken_place": services.session_day(session) <= timezone.localdate()}, status=status)
