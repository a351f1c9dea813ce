"""What an assessment shows: the serializers of its answer, the summary the case team may see
and the full record with its computed parts (built in reading.py)."""

from rest_framework import serializers

from alliance.core.api import one_of

from .. import services
from ..forms import SOURCE_LABELS
from ..instruments.definition import OutputType
from ..instruments.scoring import Change
from ..models import AssessmentStatus, ParticipantRole
from ..selectors import judgement_label
from .common import IN_LANGUAGE, AnswerPartSerializer, RatingField, RatingValueField, _one_of
from .instruments import InstrumentVersionSerializer


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
                                         allow_null=True,
                                         help_text="Who submitted it (username).")
    countersigned_by = serializers.CharField(source="countersigned_by.username", default=None,
                                             allow_null=True,
                                             help_text="Who countersigned it (username).")
    corrects = serializers.UUIDField(source="corrects.uuid", default=None, allow_null=True,
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
