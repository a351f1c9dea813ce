"""Every write to the common methodology: atomic, the policy re-checked on the locked version,
409 on a stale edit, audited in the same transaction.

A version is a draft, then approved (MethodologyStatus; VERSION_TRANSITIONS below), and an
approved version is frozen. A methodology has at most one draft (also a database constraint):
the next version starts as a copy of the latest approved one, with its chapters' keys and
citations, so that the change view (diff.py) pairs the chapters of the two versions.

Every chapter write (a move too) also moves the MethodologyVersion's own `version` on: an
approval carries the version the coordinator read, and is refused (409) if a chapter changed
since.

A chapter has its own edit number (`Chapter.version`): a change of its title, text or citations
moves it on, and a change or removal sent with an older number is refused (409). Moving a
chapter does not change it, so a move never makes an edit in progress stale.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from alliance.core import audit
from alliance.core.errors import check_version
from alliance.core.models import AuditAction
from alliance.core.text import checked_text

from ..entries.access import published_entries
from ..entries.screening import enforce
from ..entries.search import fold
from ..models import (
    MAX_TEXT,
    Chapter,
    EntryStatus,
    Methodology,
    MethodologyStatus,
    MethodologyVersion,
)
from .access import (
    MethodologyAction,
    VersionAction,
    assembles,
    frozen_message,
    methodologies,
    refusal_message,
    versions,
)

VERSION_TRANSITIONS = {
    MethodologyStatus.DRAFT: {MethodologyStatus.APPROVED},
    MethodologyStatus.APPROVED: set(),
}
MAX_TITLE = 300
MAX_BODY = 100_000
MAX_CITATIONS = 50
KEY_LENGTH = 60


# --- checks --------------------------------------------------------------------------------------

def _lock_version(version, expected_version=None) -> MethodologyVersion:
    version = (MethodologyVersion.objects.select_for_update()
               .select_related("methodology").get(pk=version.pk))
    check_version(version, expected_version)
    return version


def _require(actor, version, action: str) -> None:
    """Re-check on the locked row that `actor` may do `action` (the policy's rule): a frozen
    version refuses every write, whoever asks."""
    if version.status == MethodologyStatus.APPROVED and action != VersionAction.VIEW:
        raise PermissionDenied(frozen_message())
    if not versions.grant(actor, version).can(action):
        raise PermissionDenied(refusal_message(version, action))


def _title(value, field: str = "title") -> str:
    return checked_text(value, field, required=True, limit=MAX_TITLE,
                        message=_("Give the chapter a title."))


def _citations(citations) -> list:
    """The published entries cited, in the order given (each once), from their uuids."""
    wanted = []
    for value in citations or ():
        if str(value) not in wanted:
            wanted.append(str(value))
    if len(wanted) > MAX_CITATIONS:
        raise ValidationError({"citations": _("Cite at most %(max)d entries in one chapter.")
                               % {"max": MAX_CITATIONS}})
    try:
        found = {str(e.uuid): e for e in published_entries().filter(uuid__in=wanted)}
    except ValidationError as exc:  # not a uuid at all
        raise ValidationError({"citations": _("Cite entries of the knowledge base by their "
                                              "id.")}) from exc
    missing = len(wanted) - len(found)
    if missing:
        raise ValidationError({"citations": _(
            "Only published entries of the knowledge base can be cited: %(count)d of those "
            "chosen are not published (or do not exist). Choose published entries.") % {
            "count": missing}})
    return [found[uuid] for uuid in wanted]


def _new_key(version, title: str) -> str:
    """A key from the title, unique among every chapter the methodology ever had: a new
    chapter must never be paired with an older one in the change view."""
    base = slugify(fold(title))[:KEY_LENGTH - 4].strip("-") or "chapter"
    taken = set(Chapter.objects
                .filter(methodology_version__methodology_id=version.methodology_id)
                .values_list("key", flat=True))
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    return key


def _touch(version) -> None:
    """A chapter changed: the version's edit number moves on (see the module's docstring)."""
    version.version += 1
    version.save(update_fields=["version", "updated_at"])


def _snapshot(chapter, citations=None) -> dict:
    cited = citations if citations is not None else chapter.citations.all()
    return {"title": chapter.title, "body": chapter.body,
            "citations": [str(e.uuid) for e in cited]}


def _for_audit(values: dict) -> dict:
    """What the audit trail keeps of a chapter: the length of its texts and its citations —
    never the words, which the trail (append-only, exported whole to the DPO) would keep for
    ever, draft and person-data check warnings included."""
    return {f"{k}_length" if isinstance(v, str) else k: len(v) if isinstance(v, str) else v
            for k, v in values.items()}


# --- the services ------------------------------------------------------------------------------

@transaction.atomic
def methodology_create(*, actor, title: str, description: str = "",
                       confirmed: bool = False) -> Methodology:
    """A new methodology, with version 1 as an empty draft (the regional coordinators)."""
    if not assembles(actor):
        raise PermissionDenied(_("A methodology is created by a regional coordinator."))
    title = checked_text(title, "title", required=True, limit=MAX_TITLE,
                         message=_("Give the methodology a title."))
    description = checked_text(description, "description", limit=MAX_TEXT)
    enforce({"title": title, "description": description}, actor=actor, confirmed=confirmed)
    methodology = Methodology.objects.create(title=title, description=description)
    version = MethodologyVersion.objects.create(methodology=methodology, number=1,
                                                created_by=actor)
    audit.record(actor=actor, action=AuditAction.CREATE, obj=methodology,
                 details={"after": _for_audit({"title": title, "description": description})})
    audit.record(actor=actor, action=AuditAction.CREATE, obj=version,
                 details={"after": {"number": 1, "status": version.status}})
    return methodology


@transaction.atomic
def version_start(*, actor, methodology: Methodology) -> MethodologyVersion:
    """The next version, as a draft copy of the latest approved one (its chapters, keys and
    citations). Refused while a draft exists: that draft is the one to work on."""
    methodology = Methodology.objects.select_for_update().get(pk=methodology.pk)
    if not methodologies.grant(actor, methodology).can(MethodologyAction.START_VERSION):
        raise PermissionDenied(_("New versions of the methodology are started by the regional "
                                 "coordinators."))
    draft = methodology.versions.filter(status=MethodologyStatus.DRAFT).first()
    if draft is not None:
        raise ValidationError(_(
            "Version %(number)d is still a draft: work on it, or approve it, before starting "
            "another version.") % {"number": draft.number})
    base = (methodology.versions.filter(status=MethodologyStatus.APPROVED)
            .order_by("-number").first())
    number = (methodology.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    try:
        with transaction.atomic():
            version = MethodologyVersion.objects.create(
                methodology=methodology, number=number, based_on=base, created_by=actor)
    except IntegrityError as exc:  # a draft started at the same moment (the constraint)
        raise ValidationError(_("Another version was started at the same time: reload the "
                                "page.")) from exc
    copied = 0
    if base is not None:
        chapters = list(base.chapters.prefetch_related("citations").order_by("position", "id"))
        Chapter.objects.bulk_create([
            Chapter(methodology_version=version, key=c.key, position=c.position, title=c.title,
                    body=c.body, edited_by=c.edited_by) for c in chapters])
        ids = dict(version.chapters.values_list("key", "id"))
        Through = Chapter.citations.through
        Through.objects.bulk_create([
            Through(chapter_id=ids[c.key], knowledgeentry_id=e.pk)
            for c in chapters for e in c.citations.all()])
        copied = len(chapters)
    audit.record(actor=actor, action=AuditAction.CREATE, obj=version, details={"after": {
        "number": number, "status": version.status,
        "based_on": base.number if base else None, "chapters": copied}})
    return version


@transaction.atomic
def chapter_add(*, actor, version: MethodologyVersion, title: str, body: str = "",
                citations=(), confirmed: bool = False) -> Chapter:
    """A new chapter at the end of a draft; its key is made from the title, once."""
    version = _lock_version(version)
    _require(actor, version, VersionAction.EDIT)
    title = _title(title)
    body = checked_text(body, "body", limit=MAX_BODY)
    cited = _citations(citations)
    enforce({"title": title, "body": body}, actor=actor, confirmed=confirmed)
    position = (version.chapters.aggregate(p=Max("position"))["p"] or 0) + 1
    chapter = Chapter.objects.create(methodology_version=version,
                                     key=_new_key(version, title), position=position,
                                     title=title, body=body, edited_by=actor)
    chapter.citations.set(cited)
    _touch(version)
    audit.record(actor=actor, action=AuditAction.CREATE, obj=chapter, details={
        "version": str(version.uuid), "key": chapter.key, "position": position,
        "after": _for_audit(_snapshot(chapter, cited))})
    return chapter


@transaction.atomic
def chapter_update(*, actor, chapter: Chapter, expected_version: int | None, title: str,
                   body: str, citations=(), confirmed: bool = False) -> Chapter:
    """Change a chapter of a draft: its title, text and citations (never its key)."""
    version = _lock_version(chapter.methodology_version)
    chapter = Chapter.objects.select_for_update().get(pk=chapter.pk)
    check_version(chapter, expected_version)
    _require(actor, version, VersionAction.EDIT)
    title = _title(title)
    body = checked_text(body, "body", limit=MAX_BODY)
    cited = _citations(citations)
    enforce({"title": title, "body": body}, actor=actor, confirmed=confirmed)
    before = _snapshot(chapter)
    after = {"title": title, "body": body, "citations": [str(e.uuid) for e in cited]}
    changed = [name for name in after if before[name] != after[name]]
    if not changed:
        return chapter
    chapter.title, chapter.body, chapter.edited_by = title, body, actor
    chapter.version += 1
    chapter.save()
    chapter.citations.set(cited)
    _touch(version)
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=chapter, details={
        "version": str(version.uuid), "key": chapter.key, "fields": changed,
        "before": _for_audit({name: before[name] for name in changed}),
        "after": _for_audit({name: after[name] for name in changed})})
    return chapter


@transaction.atomic
def chapter_delete(*, actor, chapter: Chapter, expected_version: int | None = None
                   ) -> MethodologyVersion:
    """Remove a chapter from a draft; the chapters after it move up one place. Returns the
    version."""
    version = _lock_version(chapter.methodology_version)
    chapter = Chapter.objects.select_for_update().get(pk=chapter.pk)
    check_version(chapter, expected_version)
    _require(actor, version, VersionAction.EDIT)
    details = {"version": str(version.uuid), "key": chapter.key, "position": chapter.position,
               "before": _for_audit(_snapshot(chapter))}
    audit.record(actor=actor, action=AuditAction.DELETE, obj=chapter, details=details)
    chapter.delete()
    _renumber(version)
    _touch(version)
    return version


def _renumber(version) -> None:
    chapters = list(version.chapters.order_by("position", "id"))
    for n, chapter in enumerate(chapters, start=1):
        chapter.position = n
    Chapter.objects.bulk_update(chapters, ["position"])


@transaction.atomic
def chapter_move(*, actor, chapter: Chapter, direction: str) -> Chapter:
    """Swap a chapter of a draft with the one before it ("up") or after it ("down"). Moving
    changes no chapter's text, so an edit in progress elsewhere is not made stale."""
    if direction not in ("up", "down"):
        raise ValidationError({"direction": _("Move a chapter up or down.")})
    version = _lock_version(chapter.methodology_version)
    _require(actor, version, VersionAction.EDIT)
    _renumber(version)
    chapters = list(version.chapters.order_by("position", "id"))
    index = next(n for n, c in enumerate(chapters) if c.pk == chapter.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(chapters):
        raise ValidationError({"direction": _("This chapter is already the first.")
                               if direction == "up" else
                               _("This chapter is already the last.")})
    mine, theirs = chapters[index], chapters[other]
    mine.position, theirs.position = theirs.position, mine.position
    Chapter.objects.bulk_update([mine, theirs], ["position"])
    _touch(version)
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=mine, details={
        "version": str(version.uuid), "key": mine.key,
        "before": {"position": theirs.position}, "after": {"position": mine.position}})
    return mine


@transaction.atomic
def version_approve(*, actor, version: MethodologyVersion, expected_version: int | None,
                    change_summary: str = "", confirmed: bool = False) -> MethodologyVersion:
    """Approve a draft (a regional coordinator): it needs a chapter, and, after the first
    version, a summary of what changed; every entry it cites must still be published. From
    then on the version is frozen."""
    version = _lock_version(version, expected_version)
    _require(actor, version, VersionAction.APPROVE)
    if MethodologyStatus.APPROVED not in VERSION_TRANSITIONS[MethodologyStatus(version.status)]:
        raise PermissionDenied(frozen_message())
    summary = checked_text(change_summary, "change_summary", limit=MAX_TEXT,
                           required=version.number > 1, message=_(
                               "Say what changed since the previous version: readers see it "
                               "with the version."))
    chapters = list(version.chapters.prefetch_related("citations").order_by("position"))
    if not chapters:
        raise ValidationError(_("Add at least one chapter before approving the version."))
    stale = [c.title for c in chapters if any(
        e.status != EntryStatus.PUBLISHED for e in c.citations.all())]
    if stale:
        raise ValidationError(_(
            "These chapters cite entries that are no longer published: %(chapters)s. Remove "
            "those citations, then approve.") % {"chapters": ", ".join(stale)})
    enforce({"change_summary": summary}, actor=actor, confirmed=confirmed)
    before = {"status": version.status,
              "change_summary_length": len(version.change_summary)}
    version.status = MethodologyStatus.APPROVED
    version.change_summary = summary
    version.approved_by, version.approved_at = actor, timezone.now()
    version.version += 1
    version.save()
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=version, details={
        "before": before, "after": {"status": version.status,
                                    "change_summary_length": len(summary)},
        "number": version.number, "chapters": len(chapters)})
    return version
