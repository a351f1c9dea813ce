"""The training API, mounted under /api/v1/ (knowledge/api.py): the sessions the caller sees,
planning one, a session with its attendances, changing it (PATCH with the version read: 409
when stale), cancelling it (DELETE), setting its attendees (PUT), recording its results (POST),
and the caller's own record (/training/me/). The same access functions and services as the
pages: 404 for a session the caller does not see, 403 with the reason for an action not
theirs, 400 with the reason for what the services refuse."""

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
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

from ..models import MAX_TEXT, AttendanceResult, SessionKind, SessionStatus
from . import selectors, services
from .access import (
    SessionAction,
    can_plan_sessions,
    can_see_sessions,
    get_session_for_user,
)

TAGS = ["training"]
RULE = ("Trainers see the sessions of the agencies of their jurisdictions (a trainer of the "
        "regional programme: all) and change them while planned; the session's trainer, or a "
        "trainer of the organising agency, records the results. Managers who oversee their "
        "staff's certifications read the sessions their agency organises and those their staff "
        "attend. Everyone reads their own record at /api/v1/training/me/.")
CONFLICT = OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[409])


def _uuid_of(record):
    return str(record.uuid) if record is not None else None


class TrainingRefSerializer(serializers.Serializer):
    uuid = serializers.UUIDField(help_text="Its id.")
    name = serializers.CharField(help_text="Its name.")


class TrainingStaffSerializer(serializers.Serializer):
    uuid = serializers.UUIDField(help_text="The user's id.")
    name = serializers.SerializerMethodField(help_text="Full name, else the user name.")

    def get_name(self, user) -> str:
        return str(user)


class TrainingCourseSerializer(TrainingRefSerializer):
    instrument_code = serializers.CharField(help_text="The instrument it certifies for.")


class TrainingSessionSerializer(serializers.Serializer):
    uuid = serializers.UUIDField(help_text="The session's id.")
    course = TrainingCourseSerializer(help_text="The course.")
    kind = serializers.CharField(help_text=one_of(SessionKind))
    starts_on = serializers.DateField(help_text="The first day.")
    ends_on = serializers.DateField(allow_null=True, help_text="The last day; null: one day.")
    online = serializers.BooleanField()
    place = serializers.CharField()
    agency = TrainingRefSerializer(help_text="The organising agency.")
    trainer = TrainingStaffSerializer(help_text="The trainer.")
    status = serializers.CharField(help_text=one_of(SessionStatus))
    recorded_at = serializers.DateTimeField(allow_null=True,
                                            help_text="When the results were recorded.")
    version = serializers.IntegerField(help_text="Send it back with a change (409 if stale).")


class TrainingAttendanceSerializer(serializers.Serializer):
    user = TrainingStaffSerializer(help_text="The attendee.")
    result = serializers.SerializerMethodField(help_text=one_of(AttendanceResult) + " Null "
                                               "when not yours to read (another agency's "
                                               "staff).")
    score = serializers.SerializerMethodField(help_text="0 to 100, or null.")
    note = serializers.SerializerMethodField(help_text="The trainer's note, or null.")
    certification = serializers.SerializerMethodField(
        help_text="The certification a pass created or renewed (a booster: the one it "
                  "boosted).")

    def _shown(self, attendance, value):
        return value if attendance.result_shown else None

    @extend_schema_field(OpenApiTypes.STR)
    def get_result(self, a):
        return self._shown(a, a.result)

    @extend_schema_field(OpenApiTypes.INT)
    def get_score(self, a):
        return self._shown(a, a.score)

    @extend_schema_field(OpenApiTypes.STR)
    def get_note(self, a):
        return self._shown(a, a.note)

    @extend_schema_field(OpenApiTypes.UUID)
    def get_certification(self, a):
        return self._shown(a, _uuid_of(a.certification))


class TrainingSessionDetailSerializer(TrainingSessionSerializer):
    notes = serializers.CharField()
    attendances = serializers.SerializerMethodField(help_text="The attendees and results.")
    actions = serializers.SerializerMethodField(help_text=(
        "What you may do: view; edit, cancel, attendees (trainers, while planned); record."))

    @extend_schema_field(TrainingAttendanceSerializer(many=True))
    def get_attendances(self, session):
        return TrainingAttendanceSerializer(self.context["attendances"], many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_actions(self, session):
        return sorted(self.context["grant"].actions)


class TrainingSessionChangeSerializer(serializers.Serializer):
    """The fields of a session (all optional when changing)."""

    course = serializers.SlugRelatedField(slug_field="uuid", queryset=selectors.courses(),
                                          required=False, help_text="The course's id.")
    kind = serializers.CharField(required=False, help_text=one_of(SessionKind))
    starts_on = serializers.DateField(required=False)
    ends_on = serializers.DateField(required=False, allow_null=True,
                                    help_text="Null or absent: one day.")
    online = serializers.BooleanField(required=False)
    place = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                  help_text="Required unless online.")
    trainer = serializers.SlugRelatedField(
        slug_field="uuid", queryset=selectors.active_users(), required=False,
        allow_null=True, help_text="The trainer's id (a user); absent: you (when planning).")
    notes = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)
    confirm_no_person_data = serializers.BooleanField(
        required=False, default=False,
        help_text="true once you checked the person-data check's warnings (a name, a "
                  "reference-like number, a date of birth): the text holds no person-level "
                  "data. A person's reference is refused whatever this says.")


class TrainingSessionCreateSerializer(TrainingSessionChangeSerializer):
    agency = serializers.UUIDField(help_text="The organising agency's id: one where you are a "
                                             "trainer.")
    course = serializers.SlugRelatedField(slug_field="uuid", queryset=selectors.courses(),
                                          help_text="The course's id.")
    kind = serializers.CharField(help_text=one_of(SessionKind))
    starts_on = serializers.DateField()


class TrainingSessionPatchSerializer(TrainingSessionChangeSerializer):
    version = serializers.IntegerField(help_text="The version you read; 409 if it changed.")


class TrainingSessionDeleteQuery(serializers.Serializer):
    version = serializers.IntegerField(help_text="The version you read; 409 if it changed.")


class TrainingAttendeesSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The version you read; 409 if it changed.")
    attendees = serializers.ListField(
        child=serializers.UUIDField(), max_length=services.MAX_ATTENDEES,
        help_text="The ids of every attendee (users): replaces the list.")


class TrainingResultSerializer(serializers.Serializer):
    user = serializers.UUIDField(help_text="The attendee's id.")
    result = serializers.CharField(help_text="passed, failed or absent.")
    score = serializers.IntegerField(required=False, allow_null=True, default=None,
                                     help_text="0 to 100 (not for the absent).")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class TrainingResultsSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The version you read; 409 if it changed.")
    results = TrainingResultSerializer(many=True, help_text="One per attendee: all of them at once.")
    confirm_no_person_data = serializers.BooleanField(
        required=False, default=False, help_text="As for a session's notes, for the notes.")


class TrainingSessionListQuery(ListQuery):
    when = ChoiceFilter([("upcoming", "upcoming"), ("past", "past")],
                        help_text="upcoming: from today, soonest first; past: before today, "
                                  "latest first. Absent: all, latest first.")
    status = ChoiceFilter(SessionStatus.choices, help_text="Only sessions in this status.")


class TrainingCertificationSerializer(serializers.Serializer):
    uuid = serializers.UUIDField(help_text="The certification's id.")
    instrument_code = serializers.CharField()
    min_version = serializers.CharField(help_text="Empty: any version.")
    max_version = serializers.CharField(help_text="Empty: any later version.")
    certified_on = serializers.DateField()
    expires_on = serializers.DateField()
    booster_due_on = serializers.DateField(allow_null=True)
    state = serializers.CharField(help_text="valid, expiring (within 60 days), expired, "
                                            "revoked, or renewed (a later one is current).")
    course = serializers.SerializerMethodField(help_text="The course's name, if any.")

    @extend_schema_field(serializers.CharField(allow_null=True,
                                               help_text="The course's name, if any."))
    def get_course(self, c):
        return c.course.name if c.course else None


class TrainingDueSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="renew or booster.")
    instrument_code = serializers.CharField(source="certification.instrument_code")
    certification = serializers.UUIDField(source="certification.uuid")
    on = serializers.DateField(help_text="The expiry or the booster's date.")
    overdue = serializers.BooleanField()


class MyAttendanceSerializer(serializers.Serializer):
    session = serializers.UUIDField(source="session.uuid", help_text="The session's id (only "
                                    "its trainers and managers open it).")
    course = serializers.CharField(source="session.course.name")
    kind = serializers.CharField(source="session.kind", help_text=one_of(SessionKind))
    starts_on = serializers.DateField(source="session.starts_on")
    status = serializers.CharField(source="session.status", help_text=one_of(SessionStatus))
    result = serializers.CharField(help_text=one_of(AttendanceResult))
    score = serializers.IntegerField(allow_null=True)
    note = serializers.CharField()


class MyTrainingSerializer(serializers.Serializer):
    certifications = TrainingCertificationSerializer(many=True)
    due = TrainingDueSerializer(many=True, help_text="What is due, soonest first.")
    upcoming = MyAttendanceSerializer(many=True, help_text="Sessions booked, without results.")
    attended = MyAttendanceSerializer(many=True, help_text="Sessions with results.")
    recent_practice = serializers.IntegerField(help_text="Assessments you submitted in the "
                                                         "last 12 months.")


def _response(request, session_uuid, code=status.HTTP_200_OK) -> Response:
    session, grant = get_session_for_user(request.user, session_uuid)
    return Response(TrainingSessionDetailSerializer(session, context={
        "grant": grant, "attendances": selectors.attendances_of(session, request.user)}).data,
        status=code)


def _agency(user, agency_uuid):
    agency = selectors.organising_agencies(user).filter(uuid=agency_uuid).first()
    if agency is None:
        raise serializers.ValidationError({"agency": [_(
            "Choose an agency where you are a trainer.")]})
    return agency


class SessionList(APIView):
    pagination_class = Pagination

    @extend_schema(tags=TAGS, parameters=[TrainingSessionListQuery],
                   responses=TrainingSessionSerializer(many=True),
                   description="The training sessions you see. " + RULE)
    def get(self, request):
        query = TrainingSessionListQuery.validated(request)
        if not can_see_sessions(request.user):
            raise PermissionDenied(_("Training sessions are for trainers and managers."))
        rows = selectors.sessions_filtered(request.user, when=query["when"],
                                           status=query["status"])
        pagination = self.pagination_class()
        shown = pagination.paginate_queryset(rows, request, view=self)
        return pagination.get_paginated_response(
            TrainingSessionSerializer(shown, many=True).data)

    @extend_schema(tags=TAGS, request=TrainingSessionCreateSerializer,
                   responses={201: TrainingSessionDetailSerializer},
                   description="Plan a session (trainers, for an agency where they are one). "
                               "Refused with the reason (400): a last day before the first, "
                               "neither a place nor online, a trainer from elsewhere, a "
                               "person's reference in the notes, or a warning of the "
                               "person-data check not confirmed.")
    def post(self, request):
        if not can_plan_sessions(request.user):
            raise PermissionDenied(_("Only trainers plan training sessions."))
        data = validated(TrainingSessionCreateSerializer, request)
        session = services.session_create(
            actor=request.user, agency=_agency(request.user, data["agency"]),
            course=data["course"], kind=data["kind"], starts_on=data["starts_on"],
            ends_on=data.get("ends_on"), online=data.get("online", False),
            place=data.get("place", ""), trainer=data.get("trainer"),
            notes=data.get("notes", ""), confirmed=data["confirm_no_person_data"])
        return _response(request, session.uuid, status.HTTP_201_CREATED)


class SessionDetail(APIView):
    @extend_schema(tags=TAGS, responses=TrainingSessionDetailSerializer,
                   description="A session with its attendances (a manager reads the results "
                               "of their own staff, or all when their agency organises it). "
                               + RULE)
    def get(self, request, session_uuid):
        return _response(request, session_uuid)

    @extend_schema(tags=TAGS, request=TrainingSessionPatchSerializer,
                   responses=TrainingSessionDetailSerializer,
                   description="Change a planned session; what you leave out stays as it is. "
                               "The organising agency does not change. " + RULE)
    def patch(self, request, session_uuid):
        session, _grant = get_session_for_user(request.user, session_uuid, SessionAction.EDIT)
        data = validated(TrainingSessionPatchSerializer, request)
        current = {"course": session.course, "kind": session.kind,
                   "starts_on": session.starts_on, "ends_on": session.ends_on,
                   "online": session.online, "place": session.place,
                   "trainer": session.trainer, "notes": session.notes}
        values = {k: data[k] if k in data and data[k] is not None else v
                  for k, v in current.items()}
        if "ends_on" in data:
            values["ends_on"] = data["ends_on"]
        services.session_update(actor=request.user, session=session,
                                expected_version=data["version"],
                                confirmed=data["confirm_no_person_data"], **values)
        return _response(request, session.uuid)

    @extend_schema(tags=TAGS, parameters=[TrainingSessionDeleteQuery],
                   responses={204: None, 409: CONFLICT},
                   description="Cancel a planned session: it is deleted with its attendance "
                               "list (its trainers; 403 once the results are recorded).")
    def delete(self, request, session_uuid):
        session, _grant = get_session_for_user(request.user, session_uuid,
                                               SessionAction.CANCEL)
        query = TrainingSessionDeleteQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        services.session_cancel(actor=request.user, session=session,
                                expected_version=query.validated_data.get("version"))
        return Response(status=status.HTTP_204_NO_CONTENT)


class SessionAttendees(APIView):
    @extend_schema(tags=TAGS, request=TrainingAttendeesSerializer,
                   responses=TrainingSessionDetailSerializer,
                   description="Set who attends a planned session: active staff of the "
                               "organising agency's jurisdiction (anyone's, for a session of "
                               "the regional programme). Refused with the names of those who "
                               "may not (400).")
    def put(self, request, session_uuid):
        session, _grant = get_session_for_user(request.user, session_uuid,
                                               SessionAction.ATTENDEES)
        data = validated(TrainingAttendeesSerializer, request)
        uuids = list(dict.fromkeys(data["attendees"]))
        users = selectors.users_by_uuid(uuids)
        missing = [str(u) for u in uuids if u not in {x.uuid for x in users}]
        if missing:
            raise serializers.ValidationError({"attendees": [_(
                "No active user with the id %(ids)s.") % {"ids": ", ".join(missing)}]})
        services.attendees_set(actor=request.user, session=session, users=users,
                               expected_version=data["version"])
        return _response(request, session.uuid)


class SessionResults(APIView):
    @extend_schema(tags=TAGS, request=TrainingResultsSerializer,
                   responses=TrainingSessionDetailSerializer,
                   description="Record every attendee's result at once, after the session "
                               "took place (the session's trainer, or a trainer of the "
                               "organising agency). A pass of a certification course creates "
                               "the attendee's certification (renewing a current one); a pass "
                               "of a booster moves the booster date of their current "
                               "certification. The session is then frozen. Refused with the "
                               "reason (400): a date in the future, an attendee without a "
                               "result, a booster for someone with no current certification.")
    def post(self, request, session_uuid):
        session, _grant = get_session_for_user(request.user, session_uuid,
                                               SessionAction.RECORD)
        data = validated(TrainingResultsSerializer, request)
        services.results_record(actor=request.user, session=session,
                                expected_version=data["version"], results=data["results"],
                                confirmed=data["confirm_no_person_data"])
        return _response(request, session.uuid)


class MyTraining(APIView):
    @extend_schema(tags=TAGS, responses=MyTrainingSerializer,
                   description="Your own record: certifications, what is due, the sessions "
                               "you attend and attended, and your recent practice.")
    def get(self, request):
        return Response(MyTrainingSerializer(selectors.my_record(request.user)).data)


urls = [
    path("training/sessions/", SessionList.as_view(), name="training-session-list"),
    path("training/sessions/<uuid:session_uuid>/", SessionDetail.as_view(),
         name="training-session-detail"),
    path("training/sessions/<uuid:session_uuid>/attendees/", SessionAttendees.as_view(),
         name="training-session-attendees"),
    path("training/sessions/<uuid:session_uuid>/results/", SessionResults.as_view(),
         name="training-session-results"),
    path("training/me/", MyTraining.as_view(), name="training-me"),
]
