"""The API of the intervention catalogue and of plans (see __init__.py)."""

import dataclasses

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.assessments.api import VersionSerializer
from alliance.core.api import (
    ChoiceFilter,
    ErrorSerializer,
    ListQuery,
    Pagination,
    one_of,
    validated,
)
from alliance.core.policy import refuse
from alliance.organisations.selectors import active_agencies
from alliance.people.access import require_caseload

from .. import selectors, services
from ..access import (
    PlanAction,
    WorkAction,
    catalogue_jurisdiction_ids,
    get_person_for_plan_work,
    get_plan_for_user,
    plans,
)
from ..models import (
    GoalStatus,
    InterventionFormat,
    InterventionType,
    PlanStatus,
    PrisonerPosition,
    StepActor,
    StepStatus,
)
from .common import (
    CATALOGUE,
    PLANS,
    StaffSerializer,
    _intervention,
    _list_consulted,
    _require_some,
    _user,
)

# --- the intervention catalogue ------------------------------------------------------------------

class InterventionSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    jurisdiction = serializers.CharField(source="jurisdiction.code")
    code = serializers.CharField()
    name = serializers.CharField()
    type = serializers.CharField(help_text=one_of(InterventionType))
    type_label = serializers.CharField(source="get_type_display",
                                       help_text="In the request's language.")
    format = serializers.CharField(help_text=one_of(InterventionFormat))
    provider = serializers.UUIDField(source="provider.uuid", default=None, allow_null=True,
                                     help_text="The provider agency, if any.")
    provider_name = serializers.CharField(source="provider.name", default=None, allow_null=True)
    typical_sessions = serializers.IntegerField()
    need_areas = serializers.ListField(child=serializers.CharField(),
                                       help_text="Codes of the need areas it addresses.")
    description = serializers.CharField(allow_blank=True)
    evidence_notes = serializers.CharField(allow_blank=True)
    is_active = serializers.BooleanField(help_text="Offered for new enrolments.")
    version = serializers.IntegerField(help_text="Send it back to change the intervention.")
    updated_at = serializers.DateTimeField()


@extend_schema_field(OpenApiTypes.UUID)
class _AgencyField(serializers.SlugRelatedField):
    """Any active agency resolves here; the service checks it may be used."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="uuid", **kwargs)

    def get_queryset(self):
        return active_agencies()


@extend_schema_field(OpenApiTypes.STR)
class _JurisdictionField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        super().__init__(slug_field="code", **kwargs)

    def get_queryset(self):
        return selectors.jurisdictions_for_api()


class InterventionChangeSerializer(serializers.Serializer):
    """The fields of the catalogue a prison manager keeps (all optional when changing)."""

    code = serializers.CharField(max_length=40, required=False)
    name = serializers.CharField(max_length=200, required=False)
    type = serializers.ChoiceField(choices=InterventionType.choices, required=False)
    format = serializers.ChoiceField(choices=InterventionFormat.choices, required=False)
    provider = _AgencyField(required=False, allow_null=True,
                            help_text="A provider agency of the same jurisdiction, or null.")
    typical_sessions = serializers.IntegerField(min_value=1, max_value=500, required=False)
    need_areas = serializers.ListField(child=serializers.CharField(max_length=40),
                                       required=False, max_length=50,
                                       help_text="Codes of the need areas it addresses.")
    description = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    evidence_notes = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    is_active = serializers.BooleanField(required=False, help_text="Offered for new enrolments.")

    def validate(self, attrs):
        return _require_some(attrs, besides=())


class InterventionCreateSerializer(InterventionChangeSerializer):
    jurisdiction = _JurisdictionField(help_text="The jurisdiction's code, e.g. ME.")
    code = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=200)
    type = serializers.ChoiceField(choices=InterventionType.choices)
    format = serializers.ChoiceField(choices=InterventionFormat.choices)


class InterventionPatchSerializer(InterventionChangeSerializer):
    version = serializers.IntegerField(help_text="The version you read; 409 if it changed.")


class InterventionListQuery(ListQuery):
    jurisdiction = serializers.CharField(required=False, allow_blank=True, default="",
                                         max_length=8, help_text="A jurisdiction's code.")
    type = ChoiceFilter(InterventionType.choices)
    active = serializers.BooleanField(required=False, allow_null=True, default=None,
                                      help_text="true: only those offered; false: only those "
                                                "withdrawn; absent: both.")


def _require_catalogue_keeper(user, jurisdiction=None) -> None:
    kept = catalogue_jurisdiction_ids(user)
    if not kept or (jurisdiction is not None and jurisdiction.pk not in kept):
        raise PermissionDenied(_("Only a prison manager of this jurisdiction keeps its "
                                 "catalogue of interventions."))


class InterventionList(APIView):
    pagination_class = Pagination

    @extend_schema(tags=CATALOGUE, parameters=[InterventionListQuery],
                   responses=InterventionSerializer(many=True),
                   description="The catalogues of interventions of your agencies' "
                               "jurisdictions, as on the catalogue page: for staff who work "
                               "with people.")
    def get(self, request):
        query = InterventionListQuery.validated(request)
        pagination = self.pagination_class()
        require_caseload(request.user)
        rows = pagination.paginate_queryset(
            selectors.interventions_for_api(request.user, **query), request, view=self)
        return pagination.get_paginated_response(InterventionSerializer(rows, many=True).data)

    @extend_schema(tags=CATALOGUE, request=InterventionCreateSerializer,
                   responses={201: InterventionSerializer},
                   description="Add an intervention to a jurisdiction's catalogue (its prison "
                               "managers).")
    def post(self, request):
        _require_catalogue_keeper(request.user)
        data = validated(InterventionCreateSerializer, request)
        intervention = services.intervention_save(actor=request.user,
                                                  jurisdiction=data.pop("jurisdiction"), **data)
        return Response(InterventionSerializer(intervention).data, status=status.HTTP_201_CREATED)


class InterventionDetail(APIView):
    def _get(self, request, intervention_uuid):
        # The same catalogues as the list (and the catalogue page).
        require_caseload(request.user)
        intervention = selectors.interventions_for_api(request.user).filter(
            uuid=intervention_uuid).first()
        if intervention is None:
            raise NotFound(_("No such intervention."))
        return intervention

    @extend_schema(tags=CATALOGUE, responses=InterventionSerializer)
    def get(self, request, intervention_uuid):
        return Response(InterventionSerializer(self._get(request, intervention_uuid)).data)

    @extend_schema(tags=CATALOGUE, request=InterventionPatchSerializer,
                   responses=InterventionSerializer,
                   description="Change an intervention of the catalogue (the jurisdiction's "
                               "prison managers). Withdraw it with is_active false.")
    def patch(self, request, intervention_uuid):
        intervention = self._get(request, intervention_uuid)
        _require_catalogue_keeper(request.user, intervention.jurisdiction)
        data = validated(InterventionPatchSerializer, request)
        intervention = services.intervention_save(
            actor=request.user, jurisdiction=intervention.jurisdiction,
            intervention=intervention, expected_version=data.pop("version"), **data)
        return Response(InterventionSerializer(intervention).data)


# --- plans ---------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class PlanView:
    """A plan with what the API shows beside it for one reader: their actions and, for a full
    read, its goals, reviews and what stops its submission. Nothing is hung on the model."""

    plan: object
    actions: frozenset
    goals: tuple = ()
    reviews: tuple = ()
    submission_problems: dict | None = None
    assessment_status: str = ""

    def __getattr__(self, name):
        return getattr(self.plan, name)


class StepSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    order = serializers.IntegerField()
    text = serializers.CharField()
    actor = serializers.CharField(help_text=one_of(StepActor))
    actor_user = StaffSerializer(allow_null=True, help_text="The staff member who acts.")
    actor_agency = serializers.UUIDField(source="actor_agency.uuid", default=None,
                                         allow_null=True, help_text="The agency that acts.")
    actor_agency_name = serializers.CharField(source="actor_agency.name", default=None,
                                              allow_null=True)
    intervention = serializers.UUIDField(source="intervention.uuid", default=None,
                                         allow_null=True)
    intervention_name = serializers.CharField(source="intervention.name", default=None,
                                              allow_null=True)
    target_on = serializers.DateField(allow_null=True)
    status = serializers.CharField(help_text=one_of(StepStatus))


class GoalSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    order = serializers.IntegerField()
    text = serializers.CharField()
    need_area = serializers.CharField(allow_blank=True,
                                      help_text="A need area of the plan's assessment, or \"\".")
    protective_item = serializers.CharField(
        allow_blank=True, help_text="A protective factor (item code) of the plan's assessment, "
                                    "or \"\".")
    label = serializers.SerializerMethodField(
        help_text="The need or protective factor, in the request's language; null if neither.")
    status = serializers.CharField(help_text=one_of(GoalStatus))
    steps = StepSerializer(many=True, source="steps.all")

    def get_label(self, goal) -> str | None:
        return self.context.get("labels", {}).get(goal.need_area or goal.protective_item)


class ReviewSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    reviewed_on = serializers.DateField()
    reviewed_by = serializers.CharField(source="reviewed_by.username")
    note = serializers.CharField()
    next_review_on = serializers.DateField()


class PlanSummarySerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    person = serializers.UUIDField(source="person.uuid")
    person_reference = serializers.CharField(source="person.reference")
    number = serializers.IntegerField(help_text="The plan's version number: 1, 2, …")
    status = serializers.CharField(help_text=one_of(PlanStatus))
    version = serializers.IntegerField(help_text="Send it back with every change; 409 if stale.")
    assessment = serializers.UUIDField(source="assessment.uuid", default=None, allow_null=True,
                                       help_text="The assessment the plan is built on.")
    author = serializers.CharField(source="author.username")
    created_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    countersigned_at = serializers.DateTimeField(allow_null=True)
    countersigned_by = serializers.CharField(source="countersigned_by.username", default=None,
                                             allow_null=True)
    next_review_on = serializers.DateField(allow_null=True)
    actions = serializers.SerializerMethodField(
        help_text="What you may do: view, edit (a draft: its goals, steps, summary, position; "
                  "submit), countersign (or return), revise, review.")

    def get_actions(self, view) -> list[str]:
        return sorted(view.actions)


class PlanSerializer(PlanSummarySerializer):
    previous = serializers.UUIDField(source="previous.uuid", default=None, allow_null=True)
    change_reason = serializers.CharField(allow_blank=True,
                                          help_text="Why this version was opened.")
    assessment_status = serializers.CharField(
        help_text="current: built on the person's latest countersigned assessment; "
                  "newer_assessment: a newer one exists (open a new version to use it).")
    summary = serializers.CharField(allow_blank=True)
    position = serializers.CharField(allow_blank=True, help_text="The person's position on the "
                                     "plan (\"\" until recorded). " + one_of(PrisonerPosition))
    position_words = serializers.CharField(allow_blank=True, help_text="In their words.")
    position_recorded_at = serializers.DateTimeField(allow_null=True)
    review_every_months = serializers.IntegerField()
    submitted_by = serializers.CharField(source="submitted_by.username", default=None,
                                         allow_null=True)
    return_comments = serializers.CharField(allow_blank=True)
    goals = GoalSerializer(many=True)
    reviews = ReviewSerializer(many=True, help_text="Newest first.")
    submission_problems = serializers.DictField(
        child=serializers.CharField(), allow_null=True,
        help_text="A draft: what stops its submission, by field (empty when it can be "
                  "submitted). null for the other statuses.")


def _plan_response(user, plan, grant, code=status.HTTP_200_OK) -> Response:
    page = selectors.plan_page(user, plan)
    view = PlanView(plan, grant.actions, goals=tuple(page["goals"]),
                    reviews=tuple(page["reviews"]),
                    submission_problems=(services.submission_problems(plan)
                                         if plan.status == PlanStatus.DRAFT else None),
                    assessment_status=services.needs_status(plan))
    return Response(PlanSerializer(view, context={"labels": page["labels"]}).data, status=code)


def _plan_saved(request, plan, code=status.HTTP_200_OK) -> Response:
    # Read back through the policy: the response shows the plan as saved.
    plan, grant = get_plan_for_user(request.user, plan.uuid)
    return _plan_response(request.user, plan, grant, code)


class PersonPlans(APIView):
    pagination_class = Pagination

    @extend_schema(tags=PLANS, responses=PlanSummarySerializer(many=True),
                   description="The person's plans you may see, newest version first: the "
                               "countersigned and superseded ones (the case team), and the "
                               "version in progress (its planners, and the managers who "
                               "countersign it once submitted).")
    def get(self, request, person_uuid):
        ListQuery.validated(request)
        # The engagement grant carries the person grant's compartments and its view.
        person, grant = get_person_for_plan_work(request.user, person_uuid)
        pagination = self.pagination_class()
        rows = pagination.paginate_queryset(
            plans.for_person(request.user, person).select_related(
                "person", "author", "countersigned_by", "assessment").order_by("-number"),
            request, view=self)
        views = [PlanView(p, plans.grant_on_person(request.user, p, grant).actions)
                 for p in rows]
        _list_consulted(request, person, grant, "plans", rows, pagination)
        return pagination.get_paginated_response(PlanSummarySerializer(views, many=True).data)

    @extend_schema(tags=PLANS, request=None, responses={
        201: PlanSerializer,
        # Not derived by core.api.AutoSchema, which gives 400 to operations with input only.
        400: OpenApiResponse(ErrorSerializer, description="A version of the plan is in "
                             "progress, or the person has a current plan.")},
                   description="Start the person's first plan (their planners), built on their "
                               "latest countersigned assessment with a goal for each need it "
                               "found. Refused (400) when a version is in progress or a plan is "
                               "current: open its next version with plans/{uuid}/revise/.")
    def post(self, request, person_uuid):
        person, _grant = get_person_for_plan_work(request.user, person_uuid, WorkAction.MANAGE)
        plan = services.plan_start(actor=request.user, person=person)
        return _plan_saved(request, plan, status.HTTP_201_CREATED)


class PlanUpdateSerializer(VersionSerializer):
    summary = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    review_every_months = serializers.IntegerField(required=False, min_value=1, max_value=24)
    position = serializers.ChoiceField(choices=PrisonerPosition.choices, required=False,
                                       help_text="The person's position on the plan.")
    position_words = serializers.CharField(required=False, allow_blank=True, max_length=4000,
                                           help_text="In their words (required unless they "
                                                     "could not answer).")

    def validate(self, attrs):
        return _require_some(attrs)


class PlanDetail(APIView):
    @extend_schema(tags=PLANS, responses=PlanSerializer)
    def get(self, request, plan_uuid):
        plan, grant = get_plan_for_user(request.user, plan_uuid)
        return _plan_response(request.user, plan, grant)

    @extend_schema(tags=PLANS, request=PlanUpdateSerializer, responses=PlanSerializer,
                   description="Change a draft: its summary, review interval, or the person's "
                               "position on it.")
    def patch(self, request, plan_uuid):
        plan, _grant = get_plan_for_user(request.user, plan_uuid, PlanAction.EDIT)
        data = validated(PlanUpdateSerializer, request)
        version = data.pop("version")
        services.plan_update(actor=request.user, plan=plan, expected_version=version, **data)
        return _plan_saved(request, plan)


class GoalCreateSerializer(VersionSerializer):
    text = serializers.CharField(max_length=4000)
    need_area = serializers.CharField(required=False, allow_blank=True, default="",
                                      max_length=40, help_text="A need area found by the "
                                      "plan's assessment (or a protective factor, not both).")
    protective_item = serializers.CharField(required=False, allow_blank=True, default="",
                                            max_length=40, help_text="An item code of a "
                                            "protective factor of the plan's assessment.")
    assessment = serializers.UUIDField(
        required=False, allow_null=True, default=None,
        help_text="The assessment whose need you link (optional): it must be the one the plan "
                  "is built on (see the plan's `assessment`).")


class PlanGoals(APIView):
    @extend_schema(tags=PLANS, request=GoalCreateSerializer, responses={201: PlanSerializer},
                   description="Add a goal to a draft, linked to one of the person's assessed "
                               "needs or to a protective factor to strengthen, or to neither. "
                               "Answers with the plan (its version moves on).")
    def post(self, request, plan_uuid):
        plan, _grant = get_plan_for_user(request.user, plan_uuid, PlanAction.EDIT)
        data = validated(GoalCreateSerializer, request)
        linked = data.pop("assessment")
        if linked is not None and (plan.assessment is None or linked != plan.assessment.uuid):
            raise serializers.ValidationError({"assessment": _(
                "This is not one of this person's assessed needs: goals are linked to the needs "
                "of the assessment the plan is built on.")})
        version = data.pop("version")
        services.goal_save(actor=request.user, plan=plan, expected_version=version, **data)
        return _plan_saved(request, plan, status.HTTP_201_CREATED)


class StepCreateSerializer(VersionSerializer):
    text = serializers.CharField(max_length=4000)
    actor = serializers.ChoiceField(choices=StepActor.choices, help_text="Who acts.")
    actor_user = serializers.UUIDField(required=False, allow_null=True, default=None,
                                       help_text="The staff member who acts (actor staff).")
    actor_agency = _AgencyField(required=False, allow_null=True, default=None,
                                help_text="The agency that acts (actor agency).")
    intervention = serializers.UUIDField(required=False, allow_null=True, default=None,
                                         help_text="An intervention of the person's "
                                                   "jurisdiction's catalogue.")
    target_on = serializers.DateField(required=False, allow_null=True, default=None)

    def validate_actor_user(self, value):
        return None if value is None else _user(value, _("No such member of staff."))

    def validate_intervention(self, value):
        return None if value is None else _intervention(value)


class PlanSteps(APIView):
    @extend_schema(tags=PLANS, request=StepCreateSerializer, responses={201: PlanSerializer},
                   parameters=[OpenApiParameter("goal_uuid", OpenApiTypes.UUID,
                                                OpenApiParameter.PATH,
                                                description="A goal of this plan.")],
                   description="Add a step to a goal of a draft: who acts, by when, with which "
                               "intervention. Answers with the plan (its version moves on).")
    def post(self, request, plan_uuid, goal_uuid):
        plan, _grant = get_plan_for_user(request.user, plan_uuid, PlanAction.EDIT)
        goal = selectors.goal_of(plan, goal_uuid)
        if goal is None:
            raise NotFound(_("No such goal in this plan."))
        data = validated(StepCreateSerializer, request)
        services.step_save(actor=request.user, plan=plan, expected_version=data["version"],
                           goal=goal, text=data["text"], actor_kind=data["actor"],
                           actor_user=data["actor_user"], actor_agency=data["actor_agency"],
                           intervention=data["intervention"], target_on=data["target_on"])
        return _plan_saved(request, plan, status.HTTP_201_CREATED)


class PlanSubmit(APIView):
    @extend_schema(tags=PLANS, request=VersionSerializer, responses=PlanSerializer,
                   description="Send a complete draft (goals with steps, the person's position) "
                               "to the managers of the responsible agency for countersignature.")
    def post(self, request, plan_uuid):
        plan, _grant = get_plan_for_user(request.user, plan_uuid, PlanAction.EDIT)
        data = validated(VersionSerializer, request)
        services.plan_submit(actor=request.user, plan=plan, expected_version=data["version"])
        return _plan_saved(request, plan)


def _plan_to_countersign(request, plan_uuid):
    """A submitted plan the user may countersign or return; the refusal says why (the author
    or submitter may not), and is audited."""
    plan, grant = get_plan_for_user(request.user, plan_uuid)
    if not grant.can(PlanAction.COUNTERSIGN):
        own = request.user.pk in {plan.author_id, plan.submitted_by_id}
        refuse(request.user, plan.uuid, action=PlanAction.COUNTERSIGN, not_found=False,
               person=plan.person, object_type=plans.object_type, message=(
                   _("A plan is countersigned by a manager other than the person who wrote or "
                     "submitted it.") if own and plan.status == PlanStatus.SUBMITTED else
                   _("A submitted plan is countersigned or returned by a prison or case manager "
                     "of the agency responsible for the person.")))
    return plan


class PlanCountersign(APIView):
    @extend_schema(tags=PLANS, request=VersionSerializer, responses=PlanSerializer,
                   description="By a manager of the responsible agency who neither wrote nor "
                               "submitted it: it becomes the current plan (the previous version "
                               "is superseded) and its next review is scheduled.")
    def post(self, request, plan_uuid):
        plan = _plan_to_countersign(request, plan_uuid)
        data = validated(VersionSerializer, request)
        services.plan_countersign(actor=request.user, plan=plan,
                                  expected_version=data["version"])
        return _plan_saved(request, plan)


class PlanReturnSerializer(VersionSerializer):
    comments = serializers.CharField(max_length=4000, help_text="What needs to change.")


class PlanReturn(APIView):
    @extend_schema(tags=PLANS, request=PlanReturnSerializer, responses=PlanSerializer,
                   description="Back to draft, with comments for its planners.")
    def post(self, request, plan_uuid):
        plan = _plan_to_countersign(request, plan_uuid)
        data = validated(PlanReturnSerializer, request)
        services.plan_return(actor=request.user, plan=plan, comments=data["comments"],
                             expected_version=data["version"])
        return _plan_saved(request, plan)


class ReviseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=4000, help_text="Why the plan changes.")


class PlanRevise(APIView):
    @extend_schema(tags=PLANS, request=ReviseSerializer, responses={201: PlanSerializer},
                   description="Open the next version of the current plan, with the reason: a "
                               "draft copying its goals and steps, built on the person's latest "
                               "assessment. Answers with the new version.")
    def post(self, request, plan_uuid):
        plan, _grant = get_plan_for_user(request.user, plan_uuid, PlanAction.REVISE)
        data = validated(ReviseSerializer, request)
        new = services.plan_revise(actor=request.user, plan=plan, reason=data["reason"])
        return _plan_saved(request, new, status.HTTP_201_CREATED)


class ReviewCreateSerializer(VersionSerializer):
    note = serializers.CharField(max_length=4000, help_text="What the review found.")
    reviewed_on = serializers.DateField()
    next_review_on = serializers.DateField(help_text="After reviewed_on.")


class PlanReview(APIView):
    @extend_schema(tags=PLANS, request=ReviewCreateSerializer, responses={201: PlanSerializer},
                   description="Record a review of the current plan and when the next one is "
                               "due. Answers with the plan and its reviews.")
    def post(self, request, plan_uuid):
        plan, _grant = get_plan_for_user(request.user, plan_uuid, PlanAction.REVIEW)
        data = validated(ReviewCreateSerializer, request)
        services.plan_review(actor=request.user, plan=plan, expected_version=data["version"],
                             note=data["note"], reviewed_on=data["reviewed_on"],
                             next_review_on=data["next_review_on"])
        return _plan_saved(request, plan, status.HTTP_201_CREATED)
