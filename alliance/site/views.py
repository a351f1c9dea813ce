
from allauth.account.decorators import reauthentication_required
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from alliance.accounts.access import can_administer
from alliance.core import anchors, audit
from alliance.core.csvexport import csv_cell, streaming_writer
from alliance.core.models import AuditAction
from alliance.core.pagination import bounded_page
from alliance.people.access import can_have_caseload, can_view_aggregates
from alliance.people.selectors import aggregate_counts

from .audit_display import event_rows
from .audit_trail import AuditFilters, audit_search, can_read_audit
from .forms import AuditFilterForm


def home(request):
    """Send each user to where their work is."""
    if can_have_caseload(request.user):
        return redirect("people:caseload")
    if can_view_aggregates(request.user):
        return redirect("overview")
    if can_read_audit(request.user):
        return redirect("audit")
    if can_administer(request.user):
        return redirect("admin:index")
    return render(request, "core/no_role.html")


@login_not_required
@require_GET
def healthz(request):
    """For load balancers and monitoring: ok or not, and nothing about what runs behind."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        healthy = True
    except Exception:  # noqa: BLE001 - any failure means "not healthy", said plainly
        healthy = False
    return JsonResponse({"status": "ok" if healthy else "error"}, status=200 if healthy else 503)


def overview(request):
    if not can_view_aggregates(request.user):
        raise PermissionDenied(_("The regional overview is for coordinators and managers."))
    return render(request, "core/overview.html", {"table": aggregate_counts()})


def _audit_filters(form) -> AuditFilters:
    data = form.cleaned_data if form.is_valid() else {}
    return AuditFilters(**{k: v for k, v in data.items() if v})


def audit_list(request):
    if not can_read_audit(request.user):
        raise PermissionDenied(_("Only a data protection officer can read the audit trail."))
    form = AuditFilterForm(request.GET or None)
    page = bounded_page(audit_search(request.user, _audit_filters(form)), request.GET.get("page"),
                        100)
    audit.record(actor=request.user, action=AuditAction.SEARCH, object_type="core.auditevent",
                 details={"filters": {k: str(v) for k, v in request.GET.items()
                                      if k not in ("page", "search_term")}})
    querystring = request.GET.copy()
    querystring.pop("page", None)
    return render(request, "core/audit_list.html", {"form": form, "page": page,
                                                    "events": event_rows(page),
                                                    "querystring": querystring})


EXPORT_COLUMNS = ["id", "occurred_at", "actor_username", "agency_name", "action", "object_type",
                  "object_uuid", "person_reference", "purpose", "outcome", "details",
                  "ip_address", "request_id", "prev_hash", "hash"]


@reauthentication_required
def audit_export(request):
    if not can_read_audit(request.user):
        raise PermissionDenied(_("Only a data protection officer can read the audit trail."))
    form = AuditFilterForm(request.GET or None)
    events = audit_search(request.user, _audit_filters(form))
    # The export is itself a consultation of the trail, and is logged before it is sent.
    audit.record(actor=request.user, action=AuditAction.EXPORT, object_type="core.auditevent",
                 details={"rows": events.count(), "filters": {
                     k: str(v) for k, v in request.GET.items() if k != "search_term"}})
    writer = streaming_writer()

    def rows():
        yield writer.writerow(EXPORT_COLUMNS)
        for e in events.order_by("id").iterator(chunk_size=2000):
            yield writer.writerow([csv_cell(getattr(e, c)) for c in EXPORT_COLUMNS])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="alliance-audit.csv"'
    return response


@require_http_methods(["GET", "POST"])
def audit_verify(request):
    if not can_read_audit(request.user):
        raise PermissionDenied(_("Only a data protection officer can verify the audit trail."))
    result = audit.verify() if request.method == "POST" else None
    anchored = anchors.check_anchors() if result is not None else None
    if result is not None:
        audit.record(actor=request.user, action=AuditAction.MAINTENANCE,
                     object_type="core.auditevent",
                     details={"verify": "ok" if result.ok else "broken", "count": result.count,
                              "bad_event": result.bad_event_id,
                              "anchors": anchored.anchors,
                              "anchor_problems": len(anchored.problems)})
    return render(request, "core/audit_verify.html", {"result": result, "anchored": anchored})


def robots(request):
    return HttpResponse("User-agent: *\nDisallow: /\n", content_type="text/plain")


robots = login_not_required(robots)
