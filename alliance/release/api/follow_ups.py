"""The API of follow-ups after release: a person's follow-ups, one follow-up and recording its
outcome, or that it was missed (see __init__.py)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.assessments.api import VersionSerializer
from alliance.core.api import ChoiceFilter, ListQuery, Pagination, validated

from .. import services
from ..access import ReleaseAction, follow_ups, get_follow_up_for_user, get_person_for_release
from ..models import (
    MAX_TEXT,
    ContactKind,
    Engagement,
    FollowUpStatus,
    Housing,
    Reengagement,
    Work,
    YesNoUnknown,
)
from .common import RELEASE, TEAM_SHARE_RULE, StatusField, listed
from .serializers import FollowUpSerializer

OUTCOMES = {"contact_kind": ContactKind, "engagement": Engagement, "housing": Housing,
            "work": Work, "new_offence": YesNoUnknown, "reengagement": Reengagement}
RECORDED = [(FollowUpStatus.HELD.value, FollowUpStatus.HELD.label),
            (FollowUpStatus.MISSED.value, FollowUpStatus.MISSED.label)]


class FollowUpListQuery(ListQuery):
    status = ChoiceFilter(FollowUpStatus.choices, help_text="Only follow-ups in this status.")


class PersonFollowUps(APIView):
    pagination_class = Pagination

    @extend_schema(tags=RELEASE, parameters=[FollowUpListQuery],
                   responses=FollowUpSerializer(many=True),
                   description="The person's follow-up contacts after release, of every "
                               "release (the newest release first, each in date order), with "
                               "their outcomes. " + TEAM_SHARE_RULE)
    def get(self, request, person_uuid):
        query = FollowUpListQuery.validated(request)
        person, grant = get_person_for_release(request.user, person_uuid)
        rows = (follow_ups.visible(request.user).filter(person=person)
                .select_related("person", "episode", "agency", "recorded_by")
                .order_by("-episode__ended_on", "-episode_id", "due_on", "id"))
        if query["status"]:
            rows = rows.filter(status=query["status"])
        pagination = self.pagination_class()
        shown = pagination.paginate_queryset(rows, request, view=self)
        listed(request, shown, "follow_ups", person=person, grant=grant,
               page=pagination.page.number)
        return pagination.get_paginated_response(FollowUpSerializer(
            shown, many=True, context={"today": timezone.localdate()}).data)


def _outcome(kind):
    return serializers.ChoiceField(choices=kind.choices, required=False, allow_blank=True,
                                   help_text="Required to record it held.")


class FollowUpPatchSerializer(VersionSerializer):
    """The outcome of a follow-up: held, with its coded outcomes; or missed, with what was
    tried."""

    status = StatusField(
        choices=RECORDED, required=False, default=FollowUpStatus.HELD.value,
        help_text="One of: held, missed. held (the default): with `held_on` and every "
                  "outcome (\"unknown\" is an answer where it is offered). missed, once its "
                  "date has passed: with `notes` saying what was tried.")
    held_on = serializers.DateField(required=False, allow_null=True, help_text=(
        "The date of the contact: on or after the release, not in the future."))
    contact_kind = _outcome(ContactKind)
    engagement = _outcome(Engagement)
    housing = _outcome(Housing)
    work = _outcome(Work)
    new_offence = _outcome(YesNoUnknown)
    reengagement = _outcome(Reengagement)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=MAX_TEXT,
                                  trim_whitespace=False, help_text="Notes of the contact.")

    def validate(self, attrs):
        if attrs["status"] == FollowUpStatus.MISSED and (
                {"held_on", *OUTCOMES} & set(attrs)):
            raise serializers.ValidationError(_(
                "A missed follow-up has no date or outcomes: send only the notes."))
        return attrs


def _follow_up_response(user, follow_up_uuid) -> Response:
    follow_up, _grant = get_follow_up_for_user(user, follow_up_uuid)
    return Response(FollowUpSerializer(follow_up, context={"today": timezone.localdate()}).data)


class FollowUpDetail(APIView):
    @extend_schema(tags=RELEASE, responses=FollowUpSerializer,
                   description="A follow-up contact after release. " + TEAM_SHARE_RULE)
    def get(self, request, follow_up_uuid):
        return _follow_up_response(request.user, follow_up_uuid)

    @extend_schema(tags=RELEASE, request=FollowUpPatchSerializer, responses=FollowUpSerializer,
                   description="Record the follow-up: held, with the date and its coded "
                               "outcomes (engagement, housing, work, new offence, "
                               "re-engagement with violent groups: a concern tells the case "
                               "manager), or missed, with what was tried. Refused with the "
                               "reason (400) for a date before the release. Answers with the "
                               "follow-up as saved.")
    def patch(self, request, follow_up_uuid):
        follow_up, _grant = get_follow_up_for_user(request.user, follow_up_uuid,
                                                   ReleaseAction.WORK)
        data = validated(FollowUpPatchSerializer, request)
        if data["status"] == FollowUpStatus.MISSED:
            services.follow_up_missed(actor=request.user, follow_up=follow_up,
                                      expected_version=data["version"],
                                      notes=data.get("notes", ""))
        else:
            services.follow_up_record(
                actor=request.user, follow_up=follow_up, expected_version=data["version"],
                held_on=data.get("held_on"), notes=data.get("notes", ""),
                **{name: data.get(name, "") for name in OUTCOMES})
        return _follow_up_response(request.user, follow_up.uuid)
