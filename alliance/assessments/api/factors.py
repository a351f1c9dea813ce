"""The API of an assessment's additional factors (format 2): adding, changing and removing the
open-ended factors the assessors name and rate (see __init__.py)."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.core.api import ERROR_DESCRIPTIONS, ErrorSerializer, validated

from .. import services
from ..access import AssessmentAction, get_assessment_for_user
from ..models import AdditionalFactor
from .common import ASSESSMENTS, RatingField
from .reading import _factor_row, _saved
from .shown import AdditionalFactorSavedSerializer, AssessmentSerializer

FACTOR_ID = OpenApiParameter("factor_uuid", OpenApiTypes.UUID, OpenApiParameter.PATH,
                             description=("One of the assessment's additional factors "
                                          "(additional_factors[].uuid)."))
CONFLICT = OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[409])


class FactorCreateSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text=(
        "The assessment's version you read; 409 if it changed."))
    domain = serializers.CharField(required=False, allow_blank=True, default="", max_length=64,
                                   help_text=(
        "The code of a domain that takes additional factors, or \"\" for the instrument as a "
        "whole (factor_slots lists where they may be added)."))
    name = serializers.CharField(max_length=200, help_text="The factor, in your words.")
    rating = RatingField(help_text=(
        "The answer, on the ratings the instrument gives its additional factors (a value, or "
        "{rating code: value})."))
    evidence = serializers.CharField(required=False, allow_blank=True, default="",
                                     help_text="What the rating rests on.")


class FactorUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, help_text="The factor, in your words.")
    rating = RatingField(help_text="The answer (a value, or {rating code: value}).")
    evidence = serializers.CharField(required=False, allow_blank=True, default="",
                                     help_text="What the rating rests on.")
    stamp = serializers.CharField(required=False, help_text=(
        "The factor's stamp as you read it; 409 if a colleague changed it since. Leave it out "
        "to overwrite whatever is there."))


class FactorRemoveQuery(serializers.Serializer):
    version = serializers.IntegerField(help_text=(
        "The assessment's version you read; 409 if it changed."))


def _factor_of(assessment, factor_uuid) -> AdditionalFactor:
    factor = assessment.additional_factors.filter(uuid=factor_uuid).first()
    if factor is None:
        raise NotFound(_("This assessment has no such additional factor."))
    return factor


def _factor_saved(assessment, factor, code=status.HTTP_200_OK) -> Response:
    row = _factor_row(assessment.instrument_version.parsed, factor)
    row["assessment_version"] = factor.assessment.version
    return Response(AdditionalFactorSavedSerializer(row).data, status=code)


class AssessmentFactors(APIView):
    @extend_schema(tags=ASSESSMENTS, request=FactorCreateSerializer,
                   responses={201: AdditionalFactorSavedSerializer},
                   description="Add an open-ended factor (format 2) where the instrument "
                               "allows it; beyond the maximum of that place, 400.")
    def post(self, request, assessment_uuid):
        assessment, _grant = get_assessment_for_user(request.user, assessment_uuid,
                                                     AssessmentAction.EDIT)
        data = validated(FactorCreateSerializer, request)
        factor = services.factor_add(
            actor=request.user, assessment=assessment, domain=data["domain"], name=data["name"],
            rating=data["rating"], evidence=data["evidence"], expected_version=data["version"])
        return _factor_saved(assessment, factor, status.HTTP_201_CREATED)


class AssessmentFactor(APIView):
    @extend_schema(tags=ASSESSMENTS, request=FactorUpdateSerializer,
                   responses=AdditionalFactorSavedSerializer, parameters=[FACTOR_ID],
                   description="Rename or re-rate an additional factor.")
    def put(self, request, assessment_uuid, factor_uuid):
        assessment, _grant = get_assessment_for_user(request.user, assessment_uuid,
                                                     AssessmentAction.EDIT)
        data = validated(FactorUpdateSerializer, request)
        try:
            factor = services.factor_update(
                actor=request.user, assessment=assessment,
                factor=_factor_of(assessment, factor_uuid), name=data["name"],
                rating=data["rating"], evidence=data["evidence"],
                expected_stamp=data.get("stamp"))
        except AdditionalFactor.DoesNotExist:  # removed by a colleague meanwhile
            raise NotFound(_("This assessment has no such additional factor.")) from None
        return _factor_saved(assessment, factor)

    @extend_schema(tags=ASSESSMENTS, parameters=[FACTOR_ID, FactorRemoveQuery],
                   responses={200: AssessmentSerializer, 409: CONFLICT},
                   description="Remove an additional factor; the answer is the assessment as "
                               "saved.")
    def delete(self, request, assessment_uuid, factor_uuid):
        assessment, _grant = get_assessment_for_user(request.user, assessment_uuid,
                                                     AssessmentAction.EDIT)
        query = FactorRemoveQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        services.factor_remove(actor=request.user, assessment=assessment,
                               factor=_factor_of(assessment, factor_uuid),
                               expected_version=query.validated_data["version"])
        return _saved(request, assessment)
