"""REST API for instruments, screenings and assessments: the same access functions, services and
audit as the pages, so a client can do nothing here that the pages would refuse.

Every person-level read goes through assessments.access (or people.access) and is audited: a
full assessment by get_assessment_for_user, the lists below explicitly. Writes answer with the
record as saved; the service's own audit event covers that read.
"""

import dataclasses

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.core import audit
from alliance.core.api import ChoiceFilter, ListQuery, Pagination, one_of, validated
from alliance.core.i18n import current_language
from alliance.people.access import Action, get_person_for_user

from . import accreditation, selectors, services
from .access import (
    AssessmentAction,
    assessments,
    get_assessment_for_user,
    get_person_for_assessment_work,
)
from .access import screenings as screening_policy
from .instruments.definition import OutputType
from .instruments.scoring import compute_outputs, count_unknowns
from .models import (
    AssessmentStatus,
    BiasAnswer,
    InstrumentKind,
    InstrumentVersion,
    ParticipantRole,
    ScreeningOccasion,
)
from .selectors import judgement_label

# Error answers (400, 401, 403, 404, 409, 413, 415) are documented for every operation by
# core.api.AutoSchema.
INSTRUMENTS, ASSESSMENTS = ["instruments"], ["assessments"]


def _instrument_version(uuid) -> InstrumentVersion:
    version = selectors.instrument_version(uuid)
    if version is None:
        raise serializers.ValidationError(_("No such instrument version."))
    return version


# --- instruments -------------------------------------------------------------------------------

class InstrumentVersionSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    code = serializers.CharField(source="instrument.code")
    version = serializers.CharField()
    kind = serializers.CharField(source="instrument.kind", help_text=one_of(InstrumentKind))
    name = serializers.SerializerMethodField(help_text="In the request's language.")
    licence = serializers.CharField()
    is_active = serializers.BooleanField(help_text="Offered for new assessments.")
    created_at = serializers.DateTimeField()

    def get_name(self, version) -> str:
        return version.parsed.name.get(current_language())


class InstrumentVersionDetailSerializer(InstrumentVersionSerializer):
    content_hash = serializers.CharField()
    definition = serializers.JSONField(help_text="The whole definition (docs/instruments.md).")


class InstrumentListQuery(ListQuery):
    kind = ChoiceFilter(InstrumentKind.choices)


class InstrumentList(APIView):
    pagination_class = Pagination

    @extend_schema(tags=INSTRUMENTS, responses=InstrumentVersionSerializer(many=True),
                   parameters=[InstrumentListQuery])
    def get(self, request):
        # Instruments are published reference data, not person-level: any signed-in user.
        query = InstrumentListQuery.validated(request)
        pagination = self.pagination_class()
        versions = pagination.paginate_queryset(selectors.instrument_versions(query["kind"]),
                                                request, view=self)
        return pagination.get_paginated_response(
            InstrumentVersionSerializer(versions, many=True).data)


class InstrumentDetail(APIView):
    @extend_schema(tags=INSTRUMENTS, responses=InstrumentVersionDetailSerializer)
    def get(self, request, version_uuid):
        version = selectors.instrument_version(version_uuid)
        if version is None:
            raise NotFound(_("No such instrument version."))
        return Response(InstrumentVersionDetailSerializer(version).data)


# --- screenings --------------------------------------------------------------------------------

@extend_schema_field({"oneOf": [{"type": "string"}, {"type": "number"}], "description":
                      "A point code of the item's scale, \"unknown\" where the item allows it, "
                      "or a number on a numeric scale."})
class RatingField(serializers.Field):
    default_error_messages = {
        "invalid": gettext_lazy("A rating is a point code, “unknown” or a number.")}

    def to_internal_value(self, data):
        # bool is an int in Python: true would otherwise pass as the number 1.
        if isinstance(data, bool) or not isinstance(data, str | int | float):
            self.fail("invalid")
        return data

    def to_representation(self, value):
        return value


class BiasAnswerSerializer(serializers.Serializer):
    answer = serializers.ChoiceField(choices=BiasAnswer.values)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ScreeningSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    instrument = InstrumentVersionSerializer(source="instrument_version")
    occasion = serializers.ChoiceField(choices=ScreeningOccasion.choices)
    ratings = serializers.DictField(child=RatingField(), help_text="Item code -> rating.")
    evidence = serializers.DictField(child=serializers.CharField(),
                                     help_text="Item code -> what was observed.")
    bias_answers = serializers.DictField(child=BiasAnswerSerializer(),
                                         help_text="Bias check question code -> answer.")
    outcome = serializers.CharField()
    outcome_label = serializers.SerializerMethodField(help_text="In the request's language.")
    review_on = serializers.DateField(allow_null=True)
    rationale = serializers.CharField()
    screened_by = serializers.CharField(source="screened_by.username")
    screened_at = serializers.DateTimeField()

    def get_outcome_label(self, screening) -> str:
        outcomes = screening.instrument_version.parsed.outcomes
        option = outcomes.option(screening.outcome) if outcomes else None
        return option.label.get(current_language()) if option else screening.outcome


class ScreeningCreateSerializer(serializers.Serializer):
    instrument_version = serializers.UUIDField(help_text="An active screening instrument version.")
    occasion = serializers.ChoiceField(choices=ScreeningOccasion.choices)
    ratings = serializers.DictField(child=RatingField(), help_text="Item code -> rating.")
    evidence = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False,
                                     default=dict, help_text="Item code -> what was observed.")
    bias_answers = serializers.DictField(child=BiasAnswerSerializer(), required=False,
                                         default=dict,
                                         help_text="Bias check question code -> answer.")
    outcome = serializers.CharField(help_text="An outcome code of the instrument.")
    review_on = serializers.DateField(required=False, allow_null=True, default=None)
    rationale = serializers.CharField(required=False, allow_blank=True, default="")

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
            screening_policy.visible(request.user).filter(person=person)
            .select_related("instrument_version__instrument", "screened_by"),
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


# --- assessments -------------------------------------------------------------------------------

class ParticipantSerializer(serializers.Serializer):
    user = serializers.CharField(source="user.username")
    name = serializers.CharField(source="user.get_full_name")
    role = serializers.ChoiceField(choices=ParticipantRole.choices)
    added_at = serializers.DateTimeField()


class SourceSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=services.SOURCE_KINDS)
    description = serializers.CharField(max_length=500)
    on = serializers.DateField(required=False, allow_null=True)

    def validate(self, attrs):
        # Stored as the pages store it: a date as ISO text, "" when not given.
        return {"kind": attrs["kind"], "description": attrs["description"],
                "on": attrs["on"].isoformat() if attrs.get("on") else ""}


class ItemRatingSerializer(serializers.Serializer):
    item_code = serializers.CharField()
    domain = serializers.CharField()
    text = serializers.CharField(help_text="In the request's language.")
    rating = RatingField(allow_null=True, help_text="null: not rated yet.")
    evidence = serializers.CharField(allow_blank=True)
    rated_by = serializers.CharField(allow_null=True)
    rated_at = serializers.DateTimeField(allow_null=True)
    stamp = serializers.CharField(allow_blank=True, help_text=(
        "Send it back when you rate the item (\"\" if unrated): a colleague's newer rating is "
        "never overwritten (409)."))


class OutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    type = serializers.CharField()
    label = serializers.CharField()
    advisory = serializers.BooleanField()
    value = serializers.JSONField(help_text="subscales: code -> {value, answered, unknown, "
                                  "missing}; needs: need area -> item codes; protective_factors: "
                                  "item codes; unknowns: {total, by_domain}.")


class AdvisorySerializer(serializers.Serializer):
    """Computed from the ratings to help the professional judgement, never to replace it."""

    rated = serializers.IntegerField()
    total_items = serializers.IntegerField()
    unknowns = serializers.IntegerField()
    outputs = OutputSerializer(many=True)


@dataclasses.dataclass(frozen=True)
class AssessmentView:
    """An assessment with what the API shows beside it for one reader: their actions and, for a
    full read, the computed parts. Nothing is hung on the model instance."""

    assessment: object
    actions: frozenset
    item_rows: tuple = ()
    advisory: dict | None = None
    submission_problems: dict | None = None
    certified: bool = False

    def __getattr__(self, name):
        return getattr(self.assessment, name)


class AssessmentSummarySerializer(serializers.Serializer):
    """What the case team may see of an assessment (the actions say whether you may see more)."""

    uuid = serializers.UUIDField()
    instrument = InstrumentVersionSerializer(source="instrument_version")
    status = serializers.CharField(help_text=one_of(AssessmentStatus))
    overall_judgement = serializers.CharField(allow_blank=True)
    judgement_label = serializers.SerializerMethodField(help_text="In the request's language.")
    created_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    countersigned_at = serializers.DateTimeField(allow_null=True)
    actions = serializers.SerializerMethodField(help_text="What you may do: view_summary, view, "
                                                "edit, countersign.")

    def get_judgement_label(self, assessment) -> str:
        return judgement_label(assessment)

    def get_actions(self, view) -> list[str]:
        return sorted(view.actions)


class AssessmentSerializer(AssessmentSummarySerializer):
    person = serializers.UUIDField(source="person.uuid")
    person_reference = serializers.CharField(source="person.reference")
    version = serializers.IntegerField(help_text="Send it back with every change; 409 if stale.")
    lead_assessor = serializers.CharField(source="lead_assessor.username")
    participants = ParticipantSerializer(many=True)
    sources = SourceSerializer(many=True)
    formulation = serializers.CharField(allow_blank=True)
    judgement_rationale = serializers.CharField(allow_blank=True)
    consensus_note = serializers.CharField(allow_blank=True)
    return_comments = serializers.CharField(allow_blank=True)
    submitted_by = serializers.CharField(source="submitted_by.username", default=None)
    countersigned_by = serializers.CharField(source="countersigned_by.username", default=None)
    corrects = serializers.UUIDField(source="corrects.uuid", default=None)
    correction_reason = serializers.CharField(allow_blank=True)
    ratings = ItemRatingSerializer(many=True, source="item_rows",
                                   help_text="Every item of the instrument, in its order.")
    advisory = AdvisorySerializer()
    submission_problems = serializers.DictField(
        child=serializers.CharField(), help_text="What stops submission (empty once submitted).")
    certified = serializers.BooleanField(
        help_text="Whether you are currently certified for this instrument version (to submit).")


def _item_row(item, row) -> dict:
    return {"item_code": item.code, "domain": item.domain, "text": item.text.get(current_language()),
            "rating": row.rating if row else None, "evidence": row.evidence if row else "",
            "rated_by": row.rated_by.username if row else None,
            "rated_at": row.rated_at if row else None,
            "stamp": row.rated_at.isoformat() if row else ""}


def _output_value(result):
    if result.type is OutputType.SUBSCALES:
        return {code: dataclasses.asdict(sub) for code, sub in result.value.items()}
    if result.type is OutputType.UNKNOWNS:
        return dataclasses.asdict(result.value)
    return result.value  # needs: area -> item codes; protective factors: item codes


def _advisory(definition, ratings: dict) -> dict:
    labels = {output.code: output.label.get(current_language()) for output in definition.outputs}
    # "change" needs the previous assessment; it is shown by the comparison page, not here.
    outputs = [{"code": r.code, "type": r.type.value, "label": labels[r.code],
                "advisory": r.advisory, "value": _output_value(r)}
               for r in compute_outputs(definition, ratings).values()
               if r.type is not OutputType.CHANGE]
    return {"rated": len(ratings), "total_items": len(definition.items),
            "unknowns": count_unknowns(definition, ratings).total, "outputs": outputs}


def _assessment_response(user, assessment, grant, code=status.HTTP_200_OK) -> Response:
    """The full assessment for a reader who holds AssessmentAction.VIEW, else the summary."""
    if not grant.can(AssessmentAction.VIEW):
        return Response(AssessmentSummarySerializer(
            AssessmentView(assessment, grant.actions)).data, status=code)
    definition = assessment.instrument_version.parsed
    rows = {r.item_code: r for r in assessment.ratings.select_related("rated_by")}
    view = AssessmentView(
        assessment, grant.actions,
        item_rows=tuple(_item_row(item, rows.get(item.code)) for item in definition.items),
        advisory=_advisory(definition, {c: r.rating for c, r in rows.items()}),
        submission_problems=(services.submission_problems(assessment)
                             if assessment.is_editable else {}),
        certified=accreditation.is_certified(user, assessment.instrument_version))
    return Response(AssessmentSerializer(view).data, status=code)


def _saved(request, assessment, code=status.HTTP_200_OK) -> Response:
    # Read back through the policy: the response shows the record as saved.
    assessment, grant = get_assessment_for_user(request.user, assessment.uuid)
    return _assessment_response(request.user, assessment, grant, code)


class AssessmentStartSerializer(serializers.Serializer):
    instrument_version = serializers.UUIDField(help_text="An active risk and needs version.")

    def validate_instrument_version(self, value):
        return _instrument_version(value)


class PersonAssessments(APIView):
    pagination_class = Pagination

    @extend_schema(tags=ASSESSMENTS, responses=AssessmentSummarySerializer(many=True))
    def get(self, request, person_uuid):
        ListQuery.validated(request)
        person, person_access = get_person_for_user(request.user, person_uuid, Action.VIEW)
        pagination = self.pagination_class()
        shown = pagination.paginate_queryset(
            assessments.visible(request.user).filter(person=person)
            .select_related("person", "instrument_version__instrument")
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
                   responses={201: AssessmentSerializer})
    def post(self, request, person_uuid):
        person, _grant = get_person_for_assessment_work(request.user, person_uuid)
        data = validated(AssessmentStartSerializer, request)
        assessment = services.assessment_start(actor=request.user, person=person,
                                               instrument_version=data["instrument_version"])
        return _saved(request, assessment, status.HTTP_201_CREATED)


class AssessmentUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The version you read; 409 if it changed.")
    sources = SourceSerializer(many=True, required=False, help_text="Replaces the whole list.")
    formulation = serializers.CharField(required=False, allow_blank=True)
    overall_judgement = serializers.CharField(required=False, allow_blank=True, max_length=40,
                                              help_text="An option code of the instrument.")
    judgement_rationale = serializers.CharField(required=False, allow_blank=True)
    consensus_note = serializers.CharField(required=False, allow_blank=True)

    def validate(self, attrs):
        if set(attrs) == {"version"}:
            raise serializers.ValidationError(_("Send at least one field to change."))
        return attrs


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
        services.assessment_update(actor=request.user, assessment=assessment,
                                   expected_version=version, **data)
        return _saved(request, assessment)


class RateItemSerializer(serializers.Serializer):
    rating = RatingField()
    evidence = serializers.CharField(required=False, allow_blank=True, default="")
    stamp = serializers.CharField(required=False, allow_blank=True, help_text=(
        "The item's stamp as you read it (\"\" if it was unrated); 409 if a colleague rated it "
        "since. Leave it out to overwrite whatever is there."))


class AssessmentItem(APIView):
    @extend_schema(tags=ASSESSMENTS, request=RateItemSerializer,
                   responses=ItemRatingSerializer,
                   parameters=[OpenApiParameter("item_code", str, OpenApiParameter.PATH,
                                                description="An item code of the instrument.")])
    def put(self, request, assessment_uuid, item_code):
        assessment, _grant = get_assessment_for_user(request.user, assessment_uuid,
                                                     AssessmentAction.EDIT)
        data = validated(RateItemSerializer, request)
        saved = services.assessment_rate_item(
            actor=request.user, assessment=assessment, item_code=item_code,
            rating=data["rating"], evidence=data["evidence"], expected_stamp=data.get("stamp"))
        item = assessment.instrument_version.parsed.item(item_code)
        return Response(ItemRatingSerializer(_item_row(item, saved)).data)


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The version you read; 409 if it changed.")


class ReturnSerializer(VersionSerializer):
    comments = serializers.CharField(allow_blank=True, help_text="What needs to change.")


class AssessmentSubmit(APIView):
    @extend_schema(tags=ASSESSMENTS, request=VersionSerializer,
                   responses=AssessmentSerializer,
                   description="For countersignature: complete, by a certified assessor.")
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
