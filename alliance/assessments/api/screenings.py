"""The API of screenings: a person's list, and recording one in one request (see __init__.py)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.core import audit
from alliance.core.api import ListQuery, Pagination, validated
from alliance.core.i18n import current_language

from .. import services
from ..access import get_person_for_assessment_work
from ..access import screenings as screening_policy
from ..labels import answer_label
from ..models import BiasAnswer, ScreeningOccasion
from .common import ASSESSMENTS, IN_LANGUAGE, RatingField, _instrument_version
from .instruments import InstrumentVersionSerializer


class BiasAnswerSerializer(serializers.Serializer):
    answer = serializers.ChoiceField(choices=BiasAnswer.values,
                                     help_text="The answer to the bias check question.")
    note = serializers.CharField(required=False, allow_blank=True, default="",
                                 help_text="What the answer rests on.")


class ScreeningSerializer(serializers.Serializer):
    uuid = serializers.UUIDField(help_text="The screening's identifier.")
    instrument = InstrumentVersionSerializer(source="instrument_version",
                                             help_text="The instrument version used.")
    occasion = serializers.ChoiceField(choices=ScreeningOccasion.choices,
                                       help_text="Why the screening was done.")
    occasion_label = serializers.CharField(source="get_occasion_display", help_text=IN_LANGUAGE)
    ratings = serializers.DictField(child=RatingField(), help_text="Item code -> rating.")
    rating_labels = serializers.SerializerMethodField(help_text=(
        "Item code -> the rating's label, in the request's language."))
    evidence = serializers.DictField(child=serializers.CharField(),
                                     help_text="Item code -> what was observed.")
    bias_answers = serializers.DictField(child=BiasAnswerSerializer(),
                                         help_text="Bias check question code -> answer.")
    outcome = serializers.CharField(help_text="An outcome code of the instrument.")
    outcome_label = serializers.SerializerMethodField(help_text=IN_LANGUAGE)
    review_on = serializers.DateField(allow_null=True, help_text="When to screen again, if set.")
    rationale = serializers.CharField(help_text="Why this outcome.")
    screened_by = serializers.CharField(source="screened_by.username",
                                        help_text="Who screened (username).")
    screened_at = serializers.DateTimeField(help_text="When it was recorded.")

    def get_rating_labels(self, screening) -> dict[str, str]:
        definition, lang = screening.instrument_version.parsed, current_language()
        return {code: answer_label(definition, definition.item(code), rating, lang)
                for code, rating in screening.ratings.items() if definition.has_item(code)}

    def get_outcome_label(self, screening) -> str:
        outcomes = screening.instrument_version.parsed.outcomes
        option = outcomes.option(screening.outcome) if outcomes else None
        return option.label.get(current_language()) if option else screening.outcome


class ScreeningCreateSerializer(serializers.Serializer):
    instrument_version = serializers.UUIDField(help_text="An active screening instrument version.")
    occasion = serializers.ChoiceField(choices=ScreeningOccasion.choices,
                                       help_text="Why the screening is done.")
    ratings = serializers.DictField(child=RatingField(), help_text="Item code -> rating.")
    evidence = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False,
                                     default=dict, help_text="Item code -> what was observed.")
    bias_answers = serializers.DictField(child=BiasAnswerSerializer(), required=False,
                                         default=dict,
                                         help_text="Bias check question code -> answer.")
    outcome = serializers.CharField(help_text="An outcome code of the instrument.")
    review_on = serializers.DateField(required=False, allow_null=True, default=None,
                                      help_text="When to screen again (some outcomes need it).")
    rationale = serializers.CharField(required=False, allow_blank=True, default="",
                                      help_text="Why this outcome.")

    def validate_instrument_version(self, value):
        version = _instrument_version(value)
        # The pages only offer active versions; services.screening_create does not check it.
        if not version.is_active:
            raise serializers.ValidationError(_("This instrument version is no longer offered."))
        return version


class PersonScreenings(APIView):
    pagination_class = Pagination

    @extend_schema(tags=ASSESSMENTS, responses=ScreeningSerializer(many=True))
    def get(self, request, person_uuid):
        ListQuery.validated(request)
        person, grant = get_person_for_assessment_work(request.user, person_uuid)
        pagination = self.pagination_class()
        screenings = pagination.paginate_queryset(
            screening_policy.for_person(request.user, person)
            .select_related("instrument_version__instrument", "screened_by")
            .defer("instrument_version__definition"),
            request, view=self)
        audit.consulted(actor=request.user, obj=person, agency=grant.agency,
                        details={"resource": "screenings", "count": len(screenings),
                                 "page": pagination.page.number})
        return pagination.get_paginated_response(
            ScreeningSerializer(screenings, many=True).data)

    @extend_schema(tags=ASSESSMENTS, request=ScreeningCreateSerializer,
                   responses={201: ScreeningSerializer})
    def post(self, request, person_uuid):
        person, _grant = get_person_for_assessment_work(request.user, person_uuid)
        screening = services.screening_create(actor=request.user, person=person,
                                              **validated(ScreeningCreateSerializer, request))
        return Response(ScreeningSerializer(screening).data, status=status.HTTP_201_CREATED)
