"""The API of sharing: the summaries drawing on an observation and a new one (the analyst), and
what is shared with the caller (see __init__.py)."""

import datetime

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.accounts.models import Role
from alliance.core import audit
from alliance.core.api import ListQuery, Pagination, validated
from alliance.core.models import AuditAction
from alliance.people.access import require_caseload
from alliance.plans.selectors import active_user_by_uuid

from .. import services
from ..access import (
    SecurityAction,
    get_observation_for_user,
    get_person_for_security,
    get_summary_for_user,
    in_force,
    observations,
    summaries,
)
from ..models import MAX_TEXT
from .common import PURPOSE_PARAMETERS, SECURITY, require_purpose
from .reading import security_side_ids
from .shown import SharedSummarySerializer

SUMMARY_RULE = ("The security side (holders of the person's security compartment) reads the "
                "whole sharing decision; a recipient reads the summary, and the keys marked "
                "\"security side only\" are absent for them.")


def _summaries(user):
    return (summaries.visible(user).select_related("person", "shared_by", "agency")
            .prefetch_related("recipients__user", _basis(user)))


def _basis(user):
    # Only the ids the reader may read: never a whole observation (texts) for a list of summaries.
    return Prefetch("observations", queryset=observations.visible(user).only("uuid"))


def _summaries_response(user, rows, **kwargs):
    context = {"today": timezone.localdate(), "security_side": security_side_ids(user, rows)}
    return SharedSummarySerializer(rows, context=context, **kwargs).data


def _listed(request, rows, pagination, resource: str, **extra) -> None:
    audit.consulted(actor=request.user, action=AuditAction.LIST,
                    persons=list({s.person_id: s.person for s in rows}.values()),
                    details={"resource": resource, "count": len(rows),
                             "page": pagination.page.number, **extra})


class ShareCreateSerializer(serializers.Serializer):
    summary = serializers.CharField(max_length=MAX_TEXT, help_text=(
        "The sanitised summary its recipients read: no source, no verbatim account, nothing "
        "the handling codes keep back."))
    recipients = serializers.ListField(
        child=serializers.UUIDField(), required=False, default=list, max_length=100,
        help_text="Named members of the person's case team (their uuids).")
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=Role.choices), required=False, default=list,
        max_length=20, help_text="Or every holder of these roles among those who hold the "
                                 "person's case-team share.")
    expires_on = serializers.DateField(
        required=False, allow_null=True, default=None,
        help_text="Readable until this day (inclusive), after today and within the "
                  "jurisdiction's maximum; by default its usual period (90 days unless set).")
    observations = serializers.ListField(
        child=serializers.UUIDField(), required=False, default=list, max_length=100,
        help_text="Further observations of the person it draws on (reviewed, not archived); "
                  "their handling codes decide how far it may go.")


def _recipients(uuids) -> list:
    users = [active_user_by_uuid(uuid) for uuid in dict.fromkeys(uuids)]
    if any(user is None for user in users):
        raise serializers.ValidationError({"recipients": _("No such member of staff.")})
    return users


def _further(user, observation, uuids) -> list:
    extra = [u for u in dict.fromkeys(uuids) if u != observation.uuid]
    found = list(observations.visible(user).filter(uuid__in=extra))
    if len(found) != len(extra):
        raise serializers.ValidationError({"observations": _(
            "No such observation, or not one you may read.")})
    return [observation, *found]


class ObservationShares(APIView):
    pagination_class = Pagination

    @extend_schema(tags=SECURITY, parameters=PURPOSE_PARAMETERS,
                   responses=SharedSummarySerializer(many=True),
                   description="The summaries shared so far that draw on this observation, "
                               "newest first, in force or not (the security side). States its "
                               "purpose.")
    def get(self, request, observation_uuid):
        ListQuery.validated(request)
        observation, _grant = get_observation_for_user(request.user, observation_uuid)
        require_purpose(request)
        pagination = self.pagination_class()
        rows = pagination.paginate_queryset(
            _summaries(request.user).filter(observations=observation)
            .order_by("-created_at", "-pk"), request, view=self)
        _listed(request, rows, pagination, "shared_summaries",
                observation=str(observation.uuid))
        return pagination.get_paginated_response(
            _summaries_response(request.user, rows, many=True))

    @extend_schema(tags=SECURITY, request=ShareCreateSerializer,
                   responses={201: SharedSummarySerializer},
                   description="Share a sanitised summary drawing on this observation (and "
                               "others of the person) with named members of the case team "
                               "and/or the holders of roles on it, until a date (the security "
                               "analysts of the prison responsible for the person). The "
                               "recipients are notified.")
    def post(self, request, observation_uuid):
        observation, _grant = get_observation_for_user(request.user, observation_uuid)
        person, _security = get_person_for_security(request.user, observation.person.uuid,
                                                    SecurityAction.ANALYSE)
        data = validated(ShareCreateSerializer, request)
        expires_on = data["expires_on"] or timezone.localdate() + datetime.timedelta(
            days=services.settings_for(person.jurisdiction).share_default_days)
        shared = services.share_create(
            actor=request.user, person=person, summary=data["summary"], expires_on=expires_on,
            recipients=_recipients(data["recipients"]), roles=data["roles"],
            observations=_further(request.user, observation, data["observations"]))
        shared, _grant = get_summary_for_user(request.user, shared.uuid)
        return Response(_summaries_response(request.user, [shared], many=True)[0],
                        status=status.HTTP_201_CREATED)


class SharedSummaryListQuery(ListQuery):
    person = serializers.UUIDField(required=False, allow_null=True, default=None,
                                   help_text="Only the summaries about this person.")
    in_force = serializers.BooleanField(required=False, allow_null=True, default=None, help_text=(
        "The security side: true, only those in force; false, only those expired or "
        "withdrawn; absent, both. A recipient reads only those in force."))


class SharedSummaryList(APIView):
    pagination_class = Pagination

    @extend_schema(tags=SECURITY, parameters=[SharedSummaryListQuery],
                   responses=SharedSummarySerializer(many=True),
                   description="What the security side shared with you and is in force "
                               "(addressed to you by name or by a role you hold, while you "
                               "work with the person), newest first. On the security side: "
                               "every summary about your people. " + SUMMARY_RULE)
    def get(self, request):
        query = SharedSummaryListQuery.validated(request)
        require_caseload(request.user)
        rows = _summaries(request.user).order_by("-created_at", "-pk")
        if query["person"]:
            rows = rows.filter(person__uuid=query["person"])
        if query["in_force"] is not None:
            rows = rows.filter(in_force()) if query["in_force"] else rows.exclude(in_force())
        pagination = self.pagination_class()
        shown = pagination.paginate_queryset(rows, request, view=self)
        _listed(request, shown, pagination, "shared_summaries")
        return pagination.get_paginated_response(
            _summaries_response(request.user, shown, many=True))
