"""The meetings API, mounted under /api/v1/ (knowledge/api.py): the list and recording a
meeting, one meeting, changing it (PATCH with the version read: 409 when stale) and deleting it.
The same access functions and services as the pages: every member of the knowledge base reads;
the regional coordinators and the regional programme's knowledge editors record and change
(403 for others); only a coordinator deletes."""

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.core.api import (
    ERROR_DESCRIPTIONS,
    ChoiceFilter,
    ErrorSerializer,
    ListQuery,
    Pagination,
    one_of,
    validated,
)
from alliance.organisations.models import Jurisdiction

from ..models import MAX_TEXT, MeetingKind
from ..recommendations.selectors import reader_title
from . import selectors, services
from .access import MeetingAction, get_meeting_for_user, require_member, require_recorder

TAGS = ["meetings"]
RULE = ("Every member of the knowledge base reads every meeting; the regional coordinators "
        "and the regional programme's knowledge editors record and change them; only a "
        "coordinator deletes one.")
CONFLICT = OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[409])


class ParticipationSerializer(serializers.Serializer):
    jurisdiction = serializers.SlugRelatedField(
        slug_field="code", queryset=Jurisdiction.objects.all(), allow_null=True,
        help_text="The jurisdiction's code; null for the regional programme.")
    participants = serializers.IntegerField(min_value=1, max_value=services.MAX_PARTICIPANTS,
                                            help_text="How many took part from it.")
    names = serializers.CharField(required=False, allow_blank=True, default="",
                                  max_length=MAX_TEXT,
                                  help_text="The participants' names and agencies (staff).")


class ParticipationOutSerializer(ParticipationSerializer):
    jurisdiction_name = serializers.SerializerMethodField(
        help_text="The jurisdiction's name in your language (with * where it carries the "
                  "designation footnote); null for the regional programme.")

    @extend_schema_field(OpenApiTypes.STR)
    def get_jurisdiction_name(self, participation):
        j = participation.jurisdiction
        return j.display_name if j is not None else None


class PresentedSerializer(serializers.Serializer):
    uuid = serializers.UUIDField(help_text="The entry's id (/api/v1/knowledge/{uuid}/).")
    title = serializers.SerializerMethodField(help_text="In your language if a version "
                                                        "exists, else the original.")
    kind = serializers.CharField(help_text="The entry's kind.")

    def get_title(self, entry) -> str:
        return reader_title(entry)


class MeetingSerializer(serializers.Serializer):
    uuid = serializers.UUIDField(help_text="The meeting's id.")
    kind = serializers.CharField(help_text=one_of(MeetingKind))
    title = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(allow_null=True, help_text="Null: one day.")
    online = serializers.BooleanField()
    place = serializers.CharField()
    participants_total = serializers.IntegerField(help_text="Participants from every "
                                                            "jurisdiction.")
    version = serializers.IntegerField(help_text="Send it back with PATCH (409 if stale).")


class MeetingDetailSerializer(MeetingSerializer):
    participants_total = serializers.SerializerMethodField(
        help_text="Participants from every jurisdiction.")
    agenda = serializers.CharField()
    outcomes = serializers.CharField()
    participations = serializers.SerializerMethodField(
        help_text="Participants by jurisdiction, the regional programme last.")
    entries = serializers.SerializerMethodField(
        help_text="The entries presented that you may open.")
    actions = serializers.SerializerMethodField(help_text="What you may do: view, edit, "
                                                          "delete.")

    def get_participants_total(self, meeting) -> int:
        return sum(p.participants for p in self.context["participations"])

    @extend_schema_field(ParticipationOutSerializer(many=True))
    def get_participations(self, meeting):
        return ParticipationOutSerializer(self.context["participations"], many=True).data

    @extend_schema_field(PresentedSerializer(many=True))
    def get_entries(self, meeting):
        return PresentedSerializer(self.context["entries"], many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_actions(self, meeting):
        return sorted(self.context["grant"].actions)


class MeetingChangeSerializer(serializers.Serializer):
    """The fields of a meeting (all optional when changing)."""

    # A string (the service refuses another value, with the reason): an enum named "kind"
    # would collide with other modules' in the schema.
    kind = serializers.CharField(required=False, help_text=one_of(MeetingKind))
    title = serializers.CharField(max_length=300, required=False)
    starts_on = serializers.DateField(required=False)
    ends_on = serializers.DateField(required=False, allow_null=True,
                                    help_text="Null or absent: one day.")
    online = serializers.BooleanField(required=False)
    place = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                  help_text="Required unless online.")
    agenda = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)
    outcomes = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)
    participations = ParticipationSerializer(
        many=True, required=False,
        help_text="Who took part, one row per jurisdiction (replaces the rows when given).")
    entries = serializers.ListField(
        child=serializers.UUIDField(), required=False, max_length=200,
        help_text="Ids of the published entries presented (replaces the list when given).")
    confirm_no_person_data = serializers.BooleanField(
        required=False, default=False,
        help_text="true once you checked the person-data check's warnings (a name, a "
                  "reference-like number, a date of birth): the text holds no person-level "
                  "data. A person's reference is refused whatever this says.")


class MeetingCreateSerializer(MeetingChangeSerializer):
    kind = serializers.CharField(help_text=one_of(MeetingKind))
    title = serializers.CharField(max_length=300)
    starts_on = serializers.DateField()


class MeetingPatchSerializer(MeetingChangeSerializer):
    version = serializers.IntegerField(help_text="The version you read; 409 if it changed.")


class MeetingDeleteQuery(serializers.Serializer):
    version = serializers.IntegerField(help_text="The version you read; 409 if it changed.")


class MeetingListQuery(ListQuery):
    kind = ChoiceFilter(MeetingKind.choices, help_text="Only meetings of this kind.")
    year = serializers.IntegerField(required=False, min_value=1900, max_value=2999,
                                    help_text="Only meetings that start in this year.")


def _entries(uuids, meeting=None) -> list:
    """The entries with these ids that may be presented; 400 naming those that may not."""
    uuids = list(dict.fromkeys(uuids))
    found = {e.uuid: e for e in selectors.presentable_entries(meeting).filter(uuid__in=uuids)}
    missing = [str(u) for u in uuids if u not in found]
    if missing:
        raise serializers.ValidationError({"entries": [_(
            "No published entry with the id %(ids)s: only published entries can be "
            "presented.") % {"ids": ", ".join(missing)}]})
    return [found[u] for u in uuids]


def _participations(rows) -> list:
    return [services.Participation(r["jurisdiction"], r["participants"], r.get("names", ""))
            for r in rows]


def _response(request, meeting_uuid, code=status.HTTP_200_OK) -> Response:
    meeting, grant = get_meeting_for_user(request.user, meeting_uuid)
    participations = selectors.participations(meeting)
    return Response(MeetingDetailSerializer(meeting, context={
        "grant": grant, "participations": participations,
        "entries": selectors.presented_entries(request.user, meeting)}).data, status=code)


class MeetingList(APIView):
    pagination_class = Pagination

    @extend_schema(tags=TAGS, parameters=[MeetingListQuery],
                   responses=MeetingSerializer(many=True),
                   description="The meetings and trainings of the regional programme, latest "
                               "first. " + RULE)
    def get(self, request):
        query = MeetingListQuery.validated(request)
        require_member(request.user)
        rows = selectors.meetings_filtered(request.user, kind=query["kind"],
                                   year=query.get("year")).order_by("-starts_on", "-id")
        pagination = self.pagination_class()
        shown = pagination.paginate_queryset(rows, request, view=self)
        return pagination.get_paginated_response(MeetingSerializer(shown, many=True).data)

    @extend_schema(tags=TAGS, request=MeetingCreateSerializer,
                   responses={201: MeetingDetailSerializer},
                   description="Record a meeting (the regional coordinators and the regional "
                               "programme's knowledge editors). Refused with the reason (400): "
                               "an end before the start, neither a place nor online, a "
                               "jurisdiction listed twice, an entry not published, a person's "
                               "reference in a text, or a warning of the person-data check not "
                               "confirmed.")
    def post(self, request):
        require_recorder(request.user)
        data = validated(MeetingCreateSerializer, request)
        meeting = services.meeting_create(
            actor=request.user, kind=data["kind"], title=data["title"],
            starts_on=data["starts_on"], ends_on=data.get("ends_on"),
            online=data.get("online", False), place=data.get("place", ""),
            agenda=data.get("agenda", ""), outcomes=data.get("outcomes", ""),
            participations=_participations(data.get("participations", [])),
            entries=_entries(data.get("entries", [])),
            confirmed=data["confirm_no_person_data"])
        return _response(request, meeting.uuid, status.HTTP_201_CREATED)


class MeetingDetail(APIView):
    @extend_schema(tags=TAGS, responses=MeetingDetailSerializer,
                   description="A meeting: its agenda and outcomes, participants by "
                               "jurisdiction and the entries presented. " + RULE)
    def get(self, request, meeting_uuid):
        return _response(request, meeting_uuid)

    @extend_schema(tags=TAGS, request=MeetingPatchSerializer, responses=MeetingDetailSerializer,
                   description="Change a meeting; what you leave out stays as it is "
                               "(participations and entries, when given, replace the "
                               "lists). " + RULE)
    def patch(self, request, meeting_uuid):
        meeting, _grant = get_meeting_for_user(request.user, meeting_uuid, MeetingAction.EDIT)
        data = validated(MeetingPatchSerializer, request)
        current = {"kind": meeting.kind, "title": meeting.title,
                   "starts_on": meeting.starts_on, "ends_on": meeting.ends_on,
                   "online": meeting.online, "place": meeting.place,
                   "agenda": meeting.agenda, "outcomes": meeting.outcomes}
        values = {k: data.get(k, v) for k, v in current.items()}
        participations = (_participations(data["participations"]) if "participations" in data
                          else [services.Participation(p.jurisdiction, p.participants, p.names)
                                for p in selectors.participations(meeting)])
        entries = (_entries(data["entries"], meeting) if "entries" in data
                   else list(meeting.entries.all()))
        services.meeting_update(actor=request.user, meeting=meeting,
                                expected_version=data["version"], participations=participations,
                                entries=entries, confirmed=data["confirm_no_person_data"],
                                **values)
        return _response(request, meeting.uuid)

    @extend_schema(tags=TAGS, parameters=[MeetingDeleteQuery],
                   responses={204: None, 409: CONFLICT},
                   description="Delete a meeting recorded by mistake (a regional coordinator; "
                               "403 for others). The audit trail keeps what it held.")
    def delete(self, request, meeting_uuid):
        meeting, _grant = get_meeting_for_user(request.user, meeting_uuid,
                                               MeetingAction.DELETE)
        query = MeetingDeleteQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        services.meeting_delete(actor=request.user, meeting=meeting,
                                expected_version=query.validated_data.get("version"))
        return Response(status=status.HTTP_204_NO_CONTENT)


urls = [
    path("meetings/", MeetingList.as_view(), name="meeting-list"),
    path("meetings/<uuid:meeting_uuid>/", MeetingDetail.as_view(), name="meeting-detail"),
]
