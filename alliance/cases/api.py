"""REST API for cases: read through the same access functions as the pages."""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.core import audit
from alliance.core.api import ListQuery, Pagination
from alliance.core.models import AuditAction
from alliance.people.access import Action, require_caseload

from . import access
from .models import Case, CaseTeamMember


class TeamMemberSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user.username")
    name = serializers.CharField(source="user.get_full_name")
    agency = serializers.CharField(source="agency.name")

    class Meta:
        model = CaseTeamMember
        fields = ["uuid", "user", "name", "agency", "team_role", "scopes", "added_at"]


class CaseSerializer(serializers.ModelSerializer):
    person = serializers.UUIDField(source="person.uuid")
    person_reference = serializers.CharField(source="person.reference")
    case_manager = serializers.CharField(source="case_manager.username", default=None)
    team = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = ["uuid", "person", "person_reference", "status", "opened_at", "closed_at",
                  "case_manager", "management_level", "management_level_review_due", "team",
                  "version"]

    @extend_schema_field(TeamMemberSerializer(many=True))
    def get_team(self, case):
        return TeamMemberSerializer([m for m in case.team.all() if m.ended_at is None],
                                    many=True).data


def _cases(user):
    return access.cases_visible_to(user).select_related("person", "case_manager").prefetch_related(
        "team__user", "team__agency").order_by("-opened_at")


class CaseList(APIView):
    pagination_class = Pagination

    @extend_schema(responses=CaseSerializer(many=True))
    def get(self, request):
        ListQuery.validated(request)
        require_caseload(request.user)
        pagination = self.pagination_class()
        page = pagination.paginate_queryset(_cases(request.user), request, view=self)
        audit.consulted(actor=request.user, action=AuditAction.LIST,
                        persons=[c.person for c in page],
                        details={"resource": "cases", "page": pagination.page.number})
        return pagination.get_paginated_response(CaseSerializer(page, many=True).data)


class CaseDetail(APIView):
    @extend_schema(responses=CaseSerializer)
    def get(self, request, case_uuid):
        case, _grant = access.get_case_for_user(request.user, case_uuid, Action.VIEW)
        return Response(CaseSerializer(_cases(request.user).get(pk=case.pk)).data)
