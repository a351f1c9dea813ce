"""REST API for persons: the same access functions, services and audit as the pages."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.core.api import ChoiceFilter, ListQuery, Pagination
from alliance.organisations.selectors import active_agencies

from . import access, selectors, services
from .access import Action
from .models import Classification, CustodyEpisode, DataSubjectCategory, KeyDate, Person


class KeyDateSerializer(serializers.Serializer):
    key = serializers.ChoiceField(choices=KeyDate.choices)
    value = serializers.DateField(allow_null=True)
    source = serializers.CharField()


class CustodyEpisodeSerializer(serializers.ModelSerializer):
    facility = serializers.CharField(source="facility.name")
    unit = serializers.CharField(source="unit.name", default=None)
    key_dates = serializers.SerializerMethodField()

    class Meta:
        model = CustodyEpisode
        fields = ["uuid", "facility", "unit", "admitted_on", "legal_status", "terrorism_related",
                  "sentence_years", "sentence_months", "sentence_days", "remand_credit_days",
                  "is_current", "ended_on", "release_type", "key_dates", "version"]

    @extend_schema_field(KeyDateSerializer(many=True))
    def get_key_dates(self, episode):
        return [{"key": k["key"], "value": k["value"], "source": k["source"]}
                for k in episode.key_dates()]


class IdentitySerializer(serializers.Serializer):
    given_name = serializers.CharField()
    family_name = serializers.CharField()
    aliases = serializers.ListField(child=serializers.CharField(), source="alias_list")
    date_of_birth = serializers.DateField(allow_null=True)
    national_id = serializers.CharField(allow_blank=True)


class ClassificationChangeSerializer(serializers.Serializer):
    previous = serializers.CharField(allow_blank=True)
    new = serializers.CharField()
    reason = serializers.CharField()
    changed_at = serializers.DateTimeField()


class PersonSerializer(serializers.ModelSerializer):
    """Identity is null unless the caller holds the identity compartment for this person: the
    view passes the ids of those people as `identity_ids` in the serializer's context."""

    jurisdiction = serializers.CharField(source="jurisdiction.code")
    responsible_agency = serializers.UUIDField(source="responsible_agency.uuid")
    identity = serializers.SerializerMethodField()
    custody_episodes = CustodyEpisodeSerializer(many=True)

    class Meta:
        model = Person
        fields = ["uuid", "reference", "jurisdiction", "responsible_agency", "classification",
                  "data_subject_category", "identity", "custody_episodes", "version"]

    @extend_schema_field(IdentitySerializer(allow_null=True))
    def get_identity(self, person):
        if person.pk not in self.context.get("identity_ids", ()):
            return None
        return IdentitySerializer(person).data


class PersonDetailSerializer(PersonSerializer):
    classification_history = ClassificationChangeSerializer(many=True,
                                                            source="classification_changes")

    class Meta(PersonSerializer.Meta):
        fields = [*PersonSerializer.Meta.fields, "classification_history"]


@extend_schema_field(OpenApiTypes.UUID)
class _AgencyField(serializers.SlugRelatedField):
    """Any active agency resolves here; person_create then checks the user may use it."""

    def get_queryset(self):
        return active_agencies()


class PersonCreateSerializer(serializers.Serializer):
    responsible_agency = _AgencyField(slug_field="uuid")
    given_name = serializers.CharField(max_length=100)
    family_name = serializers.CharField(max_length=100)
    aliases = serializers.CharField(required=False, allow_blank=True, default="")
    date_of_birth = serializers.DateField(required=False, allow_null=True, default=None)
    national_id = serializers.CharField(max_length=40, required=False, allow_blank=True,
                                        default="")
    data_subject_category = serializers.ChoiceField(choices=DataSubjectCategory.choices)
    classification = serializers.ChoiceField(choices=Classification.choices)
    classification_reason = serializers.CharField()


class PersonUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The version you read; 409 if it changed.")
    given_name = serializers.CharField(max_length=100, required=False)
    family_name = serializers.CharField(max_length=100, required=False)
    aliases = serializers.CharField(required=False, allow_blank=True)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    national_id = serializers.CharField(max_length=40, required=False, allow_blank=True)
    data_subject_category = serializers.ChoiceField(choices=DataSubjectCategory.choices,
                                                    required=False)


class PersonListQuery(ListQuery):
    # Not trimmed: caseload_page strips the term itself and hashes it as given for the audit.
    q = serializers.CharField(required=False, allow_blank=True, default="", max_length=200,
                              trim_whitespace=False, help_text="Reference prefix, or exact full "
                              "name, alias or national ID.")
    classification = ChoiceFilter(Classification.choices)
    category = ChoiceFilter(DataSubjectCategory.choices, help_text="Data-subject category.")


class PersonList(APIView):
    pagination_class = Pagination

    @extend_schema(responses=PersonSerializer(many=True), parameters=[PersonListQuery])
    def get(self, request):
        filters = selectors.CaseloadFilters(**PersonListQuery.validated(request))
        pagination = self.pagination_class()
        # The selector pages and audits exactly the rows it returns; the envelope is shared.
        # It counts nothing: `count` and `pages` are known on the last page only, null before
        # it (`next` says there is more). Identity is decrypted for the rows that show it.
        page, rows = selectors.caseload_page(request.user, filters,
                                             pagination.page_number(request),
                                             identity_fields=selectors.IDENTITY_FIELDS)
        people = selectors.with_custody([row.person for row in rows])
        data = PersonSerializer(people, many=True, context={
            "identity_ids": {row.person.pk for row in rows if row.identity_visible}}).data
        return pagination.paginated_response(request, page, data)

    @extend_schema(request=PersonCreateSerializer, responses={201: PersonDetailSerializer})
    def post(self, request):
        serializer = PersonCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        person = services.person_create(actor=request.user, **serializer.validated_data)
        return _detail_response(request, person.uuid, status.HTTP_201_CREATED)


def _detail_response(request, person_uuid, code=status.HTTP_200_OK):
    person, grant = access.get_person_for_user(request.user, person_uuid, Action.VIEW)
    selectors.with_custody([person])
    return Response(PersonDetailSerializer(person, context={
        "identity_ids": {person.pk} if grant.sees_identity else set()}).data, status=code)


class PersonDetail(APIView):
    @extend_schema(responses=PersonDetailSerializer)
    def get(self, request, person_uuid):
        return _detail_response(request, person_uuid)

    @extend_schema(request=PersonUpdateSerializer, responses=PersonDetailSerializer)
    def patch(self, request, person_uuid):
        person, _grant = access.get_person_for_user(request.user, person_uuid, Action.EDIT)
        serializer = PersonUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version")
        services.person_update(actor=request.user, person=person, expected_version=version,
                               **data)
        return _detail_response(request, person_uuid)

