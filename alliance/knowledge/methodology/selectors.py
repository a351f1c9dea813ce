"""Reads of the common methodology beyond the policy's filter: the list, a methodology's
versions, a version's chapters with their numbered references, the entries a chapter may cite,
and the changes between two versions. Rows come only from the policies in access.py; every read
is a constant number of queries, however many chapters or citations."""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, QuerySet
from django.urls import reverse

from alliance.core.i18n import current_language

from ..entries.access import published_entries
from ..models import Chapter, KnowledgeEntry, MethodologyStatus, MethodologyVersion
from . import diff
from .access import methodologies, versions

PER_PAGE = 50
_ENTRY_RELATED = ("jurisdiction", "agency")


# --- entries, as cited -------------------------------------------------------------------------

def entry_title(entry: KnowledgeEntry, language: str | None = None) -> str:
    """The entry's title in the reader's language when it has that version, else in its original
    language (from prefetched texts: no query)."""
    texts = list(entry.texts.all())
    language = language or current_language()
    for wanted in (language, entry.original_language):
        for text in texts:
            if text.language == wanted:
                return text.title
    return texts[0].title if texts else str(entry.uuid)


def entry_url(entry: KnowledgeEntry) -> str:
    return reverse("knowledge:entry_detail", args=[entry.uuid])


def _cited() -> QuerySet[KnowledgeEntry]:
    return (KnowledgeEntry.objects.select_related(*_ENTRY_RELATED).prefetch_related("texts")
            .order_by("published_at", "pk"))


def citable_entries() -> list[tuple[str, str]]:
    """(uuid, label) of every published entry, by title: the choices of a chapter's citations."""
    rows = published_entries().select_related("jurisdiction").prefetch_related("texts")
    language = current_language()
    choices = []
    for entry in rows:
        where = entry.jurisdiction.display_name if entry.jurisdiction else ""
        label = f"{entry_title(entry, language)} ({entry.get_kind_display()}"
        label += f", {where})" if where else ")"
        choices.append((str(entry.uuid), label))
    return sorted(choices, key=lambda choice: choice[1].casefold())


# --- lists -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class MethodologyRow:
    methodology: object
    current: MethodologyVersion | None  # the latest approved version
    draft: MethodologyVersion | None  # the draft, to those who read drafts


def _row(methodology, shown: list[MethodologyVersion]) -> MethodologyRow:
    approved = [v for v in shown if v.status == MethodologyStatus.APPROVED]
    drafts = [v for v in shown if v.status == MethodologyStatus.DRAFT]
    return MethodologyRow(methodology, approved[0] if approved else None,
                          drafts[0] if drafts else None)


def methodology_page(user, page_number=None) -> Page:
    """The methodologies the user sees, 50 a page, each with its current version and draft."""
    rows = methodologies.visible(user).prefetch_related(Prefetch(
        "versions", queryset=versions.visible(user).select_related("approved_by")
        .order_by("-number"), to_attr="shown"))
    page = Paginator(rows.order_by("title", "pk"), PER_PAGE).get_page(page_number)
    page.object_list = [_row(m, m.shown) for m in page.object_list]
    return page


def methodology_versions(user, methodology) -> dict:
    """A methodology's versions the user sees (newest first), the current approved one with its
    table of contents, and the draft if the user reads drafts."""
    shown = list(versions.visible(user).filter(methodology=methodology)
                 .select_related("created_by", "approved_by", "based_on").order_by("-number"))
    row = _row(methodology, shown)
    contents = (list(row.current.chapters.order_by("position", "id").only(
        "uuid", "key", "position", "title", "methodology_version_id")) if row.current else [])
    return {"versions": shown, "current": row.current, "draft": row.draft,
            "contents": contents}


# --- a version -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Reference:
    number: int
    entry: KnowledgeEntry
    title: str
    url: str

    @property
    def organisation(self) -> str:
        entry = self.entry
        return entry.agency.name if entry.agency else entry.organisation


@dataclass(frozen=True)
class ChapterRow:
    chapter: Chapter
    references: list[Reference]


def version_chapters(version) -> dict:
    """A version's chapters in order, each with its citations as numbered references (numbered
    in the order they are first cited), and the list of references."""
    chapters = list(version.chapters.select_related("edited_by").prefetch_related(
        Prefetch("citations", queryset=_cited())).order_by("position", "id"))
    language = current_language()
    numbered: dict[int, Reference] = {}
    rows = []
    for chapter in chapters:
        refs = []
        for entry in chapter.citations.all():
            if entry.pk not in numbered:
                numbered[entry.pk] = Reference(len(numbered) + 1, entry,
                                               entry_title(entry, language), entry_url(entry))
            refs.append(numbered[entry.pk])
        rows.append(ChapterRow(chapter, sorted(refs, key=lambda r: r.number)))
    return {"chapters": rows, "references": list(numbered.values())}


# --- the changes between two versions ------------------------------------------------------------

def _as_compared(version) -> tuple[list[diff.ChapterText], dict[str, KnowledgeEntry]]:
    chapters = list(version.chapters.prefetch_related(
        Prefetch("citations", queryset=_cited())).order_by("position", "id"))
    entries = {str(e.uuid): e for c in chapters for e in c.citations.all()}
    return [diff.ChapterText(key=c.key, title=c.title, body=c.body,
                             citations=tuple(str(e.uuid) for e in c.citations.all()))
            for c in chapters], entries


def changes(old: MethodologyVersion, new: MethodologyVersion) -> dict:
    """What changed from `old` to `new` (diff.compare), with the cited entries by uuid so the
    page can name them."""
    before, cited_before = _as_compared(old)
    after, cited_after = _as_compared(new)
    language = current_language()
    cited = {**cited_before, **cited_after}
    return {"changes": diff.compare(before, after),
            "cited": {uuid: {"title": entry_title(e, language), "url": entry_url(e),
                             "entry": e} for uuid, e in cited.items()}}


def version_by_number(user, methodology, number) -> MethodologyVersion | None:
    """A version of `methodology` by its number, if the user sees it."""
    try:
        number = int(number)
    except (TypeError, ValueError):
        return None
    return (versions.visible(user).filter(methodology=methodology, number=number)
            .select_related("methodology", "based_on").first())


def previous_version(user, version) -> MethodologyVersion | None:
    """What a version is compared with by default: the version it is based on, else the one
    numbered before it (if the user sees it)."""
    if version.based_on_id:
        return versions.visible(user).filter(pk=version.based_on_id).first()
    return version_by_number(user, version.methodology, version.number - 1)
