"""The recommendation pages: the adoption matrix (published recommendations × jurisdictions)
with its totals, its CSV export, and the page that records where one jurisdiction stands on one
recommendation. Each view fetches through access, calls a service and renders."""

from django.contrib import messages
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from alliance.core import audit
from alliance.core.csvexport import csv_cell, streaming_writer
from alliance.core.forms import apply_service
from alliance.core.models import AuditAction

from ..models import Theme
from . import selectors, services
from .access import get_adoption_target_for_user, require_member
from .forms import AdoptionForm


def _filters(request) -> dict:
    theme = request.GET.get("theme", "")
    status = request.GET.get("status", "")
    return {"theme": theme if theme in Theme.values else "",
            "status": status if status in selectors.STATUS_FILTERS else ""}


@require_GET
def recommendation_matrix(request):
    require_member(request.user)
    filters = _filters(request)
    matrix = selectors.matrix(request.user, page=request.GET.get("page"), **filters)
    return render(request, "knowledge/recommendations/matrix.html", {
        "matrix": matrix, "page": matrix.page, "themes": Theme.choices,
        "statuses": selectors.status_choices(), "filtered": any(filters.values()), **filters})


@require_GET
def recommendation_export(request):
    require_member(request.user)
    filters = _filters(request)
    columns, rows = selectors.export_rows(request.user, **filters)
    audit.consulted(actor=request.user, action=AuditAction.EXPORT,
                    details={"object_type": "knowledge.recommendationadoption",
                             "filters": filters})
    labels = dict(selectors.status_choices())
    writer = streaming_writer()
    header = [_("Recommendation"), _("Id"), _("Published")]
    for j in columns:
        header += [_("%(jurisdiction)s: status") % {"jurisdiction": j.display_name},
                   _("%(jurisdiction)s: note") % {"jurisdiction": j.display_name}]

    def lines():
        yield writer.writerow(header)
        for row in rows:
            cells = [row.title, str(row.entry.uuid),
                     row.entry.published_at.date().isoformat() if row.entry.published_at
                     else ""]
            for cell in row.cells:
                cells += [labels[cell.status], cell.adoption.note if cell.adoption else ""]
            yield writer.writerow([csv_cell(v) for v in cells])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="alliance-recommendations.csv"'
    return response


@require_http_methods(["GET", "POST"])
def adoption_edit(request, entry_uuid, jurisdiction_code):
    entry, jurisdiction = get_adoption_target_for_user(request.user, entry_uuid,
                                                       jurisdiction_code)
    adoption = selectors.adoption_of(entry, jurisdiction)
    back_to_entry = request.GET.get("from") == "entry"
    initial = {"status": adoption.status if adoption else None,
               "note": adoption.note if adoption else "",
               "version": adoption.version if adoption else 0}
    form = AdoptionForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        saved, status = apply_service(form, lambda: services.adoption_set(
            actor=request.user, entry=entry, jurisdiction=jurisdiction,
            status=form.cleaned_data["status"], note=form.cleaned_data["note"],
            expected_version=form.cleaned_data["version"],
            confirmed=form.cleaned_data["confirm_no_person_data"]))
        if saved:
            messages.success(request, _("Saved: %(jurisdiction)s — %(status)s.") % {
                "jurisdiction": jurisdiction.display_name,
                "status": saved.get_status_display()})
            if back_to_entry:
                return redirect("knowledge:entry_detail", entry.uuid)
            return redirect("knowledge:recommendation_matrix")
    return render(request, "knowledge/recommendations/adoption_form.html", {
        "form": form, "entry": entry, "title": selectors.reader_title(entry),
        "jurisdiction": jurisdiction, "adoption": adoption, "back_to_entry": back_to_entry},
        status=status)
