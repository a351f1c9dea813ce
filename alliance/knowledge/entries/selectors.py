"""Scoped reads of knowledge entries: the knowledge base's three tabs (published, the review
queue, my entries) with search and filters, one entry's page, and an attachment's bytes.

Rows come only from the policy (`entries_visible_to`). Entries hold no person-level data, so a
list is not noted in the audit trail; opening an entry is (`audit.consulted`, once per
response), and downloading an attachment is an export."""

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Substr
from django.http import Http404
from django.utils.translation import gettext as _

from alliance.core import audit
from alliance.core.i18n import content_languages
from alliance.core.models import AuditAction
from alliance.plans.models import Intervention

from ..meetings.access import meetings_visible_to
from ..models import (
    Attachment,
    ContentLanguage,
    EntryStatus,
    EntryText,
    EntryTheme,
    KnowledgeEntry,
)
from . import attachments, search
from .access import entries_visible_to, knowledge_reach

PER_PAGE = 50
EXCERPT = 300  # characters of the description a list row loads (it shows fewer)
REGIONAL = "regional"  # the jurisdiction filter's value for the regional programme's entries

PUBLISHED, REVIEW, MINE = "published", "review", "mine"
TABS = (PUBLISHED, REVIEW, MINE)

LANGUAGE_LABELS = dict(ContentLanguage.choices)


# --- the reader's language ---------------------------------------------------------------------

def reader_language(entry, language: str | None = None) -> str:
    """The language an entry is shown in: `language` if the entry has a version in it, else the
    reader's interface language (or its other script), else the original. From
    `entry.texts.all()`, so prefetched texts cost nothing."""
    available = {t.language for t in entry.texts.all()}
    for code in (language, *content_languages(), entry.original_language):
        if code and code in available:
            return code
    return next(iter(sorted(available)), entry.original_language)


def reader_text(entry, language: str | None = None) -> EntryText | None:
    """The entry's text in `reader_language(entry, language)`."""
    chosen = reader_language(entry, language)
    return next((t for t in entry.texts.all() if t.language == chosen), None)


def languages_of(entry) -> list[tuple[str, str]]:
    """(code, name) of the languages the entry is written in, the original first."""
    codes = sorted({t.language for t in entry.texts.all()},
                   key=lambda c: (c != entry.original_language, c))
    return [(c, LANGUAGE_LABELS.get(c, c)) for c in codes]


# --- the list ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Filters:
    q: str = ""
    kind: str = ""
    theme: str = ""
    jurisdiction: str = ""  # a jurisdiction's code, REGIONAL, or "" for all
    target_group: str = ""
    language: str = ""

    @property
    def active(self) -> bool:
        return any((self.q, self.kind, self.theme, self.jurisdiction, self.target_group,
                    self.language))


def review_queue_condition(user) -> Q | None:
    """What waits for the user's decision: for a reviewer, the submitted drafts of the
    jurisdictions they review that they did not write; for a regional coordinator, the
    reviewed entries to publish. None for everyone else (no review queue tab)."""
    reach = knowledge_reach(user)
    condition = None
    if reach.reviews:
        ids = sorted(i for i in reach.reviews if i is not None)
        where = Q(jurisdiction_id__in=ids)
        if None in reach.reviews:
            where |= Q(jurisdiction__isnull=True)
        condition = (Q(status=EntryStatus.DRAFT, submitted_at__isnull=False) & where
                     & ~Q(author=user))
    if reach.coordinator:
        reviewed = Q(status=EntryStatus.REVIEWED)
        condition = reviewed if condition is None else condition | reviewed
    return condition


def has_review_queue(user) -> bool:
    return review_queue_condition(user) is not None


def tab_rows(user, tab: str) -> QuerySet[KnowledgeEntry]:
    """The entries of one tab that the user sees (before filters)."""
    rows = entries_visible_to(user)
    if tab == MINE:
        return rows.filter(author=user)
    if tab == REVIEW:
        condition = review_queue_condition(user)
        return rows.filter(condition) if condition is not None else rows.none()
    return rows.filter(status=EntryStatus.PUBLISHED)


def filtered(rows: QuerySet[KnowledgeEntry], filters: Filters) -> QuerySet[KnowledgeEntry]:
    """`rows` narrowed by the filters and the search words (best match first on PostgreSQL;
    else the latest published, then the latest changed, first)."""
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.theme:
        rows = rows.filter(Exists(EntryTheme.objects.filter(entry=OuterRef("pk"),
                                                            theme=filters.theme)))
    if filters.jurisdiction == REGIONAL:
        rows = rows.filter(jurisdiction__isnull=True)
    elif filters.jurisdiction:
        rows = rows.filter(jurisdiction__code=filters.jurisdiction)
    if filters.target_group:
        rows = rows.filter(target_group=filters.target_group)
    if filters.language:
        rows = rows.filter(Exists(EntryText.objects.filter(entry=OuterRef("pk"),
                                                           language=filters.language)))
    if filters.q.strip():
        return search.search(rows, filters.q)
    return rows.order_by(F("published_at").desc(nulls_last=True), "-updated_at", "-id")


def with_list_data(rows: QuerySet[KnowledgeEntry]) -> QuerySet[KnowledgeEntry]:
    """What a list row shows, in a constant number of queries: the jurisdiction, every
    language's title and the start of its description (`excerpt`), and the themes."""
    return rows.select_related("jurisdiction").prefetch_related(
        Prefetch("texts", queryset=EntryText.objects.only(
            "id", "entry_id", "language", "title").annotate(
            excerpt=Substr("description", 1, EXCERPT))),
        Prefetch("themes", queryset=EntryTheme.objects.order_by("theme")))


@dataclass
class EntryRow:
    entry: KnowledgeEntry
    title: str
    excerpt: str
    language: str
    languages: list
    themes: list


def entry_rows(entries) -> list[EntryRow]:
    """The rows of `entries` (with_list_data), each in the reader's language."""
    rows = []
    for entry in entries:
        text = reader_text(entry)
        rows.append(EntryRow(
            entry=entry, title=text.title if text else str(entry.uuid),
            excerpt=getattr(text, "excerpt", "") or "", language=text.language if text else "",
            languages=languages_of(entry),
            themes=[t.get_theme_display() for t in entry.themes.all()]))
    return rows


@dataclass
class KnowledgeBase:
    tab: str
    tabs: list  # (code, label, count)
    rows: list[EntryRow]
    page: Page
    filters: Filters
    has_review_queue: bool = False
    counts: dict = field(default_factory=dict)


def knowledge_base(user, *, tab: str, filters: Filters, page_number=None) -> KnowledgeBase:
    """The knowledge base page: the tab's entries matching the filters, PER_PAGE a page, and
    each tab's count under the same filters. A constant number of queries."""
    reviewing = has_review_queue(user)
    if tab not in TABS or (tab == REVIEW and not reviewing):
        tab = PUBLISHED
    shown = [PUBLISHED, *([REVIEW] if reviewing else []), MINE]
    labels = {PUBLISHED: _("Published"), REVIEW: _("Review queue"), MINE: _("My entries")}
    counts = {t: filtered(tab_rows(user, t), filters).count() for t in shown}
    page = Paginator(with_list_data(filtered(tab_rows(user, tab), filters)),
                     PER_PAGE).get_page(page_number)
    return KnowledgeBase(tab=tab, tabs=[(t, labels[t], counts[t]) for t in shown],
                         rows=entry_rows(page.object_list), page=page, filters=filters,
                         has_review_queue=reviewing, counts=counts)


def api_rows(user, *, scope: str, filters: Filters) -> QuerySet[KnowledgeEntry]:
    """The API list: every entry the user sees (scope ""), or one tab's, filtered."""
    rows = tab_rows(user, scope) if scope in TABS else entries_visible_to(user)
    return with_list_data(filtered(rows, filters))


# --- one entry ---------------------------------------------------------------------------------

def with_page_data(entry: KnowledgeEntry) -> KnowledgeEntry:
    """The entry with its texts, themes, attachments (never their bytes), interventions."""
    entry = KnowledgeEntry.objects.select_related(
        "jurisdiction", "agency", "author", "reviewed_by", "published_by", "withdrawn_by"
    ).prefetch_related(
        Prefetch("texts", queryset=EntryText.objects.select_related("written_by")),
        Prefetch("themes", queryset=EntryTheme.objects.order_by("theme")),
        Prefetch("attachments", queryset=Attachment.objects.select_related("uploaded_by")),
        Prefetch("interventions", queryset=Intervention.objects.select_related(
            "jurisdiction").order_by("jurisdiction__name", "name")),
    ).get(pk=entry.pk)
    return entry


@dataclass(frozen=True)
class Event:
    """One step of the entry's history."""

    code: str  # written, submitted, returned, reviewed, published, withdrawn
    label: str
    at: object
    by: object
    note: str = ""


def history(entry) -> list[Event]:
    """What happened to the entry, oldest first, from its own fields: written, submitted (the
    latest time), returned to the author (a draft whose last reviewer decision was a return),
    reviewed, published, withdrawn."""
    events = [Event("written", _("Written"), entry.created_at, entry.author)]
    if entry.reviewed_at and entry.status == EntryStatus.DRAFT:
        events.append(Event("returned", _("Returned to the author"), entry.reviewed_at,
                            entry.reviewed_by, entry.review_note))
    if entry.submitted_at:
        events.append(Event("submitted", _("Submitted for review"), entry.submitted_at,
                            entry.author))
    if entry.reviewed_at and entry.status != EntryStatus.DRAFT:
        events.append(Event("reviewed", _("Reviewed"), entry.reviewed_at, entry.reviewed_by,
                            entry.review_note))
    if entry.published_at:
        events.append(Event("published", _("Published"), entry.published_at,
                            entry.published_by))
    if entry.withdrawn_at:
        events.append(Event("withdrawn", _("Withdrawn"), entry.withdrawn_at,
                            entry.withdrawn_by, entry.withdrawal_reason))
    return sorted(events, key=lambda e: e.at)


def presented_at(user, entry) -> list:
    """The meetings where the entry was presented, latest first."""
    return list(meetings_visible_to(user).filter(entries=entry).order_by("-starts_on", "-id"))


def entry_page(user, entry: KnowledgeEntry, language: str | None = None) -> dict:
    """Everything the entry's page shows, in `language` if it has a version in it (else the
    reader's). Notes the consultation."""
    entry = with_page_data(entry)
    audit.consulted(actor=user, obj=entry)
    text = reader_text(entry, language)
    return {"entry": entry, "text": text, "language": text.language if text else "",
            "languages": languages_of(entry),
            "translations": [t for t in entry.texts.all()
                             if t.language != entry.original_language],
            "themes": [t.get_theme_display() for t in entry.themes.all()],
            "attachments": list(entry.attachments.all()),
            "interventions": list(entry.interventions.all()),
            "meetings": presented_at(user, entry), "history": history(entry)}


def attachment_of(entry, attachment_uuid) -> Attachment:
    """One attachment of an entry the caller already holds (404 otherwise)."""
    attachment = Attachment.objects.filter(entry=entry, uuid=attachment_uuid).first()
    if attachment is None:
        raise Http404(_("No such attachment on this entry."))
    return attachment


def attachment_download(user, entry, attachment_uuid) -> tuple[Attachment, bytes]:
    """An attachment and its decrypted bytes, for someone who sees the entry (the caller loads
    the entry through get_entry_for_user). Noted as an export in the audit trail."""
    attachment = attachment_of(entry, attachment_uuid)
    data = attachments.read(attachment)
    audit.consulted(actor=user, action=AuditAction.EXPORT, obj=attachment,
                    details={"entry": str(entry.uuid), "size": attachment.size,
                             "sha256": attachment.sha256})
    return attachment, data


def active_interventions() -> list[Intervention]:
    """What an entry may be linked to: the interventions offered now, by jurisdiction."""
    return list(Intervention.objects.filter(is_active=True).select_related("jurisdiction")
                .order_by("jurisdiction__name", "name"))
