"""The recommendations API, mounted under /api/v1/ (knowledge/api.py): each published
recommendation with where every jurisdiction stands, and setting one jurisdiction's status. The
same access functions and service as the pages: every member of the knowledge base reads; a
jurisdiction's knowledge editors set its status, the regional coordinators any (403 for
others); a recommendation that is not published is not here (404)."""

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.core.api import ChoiceFilter, ListQuery, Pagination, validated

from ..models import MAX_TEXT, AdoptionStatus, Theme
from . import selectors, services
from .access import editable_jurisdictions, get_adoption_target_for_user, require_member

TAGS = ["recommendations"]
RULE = ("Every member of the knowledge base reads where each jurisdiction stands; a "
        "jurisdiction's knowledge editors set its status, the regional coordinators any.")
STATUSES = ", ".join([*AdoptionStatus.values, selectors.NOT_CONSIDERED])


class AdoptionCellSerializer(serializers.Serializer):
    jurisdiction = serializers.CharField(source="jurisdiction.code",
                                         help_text="The jurisdiction's code.")
    jurisdiction_name = serializers.CharField(
        source="jurisdiction.display_name",
        help_text="In your language, with * where it carries the designation footnote.")
    status = serializers.CharField(help_text=f"One of: {STATUSES}.")
    note = serializers.SerializerMethodField()
    version = serializers.SerializerMethodField(
        help_text="Send it back with PUT; 0 while not considered (409 if it changed).")
    updated_at = serializers.SerializerMethodField(help_text="Null while not considered.")
    editable = serializers.BooleanField(help_text="Whether you may set this status.")

    def get_note(self, cell) -> str:
        return cell.adoption.note if cell.adoption else ""

    def get_version(self, cell) -> int:
        return cell.adoption.version if cell.adoption else 0

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_updated_at(self, cell):
        return (serializers.DateTimeField().to_representation(cell.adoption.updated_at)
                if cell.adoption else None)


class RecommendationSerializer(serializers.Serializer):
    uuid = serializers.UUIDField(source="entry.uuid",
                                 help_text="The entry's id (/api/v1/knowledge/{uuid}/).")
    title = serializers.CharField(help_text="In your language if a version exists, else the "
                                            "original.")
    jurisdiction = serializers.CharField(source="entry.jurisdiction.code", default=None,
                                         allow_null=True,
                                         help_text="The entry's jurisdiction; null: regional.")
    published_at = serializers.DateTimeField(source="entry.published_at")
    themes = serializers.SerializerMethodField()
    adoption = AdoptionCellSerializer(source="cells", many=True,
                              help_text="Every jurisdiction, by name.")

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_themes(self, row):
        return [t.theme for t in row.entry.themes.all()]


class RecommendationListQuery(ListQuery):
    theme = ChoiceFilter(Theme.choices, help_text="Only recommendations with this theme.")
    status = ChoiceFilter([(s, s) for s in selectors.STATUS_FILTERS],
                          help_text="Only recommendations that at least one jurisdiction has "
                                    "at this status (not_considered: has not considered).")


class AdoptionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=AdoptionStatus.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="",
                                 max_length=MAX_TEXT, help_text="No person-level data.")
    version = serializers.IntegerField(min_value=0, help_text=(
        "The version you read; 0 when the jurisdiction had not considered it. 409 if it "
        "changed."))
    confirm_no_person_data = serializers.BooleanField(
        required=False, default=False,
        help_text="true once you checked the person-data check's warnings: the note holds no "
                  "person-level data. A person's reference is refused whatever this says.")


JURISDICTION = OpenApiParameter("jurisdiction_code", str, OpenApiParameter.PATH,
                                description="The jurisdiction's code, e.g. ME.")


class RecommendationList(APIView):
    pagination_class = Pagination

    @extend_schema(tags=TAGS, parameters=[RecommendationListQuery],
                   responses=RecommendationSerializer(many=True),
                   description="The published recommendations, latest first, each with every "
                               "jurisdiction's status. " + RULE)
    def get(self, request):
        query = RecommendationListQuery.validated(request)
        require_member(request.user)
        rows = selectors.with_titles(selectors.filtered(
            request.user, theme=query["theme"], status=query["status"])
        ).select_related("jurisdiction")
        pagination = self.pagination_class()
        shown = pagination.paginate_queryset(rows, request, view=self)
        cells = selectors.matrix_rows(shown, selectors.jurisdictions(),
                                      editable_jurisdictions(request.user))
        return pagination.get_paginated_response(
            RecommendationSerializer(cells, many=True).data)


class AdoptionSet(APIView):
    @extend_schema(tags=TAGS, request=AdoptionSerializer, responses=AdoptionCellSerializer,
                   parameters=[JURISDICTION],
                   description="Set where a jurisdiction stands on a published recommendation. "
                               + RULE + " Refused with the reason (400) for a person's "
                               "reference in the note, or a warning of the person-data check "
                               "not confirmed.")
    def put(self, request, entry_uuid, jurisdiction_code):
        entry, jurisdiction = get_adoption_target_for_user(request.user, entry_uuid,
                                                           jurisdiction_code)
        data = validated(AdoptionSerializer, request)
        adoption = services.adoption_set(
            actor=request.user, entry=entry, jurisdiction=jurisdiction, status=data["status"],
            note=data["note"], expected_version=data["version"],
            confirmed=data["confirm_no_person_data"])
        cell = selectors.Cell(jurisdiction, adoption, True)
        return Response(AdoptionCellSerializer(cell).data)


urls = [
    path("recommendations/", RecommendationList.as_view(), name="recommendation-list"),
    path("recommendations/<uuid:entry_uuid>/adoption/<slug:jurisdiction_code>/",
         AdoptionSet.as_view(), name="recommendation-adoption"),
]
