"""REST API for instruments, screenings and assessments: the same access functions, services and
audit as the pages, so a client can do nothing here that the pages would refuse.

Every person-level read goes through assessments.access (or people.access) and is audited: a
full assessment by get_assessment_for_user, the lists below explicitly. Writes answer with the
record as saved; the service's own audit event covers that read.

Every code in a response (a rating, a change, a judgement, a need area) has its label in the
request's language beside it, from assessments.labels, so the API says what the pages and the
PDF say.
"""

import dataclasses

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.core import audit
from alliance.core.api import (
    ERROR_DESCRIPTIONS,
    ChoiceFilter,
    ErrorSerializer,
    ListQuery,
    Pagination,
    one_of,
    validated,
)
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
from .forms import SOURCE_LABELS
from .instruments.definition import OutputType
from .instruments.scoring import (
    Change,
    RatingError,
    compare_ratings,
    compute_outputs,
    count_unknowns,
    domain_profile,
    item_asked,
    validate_rating,
)
from .labels import (
    answer_label,
    answer_parts,
    change_label,
    direction_label,
    rating_name,
    value_label,
)
from .models import (
    AdditionalFactor,
    AssessmentStatus,
    BiasAnswer,
    InstrumentKind,
    InstrumentVersion,
    ParticipantRole,
    ScreeningOccasion,
)
from .selectors import judgement_label, previous_of, ratings_map

# Error answers (400, 401, 403, 404, 409, 413, 415) are documented for every operation by
# core.api.AutoSchema.
INSTRUMENTS, ASSESSMENTS = ["instruments"], ["assessments"]
IN_LANGUAGE = "In the request's language."
# Where each kind of instrument is taken (the instrument list says it, so that a client picks
# the right endpoint; starting an assessment with another kind says it too).
TAKEN_WITH = {InstrumentKind.RISK_NEEDS: "assessment", InstrumentKind.CHECKLIST: "assessment",
              InstrumentKind.SCREENING: "screening", InstrumentKind.ALLIANCE: "alliance_measure"}


def _instrument_version(uuid) -> InstrumentVersion:
    version = selectors.instrument_version(uuid)
    if version is None:
        raise serializers.ValidationError(_("No such instrument version."))
    return version


def _one_of(values) -> str:
    """core.api.one_of for the engine's enums (not Django choices)."""
    return "One of: " + ", ".join(value.value for value in values) + "."


def _text(localised, lang: str) -> str:
    return localised.get(lang) if localised else ""


# --- instruments -------------------------------------------------------------------------------

class InstrumentVersionSerializer(serializers.Serializer):
    uuid = serializers.UUIDField(help_text="The instrument version's identifier.")
    code = serializers.CharField(source="instrument.code", help_text="The instrument's code.")
    version = serializers.CharField(help_text="The version of the instrument's definition.")
    kind = serializers.CharField(source="instrument.kind", help_text=one_of(InstrumentKind))
    kind_label = serializers.CharField(source="instrument.get_kind_display",
                                       help_text=IN_LANGUAGE)
    format = serializers.SerializerMethodField(help_text=(
        "The version of the definition format (docs/instruments.md): 1, or 2 with named "
        "ratings, conditions, not applicable, directions, domain judgements and additional "
        "factors."))
    taken_with = serializers.SerializerMethodField(help_text=(
        "Where it is taken: assessment (POST /api/v1/persons/{uuid}/assessments/), screening "
        "(POST /api/v1/persons/{uuid}/screenings/) or alliance_measure (POST "
        "/api/v1/persons/{uuid}/alliance-measures/)."))
    name = serializers.SerializerMethodField(help_text=IN_LANGUAGE)
    licence = serializers.CharField(help_text="The licence under which it is used.")
    is_active = serializers.BooleanField(help_text="Offered for new assessments.")
    created_at = serializers.DateTimeField(help_text="When this version was published.")

    def get_format(self, version) -> int:
        return version.parsed.format

    def get_taken_with(self, version) -> str:
        return TAKEN_WITH.get(version.instrument.kind, "")

    def get_name(self, version) -> str:
        return version.parsed.name.get(current_language())


class InstrumentVersionDetailSerializer(InstrumentVersionSerializer):
    content_hash = serializers.CharField(help_text="sha256 of the canonical definition.")
    definition = serializers.JSONField(help_text=(
        "The whole definition (docs/instruments.md): domains, items with their scale or named "
        "ratings and conditions, scales with their points and direction, guidance, judgements, "
        "additional factors; every text in each of its languages."))


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


# --- ratings -----------------------------------------------------------------------------------

VALUE_SCHEMA = {"oneOf": [{"type": "string"}, {"type": "number"}]}


def _is_value(data) -> bool:
    # bool is an int in Python: true would otherwise pass as the number 1.
    return not isinstance(data, bool) and isinstance(data, str | int | float)


@extend_schema_field({**VALUE_SCHEMA, "description": (
    "One value: a point code of the rating's scale, a number on a numeric scale, \"unknown\" "
    "or \"not_applicable\".")})
class RatingValueField(serializers.Field):
    def to_representation(self, value):
        return value


@extend_schema_field({"oneOf": [*VALUE_SCHEMA["oneOf"], {
    "type": "object", "additionalProperties": VALUE_SCHEMA,
    "description": "Rating code -> value, for an item with named ratings."}], "description": (
    "A point code of the item's scale, a number on a numeric scale, \"unknown\" where the item "
    "allows it, \"not_applicable\" for the whole item where it allows it, or, for an item with "
    "named ratings, an object {rating code: value} giving the ratings that are asked.")})
class RatingField(serializers.Field):
    default_error_messages = {
        "invalid": gettext_lazy("A rating is a point code, “unknown”, “not_applicable”, a number, "
                                "or for an item with named ratings an object of them.")}

    def to_internal_value(self, data):
        if isinstance(data, dict):
            if not all(_is_value(value) for value in data.values()):
                self.fail("invalid")
            return dict(data)
        if not _is_value(data):
            self.fail("invalid")
        return data

    def to_representation(self, value):
        return value


class AnswerPartSerializer(serializers.Serializer):
    code = serializers.CharField(allow_blank=True, help_text=(
        "The named rating's code; \"\" for an item's one rating, or for \"not_applicable\" "
        "given to the whole item."))
    name = serializers.CharField(allow_blank=True, help_text=(
        "The named rating's label (\"Influence on offending\"), in the request's language; \"\" "
        "for an item's one rating."))
    value = RatingValueField(help_text="The value as stored.")
    label = serializers.CharField(help_text="The value's label, in the request's language.")


# --- screenings --------------------------------------------------------------------------------

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


# --- what an assessment shows ------------------------------------------------------------------

class ParticipantSerializer(serializers.Serializer):
    user = serializers.CharField(source="user.username", help_text="The assessor's username.")
    name = serializers.CharField(source="user.get_full_name", help_text="The assessor's name.")
    role = serializers.ChoiceField(choices=ParticipantRole.choices,
                                   help_text="Lead assessor or co-assessor.")
    role_label = serializers.CharField(source="get_role_display", help_text=IN_LANGUAGE)
    added_at = serializers.DateTimeField(help_text="When they joined the assessment.")


class SourceSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=services.SOURCE_KINDS,
                                   help_text="What kind of source of information.")
    kind_label = serializers.SerializerMethodField(help_text=IN_LANGUAGE)
    description = serializers.CharField(max_length=500, help_text="What was consulted.")
    on = serializers.DateField(required=False, allow_null=True,
                               help_text="When it was consulted, if known.")

    def get_kind_label(self, source) -> str:
        return str(SOURCE_LABELS.get(source.get("kind"), source.get("kind", "")))

    def validate(self, attrs):
        # Stored as the pages store it: a date as ISO text, "" when not given.
        return {"kind": attrs["kind"], "description": attrs["description"],
                "on": attrs["on"].isoformat() if attrs.get("on") else ""}


class ItemRatingSerializer(serializers.Serializer):
    item_code = serializers.CharField(help_text="The item's code in the instrument.")
    domain = serializers.CharField(help_text="The code of the item's domain.")
    text = serializers.CharField(help_text=IN_LANGUAGE)
    rating = RatingField(allow_null=True, help_text="The answer as stored; null: not rated yet.")
    label = serializers.CharField(allow_blank=True, help_text=(
        "The answer in one line, in the request's language (\"Clearly present · Influence on "
        "offending: Strong\"); \"\" when not rated."))
    parts = AnswerPartSerializer(many=True, help_text=(
        "The answer rating by rating, in the instrument's order, each with its label; empty "
        "when not rated."))
    asked = serializers.BooleanField(help_text=(
        "False for a conditional item whose condition is not met by the other ratings: leave it "
        "unrated (a rating is refused)."))
    evidence = serializers.CharField(allow_blank=True, help_text="What the rating rests on.")
    rated_by = serializers.CharField(allow_null=True, help_text="Who rated it (username).")
    rated_at = serializers.DateTimeField(allow_null=True, help_text="When it was rated.")
    stamp = serializers.CharField(allow_blank=True, help_text=(
        "Send it back when you rate the item (\"\" if unrated): a colleague's newer rating is "
        "never overwritten (409)."))


class ItemRefSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The item's code.")
    text = serializers.CharField(help_text=IN_LANGUAGE)


class SubscaleRowSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The subscale's code.")
    label = serializers.CharField(help_text=IN_LANGUAGE)
    value = serializers.FloatField(allow_null=True, help_text=(
        "Sum or mean of the known ratings; null when too few are known to say anything."))
    answered = serializers.IntegerField(help_text="Items with a known rating.")
    unknown = serializers.IntegerField(help_text="Items rated unknown.")
    missing = serializers.IntegerField(help_text="Items not rated yet.")
    not_applicable = serializers.IntegerField(help_text=(
        "Items not applicable, or not asked: outside the subscale for this person."))


class NeedRowSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The need area's code.")
    label = serializers.CharField(help_text=IN_LANGUAGE)
    items = ItemRefSerializer(many=True, help_text="The items rated at or above the threshold.")


class DomainCountSerializer(serializers.Serializer):
    domain = serializers.CharField(help_text="The domain's code.")
    name = serializers.CharField(help_text=IN_LANGUAGE)
    count = serializers.IntegerField(help_text="Items of the domain rated unknown.")


class OutputSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The output's code in the instrument.")
    type = serializers.CharField(help_text=_one_of(OutputType))
    label = serializers.CharField(help_text=IN_LANGUAGE)
    advisory = serializers.BooleanField(help_text="Advisory: helps the judgement, never a "
                                        "decision.")
    value = serializers.JSONField(help_text="Codes only, as computed: subscales: code -> "
                                  "{value, answered, unknown, missing, not_applicable}; needs: "
                                  "need area -> item codes; protective_factors: item codes; "
                                  "unknowns: {total, by_domain}. The fields below say the same "
                                  "with labels.")
    subscales = SubscaleRowSerializer(many=True, help_text="For type subscales; else empty.")
    needs = NeedRowSerializer(many=True, help_text=(
        "For type needs: each need area with its items at or above the threshold; else empty."))
    protective_factors = ItemRefSerializer(many=True, help_text=(
        "For type protective_factors: the protective items at or above the threshold; else "
        "empty."))
    unknowns = DomainCountSerializer(many=True, help_text=(
        "For type unknowns: items rated unknown, per domain; else empty."))


class AdvisorySerializer(serializers.Serializer):
    """Computed from the ratings to help the professional judgement, never to replace it."""

    rated = serializers.IntegerField(help_text="Items rated so far.")
    total_items = serializers.IntegerField(help_text="Items of the instrument.")
    unknowns = serializers.IntegerField(help_text="Items rated unknown.")
    outputs = OutputSerializer(many=True, help_text="The outputs the instrument declares "
                               "(except change: see comparison).")


class DomainProfileSerializer(serializers.Serializer):
    """How much of a domain is present, as a share of its scale (advisory, for a chart)."""

    concern = serializers.FloatField(allow_null=True, help_text=(
        "0 to 1: the mean of the known concern ratings on their scales; null if none."))
    protection = serializers.FloatField(allow_null=True, help_text=(
        "0 to 1: the mean of the known protection ratings on their scales; null if none."))
    rated = serializers.IntegerField(help_text="Items of the domain rated.")
    unknown = serializers.IntegerField(help_text="Items rated unknown.")
    not_applicable = serializers.IntegerField(help_text="Items not applicable, or not asked.")
    items = serializers.IntegerField(help_text="Items of the domain.")


class AssessmentDomainSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The domain's code.")
    name = serializers.CharField(help_text=IN_LANGUAGE)
    description = serializers.CharField(allow_blank=True, help_text=IN_LANGUAGE)
    judged = serializers.BooleanField(help_text=(
        "Whether the instrument asks for a judgement of this domain (PATCH domain_judgements)."))
    judgement = serializers.CharField(allow_blank=True, help_text=(
        "An option code of the domain's judgement (the instrument's options); \"\" if not "
        "given."))
    judgement_label = serializers.CharField(allow_blank=True, help_text=IN_LANGUAGE)
    rationale = serializers.CharField(allow_blank=True, help_text="Why this judgement.")
    profile = DomainProfileSerializer(help_text="Advisory: computed from the ratings.")


class AdditionalFactorSerializer(serializers.Serializer):
    """An open-ended factor the assessor named and rated (format 2)."""

    uuid = serializers.UUIDField(help_text=(
        "The factor's identifier, for PUT and DELETE under this assessment."))
    domain = serializers.CharField(allow_blank=True, help_text=(
        "The code of its domain; \"\" for a factor of the instrument as a whole."))
    slot_label = serializers.CharField(allow_blank=True, help_text=(
        "The label of the place it was added (\"Other factors of engagement\"), in the "
        "request's language."))
    name = serializers.CharField(help_text="The factor, in the assessor's words.")
    rating = RatingField(help_text="The answer as stored (a value, or {rating code: value}).")
    label = serializers.CharField(allow_blank=True, help_text=(
        "The answer in one line, in the request's language."))
    parts = AnswerPartSerializer(many=True, help_text="The answer rating by rating, labelled.")
    evidence = serializers.CharField(allow_blank=True, help_text="What the rating rests on.")
    rated_by = serializers.CharField(help_text="Who rated it (username).")
    rated_at = serializers.DateTimeField(help_text="When it was rated.")
    stamp = serializers.CharField(help_text=(
        "Send it back when you change the factor: a colleague's newer change is never "
        "overwritten (409)."))


class AdditionalFactorSavedSerializer(AdditionalFactorSerializer):
    assessment_version = serializers.IntegerField(help_text=(
        "The assessment's version now: send it with your next change of the assessment."))


class FactorSlotSerializer(serializers.Serializer):
    domain = serializers.CharField(allow_blank=True, help_text=(
        "The domain that takes additional factors; \"\" for the instrument as a whole."))
    label = serializers.CharField(help_text=IN_LANGUAGE)
    guidance = serializers.CharField(allow_blank=True, help_text=IN_LANGUAGE)
    maximum = serializers.IntegerField(help_text="How many may be added here; more is refused.")
    added = serializers.IntegerField(help_text="How many are added so far.")


class RatingChangeSerializer(serializers.Serializer):
    """How one rating moved since the previous assessment."""

    key = serializers.CharField(help_text="\"E1\" for an item's one rating, \"E1:influence\" "
                                "for a named rating.")
    item_code = serializers.CharField(help_text="The item's code.")
    text = serializers.CharField(help_text="The item's text, in the request's language.")
    rating = serializers.CharField(allow_blank=True, help_text=(
        "The named rating's code; \"\" for an item's one rating."))
    rating_name = serializers.CharField(allow_blank=True, help_text=IN_LANGUAGE)
    change = serializers.CharField(help_text=_one_of(Change) + " up is a higher value, whatever "
                                   "that means: see concern.")
    change_label = serializers.CharField(help_text=(
        "What the move means, by the rating's direction (\"less protection\"), in the "
        "request's language."))
    direction = serializers.CharField(allow_blank=True, help_text=(
        "concern (higher is more concern), protection (higher is more protection), or \"\" "
        "on an unordered scale."))
    direction_label = serializers.CharField(allow_blank=True, help_text=IN_LANGUAGE)
    concern = serializers.CharField(allow_blank=True, help_text=(
        "worse (more concern, or less protection), better, or \"\" (no move, or no "
        "direction)."))
    before = RatingValueField(allow_null=True, help_text=(
        "The previous value; null when it was not rated."))
    before_label = serializers.CharField(allow_blank=True, help_text=IN_LANGUAGE)
    after = RatingValueField(allow_null=True, help_text="The value now; null when not rated.")
    after_label = serializers.CharField(allow_blank=True, help_text=IN_LANGUAGE)


class ComparisonSerializer(serializers.Serializer):
    previous = serializers.UUIDField(allow_null=True, help_text=(
        "The assessment compared with (the one corrected, or the latest earlier final one of "
        "the same instrument); null when there is none."))
    previous_completed_at = serializers.DateTimeField(allow_null=True,
                                                      help_text="When it was completed.")
    changes = RatingChangeSerializer(many=True, help_text=(
        "Every rating given in either, in the instrument's order (a rating of an item that "
        "does not apply, or is not asked, on either side is not_applicable, never a move)."))


@dataclasses.dataclass(frozen=True)
class AssessmentView:
    """An assessment with what the API shows beside it for one reader: their actions and, for a
    full read, the computed parts. Nothing is hung on the model instance."""

    assessment: object
    actions: frozenset
    item_rows: tuple = ()
    domains: tuple = ()
    factor_rows: tuple = ()
    factor_slots: tuple = ()
    advisory: dict | None = None
    comparison: dict | None = None
    submission_problems: dict | None = None
    certified: bool = False
    formulation_only: bool = False

    def __getattr__(self, name):
        return getattr(self.assessment, name)


class AssessmentSummarySerializer(serializers.Serializer):
    """What the case team may see of an assessment (the actions say whether you may see more)."""

    uuid = serializers.UUIDField(help_text="The assessment's identifier.")
    instrument = InstrumentVersionSerializer(source="instrument_version",
                                             help_text="The instrument version used.")
    status = serializers.CharField(help_text=one_of(AssessmentStatus))
    status_label = serializers.CharField(source="get_status_display", help_text=IN_LANGUAGE)
    overall_judgement = serializers.CharField(allow_blank=True, help_text=(
        "An option code of the instrument's overall judgement; always \"\" for an instrument "
        "whose judgement is the formulation only."))
    judgement_label = serializers.SerializerMethodField(help_text=IN_LANGUAGE)
    created_at = serializers.DateTimeField(help_text="When the draft was started.")
    submitted_at = serializers.DateTimeField(allow_null=True,
                                             help_text="When it was submitted, if it was.")
    countersigned_at = serializers.DateTimeField(allow_null=True, help_text=(
        "When it was countersigned, if it was."))
    actions = serializers.SerializerMethodField(help_text="What you may do: view_summary, view, "
                                                "edit, countersign, correct.")

    def get_judgement_label(self, assessment) -> str:
        return judgement_label(assessment)

    def get_actions(self, view) -> list[str]:
        return sorted(view.actions)


class AssessmentSerializer(AssessmentSummarySerializer):
    person = serializers.UUIDField(source="person.uuid", help_text="The person assessed.")
    person_reference = serializers.CharField(source="person.reference",
                                             help_text="The person's reference.")
    version = serializers.IntegerField(help_text="Send it back with every change; 409 if stale.")
    lead_assessor = serializers.CharField(source="lead_assessor.username",
                                          help_text="The lead assessor (username).")
    participants = ParticipantSerializer(many=True, help_text="The assessors.")
    sources = SourceSerializer(many=True, help_text="The sources of information consulted.")
    formulation = serializers.CharField(allow_blank=True, help_text=(
        "How the factors fit together for this person; the overall judgement itself when "
        "formulation_only."))
    formulation_only = serializers.BooleanField(help_text=(
        "The instrument's overall judgement is the formulation alone, with no level: "
        "overall_judgement stays empty (a level is refused)."))
    judgement_rationale = serializers.CharField(allow_blank=True,
                                                help_text="Why the overall judgement.")
    consensus_note = serializers.CharField(allow_blank=True, help_text=(
        "How the assessors reached agreement."))
    return_comments = serializers.CharField(allow_blank=True, help_text=(
        "What the countersigning manager asked to change, if it was returned."))
    submitted_by = serializers.CharField(source="submitted_by.username", default=None,
                                         help_text="Who submitted it (username).")
    countersigned_by = serializers.CharField(source="countersigned_by.username", default=None,
                                             help_text="Who countersigned it (username).")
    corrects = serializers.UUIDField(source="corrects.uuid", default=None,
                                     help_text="The assessment this one corrects, if any.")
    correction_reason = serializers.CharField(allow_blank=True,
                                              help_text="Why it was corrected.")
    ratings = ItemRatingSerializer(many=True, source="item_rows",
                                   help_text="Every item of the instrument, in its order.")
    domains = AssessmentDomainSerializer(many=True, help_text=(
        "Every domain, in order, with its judgement (where it is judged) and its profile."))
    additional_factors = AdditionalFactorSerializer(many=True, source="factor_rows", help_text=(
        "The factors the assessors added, by place: the domains in order, then the "
        "instrument's own (domain \"\")."))
    factor_slots = FactorSlotSerializer(many=True, help_text=(
        "Where additional factors may be added, with the maximum of each."))
    advisory = AdvisorySerializer(help_text="Computed from the ratings; never the judgement.")
    comparison = ComparisonSerializer(help_text="The change since the previous assessment.")
    submission_problems = serializers.DictField(
        child=serializers.CharField(), help_text=(
            "What stops submission, in the request's language (empty once submitted): "
            "item_<code> (not rated, a named rating missing, rated although not asked, "
            "evidence), domain_<code> (its judgement or rationale), sources, formulation, "
            "overall_judgement, judgement_rationale."))
    certified = serializers.BooleanField(
        help_text="Whether you are currently certified for this instrument version (to submit).")


def _item_row(definition, item, row, ratings: dict) -> dict:
    lang = current_language()
    rating = row.rating if row else None
    return {"item_code": item.code, "domain": item.domain, "text": item.text.get(lang),
            "rating": rating, "label": answer_label(definition, item, rating, lang),
            "parts": answer_parts(definition, item, rating, lang),
            "asked": item_asked(definition, item, ratings),
            "evidence": row.evidence if row else "",
            "rated_by": row.rated_by.username if row else None,
            "rated_at": row.rated_at if row else None,
            "stamp": row.rated_at.isoformat() if row else ""}


def _output_row(definition, result, label: str, lang: str) -> dict:
    row = {"code": result.code, "type": result.type.value, "label": label,
           "advisory": result.advisory, "subscales": [], "needs": [],
           "protective_factors": [], "unknowns": []}

    def ref(code):
        return {"code": code, "text": definition.item(code).text.get(lang)}

    match result.type:
        case OutputType.SUBSCALES:
            row["value"] = {code: dataclasses.asdict(sub) for code, sub in result.value.items()}
            row["subscales"] = [
                {"code": code, "label": definition.subscale(code).label.get(lang),
                 "value": sub.value, "answered": sub.answered, "unknown": sub.unknown,
                 "missing": sub.missing, "not_applicable": sub.not_applicable}
                for code, sub in result.value.items()]
        case OutputType.NEEDS:
            row["value"] = result.value
            row["needs"] = [{"code": area, "label": definition.need_area(area).label.get(lang),
                             "items": [ref(code) for code in codes]}
                            for area, codes in result.value.items()]
        case OutputType.PROTECTIVE_FACTORS:
            row["value"] = result.value
            row["protective_factors"] = [ref(code) for code in result.value]
        case OutputType.UNKNOWNS:
            row["value"] = dataclasses.asdict(result.value)
            row["unknowns"] = [{"domain": code, "name": definition.domain(code).name.get(lang),
                                "count": count} for code, count in result.value.by_domain.items()]
    return row


def _advisory(definition, ratings: dict) -> dict:
    lang = current_language()
    labels = {output.code: output.label.get(lang) for output in definition.outputs}
    # "change" needs the previous assessment: it is the comparison.
    outputs = [_output_row(definition, r, labels[r.code], lang)
               for r in compute_outputs(definition, ratings).values()
               if r.type is not OutputType.CHANGE]
    return {"rated": len(ratings), "total_items": len(definition.items),
            "unknowns": count_unknowns(definition, ratings).total, "outputs": outputs}


def _domains(definition, assessment, ratings: dict) -> tuple:
    lang = current_language()
    profile = domain_profile(definition, ratings)
    rows = []
    for domain in definition.domains:
        entry = assessment.domain_judgements.get(domain.code, {}) if domain.judgement else {}
        option = domain.judgement.option(entry.get("judgement", "")) if domain.judgement else None
        shares = dataclasses.asdict(profile[domain.code])
        del shares["domain"]
        rows.append({"code": domain.code, "name": domain.name.get(lang),
                     "description": _text(domain.description, lang),
                     "judged": domain.judgement is not None,
                     "judgement": entry.get("judgement", ""),
                     "judgement_label": option.label.get(lang) if option else "",
                     "rationale": entry.get("rationale", ""), "profile": shares})
    return tuple(rows)


def _slot_label(definition, slot, lang: str) -> str:
    if slot.label:
        return slot.label.get(lang)
    return definition.domain(slot.domain).name.get(lang) if slot.domain else _(
        "Additional factors")


def _factor_row(definition, factor) -> dict:
    lang = current_language()
    slot = definition.factor_slot(factor.domain)
    return {"uuid": str(factor.uuid), "domain": factor.domain,
            "slot_label": _slot_label(definition, slot, lang) if slot else "",
            "name": factor.name, "rating": factor.rating,
            "label": answer_label(definition, slot, factor.rating, lang) if slot else "",
            "parts": answer_parts(definition, slot, factor.rating, lang) if slot else [],
            "evidence": factor.evidence, "rated_by": factor.rated_by.username,
            "rated_at": factor.rated_at, "stamp": factor.rated_at.isoformat()}


def _factor_slots(definition, factors) -> tuple:
    lang = current_language()
    return tuple({"domain": slot.domain, "label": _slot_label(definition, slot, lang),
                  "guidance": _text(slot.guidance, lang), "maximum": slot.maximum,
                  "added": sum(1 for f in factors if f.domain == slot.domain)}
                 for slot in definition.factor_slots)


def _still_valid(definition, item_code, rating) -> bool:
    """Whether an earlier rating still means something under this version (same item code, a
    value its scale still has): across versions, only those are compared."""
    if not definition.has_item(item_code):
        return False
    try:
        validate_rating(definition, item_code, rating)
    except RatingError:
        return False
    return True


def _comparison(assessment, definition, ratings: dict) -> dict:
    previous = previous_of(assessment)
    if previous is None:
        return {"previous": None, "previous_completed_at": None, "changes": []}
    lang = current_language()
    before = {code: rating for code, rating in ratings_map(previous).items()
              if _still_valid(definition, code, rating)}
    changes = []
    for key, change in compare_ratings(definition, before, ratings).items():
        item = definition.item(change.item_code)
        scale = definition.scale_for(item, change.rating).code
        changes.append({
            "key": key, "item_code": item.code, "text": item.text.get(lang),
            "rating": change.rating,
            "rating_name": rating_name(definition, item, change.rating, lang)
            if item.named_ratings else "",
            "change": change.change.value,
            "change_label": change_label(change.change, change.direction),
            "direction": change.direction, "direction_label": direction_label(change.direction),
            "concern": change.concern.value,
            "before": change.before, "before_label": value_label(definition, scale,
                                                                 change.before, lang),
            "after": change.after, "after_label": value_label(definition, scale, change.after,
                                                              lang)})
    return {"previous": previous.uuid, "previous_completed_at": previous.completed_at,
            "changes": changes}


def _assessment_response(user, assessment, grant, code=status.HTTP_200_OK) -> Response:
    """The full assessment for a reader who holds AssessmentAction.VIEW, else the summary."""
    if not grant.can(AssessmentAction.VIEW):
        return Response(AssessmentSummarySerializer(
            AssessmentView(assessment, grant.actions)).data, status=code)
    definition = assessment.instrument_version.parsed
    rows = {r.item_code: r for r in assessment.ratings.select_related("rated_by")}
    ratings = {c: r.rating for c, r in rows.items()}
    # In the instrument's order of places (its domains, then the instrument's own).
    places = {slot.domain: n for n, slot in enumerate(definition.factor_slots)}
    factors = sorted(assessment.additional_factors.select_related("rated_by"),
                     key=lambda f: (places.get(f.domain, len(places)), f.pk))
    choice = definition.overall_judgement
    view = AssessmentView(
        assessment, grant.actions,
        item_rows=tuple(_item_row(definition, item, rows.get(item.code), ratings)
                        for item in definition.items),
        domains=_domains(definition, assessment, ratings),
        factor_rows=tuple(_factor_row(definition, f) for f in factors),
        factor_slots=_factor_slots(definition, factors),
        advisory=_advisory(definition, ratings),
        comparison=_comparison(assessment, definition, ratings),
        submission_problems=(services.submission_problems(assessment)
                             if assessment.is_editable else {}),
        certified=accreditation.is_certified(user, assessment.instrument_version),
        formulation_only=bool(choice and choice.formulation_only))
    return Response(AssessmentSerializer(view).data, status=code)


def _saved(request, assessment, code=status.HTTP_200_OK) -> Response:
    # Read back through the policy: the response shows the record as saved.
    assessment, grant = get_assessment_for_user(request.user, assessment.uuid)
    return _assessment_response(request.user, assessment, grant, code)


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


# --- additional factors ------------------------------------------------------------------------

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


# --- submission and countersignature -----------------------------------------------------------

class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The version you read; 409 if it changed.")


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
