"""What the assessments API's modules share: tags, the rating fields, the version check and small
helpers. plans.api uses RatingField and VersionSerializer too."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .. import selectors
from ..models import InstrumentVersion

# Error answers (400, 401, 403, 404, 409, 413, 415) are documented for every operation by
# core.api.AutoSchema.
INSTRUMENTS, ASSESSMENTS = ["instruments"], ["assessments"]
IN_LANGUAGE = "In the request's language."


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



class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The version you read; 409 if it changed.")
