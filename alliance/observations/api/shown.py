"""What the dynamic-security API answers: observations (a list row, the full entry) and shared
summaries, with the keys only the security side reads left out, key and all, for anyone else."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from alliance.accounts.models import Role
from alliance.core.api import one_of
from alliance.plans.api.common import StaffSerializer

from ..models import Category, ObservationStatus
from .reading import grades_of

IN_LANGUAGE = "In the request's language."


class GradeSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The grade's code in the observation's scheme.")
    label = serializers.CharField(help_text=IN_LANGUAGE)


class HandlingGradeSerializer(GradeSerializer):
    reach = serializers.CharField(help_text=(
        "How far a summary drawing on the observation may go: partners (any member of the case "
        "team), agency (case-team members of the recording agency only), originator (no "
        "summary may draw on it)."))


class GradingSerializer(serializers.Serializer):
    scheme = serializers.CharField(help_text="The scheme it was graded with: 5x5x5 or 3x5x2 "
                                             "(docs/dynamic-security.md).")
    scheme_name = serializers.CharField(help_text=IN_LANGUAGE)
    source_reliability = GradeSerializer(help_text="How reliable the source is.")
    information_assessment = GradeSerializer(help_text="How far the information itself can "
                                                       "be trusted.")
    handling_code = HandlingGradeSerializer(help_text="Who may ever read a summary of it.")


class EscalationIndicatorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The indicator's code (send codes when recording).")
    name = serializers.CharField(source="display_name", help_text=IN_LANGUAGE)


class _Observed(serializers.Serializer):
    """What every reading of an observation shows."""

    uuid = serializers.UUIDField()
    person = serializers.UUIDField(source="person.uuid")
    observed_at = serializers.DateTimeField()
    category = serializers.CharField(help_text=one_of(Category))
    category_label = serializers.CharField(source="get_category_display", help_text=IN_LANGUAGE)
    unit = serializers.CharField(source="unit.name", default=None, allow_null=True,
                                 help_text="The wing or unit, if known.")
    grading = serializers.SerializerMethodField(help_text="Its grading, with labels.")
    escalated = serializers.BooleanField(help_text="It carries escalation indicators: the case "
                                                   "manager and the security lead were told.")
    status = serializers.CharField(help_text=one_of(ObservationStatus)
                                   + " Reviewed or later: fixed (correct it with an addendum).")
    status_label = serializers.CharField(source="get_status_display", help_text=IN_LANGUAGE)
    recorded_by = StaffSerializer(help_text="The officer who recorded it.")
    recorded_at = serializers.DateTimeField(source="created_at")
    reviewed_at = serializers.DateTimeField(allow_null=True,
                                            help_text="When an analyst read it; null until then.")
    version = serializers.IntegerField(help_text="Send it back to correct it; 409 if stale.")

    @extend_schema_field(GradingSerializer)
    def get_grading(self, observation):
        return grades_of(observation)


class ObservationRowSerializer(_Observed):
    """An observation in a list: its texts are read one at a time (each read is audited)."""

    indicators = serializers.SerializerMethodField(help_text="Codes of its escalation "
                                                             "indicators.")

    def get_indicators(self, observation) -> list[str]:
        return [i.code for i in observation.indicators.all()]


class AddendumSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    text = serializers.CharField()
    author = StaffSerializer()
    created_at = serializers.DateTimeField()


class ObservationLinkSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    observation = serializers.UUIDField(source="other.uuid",
                                        help_text="The observation at the other end.")
    person = serializers.UUIDField(source="other.person.uuid",
                                   help_text="Its person (an associate, or the same person).")
    person_reference = serializers.CharField(source="other.person.reference")
    observed_at = serializers.DateTimeField(source="other.observed_at")
    category = serializers.CharField(source="other.category", help_text=one_of(Category))
    note = serializers.CharField(allow_blank=True, help_text="Why they belong together.")
    created_by = StaffSerializer()
    created_at = serializers.DateTimeField()


SECURITY_ONLY = ("reviewed_by", "archived_reason", "addenda", "links")


class ObservationSerializer(_Observed):
    """The whole entry for the security side; an observer outside it reads their own entry (the
    keys in SECURITY_ONLY are absent for them)."""

    person_reference = serializers.CharField(source="person.reference")
    facility = serializers.CharField(source="facility.name",
                                     help_text="The prison where it was recorded.")
    verbatim = serializers.CharField(help_text="What was seen or heard: the facts, words as "
                                               "they were said. Stored and answered verbatim.")
    context = serializers.CharField(allow_blank=True)
    opinion = serializers.CharField(allow_blank=True, help_text="The observer's assessment, kept "
                                                                "apart from the facts.")
    indicators = EscalationIndicatorSerializer(many=True)
    feedback = serializers.CharField(allow_blank=True,
                                     help_text="The analyst's feedback to the observer.")
    actions = serializers.SerializerMethodField(help_text=(
        "What you may do: view, edit (its author, before review), addendum (its author or an "
        "analyst, after review), review, link, archive (an analyst)."))
    reviewed_by = StaffSerializer(required=False, allow_null=True,
                                  help_text="Security side only: the analyst who read it.")
    archived_reason = serializers.CharField(required=False, allow_blank=True,
                                            help_text="Security side only.")
    addenda = AddendumSerializer(many=True, required=False,
                                 help_text="Security side only: corrections after review, "
                                           "oldest first.")
    links = ObservationLinkSerializer(many=True, required=False, help_text=(
        "Security side only: observations an analyst reads with this one (those you hold)."))

    def get_actions(self, view) -> list[str]:
        return sorted(view.actions)

    def to_representation(self, view):
        data = super().to_representation(view)
        if not view.security_side:
            for key in SECURITY_ONLY:
                del data[key]
        return data


class RecipientSerializer(serializers.Serializer):
    user = StaffSerializer(allow_null=True, help_text="A named member of the case team.")
    role = serializers.CharField(allow_blank=True,
                                 help_text="Or every holder of this role on the case team.")
    role_label = serializers.SerializerMethodField(help_text=IN_LANGUAGE)

    def get_role_label(self, recipient) -> str:
        return str(dict(Role.choices).get(recipient.role, recipient.role))


class _UuidOf(serializers.UUIDField):
    """A record given by its public id."""

    def to_representation(self, value):
        return super().to_representation(value.uuid)


SUMMARY_SECURITY_ONLY = ("recipients", "observations", "withdrawn_reason", "version")


class SharedSummarySerializer(serializers.Serializer):
    """A sanitised summary the security side shared. Its recipients read the text; the security
    side reads the whole sharing decision (the keys in SUMMARY_SECURITY_ONLY)."""

    uuid = serializers.UUIDField()
    person = serializers.UUIDField(source="person.uuid")
    person_reference = serializers.CharField(source="person.reference")
    summary = serializers.CharField()
    shared_by = StaffSerializer()
    shared_from = serializers.CharField(source="agency.name", help_text="The agency that "
                                                                        "shared it.")
    created_at = serializers.DateTimeField()
    expires_on = serializers.DateField(help_text="Readable by its recipients until this day "
                                                 "(inclusive).")
    in_force = serializers.SerializerMethodField(help_text="Neither expired nor withdrawn.")
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    recipients = RecipientSerializer(many=True, source="recipients.all", required=False,
                                     help_text="Security side only: to whom it was shared.")
    observations = serializers.ListField(
        child=_UuidOf(), source="observations.all", required=False,
        help_text="Security side only: the observations it draws on (those you may read).")
    withdrawn_reason = serializers.CharField(required=False, allow_blank=True,
                                             help_text="Security side only.")
    version = serializers.IntegerField(required=False, help_text="Security side only.")

    def get_in_force(self, shared) -> bool:
        return shared.withdrawn_at is None and shared.expires_on >= self.context["today"]

    def to_representation(self, shared):
        data = super().to_representation(shared)
        if shared.person_id not in self.context["security_side"]:
            for key in SUMMARY_SECURITY_ONLY:
                del data[key]
        return data
