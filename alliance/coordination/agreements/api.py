"""The API of information-sharing agreements, for DPOs and system administrators (403 for
everyone else): the agreements your grants reach, and one with its parties and categories.
Configuration, not case content: the number of people relying on an agreement, never who."""

from django.core.exceptions import PermissionDenied
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.core.api import ChoiceFilter, ListQuery, Pagination
from alliance.core.compartments import DataCategory
from alliance.organisations.models import SharingAgreement

from .access import agreements_visible_to, can_read_agreements, get_agreement_for_user
from .selectors import in_tab, people_relying_on

AGREEMENTS = ["agreements"]
RULE = ("For data protection officers and system administrators: the agreements with a party "
        "in the jurisdiction of one of your grants (all, for a grant with no jurisdiction).")


class PartySerializer(serializers.Serializer):
    agency = serializers.UUIDField(source="agency.uuid", help_text="The agency (its id).")
    agency_name = serializers.CharField(source="agency.name")
    categories = serializers.ListField(
        child=serializers.CharField(), help_text=(
            "What this party may receive from the other parties: "
            + ", ".join(DataCategory.values) + "."))


class AgreementSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    parties = PartySerializer(many=True, read_only=True)
    # A string, not an enum named "status" (it would collide with other modules' and rename
    # theirs in the schema).
    status = serializers.CharField(read_only=True, help_text=(
        "draft, in_force (signed; in force while today is within its validity) or "
        "terminated."))
    in_force = serializers.SerializerMethodField(help_text="Signed, and today within its "
                                                           "validity.")

    class Meta:
        model = SharingAgreement
        fields = ["id", "title", "reference", "status", "valid_from", "valid_until",
                  "review_due", "consent_required", "in_force", "parties"]

    def get_in_force(self, agreement) -> bool:
        return agreement.in_force_on(timezone.localdate())


class AgreementDetailSerializer(AgreementSerializer):
    people_count = serializers.SerializerMethodField(help_text=(
        "How many people have someone from one party on their open case team while another "
        "party is responsible for them (the references are on the DPO's page, not here)."))

    class Meta(AgreementSerializer.Meta):
        fields = [*AgreementSerializer.Meta.fields, "legal_basis", "purpose", "retention",
                  "signed_at", "terminated_at", "people_count"]

    def get_people_count(self, agreement) -> int:
        return people_relying_on(agreement).count()


class AgreementListQuery(ListQuery):
    tab = ChoiceFilter([("in_force", "in force"), ("review_due", "review due within 30 days"),
                        ("ended", "lapsed or terminated"), ("drafts", "drafts"),
                        ("all", "all")], help_text="Only these agreements (default: all).")


def _require_reader(user) -> None:
    if not can_read_agreements(user):
        raise PermissionDenied(_("Information-sharing agreements are for data protection "
                                 "officers and system administrators."))


class AgreementList(APIView):
    pagination_class = Pagination

    @extend_schema(tags=AGREEMENTS, parameters=[AgreementListQuery],
                   responses=AgreementSerializer(many=True),
                   description="The information-sharing agreements you may see, those ending "
                               "first first. " + RULE)
    def get(self, request):
        query = AgreementListQuery.validated(request)
        _require_reader(request.user)
        rows = in_tab(agreements_visible_to(request.user), query["tab"] or "all")
        rows = rows.prefetch_related("parties__agency").order_by("valid_until", "title", "id")
        pagination = self.pagination_class()
        shown = pagination.paginate_queryset(rows, request, view=self)
        return pagination.get_paginated_response(AgreementSerializer(shown, many=True).data)


class AgreementDetail(APIView):
    @extend_schema(tags=AGREEMENTS, responses=AgreementDetailSerializer,
                   description="One agreement: its parties and what each may receive, its "
                               "status and dates, and how many people rely on it. " + RULE)
    def get(self, request, agreement_uuid):
        _require_reader(request.user)
        agreement, _grant = get_agreement_for_user(request.user, agreement_uuid)
        return Response(AgreementDetailSerializer(agreement).data)


urls = [
    path("agreements/", AgreementList.as_view(), name="agreement-list"),
    path("agreements/<uuid:agreement_uuid>/", AgreementDetail.as_view(),
         name="agreement-detail"),
]
