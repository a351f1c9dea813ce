"""The API of the post-release support plan: reading it whole (pathways and actions, conditions,
the contacts log, breaches), starting it and changing its own fields (see __init__.py)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.assessments.api import VersionSerializer
from alliance.core.api import ErrorSerializer, validated

from .. import services
from ..access import ReleaseAction, get_person_for_release, get_support_plan_for_user
from ..models import MAX_TEXT
from .common import RELEASE, TEAM_SHARE_RULE, AgencyField, require_some
from .serializers import PersonSupportPlanSerializer, SupportPlanView

CONTACTS_SHOWN = 50


def support_plan_view(plan) -> SupportPlanView:
    """The plan whole, for the API: seven queries whatever its size."""
    contacts = plan.contacts.select_related("agency", "recorded_by").order_by("-contact_on",
                                                                              "-id")
    return SupportPlanView(
        plan,
        pathways=tuple(plan.pathways.prefetch_related("actions__agency").order_by("id")),
        conditions=tuple(plan.conditions.order_by("starts_on", "id")),
        contacts=tuple(contacts[:CONTACTS_SHOWN]), contacts_total=contacts.count(),
        breaches=tuple(plan.breaches.select_related("condition", "recorded_by")
                       .order_by("-occurred_on", "-id")))


def _response(user, person, grant, code=status.HTTP_200_OK) -> Response:
    """The person's support plan as `user` reads it (through its getter, audited), or null."""
    plan = services.current_plan(person)
    shown = None
    if plan is not None:
        plan, _grant = get_support_plan_for_user(user, plan.uuid)
        shown = support_plan_view(plan)
    body = {"support_plan": shown, "actions": sorted(grant.actions)}
    return Response(PersonSupportPlanSerializer(body).data, status=code)


class SupportPlanPatchSerializer(VersionSerializer):
    municipality = AgencyField(required=False, allow_null=True, help_text=(
        "The receiving municipality: a municipality or social service of the person's "
        "jurisdiction; null to clear it."))
    municipality_involvement = serializers.CharField(
        required=False, allow_blank=True, max_length=MAX_TEXT, trim_whitespace=False,
        help_text="How the municipality is involved before release.")
    family_involvement = serializers.CharField(required=False, allow_blank=True,
                                               max_length=MAX_TEXT, trim_whitespace=False,
                                               help_text="The family's involvement.")
    supervising_agency = AgencyField(required=False, allow_null=True, help_text=(
        "The probation service that supervises (the responsible agency or one on the case "
        "team); null to clear it."))
    supervision_ends_on = serializers.DateField(required=False, allow_null=True,
                                                help_text="Supervision ends on; null if not "
                                                          "known.")

    def validate(self, attrs):
        return require_some(attrs)


class PersonSupportPlan(APIView):
    @extend_schema(tags=RELEASE, responses=PersonSupportPlanSerializer,
                   description="The person's post-release support plan (of their current "
                               "custody, else the latest), whole: the pathways with needs and "
                               "actions, supervision conditions, the latest contacts, breaches "
                               "and recalls. `support_plan` is null while none is started. "
                               + TEAM_SHARE_RULE)
    def get(self, request, person_uuid):
        person, grant = get_person_for_release(request.user, person_uuid)
        return _response(request.user, person, grant)

    @extend_schema(tags=RELEASE, request=None, responses={
        201: OpenApiResponse(PersonSupportPlanSerializer, description="Started now."),
        200: OpenApiResponse(PersonSupportPlanSerializer, description="It was started already: "
                                                                      "the plan as it is."),
        # Not derived by core.api.AutoSchema, which gives 400 to operations with input only.
        400: OpenApiResponse(ErrorSerializer, description="The person has no custody episode.")},
                   description="Start the support plan, with every pathway not yet assessed.")
    def post(self, request, person_uuid):
        person, grant = get_person_for_release(request.user, person_uuid, ReleaseAction.WORK)
        existed = services.current_plan(person) is not None
        services.support_plan_start(actor=request.user, person=person)
        return _response(request.user, person, grant,
                         status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    @extend_schema(tags=RELEASE, request=SupportPlanPatchSerializer,
                   responses=PersonSupportPlanSerializer,
                   description="Change the plan's own fields: the receiving municipality and "
                               "its involvement, the family's involvement, the supervising "
                               "agency and the end of supervision. (Pathways, actions and "
                               "supervision records are kept on the release pages.) 400 while "
                               "no plan is started.")
    def patch(self, request, person_uuid):
        person, grant = get_person_for_release(request.user, person_uuid, ReleaseAction.WORK)
        plan = services.current_plan(person)
        if plan is None:
            raise serializers.ValidationError(_(
                "No support plan has been started for %(reference)s: start it first.") % {
                "reference": person.reference})
        plan, _grant = get_support_plan_for_user(request.user, plan.uuid, ReleaseAction.WORK)
        data = validated(SupportPlanPatchSerializer, request)
        version = data.pop("version")
        services.support_plan_update(actor=request.user, plan=plan, expected_version=version,
                                     **data)
        return _response(request.user, person, grant)
