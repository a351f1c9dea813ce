"""The API of assessments: a person's list, starting one, changing it item by item, and
submission, countersignature and return (see __init__.py)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.core import audit
from alliance.core.api import ListQuery, Pagination, validated
from alliance.core.i18n import current_language
from alliance.people.access import Action, get_person_for_user

from .. import services
from ..access import (
    AssessmentAction,
    assessments,
    get_assessment_for_user,
    get_person_for_assessment_work,
)
from ..models import InstrumentKind
from ..selectors import ratings_map
from .common import ASSESSMENTS, RatingField, VersionSerializer, _instrument_version
from .reading import AssessmentView, _assessment_response, _item_row, _saved
from .shown import (
    AssessmentSerializer,
    AssessmentSummarySerializer,
    ItemRatingSerializer,
    SourceSerializer,
)

# --- starting and changing an assessment -------------------------------------------------------

class AssessmentStartSerializer(serializers.Serializer):
    instrument_version = serializers.UUIDField(help_text=(
        "An active version of a risk and needs instrument or a checklist (taken_with: "
        "assessment). A screening or a working-alliance measure is refused: each has its own "
        "endpoint."))

    def validate_instrument_version(self, value):
        return _instrument_version(value)


def _where_taken(version, person) -> str:
    """Why an instrument of this kind is not started as an assessment, and where it is taken."""
    if version.instrument.kind == InstrumentKind.SCREENING:
        return _("%(instrument)s is a screening: record it in one request with POST %(url)s, "
                 "not as an assessment.") % {
            "instrument": version.parsed.name.get(current_language()),
            "url": reverse("api:person-screenings", args=[person.uuid])}
    return _("%(instrument)s is a working-alliance measure: it is taken in the person's plan, "
             "with POST %(url)s, not as an assessment.") % {
        "instrument": version.parsed.name.get(current_language()),
        "url": reverse("api:person-alliance-measures", args=[person.uuid])}


class PersonAssessments(APIView):
    pagination_class = Pagination

    @extend_schema(tags=ASSESSMENTS, responses=AssessmentSummarySerializer(many=True))
    def get(self, request, person_uuid):
        ListQuery.validated(request)
        person, person_access = get_person_for_user(request.user, person_uuid, Action.VIEW)
        pagination = self.pagination_class()
        shown = pagination.paginate_queryset(
            assessments.for_person(request.user, person)
            .select_related("person", "instrument_version__instrument")
            .defer("instrument_version__definition")
            .prefetch_related("participants").order_by("-created_at"), request, view=self)
        views = [AssessmentView(a, assessments.grant_on_person(request.user, a,
                                                               person_access).actions)
                 for a in shown]
        audit.consulted(actor=request.user, obj=person, agency=person_access.agency,
                        details={"resource": "assessments", "count": len(shown),
                                 "page": pagination.page.number})
        return pagination.get_paginated_response(
            AssessmentSummarySerializer(views, many=True).data)

    @extend_schema(tags=ASSESSMENTS, request=AssessmentStartSerializer,
                   responses={201: AssessmentSerializer},
                   description="A draft of a risk and needs instrument or a checklist, led by "
                               "you.")
    def post(self, request, person_uuid):
        person, _grant = get_person_for_assessment_work(request.user, person_uuid)
        version = validated(AssessmentStartSerializer, request)["instrument_version"]
        if version.instrument.kind not in services.ASSESSED_KINDS:
            raise serializers.ValidationError({"instrument_version": [
                _where_taken(version, person)]})
        assessment = services.assessment_start(actor=request.user, person=person,
                                               instrument_version=version)
        return _saved(request, assessment, status.HTTP_201_CREATED)


class DomainJudgementSerializer(serializers.Serializer):
    judgement = serializers.CharField(required=False, allow_blank=True, max_length=40,
                                      help_text="An option code of the domain's judgement.")
    rationale = serializers.CharField(required=False, allow_blank=True, help_text=(
        "Why (required for submission where the instrument says so)."))


class AssessmentUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The version you read; 409 if it changed.")
    sources = SourceSerializer(many=True, required=False, help_text="Replaces the whole list.")
    formulation = serializers.CharField(required=False, allow_blank=True, help_text=(
        "How the factors fit together; the overall judgement itself for an instrument whose "
        "judgement is the formulation only."))
    overall_judgement = serializers.CharField(required=False, allow_blank=True, max_length=40,
                                              help_text=(
        "An option code of the instrument; refused for an instrument whose judgement is the "
        "formulation only."))
    judgement_rationale = serializers.CharField(required=False, allow_blank=True,
                                                help_text="Why the overall judgement.")
    consensus_note = serializers.CharField(required=False, allow_blank=True,
                                           help_text="How the assessors reached agreement.")
    domain_judgements = serializers.DictField(
        child=DomainJudgementSerializer(), required=False, help_text=(
            "Domain code -> its judgement and rationale, for domains that are judged. Merged "
            "into those given before: a field left out keeps its value; an empty judgement and "
            "rationale remove the domain's entry."))

    def validate(self, attrs):
        if set(attrs) == {"version"}:
            raise serializers.ValidationError(_("Send at least one field to change."))
        return attrs


def _request_field(key: str) -> str:
    """The field of the PATCH body a service error is about: its `domain_<code>` errors are
    about domain_judgements.<code>.judgement."""
    if key.startswith("domain_") and key != "domain_judgements":
        return f"domain_judgements.{key.removeprefix('domain_')}.judgement"
    return key


class AssessmentDetail(APIView):
    @extend_schema(tags=ASSESSMENTS, responses=AssessmentSerializer)
    def get(self, request, assessment_uuid):
        assessment, grant = get_assessment_for_user(request.user, assessment_uuid,
                                                    AssessmentAction.VIEW_SUMMARY)
        return _assessment_response(request.user, assessment, grant)

    @extend_schema(tags=ASSESSMENTS, request=AssessmentUpdateSerializer,
                   responses=AssessmentSerializer)
    def patch(self, request, assessment_uuid):
        assessment, _grant = get_assessment_for_user(request.user, assessment_uuid,
                                                     AssessmentAction.EDIT)
        data = validated(AssessmentUpdateSerializer, request)
        version = data.pop("version")
        if "domain_judgements" in data:
            # The version check (in the service, under lock) makes the copy read here current.
            data["domain_judgements"] = {
                code: {**assessment.domain_judgements.get(code, {}), **entry}
                for code, entry in data["domain_judgements"].items()}
        try:
            services.assessment_update(actor=request.user, assessment=assessment,
                                       expected_version=version, **data)
        except DjangoValidationError as exc:
            if not hasattr(exc, "error_dict"):
                raise
            raise serializers.ValidationError({
                _request_field(key): messages for key, messages in exc.message_dict.items()
            }) from None
        return _saved(request, assessment)


class RateItemSerializer(serializers.Serializer):
    rating = RatingField(allow_null=True, help_text=(
        "The answer (see the instrument's item: its scale, or its named ratings and their "
        "conditions); null clears the item's rating and evidence."))
    evidence = serializers.CharField(required=False, allow_blank=True, default="", help_text=(
        "What the rating rests on (refused without it where the item requires evidence)."))
    stamp = serializers.CharField(required=False, allow_blank=True, help_text=(
        "The item's stamp as you read it (\"\" if it was unrated); 409 if a colleague rated it "
        "since. Leave it out to overwrite whatever is there."))


class AssessmentItem(APIView):
    @extend_schema(tags=ASSESSMENTS, request=RateItemSerializer,
                   responses=ItemRatingSerializer,
                   description="Rate one item, or clear it (rating null). A rating the item "
                               "does not allow (off its scale, \"not_applicable\" or "
                               "\"unknown\" where it is not allowed, a named rating whose "
                               "condition is not met, an item not asked) or missing its "
                               "required evidence is refused with 400, the message naming the "
                               "item and the reason.",
                   parameters=[OpenApiParameter("item_code", str, OpenApiParameter.PATH,
                                                description="An item code of the instrument.")])
    def put(self, request, assessment_uuid, item_code):
        assessment, _grant = get_assessment_for_user(request.user, assessment_uuid,
                                                     AssessmentAction.EDIT)
        data = validated(RateItemSerializer, request)
        saved = services.assessment_rate_item(
            actor=request.user, assessment=assessment, item_code=item_code,
            rating=data["rating"], evidence=data["evidence"], expected_stamp=data.get("stamp"))
        definition = assessment.instrument_version.parsed
        ratings = ratings_map(assessment)
        row = _item_row(definition, definition.item(item_code), saved, ratings)
        return Response(ItemRatingSerializer(row).data)


# --- submission and countersignature -----------------------------------------------------------

class ReturnSerializer(VersionSerializer):
    comments = serializers.CharField(allow_blank=True, help_text="What needs to change.")


class AssessmentSubmit(APIView):
    @extend_schema(tags=ASSESSMENTS, request=VersionSerializer,
                   responses=AssessmentSerializer,
                   description="For countersignature: complete, by a certified assessor. "
                               "Refused with 400 listing every problem, keyed as "
                               "submission_problems is.")
    def post(self, request, assessment_uuid):
        assessment, _grant = get_assessment_for_user(request.user, assessment_uuid,
                                                     AssessmentAction.EDIT)
        data = validated(VersionSerializer, request)
        services.assessment_submit(actor=request.user, assessment=assessment,
                                   expected_version=data["version"])
        return _saved(request, assessment)


class AssessmentCountersign(APIView):
    @extend_schema(tags=ASSESSMENTS, request=VersionSerializer,
                   responses=AssessmentSerializer,
                   description="By a manager of the responsible agency who took no part in it.")
    def post(self, request, assessment_uuid):
        assessment, _grant = get_assessment_for_user(request.user, assessment_uuid,
                                                     AssessmentAction.COUNTERSIGN)
        data = validated(VersionSerializer, request)
        services.assessment_countersign(actor=request.user, assessment=assessment,
                                        expected_version=data["version"])
        return _saved(request, assessment)


class AssessmentReturn(APIView):
    @extend_schema(tags=ASSESSMENTS, request=ReturnSerializer,
                   responses=AssessmentSerializer,
                   description="Back to its assessors, with comments.")
    def post(self, request, assessment_uuid):
        assessment, _grant = get_assessment_for_user(request.user, assessment_uuid,
                                                     AssessmentAction.COUNTERSIGN)
        data = validated(ReturnSerializer, request)
        services.assessment_return(actor=request.user, assessment=assessment,
                                   comments=data["comments"], expected_version=data["version"])
        return _saved(request, assessment)
