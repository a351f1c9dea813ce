"""The methodology API, mounted under /api/v1/ (knowledge/api.py): the methodologies, creating
one, a methodology with its versions, starting a new version, a version with its chapters and
references, adding, changing (PATCH with the version read: 409 when stale), moving and removing
a chapter, approving a version, and the changes between two versions as data. The same access
functions and services as the pages."""

import uuid

from django.http import Http404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.core.api import ERROR_DESCRIPTIONS, ErrorSerializer, Pagination, one_of, validated

from ..models import MAX_TEXT, EntryKind, MethodologyStatus
from . import diff, selectors, services
from .access import (
    MethodologyAction,
    VersionAction,
    get_chapter_for_user,
    get_methodology_for_user,
    get_version_for_user,
    methodologies,
    require_member,
    versions,
)

TAGS = ["methodology"]
RULE = ("Every member of the knowledge base reads the approved versions; the knowledge "
        "editors (of any jurisdiction) and the regional coordinators also read and write the "
        "drafts (a draft is 404 to others); a regional coordinator creates a methodology, "
        "starts a new version and approves one. An approved version is frozen: every write "
        "to it is refused (403).")
CONFLICT = OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[409])
CONFIRM_HELP = ("true once the author has checked a warning of the person-data check (a name "
                "of a person in the system, a reference-like number, a date of birth); a "
                "person's reference is refused whatever this says.")


# --- serializers ---------------------------------------------------------------------------------

class ReferenceSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text="The reference's number in this version.")
    entry = serializers.UUIDField(source="entry.uuid",
                                  help_text="The entry's id (/api/v1/knowledge/{uuid}/).")
    title = serializers.CharField(help_text="In your language if a version exists, else the "
                                            "original.")
    kind = serializers.CharField(source="entry.kind", help_text=one_of(EntryKind))
    jurisdiction = serializers.SerializerMethodField(
        help_text="The entry's jurisdiction (with * where it carries the designation "
                  "footnote); null for the regional programme's.")
    organisation = serializers.CharField(help_text="The organisation it comes from.")
    published_at = serializers.DateTimeField(source="entry.published_at", allow_null=True)
    status = serializers.CharField(source="entry.status",
                                   help_text="published, unless withdrawn since it was cited.")

    @extend_schema_field(OpenApiTypes.STR)
    def get_jurisdiction(self, reference):
        j = reference.entry.jurisdiction
        return j.display_name if j is not None else None


class ChapterSerializer(serializers.Serializer):
    uuid = serializers.UUIDField(source="chapter.uuid", help_text="The chapter's id.")
    key = serializers.CharField(source="chapter.key", help_text=(
        "Stable from version to version (made from the first title): the change view pairs "
        "chapters by it."))
    position = serializers.IntegerField(source="chapter.position", help_text="From 1.")
    title = serializers.CharField(source="chapter.title")
    body = serializers.CharField(source="chapter.body", help_text="Plain text.")
    references = serializers.SerializerMethodField(
        help_text="The numbers of the references it cites (see the version's `references`).")
    citations = serializers.SerializerMethodField(help_text="The ids of the entries it cites.")
    version = serializers.IntegerField(
        source="chapter.version",
        help_text="The chapter's edit number: send it back with PATCH or DELETE (409 if it "
                  "changed since).")
    updated_at = serializers.DateTimeField(source="chapter.updated_at")

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_references(self, row):
        return [r.number for r in row.references]

    @extend_schema_field(serializers.ListField(child=serializers.UUIDField()))
    def get_citations(self, row):
        return [str(r.entry.uuid) for r in row.references]


class VersionSerializer(serializers.Serializer):
    uuid = serializers.UUIDField(help_text="The version's id.")
    methodology = serializers.UUIDField(source="methodology.uuid")
    number = serializers.IntegerField()
    status = serializers.CharField(help_text=one_of(MethodologyStatus))
    based_on = serializers.SerializerMethodField(
        help_text="The number of the version it started from (null: none).")
    change_summary = serializers.CharField(help_text="What changed (given at approval).")
    created_at = serializers.DateTimeField()
    approved_at = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField(help_text="Send it back to approve (409 if a chapter "
                                                 "changed since you read it).")

    @extend_schema_field(OpenApiTypes.INT)
    def get_based_on(self, version):
        return version.based_on.number if version.based_on_id else None


class VersionDetailSerializer(VersionSerializer):
    chapters = serializers.SerializerMethodField(help_text="In order.")
    references = serializers.SerializerMethodField(help_text="Numbered in the order first "
                                                             "cited.")
    actions = serializers.SerializerMethodField(
        help_text="What you may do: view, edit (the chapters of a draft), approve.")

    @extend_schema_field(ChapterSerializer(many=True))
    def get_chapters(self, version):
        return ChapterSerializer(self.context["content"]["chapters"], many=True).data

    @extend_schema_field(ReferenceSerializer(many=True))
    def get_references(self, version):
        return ReferenceSerializer(self.context["content"]["references"], many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_actions(self, version):
        return sorted(self.context["grant"].actions)


class MethodologySerializer(serializers.Serializer):
    uuid = serializers.UUIDField(help_text="The methodology's id.")
    title = serializers.CharField()
    description = serializers.CharField()
    current_version = serializers.SerializerMethodField(
        help_text="The latest approved version's number (null: none yet).")
    draft_version = serializers.SerializerMethodField(
        help_text="The draft's number, to those who read drafts (else null).")

    def _pair(self, methodology):
        shown = self.context["versions"].get(methodology.pk, [])
        approved = [v for v in shown if v.status == MethodologyStatus.APPROVED]
        drafts = [v for v in shown if v.status == MethodologyStatus.DRAFT]
        return (approved[0] if approved else None, drafts[0] if drafts else None)

    @extend_schema_field(OpenApiTypes.INT)
    def get_current_version(self, methodology):
        current, _draft = self._pair(methodology)
        return current.number if current else None

    @extend_schema_field(OpenApiTypes.INT)
    def get_draft_version(self, methodology):
        _current, draft = self._pair(methodology)
        return draft.number if draft else None


class MethodologyDetailSerializer(MethodologySerializer):
    versions = serializers.SerializerMethodField(help_text="The versions you see, newest "
                                                           "first.")

    @extend_schema_field(VersionSerializer(many=True))
    def get_versions(self, methodology):
        return VersionSerializer(self.context["versions"].get(methodology.pk, []),
                                 many=True).data


class MethodologyCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=services.MAX_TITLE, allow_blank=True,
                                  help_text="Required.")
    description = serializers.CharField(required=False, allow_blank=True, default="",
                                        max_length=MAX_TEXT)
    confirm_no_person_data = serializers.BooleanField(required=False, default=False,
                                                      help_text=CONFIRM_HELP)


class ChapterWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=services.MAX_TITLE, allow_blank=True,
                                  help_text="Required.")
    body = serializers.CharField(required=False, allow_blank=True, default="",
                                 max_length=services.MAX_BODY, help_text="Plain text.")
    citations = serializers.ListField(
        child=serializers.UUIDField(), required=False, default=list,
        max_length=services.MAX_CITATIONS,
        help_text="The ids of the published entries it cites (refused with the reason when one "
                  "is not published).")
    confirm_no_person_data = serializers.BooleanField(required=False, default=False,
                                                      help_text=CONFIRM_HELP)


class ChapterPatchSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The chapter's version you read; 409 if it "
                                                 "changed.")
    title = serializers.CharField(required=False, max_length=services.MAX_TITLE,
                                  allow_blank=True)
    body = serializers.CharField(required=False, allow_blank=True,
                                 max_length=services.MAX_BODY)
    citations = serializers.ListField(child=serializers.UUIDField(), required=False,
                                      max_length=services.MAX_CITATIONS,
                                      help_text="Replaces the list when given.")
    confirm_no_person_data = serializers.BooleanField(required=False, default=False,
                                                      help_text=CONFIRM_HELP)


class ChapterMoveSerializer(serializers.Serializer):
    direction = serializers.ChoiceField(choices=[("up", "up"), ("down", "down")],
                                        help_text="up: before the previous chapter; down: "
                                                  "after the next one.")


class ChapterDeleteQuery(serializers.Serializer):
    version = serializers.IntegerField(help_text=(
        "The chapter's version you read: 409 if it changed since."))


class ApproveSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The version's `version` you read; 409 if a "
                                                 "chapter changed since.")
    change_summary = serializers.CharField(required=False, allow_blank=True, default="",
                                           max_length=MAX_TEXT,
                                           help_text="What changed (required after version 1).")
    confirm_no_person_data = serializers.BooleanField(required=False, default=False,
                                                      help_text=CONFIRM_HELP)


class SegmentSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="equal, insert or delete.")
    text = serializers.CharField()


class ChapterChangeSerializer(serializers.Serializer):
    key = serializers.CharField()
    status = serializers.CharField(help_text="added, removed, changed or unchanged.")
    title = serializers.CharField(help_text="The newer title (the older for a removed one).")
    old_title = serializers.CharField(allow_null=True, help_text="Set when retitled.")
    old_position = serializers.IntegerField(allow_null=True)
    new_position = serializers.IntegerField(allow_null=True)
    moved = serializers.BooleanField(help_text="Its place among the chapters both versions "
                                               "share changed.")
    retitled = serializers.BooleanField()
    text_changed = serializers.BooleanField()
    segments = SegmentSerializer(many=True, help_text=(
        "The text, word by word: equal, inserted and deleted passages in reading order (the "
        "whole text as equal when it did not change)."))
    citations_added = serializers.ListField(child=serializers.UUIDField())
    citations_removed = serializers.ListField(child=serializers.UUIDField())


class ChangesSummarySerializer(serializers.Serializer):
    added = serializers.IntegerField()
    removed = serializers.IntegerField()
    moved = serializers.IntegerField()
    retitled = serializers.IntegerField()
    text_changed = serializers.IntegerField()
    citations_changed = serializers.IntegerField()


class VersionRefSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    number = serializers.IntegerField()
    status = serializers.CharField(help_text=one_of(MethodologyStatus))


class ChangesSerializer(serializers.Serializer):
    from_version = VersionRefSerializer(allow_null=True, help_text=(
        "null when there is nothing to compare with (the first version)."))
    to_version = VersionRefSerializer()
    summary = ChangesSummarySerializer()
    chapters = ChapterChangeSerializer(many=True, help_text=(
        "The newer version's chapters in order, then the removed ones."))


# --- helpers -------------------------------------------------------------------------------------

def _visible_versions(user, methodologies) -> dict:
    """{methodology pk: [versions the user sees, newest first]} in one query."""
    rows = versions.visible(user).filter(methodology__in=[m.pk for m in methodologies]) \
        .select_related("methodology", "based_on").order_by("-number")
    grouped: dict[int, list] = {}
    for version in rows:
        grouped.setdefault(version.methodology_id, []).append(version)
    return grouped


def _methodology_response(request, methodology_uuid, code=status.HTTP_200_OK) -> Response:
    methodology, _grant = get_methodology_for_user(request.user, methodology_uuid)
    context = {"versions": _visible_versions(request.user, [methodology])}
    return Response(MethodologyDetailSerializer(methodology, context=context).data,
                    status=code)


def _version_response(request, version_uuid, code=status.HTTP_200_OK) -> Response:
    version, grant = get_version_for_user(request.user, version_uuid)
    context = {"grant": grant, "content": selectors.version_chapters(version)}
    return Response(VersionDetailSerializer(version, context=context).data, status=code)


def _changes_data(old, new, changes: diff.Changes) -> dict:
    def ref(v):
        return {"uuid": v.uuid, "number": v.number, "status": v.status} if v else None

    return {
        "from_version": ref(old), "to_version": ref(new),
        "summary": {name: getattr(changes, name) for name in (
            "added", "removed", "moved", "retitled", "text_changed", "citations_changed")},
        "chapters": [{
            "key": c.key, "status": c.status, "title": c.title, "old_title": c.old_title,
            "old_position": c.old_position, "new_position": c.new_position, "moved": c.moved,
            "retitled": c.retitled, "text_changed": c.text_changed,
            "segments": [{"kind": s.kind, "text": s.text} for s in c.segments],
            "citations_added": list(c.citations_added),
            "citations_removed": list(c.citations_removed)} for c in changes.chapters]}


# --- views ---------------------------------------------------------------------------------------

class MethodologyList(APIView):
    pagination_class = Pagination

    @extend_schema(tags=TAGS, responses=MethodologySerializer(many=True),
                   description="The methodologies you see, by title. " + RULE)
    def get(self, request):
        require_member(request.user)
        rows = methodologies.visible(request.user).order_by("title", "pk")
        pagination = self.pagination_class()
        shown = pagination.paginate_queryset(rows, request, view=self)
        context = {"versions": _visible_versions(request.user, shown)}
        return pagination.get_paginated_response(
            MethodologySerializer(shown, many=True, context=context).data)

    @extend_schema(tags=TAGS, request=MethodologyCreateSerializer,
                   responses={201: MethodologyDetailSerializer},
                   description="Create a methodology, with version 1 as an empty draft (a "
                               "regional coordinator; 403 for others).")
    def post(self, request):
        require_member(request.user)
        data = validated(MethodologyCreateSerializer, request)
        methodology = services.methodology_create(
            actor=request.user, title=data["title"], description=data["description"],
            confirmed=data["confirm_no_person_data"])
        return _methodology_response(request, methodology.uuid, status.HTTP_201_CREATED)


class MethodologyDetail(APIView):
    @extend_schema(tags=TAGS, responses=MethodologyDetailSerializer,
                   description="A methodology and the versions you see. " + RULE)
    def get(self, request, methodology_uuid):
        return _methodology_response(request, methodology_uuid)


class VersionStart(APIView):
    @extend_schema(tags=TAGS, request=None, responses={201: VersionDetailSerializer},
                   description="Start the next version as a draft copy of the latest approved "
                               "one (its chapters, keys and citations). A regional "
                               "coordinator; refused (400, naming it) while a draft exists.")
    def post(self, request, methodology_uuid):
        methodology, _grant = get_methodology_for_user(request.user, methodology_uuid,
                                                       MethodologyAction.START_VERSION)
        version = services.version_start(actor=request.user, methodology=methodology)
        return _version_response(request, version.uuid, status.HTTP_201_CREATED)


class VersionDetail(APIView):
    @extend_schema(tags=TAGS, responses=VersionDetailSerializer,
                   description="A version with its chapters in order and the entries they "
                               "cite as numbered references. " + RULE)
    def get(self, request, version_uuid):
        return _version_response(request, version_uuid)


class ChapterList(APIView):
    @extend_schema(tags=TAGS, request=ChapterWriteSerializer,
                   responses={201: VersionDetailSerializer},
                   description="Add a chapter at the end of a draft (knowledge editors and "
                               "regional coordinators). Its key is made from the title. Only "
                               "published entries may be cited; the text passes the "
                               "person-data check. Answers the version.")
    def post(self, request, version_uuid):
        version, _grant = get_version_for_user(request.user, version_uuid, VersionAction.EDIT)
        data = validated(ChapterWriteSerializer, request)
        services.chapter_add(actor=request.user, version=version, title=data["title"],
                             body=data["body"], citations=data["citations"],
                             confirmed=data["confirm_no_person_data"])
        return _version_response(request, version.uuid, status.HTTP_201_CREATED)


class ChapterDetail(APIView):
    @extend_schema(tags=TAGS, request=ChapterPatchSerializer,
                   responses={200: VersionDetailSerializer, 409: CONFLICT},
                   description="Change a chapter of a draft: its title, text or citations (the "
                               "fields given; the key never changes). Answers the version.")
    def patch(self, request, version_uuid, chapter_uuid):
        version, _grant = get_version_for_user(request.user, version_uuid, VersionAction.EDIT)
        chapter, _grant = get_chapter_for_user(request.user, chapter_uuid, VersionAction.EDIT,
                                               version=version)
        data = validated(ChapterPatchSerializer, request)
        citations = data.get("citations", [e.uuid for e in chapter.citations.all()])
        services.chapter_update(
            actor=request.user, chapter=chapter, expected_version=data["version"],
            title=data.get("title", chapter.title), body=data.get("body", chapter.body),
            citations=citations, confirmed=data["confirm_no_person_data"])
        return _version_response(request, version.uuid)

    @extend_schema(tags=TAGS, parameters=[ChapterDeleteQuery],
                   responses={204: None, 409: CONFLICT},
                   description="Remove a chapter from a draft; the ones after it move up.")
    def delete(self, request, version_uuid, chapter_uuid):
        version, _grant = get_version_for_user(request.user, version_uuid, VersionAction.EDIT)
        chapter, _grant = get_chapter_for_user(request.user, chapter_uuid, VersionAction.EDIT,
                                               version=version)
        query = ChapterDeleteQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        services.chapter_delete(actor=request.user, chapter=chapter,
                                expected_version=query.validated_data.get("version"))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ChapterMove(APIView):
    @extend_schema(tags=TAGS, request=ChapterMoveSerializer, responses=VersionDetailSerializer,
                   description="Move a chapter of a draft one place up or down (400 at the "
                               "edge). Answers the version.")
    def post(self, request, version_uuid, chapter_uuid):
        version, _grant = get_version_for_user(request.user, version_uuid, VersionAction.EDIT)
        chapter, _grant = get_chapter_for_user(request.user, chapter_uuid, VersionAction.EDIT,
                                               version=version)
        data = validated(ChapterMoveSerializer, request)
        services.chapter_move(actor=request.user, chapter=chapter,
                              direction=data["direction"])
        return _version_response(request, version.uuid)


class VersionApprove(APIView):
    @extend_schema(tags=TAGS, request=ApproveSerializer,
                   responses={200: VersionDetailSerializer, 409: CONFLICT},
                   description="Approve a draft (a regional coordinator): it needs a chapter "
                               "and, after version 1, a summary of what changed; every entry "
                               "it cites must still be published. The version is then "
                               "frozen.")
    def post(self, request, version_uuid):
        version, _grant = get_version_for_user(request.user, version_uuid,
                                               VersionAction.APPROVE)
        data = validated(ApproveSerializer, request)
        services.version_approve(actor=request.user, version=version,
                                 expected_version=data["version"],
                                 change_summary=data["change_summary"],
                                 confirmed=data["confirm_no_person_data"])
        return _version_response(request, version.uuid)


class VersionChanges(APIView):
    @extend_schema(tags=TAGS, responses=ChangesSerializer, parameters=[OpenApiParameter(
        "from", OpenApiTypes.UUID, OpenApiParameter.QUERY, required=False,
        description="The version to compare with (of the same methodology); by default the "
                    "one this version is based on.")],
        description="What changed from one version to this one: chapters added, removed, "
                    "moved and retitled, the text word by word, citations added and "
                    "removed. " + RULE)
    def get(self, request, version_uuid):
        new, _grant = get_version_for_user(request.user, version_uuid)
        given = request.query_params.get("from")
        if given:
            try:
                old, _grant = get_version_for_user(request.user, uuid.UUID(given))
            except (ValueError, Http404) as exc:
                raise serializers.ValidationError({"from": _(
                    "No such version of the methodology, or not one you may see.")}) from exc
            if old.methodology_id != new.methodology_id:
                raise serializers.ValidationError({"from": _(
                    "Compare two versions of the same methodology.")})
        else:
            old = selectors.previous_version(request.user, new)
        changes = (selectors.changes(old, new)["changes"] if old is not None
                   else diff.compare([], []))
        return Response(ChangesSerializer(_changes_data(old, new, changes)).data)


urls = [
    path("methodology/", MethodologyList.as_view(), name="methodology-list"),
    path("methodology/versions/<uuid:version_uuid>/", VersionDetail.as_view(),
         name="methodology-version"),
    path("methodology/versions/<uuid:version_uuid>/chapters/", ChapterList.as_view(),
         name="methodology-chapter-list"),
    path("methodology/versions/<uuid:version_uuid>/chapters/<uuid:chapter_uuid>/",
         ChapterDetail.as_view(), name="methodology-chapter"),
    path("methodology/versions/<uuid:version_uuid>/chapters/<uuid:chapter_uuid>/move/",
         ChapterMove.as_view(), name="methodology-chapter-move"),
    path("methodology/versions/<uuid:version_uuid>/approve/", VersionApprove.as_view(),
         name="methodology-version-approve"),
    path("methodology/versions/<uuid:version_uuid>/changes/", VersionChanges.as_view(),
         name="methodology-version-changes"),
    path("methodology/<uuid:methodology_uuid>/", MethodologyDetail.as_view(),
         name="methodology-detail"),
    path("methodology/<uuid:methodology_uuid>/versions/", VersionStart.as_view(),
         name="methodology-version-start"),
]
