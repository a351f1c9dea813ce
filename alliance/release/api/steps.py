"""The API of the pre-release programme: a person's steps with their readiness, one step and
its completion (see __init__.py)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.assessments.api import VersionSerializer
from alliance.core.api import one_of, validated

from .. import selectors, services
from ..access import ReleaseAction, get_person_for_release, get_step_for_user, release_steps
from ..models import MAX_TEXT, StepStatus
from ..readiness import readiness_of
from .common import RELEASE, TEAM_SHARE_RULE, AgencyField, StatusField, listed
from .serializers import (
    PersonReleaseStepsSerializer,
    ReleaseStepDetailSerializer,
)


class PersonReleaseSteps(APIView):
    @extend_schema(tags=RELEASE, responses=PersonReleaseStepsSerializer,
                   description="The person's pre-release programme for their current custody "
                               "(else the latest): every step with its due date, responsible "
                               "agency and status, and how ready the person is for release. "
                               "Not paged: a programme has a dozen steps or so. "
                               + TEAM_SHARE_RULE)
    def get(self, request, person_uuid):
        person, grant = get_person_for_release(request.user, person_uuid)
        today = timezone.localdate()
        episode = selectors.episode_of(person)
        steps = [] if episode is None else list(
            release_steps.visible(request.user).filter(episode=episode)
            .select_related("episode", "template", "agency", "completed_by")
            .order_by("due_on", "template__order", "id"))
        listed(request, steps, "release_steps", person=person, grant=grant)
        body = {"person": person, "episode": episode, "readiness": readiness_of(steps, today),
                "steps": steps, "actions": sorted(grant.actions)}
        return Response(PersonReleaseStepsSerializer(body, context={"today": today}).data)


class StepPatchSerializer(VersionSerializer):
    """One change at a time: a status (with what it needs), or the responsible agency."""

    status = StatusField(
        choices=StepStatus.choices, required=False,
        help_text=one_of(StepStatus) + " done: with `evidence` when the step requires it, "
                  "every `checklist` item, and `completed_on` (today if absent). "
                  "not_applicable or pending (reopen): with the `reason`.")
    evidence = serializers.CharField(required=False, allow_blank=True, max_length=MAX_TEXT,
                                     help_text="What was done and where the record is.")
    checklist = serializers.ListField(child=serializers.CharField(max_length=40),
                                      required=False, max_length=50,
                                      help_text="The codes of the checklist items ticked.")
    completed_on = serializers.DateField(required=False, allow_null=True,
                                         help_text="Done on (not in the future); today if "
                                                   "absent.")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=MAX_TEXT,
                                   help_text="Why the step does not apply, or why it is "
                                             "reopened.")
    agency = AgencyField(required=False, help_text=(
        "Give the step to this agency (the responsible one, or one on the case team); the "
        "recalculation keeps the choice. Without `status`."))

    def validate(self, attrs):
        if "status" in attrs and "agency" in attrs:
            raise serializers.ValidationError(_(
                "Change the status or the agency, one at a time."))
        if "status" not in attrs and "agency" not in attrs:
            raise serializers.ValidationError(_("Send the new status, or the agency."))
        return attrs


def _change(user, step, data):
    """The service the change asks for."""
    version = data["version"]
    if "agency" in data:
        return services.step_reassign(actor=user, step=step, expected_version=version,
                                      agency=data["agency"])
    if data["status"] == StepStatus.DONE:
        return services.step_complete(actor=user, step=step, expected_version=version,
                                      completed_on=data.get("completed_on"),
                                      evidence=data.get("evidence", ""),
                                      checklist=data.get("checklist", ()))
    if data["status"] == StepStatus.NOT_APPLICABLE:
        return services.step_not_applicable(actor=user, step=step, expected_version=version,
                                            reason=data.get("reason", ""))
    return services.step_reopen(actor=user, step=step, expected_version=version,
                                reason=data.get("reason", ""))


def _step_response(user, step_uuid) -> Response:
    step, grant = get_step_for_user(user, step_uuid)
    context = {"today": timezone.localdate(), "grant": grant}
    return Response(ReleaseStepDetailSerializer(step, context=context).data)


class ReleaseStepDetail(APIView):
    @extend_schema(tags=RELEASE, responses=ReleaseStepDetailSerializer,
                   description="A pre-release step with its evidence. " + TEAM_SHARE_RULE)
    def get(self, request, step_uuid):
        return _step_response(request.user, step_uuid)

    @extend_schema(tags=RELEASE, request=StepPatchSerializer,
                   responses=ReleaseStepDetailSerializer,
                   description="Mark the step done (with its evidence and checklist), not "
                               "applicable, or to do again (reopen, with the reason); or give "
                               "it to another agency. Refused with the reason (400) when the "
                               "evidence or a checklist item is missing, or the step is not "
                               "open. Answers with the step as saved.")
    def patch(self, request, step_uuid):
        step, _grant = get_step_for_user(request.user, step_uuid, ReleaseAction.WORK)
        _change(request.user, step, validated(StepPatchSerializer, request))
        return _step_response(request.user, step.uuid)
