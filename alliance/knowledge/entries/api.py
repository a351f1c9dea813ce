"""The knowledge base API, mounted under /api/v1/ (knowledge/api.py): the entries the caller
sees, with full-text search and filters; an entry with every language version; writing, changing
and deleting a draft; translations; the review and publication workflow; an attachment's bytes.
The same access functions, services and audit as the pages: 404 for an entry the caller does not
see, 403 with the reason for an action not theirs, 409 for a stale version, 400 with the reason
for what the services refuse (the person-data check among them). Attachments are uploaded on the
entry's page (an API body is limited to API_MAX_BODY_BYTES, smaller than a file may be)."""

from django.urls import path, reverse
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

from alliance.core.api import ChoiceFilter, ListQuery, Pagination, one_of, validated
from alliance.organisations.models import Agency, Jurisdiction

from ..models import (
    MAX_TEXT,
    ContentLanguage,
    EntryKind,
    EntryStatus,
    TargetGroup,
    Theme,
)
from . import selectors, services
from .access import EntryAction, get_entry_for_user
from .views import file_response, require_member

TAGS = ["knowledge"]
RULE = ("A draft is read by its author and, once submitted, by the knowledge editors of its "
        "jurisdiction; a reviewed entry by everyone with a place in its jurisdiction and the "
        "regional coordinators; a published entry by everyone with a place in the region.")
CONFIRM_HELP = ("true: the person-data check's warnings (something like a name of a person in "
                "the system, a reference number, a date of birth) are accepted as not a person's "
                "data. A person's reference is refused all the same (400).")
LANGUAGE = OpenApiParameter("language", OpenApiTypes.STR, OpenApiParameter.PATH,
                            enum=ContentLanguage.values,
                            description="A content language: " + ", ".join(
                                ContentLanguage.values) + ".")
ATTACHMENT_ID = OpenApiParameter("attachment_uuid", OpenApiTypes.UUID, OpenApiParameter.PATH,
                                 description="One of the entry's attachments "
                                             "(attachments[].uuid).")


# --- output ------------------------------------------------------------------------------------

class KnowledgeEntryTextSerializer(serializers.Serializer):
    language = serializers.CharField(help_text=one_of(ContentLanguage))
    title = serializers.CharField()
    objectives = serializers.CharField()
    description = serializers.CharField()
    findings = serializers.CharField()
    updated_at = serializers.DateTimeField()


class KnowledgeAttachmentSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    file_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField(help_text="Bytes.")
    sha256 = serializers.CharField(help_text="The SHA-256 of the file's bytes.")
    url = serializers.SerializerMethodField(help_text="Where to download it.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, attachment):
        return reverse("api:knowledge-attachment", args=[attachment.entry.uuid, attachment.uuid])


class KnowledgeInterventionSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    code = serializers.CharField()
    name = serializers.CharField()
    jurisdiction = serializers.CharField(source="jurisdiction.code")
    is_active = serializers.BooleanField(help_text="Offered now.")


class KnowledgeEntrySerializer(serializers.Serializer):
    uuid = serializers.UUIDField(help_text="The entry's id.")
    kind = serializers.CharField(help_text=one_of(EntryKind))
    status = serializers.CharField(help_text=one_of(EntryStatus))
    jurisdiction = serializers.SerializerMethodField(
        help_text="The jurisdiction's code; null for the regional programme's entries.")
    target_group = serializers.CharField(help_text=one_of(TargetGroup))
    themes = serializers.SerializerMethodField(help_text=one_of(Theme))
    original_language = serializers.CharField(help_text=one_of(ContentLanguage))
    languages = serializers.SerializerMethodField(
        help_text="The languages it is written in, the original first.")
    title = serializers.SerializerMethodField(
        help_text="In the request's language if a version exists, else the original's.")
    submitted_at = serializers.DateTimeField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField(help_text="Send it back with a change (409 if stale).")

    @extend_schema_field(OpenApiTypes.STR)
    def get_jurisdiction(self, entry):
        return entry.jurisdiction.code if entry.jurisdiction_id else None

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_themes(self, entry):
        return [t.theme for t in entry.themes.all()]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_languages(self, entry):
        return [code for code, _name in selectors.languages_of(entry)]

    @extend_schema_field(OpenApiTypes.STR)
    def get_title(self, entry):
        text = selectors.reader_text(entry)
        return text.title if text else ""


class KnowledgeEntryDetailSerializer(KnowledgeEntrySerializer):
    agency = serializers.SerializerMethodField(help_text="The organisation's id, if in Alliance.")
    organisation = serializers.CharField(help_text="An organisation not in Alliance.")
    author = serializers.CharField(source="author.username")
    texts = KnowledgeEntryTextSerializer(many=True, source="texts.all",
                                help_text="Every language version.")
    attachments = KnowledgeAttachmentSerializer(many=True, source="attachments.all")
    interventions = KnowledgeInterventionSerializer(many=True, source="interventions.all",
                                              help_text="The interventions it supports.")
    reviewed_at = serializers.DateTimeField(allow_null=True, help_text=(
        "When it was reviewed (or, for a draft, returned to the author)."))
    reviewed_by = serializers.CharField(source="reviewed_by.username", allow_null=True,
                                        default=None)
    review_note = serializers.CharField(help_text="The reviewer's note (a return's: what to "
                                                  "change).")
    published_by = serializers.CharField(source="published_by.username", allow_null=True,
                                         default=None)
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    withdrawal_reason = serializers.CharField()
    actions = serializers.SerializerMethodField(help_text=(
        "What you may do: view, edit, delete, attach, translate, link, submit, review (mark "
        "reviewed or return), publish, withdraw."))

    @extend_schema_field(OpenApiTypes.UUID)
    def get_agency(self, entry):
        return str(entry.agency.uuid) if entry.agency_id else None

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_actions(self, entry):
        return sorted(self.context["grant"].actions)


def _response(request, entry_uuid, code=status.HTTP_200_OK) -> Response:
    entry, grant = get_entry_for_user(request.user, entry_uuid)
    page = selectors.entry_page(request.user, entry)
    return Response(KnowledgeEntryDetailSerializer(page["entry"], context={"grant": grant}).data,
                    status=code)


# --- input -------------------------------------------------------------------------------------

class KnowledgeEntryListQuery(ListQuery):
    q = serializers.CharField(required=False, allow_blank=True, default="", max_length=200,
                              help_text="Words to find, in any language, Latin or Cyrillic; "
                                        "each must begin a word of the entry.")
    scope = ChoiceFilter([(t, t) for t in selectors.TABS], help_text=(
        "published; review (what waits for your review or publication); mine (your entries). "
        "Absent: every entry you see."))
    kind = ChoiceFilter(EntryKind.choices)
    theme = ChoiceFilter(Theme.choices)
    jurisdiction = serializers.CharField(required=False, allow_blank=True, default="",
                                         max_length=8, help_text=(
                                             "A jurisdiction's code, or \"regional\" for the "
                                             "regional programme's entries."))
    target_group = ChoiceFilter(TargetGroup.choices)
    language = ChoiceFilter(ContentLanguage.choices,
                            help_text="Only entries with a version in this language.")


class JurisdictionCodeField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        super().__init__(slug_field="code", queryset=Jurisdiction.objects.all(),
                         allow_null=True, **kwargs)


class KnowledgeTextInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300, allow_blank=True)
    objectives = serializers.CharField(max_length=MAX_TEXT, allow_blank=True, required=False,
                                       default="")
    description = serializers.CharField(max_length=MAX_TEXT, allow_blank=True)
    findings = serializers.CharField(max_length=MAX_TEXT, allow_blank=True, required=False,
                                     default="")
    confirm_no_person_data = serializers.BooleanField(required=False, default=False,
                                                      help_text=CONFIRM_HELP)


class KnowledgeEntryCreateSerializer(KnowledgeTextInputSerializer):
    kind = serializers.CharField(help_text=one_of(EntryKind))
    jurisdiction = JurisdictionCodeField(help_text=(
        "A jurisdiction's code where you work; null for the regional programme."))
    agency = serializers.SlugRelatedField(
        slug_field="uuid", queryset=Agency.objects.filter(is_active=True), allow_null=True,
        required=False, default=None, help_text="The organisation (an agency's id), if any.")
    organisation = serializers.CharField(max_length=200, allow_blank=True, required=False,
                                         default="", help_text="An organisation not in "
                                                               "Alliance.")
    target_group = serializers.CharField(help_text=one_of(TargetGroup))
    language = serializers.CharField(help_text="The original language. " + one_of(
        ContentLanguage))
    themes = serializers.ListField(child=serializers.CharField(), help_text=one_of(Theme)
                                   + " At least one.")


class KnowledgeEntryPatchSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The version you read; 409 if it changed.")
    kind = serializers.CharField(required=False, help_text=one_of(EntryKind))
    jurisdiction = JurisdictionCodeField(required=False)
    agency = serializers.SlugRelatedField(
        slug_field="uuid", queryset=Agency.objects.filter(is_active=True), allow_null=True,
        required=False)
    organisation = serializers.CharField(max_length=200, allow_blank=True, required=False)
    target_group = serializers.CharField(required=False, help_text=one_of(TargetGroup))
    themes = serializers.ListField(child=serializers.CharField(), required=False)
    title = serializers.CharField(max_length=300, allow_blank=True, required=False)
    objectives = serializers.CharField(max_length=MAX_TEXT, allow_blank=True, required=False)
    description = serializers.CharField(max_length=MAX_TEXT, allow_blank=True, required=False)
    findings = serializers.CharField(max_length=MAX_TEXT, allow_blank=True, required=False)
    confirm_no_person_data = serializers.BooleanField(required=False, default=False,
                                                      help_text=CONFIRM_HELP)


class KnowledgeTranslationSerializer(KnowledgeTextInputSerializer):
    version = serializers.IntegerField(help_text="The entry's version you read; 409 if it "
                                                 "changed.")


class KnowledgeActionSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The version you read; 409 if it changed.")


class KnowledgeNoteSerializer(KnowledgeActionSerializer):
    note = serializers.CharField(max_length=MAX_TEXT, allow_blank=True, required=False,
                                 default="")
    confirm_no_person_data = serializers.BooleanField(required=False, default=False,
                                                      help_text=CONFIRM_HELP)


class KnowledgeReviewSerializer(KnowledgeNoteSerializer):
    """Mark reviewed, with an optional note to the author."""


class KnowledgeReturnSerializer(KnowledgeNoteSerializer):
    """Return to the author: the note (what to change) is required."""


class KnowledgeWithdrawSerializer(KnowledgeActionSerializer):
    reason = serializers.CharField(max_length=MAX_TEXT, allow_blank=True)
    confirm_no_person_data = serializers.BooleanField(required=False, default=False,
                                                      help_text=CONFIRM_HELP)


class KnowledgeVersionQuery(serializers.Serializer):
    version = serializers.IntegerField(help_text="The version you read; 409 if it changed.")


def _text(data) -> dict:
    return {"title": data["title"], "objectives": data["objectives"],
            "description": data["description"], "findings": data["findings"],
            "confirmed": data["confirm_no_person_data"]}


def _version_query(request):
    query = KnowledgeVersionQuery(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data["version"]


# --- views -------------------------------------------------------------------------------------

class EntryList(APIView):
    pagination_class = Pagination

    @extend_schema(tags=TAGS, parameters=[KnowledgeEntryListQuery],
                   responses=KnowledgeEntrySerializer(many=True),
                   description="The entries you see, found by words (best match first on "
                               "PostgreSQL) and filters; else the latest published first. "
                               + RULE)
    def get(self, request):
        query = KnowledgeEntryListQuery.validated(request)
        require_member(request.user)
        filters = selectors.Filters(q=query["q"], kind=query["kind"], theme=query["theme"],
                                    jurisdiction=query["jurisdiction"],
                                    target_group=query["target_group"],
                                    language=query["language"])
        rows = selectors.api_rows(request.user, scope=query["scope"], filters=filters)
        pagination = self.pagination_class()
        shown = pagination.paginate_queryset(rows, request, view=self)
        return pagination.get_paginated_response(
            KnowledgeEntrySerializer(shown, many=True).data)

    @extend_schema(tags=TAGS, request=KnowledgeEntryCreateSerializer,
                   responses={201: KnowledgeEntryDetailSerializer},
                   description="Write a draft entry, with its text in the original language. "
                               "Every text passes the person-data check: a person's reference "
                               "is refused (400); a warning is refused (400) unless "
                               "confirm_no_person_data is true.")
    def post(self, request):
        require_member(request.user)
        data = validated(KnowledgeEntryCreateSerializer, request)
        entry = services.entry_create(
            actor=request.user, kind=data["kind"], jurisdiction=data["jurisdiction"],
            agency=data["agency"], organisation=data["organisation"],
            target_group=data["target_group"], language=data["language"],
            themes=data["themes"], **_text(data))
        return _response(request, entry.uuid, status.HTTP_201_CREATED)


class EntryDetail(APIView):
    @extend_schema(tags=TAGS, responses=KnowledgeEntryDetailSerializer,
                   description="An entry with every language version, its attachments (to "
                               "download) and the interventions it supports. " + RULE)
    def get(self, request, entry_uuid):
        return _response(request, entry_uuid)

    @extend_schema(tags=TAGS, request=KnowledgeEntryPatchSerializer,
                   responses=KnowledgeEntryDetailSerializer,
                   description="The author changes a draft: its metadata and its text in the "
                               "original language (the fields given; the rest stay).")
    def patch(self, request, entry_uuid):
        entry, _grant = get_entry_for_user(request.user, entry_uuid, EntryAction.EDIT)
        data = validated(KnowledgeEntryPatchSerializer, request)
        text = entry.texts.filter(language=entry.original_language).first()
        current = {"kind": entry.kind, "jurisdiction": entry.jurisdiction,
                   "agency": entry.agency, "organisation": entry.organisation,
                   "target_group": entry.target_group,
                   "themes": list(entry.themes.values_list("theme", flat=True)),
                   "title": text.title if text else "",
                   "objectives": text.objectives if text else "",
                   "description": text.description if text else "",
                   "findings": text.findings if text else ""}
        values = {name: data.get(name, value) for name, value in current.items()}
        services.entry_update(actor=request.user, entry=entry,
                              expected_version=data["version"],
                              confirmed=data["confirm_no_person_data"], **values)
        return _response(request, entry.uuid)

    @extend_schema(tags=TAGS, parameters=[KnowledgeVersionQuery], responses={204: None},
                   description="The author deletes a draft, with its translations and files.")
    def delete(self, request, entry_uuid):
        entry, _grant = get_entry_for_user(request.user, entry_uuid, EntryAction.DELETE)
        services.entry_delete(actor=request.user, entry=entry,
                              expected_version=_version_query(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class EntryTranslation(APIView):
    @extend_schema(tags=TAGS, parameters=[LANGUAGE], request=KnowledgeTranslationSerializer,
                   responses=KnowledgeEntryDetailSerializer,
                   description="Add or change the entry's version in a language other than "
                               "the original (the author, the reviewers of its jurisdiction, "
                               "the regional coordinators). Search finds its words.")
    def put(self, request, entry_uuid, language):
        entry, _grant = get_entry_for_user(request.user, entry_uuid, EntryAction.TRANSLATE)
        data = validated(KnowledgeTranslationSerializer, request)
        services.translation_save(actor=request.user, entry=entry, language=language,
                                  expected_version=data["version"], **_text(data))
        return _response(request, entry.uuid)

    @extend_schema(tags=TAGS, parameters=[LANGUAGE, KnowledgeVersionQuery], responses={204: None},
                   description="Remove a translation (never the original).")
    def delete(self, request, entry_uuid, language):
        entry, _grant = get_entry_for_user(request.user, entry_uuid, EntryAction.TRANSLATE)
        if language != entry.original_language and not entry.texts.filter(
                language=language).exists():
            raise NotFound(_("This entry has no version in that language."))
        services.translation_delete(actor=request.user, entry=entry, language=language,
                                    expected_version=_version_query(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


def _action(name: str, serializer_class, description: str, call):
    """A POST on an entry that moves it along the workflow: loaded for reading (404 if not
    seen), then the service, which says why it refuses (403 or 400)."""

    class Action(APIView):
        @extend_schema(tags=TAGS, request=serializer_class,
                       responses=KnowledgeEntryDetailSerializer, description=description)
        def post(self, request, entry_uuid):
            entry, _grant = get_entry_for_user(request.user, entry_uuid)
            data = validated(serializer_class, request)
            call(request.user, entry, data)
            return _response(request, entry.uuid)

    Action.__name__ = Action.__qualname__ = name
    return Action


EntrySubmit = _action(
    "EntrySubmit", KnowledgeActionSerializer,
    "The author submits a draft to the knowledge editors of its jurisdiction.",
    lambda user, entry, d: services.entry_submit(actor=user, entry=entry,
                                                 expected_version=d["version"]))
EntryReview = _action(
    "EntryReview", KnowledgeReviewSerializer,
    "A knowledge editor of the entry's jurisdiction (not its author) marks a submitted draft "
    "reviewed; the regional coordinators publish it next.",
    lambda user, entry, d: services.entry_review(
        actor=user, entry=entry, expected_version=d["version"], note=d["note"],
        confirmed=d["confirm_no_person_data"]))
EntryReturn = _action(
    "EntryReturn", KnowledgeReturnSerializer,
    "A reviewer returns a submitted draft to its author with a note (required).",
    lambda user, entry, d: services.entry_return(
        actor=user, entry=entry, expected_version=d["version"], note=d["note"],
        confirmed=d["confirm_no_person_data"]))
EntryPublish = _action(
    "EntryPublish", KnowledgeActionSerializer,
    "A regional coordinator publishes a reviewed entry for the region. An entry not reviewed "
    "is refused (400) with the reason.",
    lambda user, entry, d: services.entry_publish(actor=user, entry=entry,
                                                  expected_version=d["version"]))
EntryWithdraw = _action(
    "EntryWithdraw", KnowledgeWithdrawSerializer,
    "A regional coordinator withdraws a reviewed or published entry, with the reason.",
    lambda user, entry, d: services.entry_withdraw(
        actor=user, entry=entry, expected_version=d["version"], reason=d["reason"],
        confirmed=d["confirm_no_person_data"]))


class EntryAttachment(APIView):
    @extend_schema(tags=TAGS, parameters=[ATTACHMENT_ID], responses={
        (200, "application/octet-stream"): OpenApiResponse(
            OpenApiTypes.BINARY, description="The file, as uploaded (its type in "
                                             "Content-Type, its name in Content-Disposition)."),
    }, description="Download an attachment of an entry you see (recorded in the audit trail "
                   "as an export).")
    def get(self, request, entry_uuid, attachment_uuid):
        entry, _grant = get_entry_for_user(request.user, entry_uuid)
        attachment, data = selectors.attachment_download(request.user, entry, attachment_uuid)
        return file_response(attachment, data)


E = "knowledge/<uuid:entry_uuid>/"

urls = [
    path("knowledge/", EntryList.as_view(), name="knowledge-entry-list"),
    path(E, EntryDetail.as_view(), name="knowledge-entry-detail"),
    path(E + "translations/<str:language>/", EntryTranslation.as_view(),
         name="knowledge-entry-translation"),
    path(E + "submit/", EntrySubmit.as_view(), name="knowledge-entry-submit"),
    path(E + "review/", EntryReview.as_view(), name="knowledge-entry-review"),
    path(E + "return/", EntryReturn.as_view(), name="knowledge-entry-return"),
    path(E + "publish/", EntryPublish.as_view(), name="knowledge-entry-publish"),
    path(E + "withdraw/", EntryWithdraw.as_view(), name="knowledge-entry-withdraw"),
    path(E + "attachments/<uuid:attachment_uuid>/", EntryAttachment.as_view(),
         name="knowledge-attachment"),
]
