"""The referral API, mounted under /api/v1/ (coordination/api.py): the caller's agencies' sent
and received referrals, creating one (a draft, or sent at once), a referral, and the receiving
agency's accept, decline and complete. The same access functions, services and audit as the
pages: 404 for a referral the caller does not see, 403 with the reason for an action not
theirs, 409 for a stale version, 400 with the reason for what the services refuse. People
appear by reference and uuid, never by name."""

from django.db.models import Q
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.accounts.models import User
from alliance.assessments.api import VersionSerializer
from alliance.core.api import ChoiceFilter, ListQuery, Pagination, one_of, validated
from alliance.people.access import get_person_for_user, require_caseload
from alliance.release.api.common import AgencyField
from alliance.release.api.serializers import AgencyRefSerializer

from ..models import (
    MAX_TEXT,
    DeclineReason,
    ReferralKind,
    ReferralStatus,
    ResultOutcome,
)
from . import selectors, services
from .access import (
    ReferralAction,
    get_referral_for_user,
    referrals,
    responding_agency_ids,
)

TAGS = ["referrals"]
RULE = ("The sending side (the agency that refers: its staff who hold the person's case-team "
        "share, the case team's members it placed, the case manager) sees its referrals, "
        "drafts included. The receiving side (the staff who answer referrals for the receiving "
        "agency, and the named worker) sees a referral once sent: its content and the "
        "person's reference, not the person's record until it accepts.")


class ResultSerializer(serializers.Serializer):
    description = serializers.CharField(help_text="A result the referral hopes for.")
    outcome = serializers.CharField(help_text=one_of(ResultOutcome))
    note = serializers.CharField(help_text="The receiving agency's note on it.")


class ReferralSerializer(serializers.Serializer):
    uuid = serializers.UUIDField(help_text="The referral's id.")
    person = serializers.UUIDField(source="person.uuid", help_text="The person's id.")
    reference = serializers.CharField(source="person.reference",
                                      help_text="The person's reference (never the name).")
    from_agency = AgencyRefSerializer(help_text="The agency that refers.")
    to_agency = AgencyRefSerializer(help_text="The agency referred to.")
    kind = serializers.CharField(help_text=one_of(ReferralKind))
    status = serializers.CharField(help_text=one_of(ReferralStatus))
    respond_by = serializers.DateField(allow_null=True,
                                       help_text="The answer is expected by this date.")
    sent_at = serializers.DateTimeField(allow_null=True, help_text="When it was sent.")
    responded_at = serializers.DateTimeField(allow_null=True,
                                             help_text="When it was accepted or declined.")
    version = serializers.IntegerField(help_text="Send it back with an action (409 if stale).")


class ReferralDetailSerializer(ReferralSerializer):
    reason = serializers.CharField(help_text="What is asked, and why.")
    scopes = serializers.ListField(child=serializers.CharField(), help_text=(
        "What the worker would see beyond the case team's share: identity, treatment, "
        "security."))
    results = serializers.SerializerMethodField(help_text="The desired results, in order.")
    decline_reason = serializers.CharField(help_text=one_of(DeclineReason) + " Empty unless "
                                           "declined.")
    decline_note = serializers.CharField(help_text="The note given when declining.")
    worker = serializers.SerializerMethodField(help_text="The worker's id (a user), once "
                                                         "accepted.")
    outcome_note = serializers.CharField(help_text="The note given on completion.")
    withdrawal_reason = serializers.CharField(help_text="Why it was withdrawn.")
    actions = serializers.SerializerMethodField(help_text=(
        "What you may do: view, edit, send, withdraw (the sending side); accept, decline, "
        "start, complete (the receiving side)."))

    @extend_schema_field(ResultSerializer(many=True))
    def get_results(self, referral):
        return ResultSerializer(referral.results.all(), many=True).data

    @extend_schema_field(OpenApiTypes.UUID)
    def get_worker(self, referral):
        return str(referral.worker.uuid) if referral.worker else None

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_actions(self, referral):
        return sorted(self.context["grant"].actions)


class ReferralListQuery(ListQuery):
    direction = ChoiceFilter([("sent", "sent"), ("received", "received")],
                             help_text="sent: from your agencies; received: to them (or to "
                                       "you as the worker). Absent: both.")
    status = ChoiceFilter(ReferralStatus.choices, help_text="Only referrals in this status.")


class ReferralCreateSerializer(serializers.Serializer):
    person = serializers.UUIDField(help_text="The person referred (their id).")
    to_agency = AgencyField(help_text="The agency referred to (its id).")
    kind = serializers.CharField(help_text=one_of(ReferralKind) + " (refused with the reason "
                                 "otherwise).")
    reason = serializers.CharField(max_length=MAX_TEXT, allow_blank=True,
                                   help_text="What is asked, and why (required).")
    results = serializers.ListField(child=serializers.CharField(max_length=2000),
                                    help_text="The results hoped for (at least one).")
    scopes = serializers.ListField(child=serializers.CharField(), required=False, default=list,
                                   help_text="identity, treatment, security: what the worker "
                                             "would also see, if the agreement covers it.")
    respond_by = serializers.DateField(required=False, allow_null=True, default=None,
                                       help_text="Empty: ten days after it is sent.")
    send = serializers.BooleanField(required=False, default=False,
                                    help_text="true: send it at once (else a draft).")


class AcceptSerializer(VersionSerializer):
    worker = serializers.SlugRelatedField(
        slug_field="uuid", queryset=User.objects.filter(is_active=True),
        help_text="The worker (a user of the receiving agency) who joins the case team.")


class DeclineSerializer(VersionSerializer):
    reason = serializers.CharField(allow_blank=True, help_text=one_of(DeclineReason))
    note = serializers.CharField(required=False, allow_blank=True, default="",
                                 max_length=MAX_TEXT,
                                 help_text="Why (required when the reason is other).")


class OutcomeSerializer(serializers.Serializer):
    outcome = serializers.CharField(help_text="achieved, partly or not_achieved.")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000,
                                 help_text="A note on this result.")


class CompleteSerializer(VersionSerializer):
    outcomes = OutcomeSerializer(many=True, help_text="One per desired result, in their order.")
    note = serializers.CharField(required=False, allow_blank=True, default="",
                                 max_length=MAX_TEXT, help_text="The outcome on the whole.")


def _response(user, referral_uuid, code=status.HTTP_200_OK) -> Response:
    referral, grant = get_referral_for_user(user, referral_uuid)
    return Response(ReferralDetailSerializer(referral, context={"grant": grant}).data,
                    status=code)


class ReferralList(APIView):
    pagination_class = Pagination

    @extend_schema(tags=TAGS, parameters=[ReferralListQuery],
                   responses=ReferralSerializer(many=True),
                   description="The referrals your agencies sent and received, newest first. "
                               + RULE)
    def get(self, request):
        query = ReferralListQuery.validated(request)
        require_caseload(request.user)
        user = request.user
        rows = referrals.visible(user).select_related("person", "from_agency", "to_agency")
        mine = sorted(selectors.my_agency_ids(user))
        if query["direction"] == "sent":
            rows = rows.filter(from_agency_id__in=mine)
        elif query["direction"] == "received":
            rows = rows.exclude(status=ReferralStatus.DRAFT).filter(
                Q(to_agency_id__in=sorted(responding_agency_ids(user))) | Q(worker_id=user.pk))
        if query["status"]:
            rows = rows.filter(status=query["status"])
        pagination = self.pagination_class()
        shown = pagination.paginate_queryset(rows.order_by("-created_at", "-id"), request,
                                             view=self)
        selectors.noted(user, shown, "referrals")
        return pagination.get_paginated_response(ReferralSerializer(shown, many=True).data)

    @extend_schema(tags=TAGS, request=ReferralCreateSerializer,
                   responses={201: ReferralDetailSerializer},
                   description="Refer a person to another agency: a draft, or sent at once "
                               "(`send`). Refused with the reason (400) when no agreement in "
                               "force covers what it asks, without a desired result, or while "
                               "a referral of the same kind to that agency is open.")
    def post(self, request):
        require_caseload(request.user)
        data = validated(ReferralCreateSerializer, request)
        try:
            person, _grant = get_person_for_user(request.user, data["person"])
        except Http404 as exc:
            raise serializers.ValidationError({"person": _(
                "No such person, or not one you may see.")}) from exc
        referral = services.referral_create(
            actor=request.user, person=person, to_agency=data["to_agency"], kind=data["kind"],
            reason=data["reason"], scopes=data["scopes"], results=data["results"],
            respond_by=data["respond_by"], send=data["send"])
        return _response(request.user, referral.uuid, status.HTTP_201_CREATED)


class ReferralDetail(APIView):
    @extend_schema(tags=TAGS, responses=ReferralDetailSerializer,
                   description="A referral, its desired results and their outcomes. " + RULE)
    def get(self, request, referral_uuid):
        return _response(request.user, referral_uuid)


class ReferralAccept(APIView):
    @extend_schema(tags=TAGS, request=AcceptSerializer, responses=ReferralDetailSerializer,
                   description="The receiving agency accepts and names its worker, who joins "
                               "the person's case team with the scopes asked for that the "
                               "agreement covers. Anyone else who sees it: 403 with the "
                               "reason.")
    def post(self, request, referral_uuid):
        referral, _grant = get_referral_for_user(request.user, referral_uuid,
                                                 ReferralAction.ACCEPT)
        data = validated(AcceptSerializer, request)
        services.referral_accept(actor=request.user, referral=referral, worker=data["worker"],
                                 expected_version=data["version"])
        return _response(request.user, referral.uuid)


class ReferralDecline(APIView):
    @extend_schema(tags=TAGS, request=DeclineSerializer, responses=ReferralDetailSerializer,
                   description="The receiving agency declines, with the reason.")
    def post(self, request, referral_uuid):
        referral, _grant = get_referral_for_user(request.user, referral_uuid,
                                                 ReferralAction.DECLINE)
        data = validated(DeclineSerializer, request)
        services.referral_decline(actor=request.user, referral=referral, reason=data["reason"],
                                  note=data["note"], expected_version=data["version"])
        return _response(request.user, referral.uuid)


class ReferralComplete(APIView):
    @extend_schema(tags=TAGS, request=CompleteSerializer, responses=ReferralDetailSerializer,
                   description="The worker (or the receiving agency) completes the work, with "
                               "an outcome for each desired result.")
    def post(self, request, referral_uuid):
        referral, _grant = get_referral_for_user(request.user, referral_uuid,
                                                 ReferralAction.COMPLETE)
        data = validated(CompleteSerializer, request)
        services.referral_complete(actor=request.user, referral=referral,
                                   outcomes=data["outcomes"], note=data["note"],
                                   expected_version=data["version"])
        return _response(request.user, referral.uuid)


urls = [
    path("referrals/", ReferralList.as_view(), name="referral-list"),
    path("referrals/<uuid:referral_uuid>/", ReferralDetail.as_view(),
         name="referral-detail"),
    path("referrals/<uuid:referral_uuid>/accept/", ReferralAccept.as_view(),
         name="referral-accept"),
    path("referrals/<uuid:referral_uuid>/decline/", ReferralDecline.as_view(),
         name="referral-decline"),
    path("referrals/<uuid:referral_uuid>/complete/", ReferralComplete.as_view(),
         name="referral-complete"),
]
