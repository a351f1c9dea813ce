"""The API of case conferences, mounted under /api/v1/ (coordination/api.py):

* `persons/<uuid>/conferences/`: GET the person's conferences (newest first); POST schedules
  one (the case manager, or a record keeper of the responsible agency).
* `conferences/<uuid>/`: GET one conference with its attendees, what was shared, decisions and
  actions.

The same access functions, services and audit as the pages: a client can do nothing here that
the pages would refuse. People appear by reference and uuid, never by name; staff by name.
"""

from django.contrib.auth import get_user_model
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.core import audit
from alliance.core.api import one_of, validated
from alliance.core.compartments import DataCategory
from alliance.core.models import AuditAction

from ..models import MAX_TEXT, ActionStatus, ConferenceStatus
from . import selectors, services
from .access import Do, conferences, get_conference_for_user, get_person_for_conferences

TAGS = ["conferences"]
RULE = ("Case conferences are the case team's share: whoever sees the person and holds their "
        "case-team share reads them, and an invited attendee from another agency reads the "
        "conference they are invited to while an information-sharing agreement in force lets "
        "their agency receive the case team's share. The case manager, the chair and the "
        "record keepers of the responsible agency manage them.")


class ConferenceAgencySerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    name = serializers.CharField()


class ConferenceUserSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return str(user)


class ConferencePersonSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    reference = serializers.CharField()


class ConferenceAttendeeSerializer(serializers.Serializer):
    user = ConferenceUserSerializer()
    agency = ConferenceAgencySerializer()
    attended = serializers.BooleanField(allow_null=True,
                                        help_text="Null until the minutes are recorded.")


class ConferenceSharedItemSerializer(serializers.Serializer):
    category = serializers.CharField(help_text=one_of(DataCategory))
    description = serializers.CharField()


class ConferenceDecisionSerializer(serializers.Serializer):
    text = serializers.CharField()


class ConferenceActionSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    description = serializers.CharField()
    owner = ConferenceUserSerializer()
    due_on = serializers.DateField()
    status = serializers.CharField(help_text=one_of(ActionStatus))
    closed_at = serializers.DateTimeField(allow_null=True)
    note = serializers.CharField()


class ConferenceSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    person = ConferencePersonSerializer()
    status = serializers.CharField(help_text=one_of(ConferenceStatus))
    scheduled_for = serializers.DateTimeField()
    place = serializers.CharField()
    held_on = serializers.DateField(allow_null=True)
    chair = ConferenceUserSerializer()
    agency = ConferenceAgencySerializer(help_text="The agency that convened it.")
    version = serializers.IntegerField()


class ConferenceDetailSerializer(ConferenceSerializer):
    purpose = serializers.CharField()
    summary = serializers.CharField()
    cancellation_reason = serializers.CharField()
    attendees = ConferenceAttendeeSerializer(many=True)
    shared_items = ConferenceSharedItemSerializer(many=True)
    decisions = ConferenceDecisionSerializer(many=True)
    actions = ConferenceActionSerializer(many=True,
                                         help_text="The actions agreed at this conference.")
    carried_over = ConferenceActionSerializer(
        many=True, help_text="Open actions of earlier conferences, to follow up at this one "
                             "(a scheduled conference only).")
    allowed = serializers.ListField(child=serializers.CharField(),
                                    help_text="What you may do: view; manage.")


class ConferenceScheduleSerializer(serializers.Serializer):
    scheduled_for = serializers.DateTimeField(help_text="Date and time (ISO 8601).")
    place = serializers.CharField(required=False, allow_blank=True, max_length=200)
    purpose = serializers.CharField(required=False, allow_blank=True, max_length=MAX_TEXT,
                                    help_text="Purpose and agenda; every attendee reads it.")
    chair = serializers.UUIDField(required=False, allow_null=True,
                                  help_text="The chair's user uuid; you, if absent.")
    attendees = serializers.ListField(child=serializers.UUIDField(), required=False,
                                      max_length=50, help_text="The invited users' uuids.")


def _users(uuids) -> dict:
    found = {u.uuid: u for u in get_user_model().objects.filter(uuid__in=list(uuids))}
    missing = [str(u) for u in uuids if u not in found]
    if missing:
        raise serializers.ValidationError({"attendees": [_("No such user: %(users)s.") % {
            "users": ", ".join(missing)}]})
    return found


def _detail(user, conference, grant) -> dict:
    minutes = selectors.minutes(conference)
    carried = []
    if conference.status == ConferenceStatus.SCHEDULED:
        carried = selectors.open_actions(user, conference.person, exclude_conference=conference)
    return {**{f: getattr(conference, f) for f in (
        "uuid", "person", "status", "scheduled_for", "place", "held_on", "chair", "agency",
        "version", "purpose", "summary", "cancellation_reason")},
        "attendees": minutes["attendees"], "shared_items": minutes["shared_items"],
        "decisions": minutes["decisions"], "actions": minutes["actions"],
        "carried_over": carried, "allowed": sorted(grant.actions)}


class PersonConferences(APIView):
    @extend_schema(tags=TAGS, responses=ConferenceSerializer(many=True),
                   description="The person's case conferences, newest first. Not paged: a "
                               "person has a few. " + RULE)
    def get(self, request, person_uuid):
        person, grant = get_person_for_conferences(request.user, person_uuid)
        rows = list(conferences.for_person(request.user, person)
                    .select_related("person", "chair", "agency")
                    .order_by("-scheduled_for", "-id"))
        audit.consulted(actor=request.user, action=AuditAction.LIST, obj=person,
                        agency=grant.agency,
                        details={"resource": "conferences", "count": len(rows)})
        return Response(ConferenceSerializer(rows, many=True).data)

    @extend_schema(tags=TAGS, request=ConferenceScheduleSerializer,
                   responses={201: ConferenceDetailSerializer},
                   description="Schedule a case conference: the person needs an open case; "
                               "each attendee sits for their agency (their place on the case "
                               "team, else their membership), which must be the responsible "
                               "one or receive the case team's share under an agreement in "
                               "force — refused with the reason (400) otherwise. Each attendee "
                               "gets a task and an invitation. " + RULE)
    def post(self, request, person_uuid):
        person, _grant = get_person_for_conferences(request.user, person_uuid, Do.SCHEDULE)
        data = validated(ConferenceScheduleSerializer, request)
        wanted = [*data.get("attendees", [])]
        if data.get("chair"):
            wanted.append(data["chair"])
        users = _users(wanted)
        conference = services.conference_schedule(
            actor=request.user, person=person, scheduled_for=data["scheduled_for"],
            place=data.get("place", ""), purpose=data.get("purpose", ""),
            chair=users[data["chair"]] if data.get("chair") else None,
            attendees=[users[u] for u in data.get("attendees", [])])
        conference, grant = get_conference_for_user(request.user, conference.uuid)
        return Response(ConferenceDetailSerializer(_detail(request.user, conference,
                                                           grant)).data,
                        status=status.HTTP_201_CREATED)


class ConferenceDetail(APIView):
    @extend_schema(tags=TAGS, responses=ConferenceDetailSerializer,
                   description="One case conference: its attendees by agency, agenda, and once "
                               "held, the minutes (what was shared, decisions, actions). A "
                               "scheduled conference lists the open actions of earlier ones. "
                               + RULE)
    def get(self, request, conference_uuid):
        conference, grant = get_conference_for_user(request.user, conference_uuid)
        return Response(ConferenceDetailSerializer(_detail(request.user, conference,
                                                           grant)).data)


urls = [
    path("persons/<uuid:person_uuid>/conferences/", PersonConferences.as_view(),
         name="person-conferences"),
    path("conferences/<uuid:conference_uuid>/", ConferenceDetail.as_view(),
         name="conference-detail"),
]
