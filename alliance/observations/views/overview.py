"""The pages across people and the person's security record (issue 10): the security dashboard
and the review queue of a facility (the security side's), a person's security record and one
observation (raw material: each read says its purpose first, see purpose.py), a shared summary,
and the summaries shared with the reader."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from alliance.core.pagination import bounded_page
from alliance.people.access import require_caseload

from .. import purpose, selectors
from ..access import (
    ObservationAction,
    SecurityAction,
    SummaryAction,
    get_observation_for_user,
    get_person_for_security,
    get_summary_for_user,
    holds_security,
)
from ..forms.analyst import ReviewForm
from ..models import ObservationStatus

PAGE_SIZE = 25
ALL = "all"


def _page(request, rows):
    return bounded_page(rows, request.GET.get("page"), PAGE_SIZE)


def _facility(request):
    """The facility the page is about (`?facility=<uuid>`, else the user's first) and the ones
    the user may choose from: where they are on the security side."""
    facilities = selectors.security_facilities(request.user)
    if not facilities:
        raise PermissionDenied(_("The security dashboard and the review queue are for the "
                                 "security sector of a prison."))
    chosen = request.GET.get("facility")
    facility = next((f for f in facilities if str(f.uuid) == chosen), None) if chosen \
        else facilities[0]
    if facility is None:
        raise Http404(_("You are not on the security side of this facility."))
    return facility, facilities


def dashboard(request):
    facility, facilities = _facility(request)
    purpose.for_list()
    return render(request, "observations/dashboard.html", {
        "facility": facility, "facilities": facilities,
        **selectors.dashboard(request.user, facility)})


def queue(request):
    facility, facilities = _facility(request)
    purpose.for_list()
    status = request.GET.get("status") or ObservationStatus.NEW
    if status != ALL and status not in ObservationStatus.values:
        status = ObservationStatus.NEW
    units = selectors.facility_units(facility)
    unit = next((u for u in units if str(u.uuid) == request.GET.get("unit")), None)
    page = _page(request, selectors.review_queue(
        request.user, facility, status="" if status == ALL else status, unit=unit))
    selectors.listed(request.user, page.object_list, "review_queue")
    return render(request, "observations/queue.html", {
        "facility": facility, "facilities": facilities, "page": page, "status": status,
        "statuses": [(ALL, _("All")), *ObservationStatus.choices], "units": units,
        "unit": unit, "overdue_before": selectors.overdue_before(facility)})


def person_record(request, person_uuid):
    person, security = get_person_for_security(request.user, person_uuid)
    if (chooser := purpose.for_page(request, person)) is not None:
        return chooser
    status = request.GET.get("status", "")
    status = status if status in ObservationStatus.values else ""
    record = selectors.person_record(request.user, person, status=status)
    return render(request, "observations/person_record.html", {
        **record, "person": person, "page": _page(request, record["observations"]),
        "status": status, "statuses": [(code, label, record["counts"].get(code, 0))
                                       for code, label in ObservationStatus.choices],
        "can_record": security.can(SecurityAction.RECORD),
        "can_analyse": security.can(SecurityAction.ANALYSE)})


def observation_detail(request, observation_uuid):
    observation, grant = get_observation_for_user(request.user, observation_uuid)
    if (chooser := purpose.for_page(request, observation.person)) is not None:
        return chooser
    can = {action: grant.can(action) for action in (
        ObservationAction.REVIEW, ObservationAction.LINK, ObservationAction.ARCHIVE,
        ObservationAction.ADDENDUM, ObservationAction.EDIT)}
    return render(request, "observations/observation.html", {
        **selectors.observation_page(request.user, observation, grant),
        "observation": observation, "person": observation.person, "can": can,
        "review_form": ReviewForm(initial={"version": observation.version})
        if can[ObservationAction.REVIEW] else None})


def summary(request, summary_uuid):
    shared, grant = get_summary_for_user(request.user, summary_uuid)
    security_side = holds_security(grant)
    return render(request, "observations/summary.html", {
        **selectors.summary_page(shared, security_side=security_side),
        "summary": shared, "person": shared.person, "security_side": security_side,
        "can_withdraw": grant.can(SummaryAction.WITHDRAW)})


def shared_with_me(request):
    require_caseload(request.user)
    page = _page(request, selectors.shared_with_me(request.user))
    selectors.listed(request.user, page.object_list, "shared_with_me")
    return render(request, "observations/shared.html", {"page": page})
