"""The API of enrolments, sessions, offers and refusals, the stage of change and working-alliance
measures (see __init__.py)."""


from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.assessments.api import RatingField, VersionSerializer
from alliance.assessments.selectors import instrument_version as find_instrument_version
from alliance.core.api import ChoiceFilter, ListQuery, Pagination, one_of, validated

from .. import selectors, services
from ..access import (
    WorkAction,
    alliance_measures,
    enrolments,
    get_enrolment_for_user,
    get_person_for_plan_work,
    get_person_for_treatment,
    get_session_for_user,
    offers,
    sessions,
    stages,
)
from ..models import (
    AllianceOccasion,
    Attendance,
    EnrolmentStatus,
    OfferResponse,
    RefusalReason,
    Stage,
    Strategy,
)
from .common import (
    ENGAGEMENT,
    MOTIVATION,
    NOTE_RULE,
    RATIONALE_RULE,
    StaffSerializer,
    _intervention,
    _list_consulted,
    _user,
)

# --- enrolments ----------------------------------------------------------------------------------

class InterventionBriefSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    code = serializers.CharField()
    name = serializers.CharField()


class AttendanceSerializer(serializers.Serializer):
    planned = serializers.IntegerField(help_text="Sessions the enrolment plans in all.")
    scheduled = serializers.IntegerField(help_text="Sessions in the diary (held or to come).")
    attended = serializers.IntegerField()
    refused = serializers.IntegerField()
    cancelled = serializers.IntegerField(help_text="Cancelled by the service.")
    not_produced = serializers.IntegerField()
    to_come = serializers.IntegerField(help_text="Scheduled, not recorded yet.")
    last_attended = serializers.DateTimeField(allow_null=True)
    rate = serializers.IntegerField(
        allow_null=True, help_text="Attended out of the sessions the person could attend "
                                   "(cancelled by the service does not count), in percent; null "
                                   "before any.")


class EnrolmentSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    person = serializers.UUIDField(source="person.uuid")
    intervention = InterventionBriefSerializer()
    practitioner = StaffSerializer()
    step = serializers.UUIDField(source="step.uuid", default=None, allow_null=True,
                                 help_text="The plan step it serves, if any.")
    status = serializers.CharField(help_text=one_of(EnrolmentStatus))
    started_on = serializers.DateField()
    ended_on = serializers.DateField(allow_null=True)
    end_reason = serializers.CharField(allow_blank=True)
    version = serializers.IntegerField()
    attendance = serializers.SerializerMethodField()

    @extend_schema_field(AttendanceSerializer)
    def get_attendance(self, enrolment):
        return {"planned": enrolment.planned_sessions, "scheduled": enrolment.sessions_total,
                "attended": enrolment.sessions_attended, "refused": enrolment.sessions_refused,
                "cancelled": enrolment.sessions_cancelled,
                "not_produced": enrolment.sessions_not_produced,
                "to_come": enrolment.sessions_pending, "last_attended": enrolment.last_attended,
                "rate": selectors.attendance_rate(enrolment)}


class EnrolmentCreateSerializer(serializers.Serializer):
    intervention = serializers.UUIDField(help_text="An intervention of the person's "
                                                   "jurisdiction's catalogue that is offered.")
    practitioner = serializers.UUIDField(help_text="The member of staff who leads it (their "
                                                   "uuid); they must work with the person.")
    started_on = serializers.DateField()
    planned_sessions = serializers.IntegerField(required=False, allow_null=True, default=None,
                                                help_text="Default: the intervention's typical "
                                                          "number.")
    step = serializers.UUIDField(required=False, allow_null=True, default=None,
                                 help_text="The step of the person's plan it serves.")

    def validate_intervention(self, value):
        return _intervention(value)

    def validate_practitioner(self, value):
        return _user(value, _("No such member of staff."))


def _enrolments(user):
    return selectors.with_attendance(enrolments.visible(user).select_related(
        "person", "intervention", "practitioner", "step")).order_by("-started_on", "-pk")


class PersonEnrolments(APIView):
    pagination_class = Pagination

    @extend_schema(tags=ENGAGEMENT, responses=EnrolmentSerializer(many=True),
                   description="The person's enrolments, latest first, with their attendance.")
    def get(self, request, person_uuid):
        ListQuery.validated(request)
        person, grant = get_person_for_plan_work(request.user, person_uuid)
        pagination = self.pagination_class()
        rows = pagination.paginate_queryset(_enrolments(request.user).filter(person=person),
                                            request, view=self)
        _list_consulted(request, person, grant, "enrolments", rows, pagination)
        return pagination.get_paginated_response(EnrolmentSerializer(rows, many=True).data)

    @extend_schema(tags=ENGAGEMENT, request=EnrolmentCreateSerializer,
                   responses={201: EnrolmentSerializer},
                   description="Enrol the person in an intervention of their jurisdiction's "
                               "catalogue (the case manager and the treatment staff of the "
                               "responsible agency).")
    def post(self, request, person_uuid):
        person, _grant = get_person_for_plan_work(request.user, person_uuid, WorkAction.MANAGE)
        data = validated(EnrolmentCreateSerializer, request)
        if data["step"] is not None:
            data["step"] = selectors.person_plan_step(request.user, person, data["step"])
            if data["step"] is None:
                raise serializers.ValidationError({"step": _(
                    "This step is not part of this person's plan.")})
        enrolment = services.enrolment_create(actor=request.user, person=person, **data)
        saved = _enrolments(request.user).get(pk=enrolment.pk)
        return Response(EnrolmentSerializer(saved).data, status=status.HTTP_201_CREATED)


# --- sessions ------------------------------------------------------------------------------------

class SessionSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    person = serializers.UUIDField(source="person.uuid")
    enrolment = serializers.UUIDField(source="enrolment.uuid")
    intervention = InterventionBriefSerializer(source="enrolment.intervention")
    scheduled_at = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField()
    facilitator = StaffSerializer()
    attendance = serializers.CharField(allow_blank=True, help_text="\"\" until recorded. "
                                       + one_of(Attendance))
    recorded_at = serializers.DateTimeField(allow_null=True)
    recorded_by = serializers.CharField(source="recorded_by.username", default=None,
                                        allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, help_text=(
        "The session note. Present only for users who hold the person's treatment "
        "compartment; the key is absent for everyone else."))
    shared_summary = serializers.CharField(allow_blank=True, help_text=(
        "What the treatment side shares with the case team."))
    concern = serializers.BooleanField(help_text="A concern was flagged (the case manager was "
                                                 "told).")
    rupture_suspected = serializers.BooleanField(
        help_text="A rupture of the working alliance is suspected (a measure falls due).")
    corrected_at = serializers.DateTimeField(allow_null=True,
                                             help_text="When the attendance was corrected.")
    correction_reason = serializers.CharField(allow_blank=True,
                                              help_text="Why the attendance was corrected.")
    version = serializers.IntegerField(help_text="Send it back when you record the session.")

    def to_representation(self, session):
        data = super().to_representation(session)
        # The rule of the treatment compartment: the view says who holds it; by default, no one.
        if not self.context.get("notes"):
            del data["note"]
        return data


def _sessions_response(sessions_shown, grant, **kwargs):
    return SessionSerializer(sessions_shown, context={"notes": grant.can(WorkAction.VIEW_NOTE)},
                             **kwargs).data


class SessionListQuery(ListQuery):
    attendance = ChoiceFilter(Attendance.choices, help_text="Only sessions recorded so.")

    def get_fields(self):
        # "from" is a Python keyword: it cannot be declared as a class attribute.
        fields = super().get_fields()
        fields["from"] = serializers.DateField(required=False, allow_null=True, default=None,
                                               help_text="Scheduled on or after this day.")
        fields["to"] = serializers.DateField(required=False, allow_null=True, default=None,
                                             help_text="Scheduled on or before this day.")
        return fields

    def validate(self, attrs):
        if attrs["from"] and attrs["to"] and attrs["from"] > attrs["to"]:
            raise serializers.ValidationError({"to": _("This must not be before “from”.")})
        return attrs


class PersonSessions(APIView):
    pagination_class = Pagination

    @extend_schema(tags=ENGAGEMENT, parameters=[SessionListQuery],
                   responses=SessionSerializer(many=True),
                   description="The person's sessions, newest first. " + NOTE_RULE)
    def get(self, request, person_uuid):
        query = SessionListQuery.validated(request)
        person, grant = get_person_for_plan_work(request.user, person_uuid)
        rows = sessions.for_person(request.user, person).select_related(
            "person", "enrolment__intervention", "facilitator", "recorded_by")
        if query["attendance"]:
            rows = rows.filter(attendance=query["attendance"])
        if query["from"]:
            rows = rows.filter(scheduled_at__date__gte=query["from"])
        if query["to"]:
            rows = rows.filter(scheduled_at__date__lte=query["to"])
        pagination = self.pagination_class()
        shown = pagination.paginate_queryset(rows.order_by("-scheduled_at", "-pk"), request,
                                             view=self)
        _list_consulted(request, person, grant, "sessions", shown, pagination)
        return pagination.get_paginated_response(_sessions_response(shown, grant, many=True))


class ScheduleSerializer(serializers.Serializer):
    first_at = serializers.DateTimeField(help_text="When the first session is.")
    count = serializers.IntegerField(required=False, default=1,
                                     help_text="How many sessions (a weekly series: 1 to 52).")
    every_days = serializers.IntegerField(required=False, default=7,
                                          help_text="Days between sessions of a series.")
    duration_minutes = serializers.IntegerField(required=False, default=60)
    facilitator = serializers.UUIDField(required=False, allow_null=True, default=None,
                                        help_text="Default: the enrolment's practitioner.")

    def validate_facilitator(self, value):
        return None if value is None else _user(value, _("No such member of staff."))


class EnrolmentSessions(APIView):
    @extend_schema(tags=ENGAGEMENT, request=ScheduleSerializer,
                   responses={201: SessionSerializer(many=True)},
                   description="Plan one session of an active enrolment, or a series. Answers "
                               "with the sessions planned. " + NOTE_RULE)
    def post(self, request, enrolment_uuid):
        enrolment, grant = get_enrolment_for_user(request.user, enrolment_uuid,
                                                  WorkAction.MANAGE)
        data = validated(ScheduleSerializer, request)
        created = services.sessions_schedule(actor=request.user, enrolment=enrolment, **data)
        return Response(_sessions_response(created, grant, many=True),
                        status=status.HTTP_201_CREATED)


class SessionRecordSerializer(VersionSerializer):
    attendance = serializers.ChoiceField(
        choices=Attendance.choices, required=False,
        help_text="Required the first time. A different value later is a correction, which "
                  "needs `correction_reason`; a refusal it replaces no longer counts.")
    correction_reason = serializers.CharField(required=False, allow_blank=True, default="",
                                              max_length=4000,
                                              help_text="Why a recorded attendance is corrected.")
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000, help_text=(
        "The session note: treatment staff only. Left out, it stays as it is."))
    shared_summary = serializers.CharField(required=False, allow_blank=True, max_length=4000,
                                           help_text="For the case team. Left out, it stays as "
                                                     "it is.")
    concern = serializers.BooleanField(required=False, default=False,
                                       help_text="Flag a concern: the case manager gets a task "
                                                 "and a notification.")
    rupture_suspected = serializers.BooleanField(required=False, default=False)
    reason = serializers.ChoiceField(choices=RefusalReason.choices, required=False,
                                     allow_blank=True, default="",
                                     help_text="A refusal: the reason the person gave.")
    reason_words = serializers.CharField(required=False, allow_blank=True, default="",
                                         max_length=4000, help_text="In their words.")
    strategy = serializers.ChoiceField(choices=Strategy.choices, required=False,
                                       allow_blank=True, default="",
                                       help_text="A refusal: the strategy tried next.")
    strategy_note = serializers.CharField(required=False, allow_blank=True, default="",
                                          max_length=4000)


class SessionDetail(APIView):
    @extend_schema(tags=ENGAGEMENT, responses=SessionSerializer, description=NOTE_RULE)
    def get(self, request, session_uuid):
        session, grant = get_session_for_user(request.user, session_uuid)
        return Response(_sessions_response(session, grant))

    @extend_schema(tags=ENGAGEMENT, request=SessionRecordSerializer, responses=SessionSerializer,
                   description="Record what happened at the session (its facilitator, the case "
                               "manager, the treatment staff of the responsible agency): a "
                               "refusal carries the reason given and the strategy tried next; a "
                               "session not yet held cannot be attended. " + NOTE_RULE)
    def patch(self, request, session_uuid):
        session, grant = get_session_for_user(request.user, session_uuid, WorkAction.RECORD)
        data = validated(SessionRecordSerializer, request)
        # A PATCH keeps what it leaves out; the service records the texts whole.
        data.setdefault("attendance", "")
        data.setdefault("shared_summary", session.shared_summary)
        if "note" not in data and grant.can(WorkAction.VIEW_NOTE):
            data["note"] = session.note
        version = data.pop("version")
        services.session_record(actor=request.user, session=session, expected_version=version,
                                **data)
        session, grant = get_session_for_user(request.user, session_uuid)
        return Response(_sessions_response(session, grant))


# --- offers and refusals -------------------------------------------------------------------------

class OfferSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    offered_on = serializers.DateField()
    offered_by = serializers.CharField(source="offered_by.username")
    response = serializers.CharField(help_text=one_of(OfferResponse))
    intervention = InterventionBriefSerializer(allow_null=True)
    session = serializers.UUIDField(source="session.uuid", default=None, allow_null=True,
                                    help_text="The session refused, if it was one.")
    reason = serializers.CharField(allow_blank=True, help_text="A refusal: the reason given. "
                                   + one_of(RefusalReason))
    reason_label = serializers.CharField(source="get_reason_display", allow_blank=True,
                                         help_text="In the request's language.")
    reason_words = serializers.CharField(allow_blank=True, help_text="In their words.")
    strategy = serializers.CharField(allow_blank=True, help_text="A refusal: the strategy tried "
                                     "next. " + one_of(Strategy))
    strategy_label = serializers.CharField(source="get_strategy_display", allow_blank=True,
                                           help_text="In the request's language.")
    strategy_note = serializers.CharField(allow_blank=True)


class OfferCreateSerializer(serializers.Serializer):
    offered_on = serializers.DateField()
    response = serializers.ChoiceField(choices=OfferResponse.choices)
    intervention = serializers.UUIDField(required=False, allow_null=True, default=None,
                                         help_text="The intervention offered, if any.")
    reason = serializers.ChoiceField(choices=RefusalReason.choices, required=False,
                                     allow_blank=True, default="",
                                     help_text="Required for a refusal.")
    reason_words = serializers.CharField(required=False, allow_blank=True, default="",
                                         max_length=4000)
    strategy = serializers.ChoiceField(choices=Strategy.choices, required=False,
                                       allow_blank=True, default="",
                                       help_text="Required for a refusal.")
    strategy_note = serializers.CharField(required=False, allow_blank=True, default="",
                                          max_length=4000)

    def validate_intervention(self, value):
        return None if value is None else _intervention(value)


class RefusalListQuery(ListQuery):
    response = ChoiceFilter(OfferResponse.choices, help_text="refused or accepted.")


class PersonRefusals(APIView):
    pagination_class = Pagination

    @extend_schema(tags=MOTIVATION, parameters=[RefusalListQuery],
                   responses=OfferSerializer(many=True),
                   description="Every offer made to the person and their answer, newest first; "
                               "a refusal with the reason they gave and the strategy tried next.")
    def get(self, request, person_uuid):
        query = RefusalListQuery.validated(request)
        person, grant = get_person_for_plan_work(request.user, person_uuid)
        rows = offers.for_person(request.user, person).select_related(
            "offered_by", "intervention", "session")
        if query["response"]:
            rows = rows.filter(response=query["response"])
        pagination = self.pagination_class()
        shown = pagination.paginate_queryset(rows.order_by("-offered_on", "-pk"), request,
                                             view=self)
        _list_consulted(request, person, grant, "offers", shown, pagination)
        return pagination.get_paginated_response(OfferSerializer(shown, many=True).data)

    @extend_schema(tags=MOTIVATION, request=OfferCreateSerializer,
                   responses={201: OfferSerializer},
                   description="Record an offer and the person's answer. A refusal that makes "
                               "the jurisdiction's refusal pattern marks a reassessment due.")
    def post(self, request, person_uuid):
        person, _grant = get_person_for_plan_work(request.user, person_uuid, WorkAction.MANAGE)
        data = validated(OfferCreateSerializer, request)
        offer = services.offer_record(actor=request.user, person=person, **data)
        return Response(OfferSerializer(offer).data, status=status.HTTP_201_CREATED)


# --- the stage of change -------------------------------------------------------------------------

class StageSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    stage = serializers.CharField(help_text=one_of(Stage))
    stage_label = serializers.CharField(source="get_stage_display",
                                        help_text="In the request's language.")
    assessed_on = serializers.DateField()
    rationale = serializers.CharField(required=False, help_text=(
        "Why this stage. Present only for users who hold the person's treatment compartment; "
        "the key is absent for everyone else."))
    recorded_by = serializers.CharField(source="recorded_by.username")
    created_at = serializers.DateTimeField()

    def to_representation(self, entry):
        data = super().to_representation(entry)
        if not self.context.get("rationale"):
            del data["rationale"]
        return data


class StageCreateSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices)
    assessed_on = serializers.DateField(help_text="Not in the future.")
    rationale = serializers.CharField(max_length=4000)


class PersonMotivation(APIView):
    pagination_class = Pagination

    @extend_schema(tags=MOTIVATION, responses=StageSerializer(many=True),
                   description="The person's stage of change over time, latest first. "
                               + RATIONALE_RULE)
    def get(self, request, person_uuid):
        ListQuery.validated(request)
        person, grant = get_person_for_plan_work(request.user, person_uuid)
        pagination = self.pagination_class()
        shown = pagination.paginate_queryset(
            stages.for_person(request.user, person).select_related("recorded_by")
            .order_by("-assessed_on", "-pk"), request, view=self)
        _list_consulted(request, person, grant, "stages_of_change", shown, pagination)
        return pagination.get_paginated_response(StageSerializer(shown, many=True, context={
            "rationale": grant.can(WorkAction.VIEW_NOTE)}).data)

    @extend_schema(tags=MOTIVATION, request=StageCreateSerializer,
                   responses={201: StageSerializer},
                   description="Record the person's stage of change with its rationale "
                               "(treatment staff).")
    def post(self, request, person_uuid):
        person, _grant = get_person_for_treatment(request.user, person_uuid)
        data = validated(StageCreateSerializer, request)
        entry = services.stage_record(actor=request.user, person=person, **data)
        return Response(StageSerializer(entry, context={"rationale": True}).data,
                        status=status.HTTP_201_CREATED)


# --- the working alliance ------------------------------------------------------------------------

class AllianceMeasureSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    instrument_version = serializers.UUIDField(source="instrument_version.uuid", help_text=(
        "A working-alliance instrument version (see /api/v1/instruments/?kind=alliance)."))
    practitioner = StaffSerializer(help_text="Whom the person rated their work with.")
    enrolment = serializers.UUIDField(source="enrolment.uuid", default=None, allow_null=True)
    occasion = serializers.CharField(help_text=one_of(AllianceOccasion))
    taken_on = serializers.DateField()
    ratings = serializers.DictField(child=RatingField(), help_text="Item code -> point code.")
    scores = serializers.DictField(child=serializers.FloatField(allow_null=True), help_text=(
        "Subscale code (goal, task, bond) -> mean of its answers, null with too few "
        "(advisory)."))
    note = serializers.CharField(allow_blank=True)
    recorded_by = serializers.CharField(source="recorded_by.username")
    created_at = serializers.DateTimeField()


@extend_schema_field({"type": "string", "pattern": f"^({'|'.join(AllianceOccasion.values)})$"})
class _OccasionField(serializers.ChoiceField):
    """Documented by a pattern, not an enum: drf-spectacular names enums after their field, and
    "occasion" already names the screenings' occasions (OccasionEnum)."""


class AllianceCreateSerializer(serializers.Serializer):
    instrument_version = serializers.UUIDField(help_text="An offered working-alliance version.")
    practitioner = serializers.UUIDField(help_text="The member of staff the measure is about.")
    enrolment = serializers.UUIDField(required=False, allow_null=True, default=None,
                                      help_text="The person's enrolment it follows, if any.")
    occasion = _OccasionField(choices=AllianceOccasion.choices,
                              help_text="scheduled, rupture (suspected) or other.")
    taken_on = serializers.DateField(help_text="Not in the future.")
    ratings = serializers.DictField(child=RatingField(), help_text="Item code -> point code of "
                                    "the item's scale.")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)

    def validate_instrument_version(self, value):
        version = find_instrument_version(value)
        if version is None:
            raise serializers.ValidationError(_("No such instrument version."))
        return version

    def validate_practitioner(self, value):
        return _user(value, _("No such member of staff."))


class PersonAllianceMeasures(APIView):
    pagination_class = Pagination

    @extend_schema(tags=MOTIVATION, responses=AllianceMeasureSerializer(many=True),
                   description="The person's working-alliance measures, latest first: the "
                               "treatment compartment's (403 for anyone else who sees them).")
    def get(self, request, person_uuid):
        ListQuery.validated(request)
        person, grant = get_person_for_treatment(request.user, person_uuid)
        pagination = self.pagination_class()
        shown = pagination.paginate_queryset(
            alliance_measures.for_person(request.user, person).select_related(
                "practitioner", "instrument_version", "enrolment", "recorded_by")
            .defer("instrument_version__definition")
            .order_by("-taken_on", "-pk"), request, view=self)
        _list_consulted(request, person, grant, "alliance_measures", shown, pagination)
        return pagination.get_paginated_response(
            AllianceMeasureSerializer(shown, many=True).data)

    @extend_schema(tags=MOTIVATION, request=AllianceCreateSerializer,
                   responses={201: AllianceMeasureSerializer},
                   description="Record a measure the person completed about their work with a "
                               "practitioner (treatment staff). An answer outside an item's "
                               "scale is refused under `item_<code>`.")
    def post(self, request, person_uuid):
        person, _grant = get_person_for_treatment(request.user, person_uuid)
        data = validated(AllianceCreateSerializer, request)
        if data["enrolment"] is not None:
            data["enrolment"] = enrolments.visible(request.user).filter(
                uuid=data["enrolment"]).first()
            if data["enrolment"] is None:
                raise serializers.ValidationError({"enrolment": _("No such enrolment.")})
        measure = services.alliance_record(actor=request.user, person=person, **data)
        return Response(AllianceMeasureSerializer(measure).data, status=status.HTTP_201_CREATED)
