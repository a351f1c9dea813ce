"""Reads of meetings: the list (upcoming and past, with the participants counted) and one
meeting with its participants by jurisdiction and the entries presented. Rows come only from
the policy (`meetings.visible`); no person-level data, so nothing to note in the audit trail."""

import datetime
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from alliance.organisations.models import Jurisdiction

from ..entries.access import entries_visible_to, published_entries
from ..models import EntryText, KnowledgeEntry, Meeting, MeetingParticipation
from .access import meetings

PER_PAGE = 50
UPCOMING_SHOWN = 50


def meetings_filtered(user, *, kind: str = "", year: int | None = None) -> QuerySet[Meeting]:
    """The meetings the user sees, of `kind` and starting in `year`, each with its
    `participants_total`."""
    rows = meetings.visible(user).annotate(
        participants_total=Coalesce(Sum("participations__participants"), 0))
    if kind:
        rows = rows.filter(kind=kind)
    if year:
        rows = rows.filter(starts_on__year=year)
    return rows


def _upcoming(today: datetime.date) -> Q:
    """Not over yet: it starts today or later, or it runs until today or later."""
    return Q(starts_on__gte=today) | Q(ends_on__gte=today)


@dataclass
class MeetingList:
    upcoming: list
    upcoming_more: bool
    past: Page


def meeting_list(user, *, kind: str = "", year: int | None = None, page=None) -> MeetingList:
    """Upcoming meetings (soonest first, at most UPCOMING_SHOWN) and past ones (latest first,
    PER_PAGE a page), each with `participants_total`; three queries whatever the rows."""
    today = timezone.localdate()
    rows = meetings_filtered(user, kind=kind, year=year)
    upcoming = list(rows.filter(_upcoming(today)).order_by("starts_on", "id")[
        :UPCOMING_SHOWN + 1])
    past = rows.exclude(_upcoming(today)).order_by("-starts_on", "-id")
    return MeetingList(upcoming=upcoming[:UPCOMING_SHOWN],
                       upcoming_more=len(upcoming) > UPCOMING_SHOWN,
                       past=Paginator(past, PER_PAGE).get_page(page))


def meeting_years(user) -> list[int]:
    """The years that have meetings, latest first (the year filter's choices)."""
    return [d.year for d in meetings.visible(user).dates("starts_on", "year", order="DESC")]


def participations(meeting) -> list[MeetingParticipation]:
    """Participants by jurisdiction, by name, the regional programme last."""
    rows = list(meeting.participations.select_related("jurisdiction"))
    return sorted(rows, key=lambda p: (p.jurisdiction is None,
                                       p.jurisdiction.name if p.jurisdiction else ""))


def with_texts(rows: QuerySet[KnowledgeEntry]) -> QuerySet[KnowledgeEntry]:
    """Entries with what a title needs (recommendations.selectors.reader_title)."""
    return rows.prefetch_related(Prefetch("texts", queryset=EntryText.objects.only(
        "id", "entry_id", "language", "title")))


def presented_entries(user, meeting) -> list[KnowledgeEntry]:
    """The entries presented at the meeting that the reader may open (an entry withdrawn since
    is shown only to those who still see it)."""
    return list(with_texts(entries_visible_to(user).filter(presented_at=meeting)
                           .select_related("jurisdiction").order_by("kind", "id")))


def presentable_entries(meeting=None) -> QuerySet[KnowledgeEntry]:
    """What may be chosen as presented: the published entries, and those the meeting already
    lists (withdrawn since, they stay on its record)."""
    condition = Q(pk__in=published_entries().values("pk"))
    if meeting is not None and meeting.pk:
        condition |= Q(presented_at=meeting)
    return with_texts(KnowledgeEntry.objects.filter(condition).distinct()
                      .order_by("-published_at", "-id"))


def participation_jurisdictions() -> list[Jurisdiction]:
    """The jurisdictions of the region, by name (the form's rows; the regional programme is
    added after them)."""
    return list(Jurisdiction.objects.order_by("name", "id"))
