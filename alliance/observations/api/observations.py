"""The API of observations: a person's list and recording, one observation and its correction
before review (see __init__.py)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.assessments.api import VersionSerializer
from alliance.core import audit
from alliance.core.api import ChoiceFilter, ListQuery, Pagination, validated
from alliance.core.models import AuditAction

from .. import purpose, services
from ..access import (
    ObservationAction,
    SecurityAction,
    get_observation_for_user,
    get_observation_to_correct,
    get_person_for_security,
    observations,
)
from ..models import MAX_TEXT, Category, ObservationStatus
from .common import (
    PURPOSE_PARAMETERS,
    SECURITY,
    SECURITY_ONLY_RULE,
    require_purpose,
)
from .reading import observation_view
from .shown import ObservationRowSerializer, ObservationSerializer

# The services' reasons, as the serializer's when a field is absent (the same words as the form).
REQUIRED = {
    "observed_at": gettext_lazy("Say when it happened."),
    "category": gettext_lazy("Choose a category."),
    "source_reliability": gettext_lazy("Grade how reliable the source is."),
    "information_assessment": gettext_lazy("Grade how far the information can be trusted."),
    "handling_code": gettext_lazy("Choose a handling code: it decides who may ever read a "
                                  "summary of it."),
}
GRADE_HELP = "A code of the person's jurisdiction's grading scheme (5x5x5 by default: %s)."


def _required(name):
    return {"required": REQUIRED[name], "null": REQUIRED[name], "blank": REQUIRED[name]}


class ObservationFieldsSerializer(serializers.Serializer):
    """The fields of an observation as its author sends them (all optional when correcting)."""

    observed_at = serializers.DateTimeField(required=False, error_messages=_required(
        "observed_at"), help_text="When it happened (not in the future, within the last year).")
    category = serializers.ChoiceField(choices=Category.choices, required=False,
                                       error_messages=_required("category"))
    verbatim = serializers.CharField(required=False, allow_blank=True, max_length=MAX_TEXT,
                                     trim_whitespace=False, help_text=(
                                         "What was seen or heard: the facts, words as they were "
                                         "said. Required."))
    context = serializers.CharField(required=False, allow_blank=True, max_length=MAX_TEXT,
                                    trim_whitespace=False,
                                    help_text="Where, when, who else was there, what led to it.")
    opinion = serializers.CharField(required=False, allow_blank=True, max_length=MAX_TEXT,
                                    trim_whitespace=False,
                                    help_text="What you make of it, kept apart from the facts.")
    indicators = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, max_length=50,
        help_text="Codes of escalation indicators in use in the person's jurisdiction: any "
                  "one alerts the case manager and the security lead and marks a reassessment "
                  "due.")
    source_reliability = serializers.CharField(
        required=False, max_length=4, error_messages=_required("source_reliability"),
        help_text=GRADE_HELP % "A to E")
    information_assessment = serializers.CharField(
        required=False, max_length=4, error_messages=_required("information_assessment"),
        help_text=GRADE_HELP % "1 to 5")
    handling_code = serializers.CharField(
        required=False, max_length=4, error_messages=_required("handling_code"),
        help_text=GRADE_HELP % "1 to 5; 5 allows no summary at all")
    unit = serializers.UUIDField(required=False, allow_null=True, help_text=(
        "The wing or unit (of the prison responsible for the person); by default the one the "
        "person is held in."))


class ObservationRecordSerializer(ObservationFieldsSerializer):
    """A new observation: when, what, and its grading are required."""

    def get_fields(self):
        fields = super().get_fields()
        for name in (*REQUIRED, "verbatim"):
            fields[name].required = True
        return fields


class ObservationUpdateSerializer(VersionSerializer, ObservationFieldsSerializer):
    """A correction before review: the version read, and the fields that change."""

    def validate(self, attrs):
        if set(attrs) == {"version"}:
            raise serializers.ValidationError(_("Send at least one field to change."))
        return attrs


def _indicators(person, codes):
    in_use = {}
    for indicator in services.indicators_for(person.jurisdiction):
        # The jurisdiction's own indicator wins over a regional one of the same code.
        if indicator.jurisdiction_id or indicator.code not in in_use:
            in_use[indicator.code] = indicator
    unknown = [code for code in codes if code not in in_use]
    if unknown:
        raise serializers.ValidationError({"indicators": _(
            "%(codes)s: not an escalation indicator in use in %(jurisdiction)s.") % {
                "codes": ", ".join(unknown), "jurisdiction": person.jurisdiction}})
    return [in_use[code] for code in dict.fromkeys(codes)]


def _unit(person, uuid):
    unit = person.responsible_agency.units.filter(uuid=uuid, is_active=True).first()
    if unit is None:
        raise serializers.ValidationError({"unit": _("This wing is not in %(facility)s.") % {
            "facility": person.responsible_agency}})
    return unit


def _resolved(person, data: dict) -> dict:
    """The body's references as records: indicators by code, the unit by its id."""
    if "indicators" in data:
        data["indicators"] = _indicators(person, data["indicators"])
    if data.get("unit") is not None:
        data["unit"] = _unit(person, data["unit"])
    return data


def _observation_response(user, observation, grant, code=status.HTTP_200_OK) -> Response:
    view = observation_view(user, observation, grant)
    return Response(ObservationSerializer(view).data, status=code)


def _saved(request, observation, *, security_side: bool, code=status.HTTP_200_OK) -> Response:
    """The observation as saved, read back through the policy: the whole entry for the security
    side, their own entry for an observer outside it (who may correct it until it is reviewed)."""
    # The author reads back what they sent, unless they said why.
    purpose.fixed(purpose.Purpose.OWN_REPORT)
    observation, grant = get_observation_for_user(
        request.user, observation.uuid,
        ObservationAction.VIEW if security_side else ObservationAction.EDIT)
    return _observation_response(request.user, observation, grant, code)


class ObservationListQuery(ListQuery):
    status = ChoiceFilter(ObservationStatus.choices, help_text="Only observations in this "
                                                               "status.")
    category = ChoiceFilter(Category.choices, help_text="Only observations of this category.")
    escalated = serializers.BooleanField(required=False, allow_null=True, default=None,
                                         help_text="true: only escalated ones; false: only the "
                                                   "others; absent: both.")


class PersonObservations(APIView):
    pagination_class = Pagination

    @extend_schema(tags=SECURITY, parameters=[ObservationListQuery, *PURPOSE_PARAMETERS],
                   responses=ObservationRowSerializer(many=True),
                   description="The person's observations, newest first, for holders of their "
                               "security compartment (the security sector of the prison "
                               "responsible for them, and case-team members given the security "
                               "scope). States its purpose. Open one for its texts.")
    def get(self, request, person_uuid):
        query = ObservationListQuery.validated(request)
        person, grant = get_person_for_security(request.user, person_uuid)
        require_purpose(request)
        rows = (observations.visible(request.user).filter(person=person)
                .select_related("person", "unit", "recorded_by").prefetch_related("indicators")
                .order_by("-observed_at", "-pk"))
        if query["status"]:
            rows = rows.filter(status=query["status"])
        if query["category"]:
            rows = rows.filter(category=query["category"])
        if query["escalated"] is not None:
            rows = rows.filter(escalated=query["escalated"])
        pagination = self.pagination_class()
        shown = pagination.paginate_queryset(rows, request, view=self)
        audit.consulted(actor=request.user, action=AuditAction.LIST, obj=person,
                        agency=grant.agency, details={"resource": "observations",
                                                      "count": len(shown),
                                                      "page": pagination.page.number})
        return pagination.get_paginated_response(ObservationRowSerializer(shown, many=True).data)

    @extend_schema(tags=SECURITY, request=ObservationRecordSerializer,
                   responses={201: ObservationSerializer},
                   description="Record an observation of the person (any member of staff of "
                               "the prison responsible for them, and case-team members with "
                               "the security scope). With escalation indicators, the analysts "
                               "get a task, the case manager and the security lead a "
                               "notification, and a reassessment falls due. Answers with the "
                               "entry as saved. " + SECURITY_ONLY_RULE)
    def post(self, request, person_uuid):
        person, security = get_person_for_security(request.user, person_uuid,
                                                   SecurityAction.RECORD)
        data = _resolved(person, validated(ObservationRecordSerializer, request))
        observation = services.observation_record(actor=request.user, person=person, **data)
        return _saved(request, observation, security_side=security.can(SecurityAction.VIEW),
                      code=status.HTTP_201_CREATED)


class ObservationDetail(APIView):
    @extend_schema(tags=SECURITY, parameters=PURPOSE_PARAMETERS, responses=ObservationSerializer,
                   description="An observation with its texts, grading, indicators, addenda and "
                               "links, for holders of the person's security compartment. "
                               "States its purpose. (Its observer, outside the compartment, "
                               "reads their entries' status on the security pages: 403 here.)")
    def get(self, request, observation_uuid):
        observation, grant = get_observation_for_user(request.user, observation_uuid)
        require_purpose(request)
        return _observation_response(request.user, observation, grant)

    @extend_schema(tags=SECURITY, request=ObservationUpdateSerializer,
                   responses=ObservationSerializer,
                   description="Its author corrects an observation no analyst has read yet. "
                               "Once reviewed it is fixed: 400 with the reason (add an addendum "
                               "on the security pages instead). " + SECURITY_ONLY_RULE)
    def patch(self, request, observation_uuid):
        observation, grant = get_observation_to_correct(request.user, observation_uuid)
        data = _resolved(observation.person, validated(ObservationUpdateSerializer, request))
        services.observation_update(actor=request.user, observation=observation,
                                    expected_version=data.pop("version"), **data)
        return _saved(request, observation, security_side=grant.can(ObservationAction.VIEW))
