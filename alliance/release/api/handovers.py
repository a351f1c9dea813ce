"""The API of handovers: those the caller sees (and those waiting for them), sending one, and
its acknowledgement by the receiving agency or its withdrawal (see __init__.py)."""

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.assessments.api import VersionSerializer
from alliance.core.api import ChoiceFilter, ListQuery, Pagination, validated
from alliance.core.policy import refuse
from alliance.people.access import require_caseload

from .. import services
from ..access import (
    ReleaseAction,
    get_handover_for_user,
    get_person_for_release,
    handovers,
)
from ..models import MAX_TEXT, HandoverStatus
from .common import RELEASE, TEAM_SHARE_RULE, AgencyField, listed
from .serializers import HandoverDetailSerializer, HandoverSerializer

_RELATED = ("person", "from_agency", "to_agency", "sent_by", "acknowledged_by", "withdrawn_by")


def _waiting_for(user, rows):
    """Of these handovers, those waiting for `user` to acknowledge (access.can_acknowledge)."""
    waiting = list(rows.filter(status=HandoverStatus.SENT))
    grants = handovers.grants(user, waiting)
    return rows.filter(pk__in=[h.pk for h in waiting
                               if grants[h.pk].can(ReleaseAction.ACKNOWLEDGE)])


def _handover_response(user, handover_uuid, code=status.HTTP_200_OK) -> Response:
    handover, grant = get_handover_for_user(user, handover_uuid)
    return Response(HandoverDetailSerializer(handover, context={"grants": {handover.pk: grant}})
                    .data, status=code)


class HandoverListQuery(ListQuery):
    status = ChoiceFilter(HandoverStatus.choices, help_text="Only handovers in this status.")
    waiting_for_me = serializers.BooleanField(
        required=False, default=False,
        help_text="true (or 1): only those waiting for you to acknowledge them.")


class HandoverCreateSerializer(serializers.Serializer):
    person = serializers.UUIDField(help_text="The person handed over (their id).")
    to_agency = AgencyField(help_text=(
        "The probation service that takes the person on: it must be on the person's case "
        "team."))
    note = serializers.CharField(required=False, allow_blank=True, default="",
                                 max_length=MAX_TEXT, trim_whitespace=False,
                                 help_text="A note to the receiving agency.")
    retain_days = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=0, max_value=365,
        help_text="The prison keeps read access this many days after responsibility passes; "
                  "by default the jurisdiction's setting.")


class HandoverAcknowledgeSerializer(VersionSerializer):
    note = serializers.CharField(required=False, allow_blank=True, default="",
                                 max_length=MAX_TEXT, trim_whitespace=False,
                                 help_text="A note back to the prison, if any.")


class HandoverWithdrawSerializer(VersionSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="",
                                   max_length=MAX_TEXT, trim_whitespace=False,
                                   help_text="Why it is withdrawn (required).")


class HandoverList(APIView):
    pagination_class = Pagination

    @extend_schema(tags=RELEASE, parameters=[HandoverListQuery],
                   responses=HandoverSerializer(many=True),
                   description="The handovers of the people whose case-team share you hold, "
                               "newest first. " + TEAM_SHARE_RULE)
    def get(self, request):
        query = HandoverListQuery.validated(request)
        require_caseload(request.user)
        rows = handovers.visible(request.user).select_related(*_RELATED).order_by("-sent_at",
                                                                                  "-id")
        if query["status"]:
            rows = rows.filter(status=query["status"])
        if query["waiting_for_me"]:
            rows = _waiting_for(request.user, rows)
        pagination = self.pagination_class()
        shown = pagination.paginate_queryset(rows, request, view=self)
        listed(request, shown, "handovers", page=pagination.page.number)
        return pagination.get_paginated_response(HandoverSerializer(
            shown, many=True, context={"grants": handovers.grants(request.user, shown)}).data)

    @extend_schema(tags=RELEASE, request=HandoverCreateSerializer,
                   responses={201: HandoverDetailSerializer},
                   description="Send the handover of a person in custody to the probation "
                               "service on their case team that will take them on, with the "
                               "package (latest assessment, plan, support plan, steps). "
                               "Responsibility passes once it is acknowledged and the person "
                               "released. Refused with the reason (400) for an agency not on "
                               "the case team, or while another handover is under way.")
    def post(self, request):
        require_caseload(request.user)
        data = validated(HandoverCreateSerializer, request)
        try:
            person, _grant = get_person_for_release(request.user, data["person"],
                                                    ReleaseAction.WORK)
        except Http404 as exc:  # refused and audited by the getter; a field of the body here
            raise serializers.ValidationError({"person": _(
                "No such person, or not one you may see.")}) from exc
        handover = services.handover_send(actor=request.user, person=person,
                                          to_agency=data["to_agency"], note=data["note"],
                                          retain_days=data["retain_days"])
        return _handover_response(request.user, handover.uuid, status.HTTP_201_CREATED)


class HandoverDetail(APIView):
    @extend_schema(tags=RELEASE, responses=HandoverDetailSerializer,
                   description="A handover and what its package held. " + TEAM_SHARE_RULE)
    def get(self, request, handover_uuid):
        return _handover_response(request.user, handover_uuid)


class HandoverAcknowledge(APIView):
    @extend_schema(tags=RELEASE, request=HandoverAcknowledgeSerializer,
                   responses=HandoverDetailSerializer,
                   description="The receiving agency acknowledges the handover (its members on "
                               "the person's case team, or its record keepers). If the person "
                               "is released, responsibility passes now; else on the release.")
    def post(self, request, handover_uuid):
        handover, grant = get_handover_for_user(request.user, handover_uuid)
        if handover.status == HandoverStatus.SENT and not grant.can(ReleaseAction.ACKNOWLEDGE):
            refuse(request.user, handover.uuid, action=ReleaseAction.ACKNOWLEDGE,
                   not_found=False, person=handover.person, object_type=handovers.object_type,
                   message=_("Only the receiving agency acknowledges a handover."))
        data = validated(HandoverAcknowledgeSerializer, request)
        services.handover_acknowledge(actor=request.user, handover=handover,
                                      expected_version=data["version"], note=data["note"])
        return _handover_response(request.user, handover.uuid)


class HandoverWithdraw(APIView):
    @extend_schema(tags=RELEASE, request=HandoverWithdrawSerializer,
                   responses=HandoverDetailSerializer,
                   description="The sending side withdraws a handover not yet acknowledged, "
                               "with the reason (not the receiving agency: 403).")
    def post(self, request, handover_uuid):
        handover, _grant = get_handover_for_user(request.user, handover_uuid,
                                                 ReleaseAction.WITHDRAW)
        data = validated(HandoverWithdrawSerializer, request)
        services.handover_withdraw(actor=request.user, handover=handover,
                                   expected_version=data["version"], reason=data["reason"])
        return _handover_response(request.user, handover.uuid)
