"""The monitoring pages: an agency's dashboard (its managers, exact figures), the region's and a
jurisdiction's (regional coordinators, anonymous and suppressed), the indicators' definitions,
the exports and the donors' report. Each view checks access first (access.py, which audits a
refusal and gives the reason), reads statistics.py (the snapshot table only) and writes one
audit event for a response that shows figures."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from alliance.assessments.pdf import PdfUnavailable
from alliance.core import audit
from alliance.core.models import AuditAction

from . import access, exports, indicators, pdf, periods, selectors, snapshots, statistics, tasks
from .forms import period_form

INLINE_MONTHS = 3  # a recompute of up to a quarter is done while the manager waits
PAGE = "html"  # the format of a page view in the audit details
UNIT_TEMPLATE, REGION_TEMPLATE = "monitoring/unit.html", "monitoring/region.html"


def _audit(request, stats, fmt: str, *, agency=None, jurisdiction=None) -> None:
    """The one event of a response showing figures: which level and period, never a figure."""
    details = {"level": stats.level, "period": stats.period.code, "format": fmt}
    if jurisdiction is not None:
        details["jurisdiction"] = jurisdiction.code
    audit.record(actor=request.user, action=AuditAction.VIEW if fmt == PAGE else AuditAction.EXPORT,
                 object_type="monitoring.statistics",
                 object_uuid=str(agency.uuid) if agency is not None else "",
                 agency=agency, details=details)


def _period_or_400(request, *, allow_range: bool):
    """The period of an export or the report (`?period=`), or the 400 page with the reason."""
    try:
        return periods.parse(request.GET.get("period"), allow_range=allow_range), None
    except ValidationError as exc:
        return None, render(request, "errors/400.html", {"reason": " ".join(exc.messages)},
                            status=400)


def _links(name: str, args: list, period) -> dict:
    """The addresses of the page's neighbours in time and of its exports."""
    base = reverse(f"monitoring:{name}", args=args)
    query = f"?period={period.code}"
    return {"previous": base + f"?period={selectors.previous(period).code}",
            "previous_label": str(selectors.previous(period)),
            "next": base + f"?period={selectors.following(period).code}",
            "next_label": str(selectors.following(period)),
            "csv": reverse(f"monitoring:{name}_export", args=[*args, "csv"]) + query,
            "xlsx": reverse(f"monitoring:{name}_export", args=[*args, "xlsx"]) + query}


@require_GET
def home(request):
    """A manager goes to their agency (or chooses among theirs), a regional coordinator to the
    region; anyone else is told why not."""
    start = selectors.start_url(request.user)
    if start == request.path:
        return render(request, "monitoring/home.html",
                      {"agencies": access.managed_agencies(request.user)})
    if not start:
        access.require_any(request.user, "home")  # 403 with the reason, audited
    return redirect(start)


@require_GET
def agency(request, agency_uuid):
    agency = access.agency_for(request.user, agency_uuid)
    form = period_form(request.GET, allow_range=True)
    context = {"form": form, "agency": agency, "title": agency.name, "level": "facility",
               "may_recompute": access.may_recompute(request.user),
               "recompute_url": reverse("monitoring:recompute", args=[agency.uuid])}
    if not form.is_valid():
        return render(request, UNIT_TEMPLATE, context, status=400)
    period = form.cleaned_data["period"]
    stats = statistics.for_agency(agency, period)
    before = statistics.for_agency(agency, selectors.previous(period))
    _audit(request, stats, PAGE, agency=agency)
    return render(request, UNIT_TEMPLATE, {
        **context, "stats": stats, "period": period,
        "cards": selectors.unit_dashboard(stats, before),
        "computed_at": selectors.computed_at(period),
        "links": _links("agency", [agency.uuid], period)})


@require_GET
def agency_export(request, agency_uuid, fmt):
    agency = access.agency_for(request.user, agency_uuid)
    period, refused = _period_or_400(request, allow_range=True)
    if refused:
        return refused
    stats = statistics.for_agency(agency, period)
    _audit(request, stats, fmt, agency=agency)
    return exports.response(stats, fmt, selectors.file_name(stats, fmt))


@require_POST
def recompute(request, agency_uuid):
    """Recompute every agency's snapshot for the period's months (from the same person-level
    records: nothing is shown by it), then back to the dashboard with the time it took."""
    agency = access.agency_for(request.user, agency_uuid)
    if not access.may_recompute(request.user):
        raise PermissionDenied(_("Only the managers of a prison or probation service recompute "
                                 "the figures."))
    back = reverse("monitoring:agency", args=[agency.uuid])
    try:
        period = periods.parse(request.POST.get("period"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    if len(period.months) > INLINE_MONTHS:
        # A year of a large service takes longer than anyone should wait for a page: the
        # background worker does it (docs/deployment.md), and the dashboard shows when.
        tasks.recompute.enqueue(f"{period.first:%Y-%m-%d}", f"{period.last:%Y-%m-%d}",
                                request.user.pk)
        messages.info(request, _(
            "The background worker is recomputing %(months)s months; the figures change when it "
            "is done, usually within a few minutes (the time of the last computation is shown "
            "on the dashboard).") % {"months": len(period.months)})
        return redirect(f"{back}?period={period.code}")
    result = snapshots.compute(period.first, period.last, actor=request.user, reason="manager")
    if result.months:
        messages.success(request, _(
            "Recomputed %(months)s month(s) of every agency, %(first)s to %(last)s, in "
            "%(seconds).1f seconds.") % {"months": result.months, "first": f"{result.first:%m.%Y}",
                                         "last": f"{result.last:%m.%Y}",
                                         "seconds": result.seconds})
    else:
        messages.info(request, _("Nothing to recompute: the period has not started yet."))
    return redirect(f"{back}?period={period.code}")


@require_GET
def region(request):
    access.require_anonymous(request.user, "region")
    form = period_form(request.GET, allow_range=False)
    context = {"form": form, "level": "region"}
    if not form.is_valid():
        return render(request, REGION_TEMPLATE, context, status=400)
    period = form.cleaned_data["period"]
    stats = statistics.anonymous(period)
    _audit(request, stats, PAGE)
    links = _links("region", [], period)
    links["report"] = reverse("monitoring:report") + f"?period={period.code}"
    return render(request, REGION_TEMPLATE, {
        **context, "stats": stats, "period": period, "table": selectors.table(stats),
        "charts": selectors.charts_of(stats), "computed_at": selectors.computed_at(period),
        "symbol": selectors.SUPPRESSED_SYMBOL, "links": links})


@require_GET
def region_export(request, fmt):
    access.require_anonymous(request.user, "region")
    period, refused = _period_or_400(request, allow_range=False)
    if refused:
        return refused
    stats = statistics.anonymous(period)
    _audit(request, stats, fmt)
    return exports.response(stats, fmt, selectors.file_name(stats, fmt))


@require_GET
def report(request):
    """The donors' report of the region for a period (PDF)."""
    access.require_anonymous(request.user, "region")
    period, refused = _period_or_400(request, allow_range=False)
    if refused:
        return refused
    stats = statistics.anonymous(period)
    try:
        content = pdf.render_document(pdf.report_context(stats)).write_pdf()
    except PdfUnavailable:
        messages.error(request, _("PDF output is not available on this server (a system library "
                                  "is missing). Ask your administrator."))
        return redirect(reverse("monitoring:region") + f"?period={period.code}")
    _audit(request, stats, "pdf")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{selectors.file_name(stats, "pdf")}"'
    return response


@require_GET
def jurisdiction(request, code):
    access.require_anonymous(request.user, "jurisdiction")
    place = selectors.jurisdiction_or_404(code)
    form = period_form(request.GET, allow_range=False)
    context = {"form": form, "jurisdiction": place, "title": place.display_name,
               "level": "jurisdiction"}
    if not form.is_valid():
        return render(request, UNIT_TEMPLATE, context, status=400)
    period = form.cleaned_data["period"]
    stats = statistics.anonymous(period, jurisdiction=place)
    _audit(request, stats, PAGE, jurisdiction=place)
    return render(request, UNIT_TEMPLATE, {
        **context, "stats": stats, "period": period, "cards": selectors.unit_dashboard(stats),
        "computed_at": selectors.computed_at(period), "symbol": selectors.SUPPRESSED_SYMBOL,
        "links": _links("jurisdiction", [place.code], period)})


@require_GET
def jurisdiction_export(request, code, fmt):
    access.require_anonymous(request.user, "jurisdiction")
    place = selectors.jurisdiction_or_404(code)
    period, refused = _period_or_400(request, allow_range=False)
    if refused:
        return refused
    stats = statistics.anonymous(period, jurisdiction=place)
    _audit(request, stats, fmt, jurisdiction=place)
    return exports.response(stats, fmt, selectors.file_name(stats, fmt, place))


@require_GET
def indicator_list(request):
    access.require_any(request.user, "definitions")
    return render(request, "monitoring/indicators.html", {"indicators": [
        {"indicator": i, "measure": selectors.measure_label(i)} for i in indicators.INDICATORS]})


@require_GET
def indicator_detail(request, code):
    access.require_any(request.user, "definitions")
    indicator = indicators.get(code)
    if indicator is None:
        raise Http404(_("No such indicator."))
    return render(request, "monitoring/indicator.html", {
        "indicator": indicator, "kind": selectors.kind_label(indicator),
        "measure": selectors.measure_label(indicator),
        "over_time": selectors.over_time_label(indicator)})
