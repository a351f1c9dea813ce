"""The monitoring API, mounted under /api/v1/ (alliance/urls.py): the indicators' definitions,
and the figures a caller may see, already suppressed. The same access rules (access.py) and the
same service (statistics.py, the snapshot table only) as the pages, exports and the report:

* the facility level: an agency's exact figures, for the managers of that agency only;
* the jurisdiction and region levels: anonymous aggregates with disclosure control, for the
  regional coordinators who manage no agency. The two levels never meet in one user.

A suppressed figure carries no value, numerator or denominator, only `suppressed: true`. Every
answer with figures writes one audit event (the level and the period, never a figure)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.core import audit
from alliance.core.api import Pagination
from alliance.core.models import AuditAction

from . import access, indicators, periods, selectors, statistics
from .exports import footnote
from .indicators import INDICATORS, Kind, OverTime
from .statistics import Figure, Statistics

TAGS = ["monitoring"]
FACILITY, JURISDICTION, REGION = "facility", "jurisdiction", "region"
LEVELS = (FACILITY, JURISDICTION, REGION)
RULE = ("A prison or probation service's managers see its exact figures (level=facility); the "
        "regional coordinators who manage no agency see the jurisdictions and the region, as "
        "anonymous aggregates with small counts suppressed (level=jurisdiction or region). "
        "Nobody sees both.")


def _refuse_definitions(user) -> None:
    access.require_any(user, "definitions")  # 403 with the reason, audited


# --- the definitions -----------------------------------------------------------------------------

class IndicatorDefinitionSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable: the key of the indicator in /statistics/.")
    title = serializers.CharField(help_text="In your language.")
    definition = serializers.CharField(help_text="What it tells a manager.")
    numerator = serializers.CharField(help_text="What is counted (a mean: the values averaged).")
    denominator = serializers.CharField(allow_null=True,
                                        help_text="Out of what; null for a count.")
    period_rule = serializers.CharField(help_text="Which records fall in a month.")
    kind = serializers.CharField(help_text=(
        f"One of: {Kind.COUNT} (value: the count), {Kind.RATE} (value: numerator / denominator, "
        f"from 0 to 1), {Kind.MEAN} (value: the sum of the values / their number)."))
    over_time = serializers.CharField(help_text=(
        f"How months make a longer period. One of: {OverTime.SUM} (the months add up), "
        f"{OverTime.LAST} (the last month's value: a state at the end of the period)."))
    module = serializers.CharField(help_text="The module whose records it reads.")
    available = serializers.BooleanField(
        help_text="false while its module is not installed: its figures are then absent, never "
                  "zero.")
    unit = serializers.CharField(help_text="Of a mean (\"days\", \"points\"); empty otherwise.")
    higher_is_better = serializers.BooleanField(allow_null=True)


CODE = OpenApiParameter("code", str, OpenApiParameter.PATH,
                        description="The indicator's code, e.g. screened.")


class IndicatorList(APIView):
    pagination_class = Pagination

    @extend_schema(tags=TAGS, responses=IndicatorDefinitionSerializer(many=True),
                   description="The definitions of the indicators, in the order of the "
                               "dashboards, in your language. For whoever sees any level of "
                               "figures (403 for others).")
    def get(self, request):
        _refuse_definitions(request.user)
        pagination = self.pagination_class()
        shown = pagination.paginate_queryset(list(INDICATORS), request, view=self)
        return pagination.get_paginated_response(IndicatorDefinitionSerializer(shown, many=True).data)


class IndicatorDetail(APIView):
    @extend_schema(tags=TAGS, responses=IndicatorDefinitionSerializer, parameters=[CODE],
                   description="One indicator's definition, in your language (404: no such "
                               "code). For whoever sees any level of figures (403 for others).")
    def get(self, request, code):
        _refuse_definitions(request.user)
        indicator = indicators.get(code)
        if indicator is None:
            raise Http404(_("No such indicator."))
        return Response(IndicatorDefinitionSerializer(indicator).data)


# --- the figures ---------------------------------------------------------------------------------

class StatisticsFigureSerializer(serializers.Serializer):
    value = serializers.FloatField(allow_null=True, help_text=(
        "A count, a share from 0 to 1, or a mean, as the indicator's kind says; null when "
        "suppressed, not computed, or a share or mean of nothing (denominator 0)."))
    numerator = serializers.FloatField(allow_null=True, help_text="Null when suppressed.")
    denominator = serializers.IntegerField(allow_null=True,
                                           help_text="Null for a count, and when suppressed.")
    suppressed = serializers.BooleanField(help_text=(
        "Hidden by disclosure control: a small count, or a figure from which a small count "
        "could be worked out. Nothing else of it is given."))
    computed = serializers.BooleanField(help_text=(
        "false: no month of it computed yet (not a zero). At the jurisdiction and region "
        "levels, a month is given once settled (the daily job recomputes the current and the "
        "previous month), a quarter or a year once all its months are."))


FIGURES = serializers.DictField(child=StatisticsFigureSerializer(),
                                help_text="Unit key (see `units`) -> the figure.")


class StatisticsTrendPointSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM.")
    figures = FIGURES


class StatisticsIndicatorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The indicator (see /api/v1/indicators/{code}/).")
    available = serializers.BooleanField(help_text="false: its module is not installed; no "
                                                   "figures.")
    figures = FIGURES
    trend = StatisticsTrendPointSerializer(many=True, help_text=(
        "The twelve months that end with the period (a longer range: all its months), oldest "
        "first; empty with trend=0."))


class StatisticsPeriodSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="2026, 2026-Q3, 2026-07 or 2026-01..2026-06.")
    first = serializers.DateField(help_text="Its first day.")
    last = serializers.DateField(help_text="Its last day.")
    kind = serializers.CharField(help_text="One of: year, quarter, month, range.")


class StatisticsUnitSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="\"agency\" (facility level), a jurisdiction's code, or "
                                          "\"region\".")
    label = serializers.CharField(help_text="In your language; a jurisdiction shown with the "
                                            "designation footnote ends with *.")
    footnote = serializers.BooleanField(help_text="Shown with the designation footnote.")


class StatisticsSerializer(serializers.Serializer):
    level = serializers.CharField(help_text="One of: facility, jurisdiction, region.")
    period = StatisticsPeriodSerializer()
    min_count = serializers.IntegerField(allow_null=True, help_text=(
        "The suppression threshold: counts below it are hidden. Null at the facility level "
        "(exact figures)."))
    computed_months = serializers.IntegerField(help_text="How many of the period's months "
                                                         "have been computed.")
    footnote = serializers.CharField(allow_null=True, help_text=(
        "The designation footnote, in your language, when a unit carries it; else null."))
    units = StatisticsUnitSerializer(many=True)
    indicators = StatisticsIndicatorSerializer(many=True)


def _figure(figure: Figure) -> dict:
    if figure.suppressed:  # nothing of it leaves, whatever the service kept
        return {"value": None, "numerator": None, "denominator": None, "suppressed": True,
                "computed": figure.computed}
    return {"value": figure.value, "numerator": figure.numerator,
            "denominator": figure.denominator, "suppressed": False, "computed": figure.computed}


def _body(stats: Statistics, *, trend: bool) -> dict:
    months = stats.trend_months if trend else []
    rows = []
    for row in stats.rows:
        points = {unit: dict(series) for unit, series in row.trend.items()}
        rows.append({
            "code": row.indicator.code, "available": row.available,
            "figures": {unit: _figure(f) for unit, f in row.figures.items()},
            "trend": [{"month": f"{month:%Y-%m}",
                       "figures": {unit: _figure(series[month])
                                   for unit, series in points.items() if month in series}}
                      for month in months] if row.available else []})
    period = stats.period
    return {"level": stats.level,
            "period": {"code": period.code, "first": period.first, "last": period.ends_on,
                       "kind": period.kind},
            "min_count": stats.min_count, "computed_months": stats.computed_months,
            "footnote": footnote() if stats.footnote else None,
            "units": [{"key": u.key, "label": str(u.label), "footnote": u.footnote}
                      for u in stats.units],
            "indicators": rows}


class StatisticsQuery(serializers.Serializer):
    level = serializers.ChoiceField(
        choices=[(level, level) for level in LEVELS],
        error_messages={"invalid_choice": gettext_lazy(
            "“{input}” is not one of: facility, jurisdiction, region.")},
        help_text="facility: an agency you manage (give agency); jurisdiction: one "
                  "jurisdiction (give jurisdiction); region: every jurisdiction and the region.")
    period = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=100,
        help_text="2026, 2026-Q3, 2026-07, or (facility level only) 2026-01..2026-06; "
                  "empty: the current year.")
    agency = serializers.UUIDField(required=False, allow_null=True, default=None,
                                   help_text="level=facility: the agency's id.")
    jurisdiction = serializers.CharField(required=False, allow_blank=True, default="",
                                         max_length=8,
                                         help_text="level=jurisdiction: its code, e.g. ME.")
    trend = serializers.BooleanField(required=False, default=True,
                                     help_text="false or 0: leave the monthly trend out.")

    @classmethod
    def validated(cls, request) -> dict:
        # A plain dict, not the QueryDict: DRF reads an absent boolean of form data as false.
        query = cls(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        return query.validated_data


def _invalid(field: str, message: str):
    return ValidationError({field: [message]})


def _period(text: str, *, allow_range: bool) -> periods.Period:
    try:
        return periods.parse(text, allow_range=allow_range)
    except DjangoValidationError as exc:
        raise _invalid("period", " ".join(exc.messages)) from exc


def _facility(user, query):
    """The agency-level figures the user asked for, or 403 / 400 with the reason."""
    if query["agency"] is None and access.managed_agencies(user):
        raise _invalid("agency", _("Give the id of the agency whose figures you want."))
    agency = access.agency_for(user, query["agency"] or "")  # 403 with the reason
    return statistics.for_agency(agency, _period(query["period"], allow_range=True)), agency


def _anonymous(user, query, level: str):
    """The anonymous figures the user asked for, or 403 / 400 with the reason."""
    access.require_anonymous(user, level)  # 403 with the reason
    if level == REGION and query["jurisdiction"]:
        raise _invalid("jurisdiction", _("level=region shows every jurisdiction: ask "
                                         "level=jurisdiction for one."))
    place = None
    if level == JURISDICTION:
        if not query["jurisdiction"]:
            raise _invalid("jurisdiction", _("Give the code of the jurisdiction."))
        try:
            place = selectors.jurisdiction_or_404(query["jurisdiction"])
        except Http404 as exc:
            raise _invalid("jurisdiction", _("No jurisdiction has the code “%(code)s”.")
                           % {"code": query["jurisdiction"]}) from exc
    period = _period(query["period"], allow_range=False)
    return statistics.anonymous(period, jurisdiction=place), place


class StatisticsView(APIView):
    @extend_schema(tags=TAGS, parameters=[StatisticsQuery], responses=StatisticsSerializer,
                   description="The figures of every indicator for one level and period, with "
                               "their monthly trend: exactly what you may see, already "
                               "suppressed. " + RULE + " Refused with the reason: 403 for a "
                               "level or an agency you may not see; 400 for an unknown level, "
                               "a missing agency or jurisdiction, an unknown jurisdiction, a "
                               "period that is not one (or ends before it starts), or a range "
                               "of months at the anonymous levels.")
    def get(self, request):
        query = StatisticsQuery.validated(request)
        level = query["level"]
        agency = place = None
        if level == FACILITY:
            stats, agency = _facility(request.user, query)
        else:
            stats, place = _anonymous(request.user, query, level)
        details = {"level": stats.level, "period": stats.period.code, "api": True}
        if place is not None:
            details["jurisdiction"] = place.code
        audit.record(actor=request.user, action=AuditAction.VIEW,
                     object_type="monitoring.statistics",
                     object_uuid=str(agency.uuid) if agency is not None else "",
                     agency=agency, details=details)
        return Response(StatisticsSerializer(_body(stats, trend=query["trend"])).data)


urls = [
    path("indicators/", IndicatorList.as_view(), name="indicator-list"),
    path("indicators/<slug:code>/", IndicatorDetail.as_view(), name="indicator-detail"),
    path("statistics/", StatisticsView.as_view(), name="statistics"),
]
