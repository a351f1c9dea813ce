"""The API of instruments: the published versions, any signed-in user may read them (see
__init__.py)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.core.api import ChoiceFilter, ListQuery, Pagination, one_of
from alliance.core.i18n import current_language

from .. import selectors
from ..models import InstrumentKind
from .common import IN_LANGUAGE, INSTRUMENTS

# Where each kind of instrument is taken (the instrument list says it, so that a client picks
# the right endpoint; starting an assessment with another kind says it too).
TAKEN_WITH = {InstrumentKind.RISK_NEEDS: "assessment", InstrumentKind.CHECKLIST: "assessment",
              InstrumentKind.SCREENING: "screening", InstrumentKind.ALLIANCE: "alliance_measure"}



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
