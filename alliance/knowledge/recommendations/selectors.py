"""Reads of recommendation adoption: the matrix (published recommendations × jurisdictions),
its totals and CSV rows, and the entry page's table. Rows come only from the policy
(`recommendations.visible`); no person-level data, so nothing to note in the audit trail.

`reader_title(entry)` gives an entry's title in the reader's language when a version in it
exists, else the original's: any page listing entries can use it (prefetch the texts)."""

from collections import Counter
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.utils.translation import gettext as _

from alliance.organisations.models import Jurisdiction

from ..entries.selectors import reader_text
from ..models import AdoptionStatus, EntryText, EntryTheme, KnowledgeEntry, RecommendationAdoption
from .access import editable_jurisdictions, recommendations

PER_PAGE = 50
NOT_CONSIDERED = "not_considered"


def reader_title(entry, language: str | None = None) -> str:
    """The entry's title in the reader's language (entries.selectors.reader_text decides which);
    from `entry.texts.all()`, so a list that prefetches the texts costs no query per entry."""
    text = reader_text(entry, language)
    return text.title if text else ""


def with_titles(rows: QuerySet[KnowledgeEntry]) -> QuerySet[KnowledgeEntry]:
    """Entries with what reader_title and the matrix need, prefetched."""
    return rows.prefetch_related(
        Prefetch("texts", queryset=EntryText.objects.only("id", "entry_id", "language",
                                                          "title")),
        Prefetch("themes", queryset=EntryTheme.objects.order_by("theme")))


def jurisdictions() -> list[Jurisdiction]:
    """The columns of the matrix: every jurisdiction, by name."""
    return list(Jurisdiction.objects.order_by("name", "id"))


def adoption_rows(entry) -> list[tuple[Jurisdiction, RecommendationAdoption | None]]:
    """For the entry page: every jurisdiction (by name) with its adoption of `entry`, or None
    (not considered). Two queries."""
    adoptions = {a.jurisdiction_id: a for a in
                 RecommendationAdoption.objects.filter(entry=entry).select_related("updated_by")}
    return [(j, adoptions.get(j.pk)) for j in jurisdictions()]


STATUS_FILTERS = [*AdoptionStatus.values, NOT_CONSIDERED]


def status_choices() -> list[tuple[str, str]]:
    """The status filter's choices: the three statuses, and "not considered" (no row)."""
    return [*AdoptionStatus.choices, (NOT_CONSIDERED, _("Not considered"))]


def adoption_of(entry, jurisdiction) -> RecommendationAdoption | None:
    """Where `jurisdiction` stands on `entry` (None: not considered yet)."""
    return (RecommendationAdoption.objects.filter(entry=entry, jurisdiction=jurisdiction)
            .select_related("updated_by").first())


def filtered(user, *, theme: str = "", status: str = "") -> QuerySet[KnowledgeEntry]:
    """The published recommendations the user sees, with `theme`, and with at least one
    jurisdiction at `status` ("not_considered": at least one jurisdiction without a status);
    latest published first."""
    rows = recommendations.visible(user)
    if theme:
        rows = rows.filter(themes__theme=theme)
    if status in AdoptionStatus.values:
        rows = rows.filter(Exists(RecommendationAdoption.objects.filter(
            entry=OuterRef("pk"), status=status)))
    elif status == NOT_CONSIDERED:
        rows = rows.annotate(considered=Count("adoptions")).filter(
            considered__lt=Jurisdiction.objects.count())
    return rows.order_by("-published_at", "-id")


@dataclass
class Cell:
    jurisdiction: Jurisdiction
    adoption: RecommendationAdoption | None
    editable: bool

    @property
    def status(self) -> str:
        return self.adoption.status if self.adoption else NOT_CONSIDERED


@dataclass
class MatrixRow:
    entry: KnowledgeEntry
    title: str
    cells: list[Cell]


@dataclass
class Totals:
    jurisdiction: Jurisdiction
    counts: dict = field(default_factory=dict)

    def __getitem__(self, status):
        return self.counts.get(status, 0)

    @property
    def adopted(self) -> int:
        return self[AdoptionStatus.ADOPTED]

    @property
    def in_progress(self) -> int:
        return self[AdoptionStatus.IN_PROGRESS]

    @property
    def not_adopted(self) -> int:
        return self[AdoptionStatus.NOT_ADOPTED]

    @property
    def not_considered(self) -> int:
        return self[NOT_CONSIDERED]


@dataclass
class Matrix:
    jurisdictions: list[Jurisdiction]
    rows: list[MatrixRow]
    page: Page
    totals: list[Totals]


def _adoptions(entries) -> dict[tuple[int, int], RecommendationAdoption]:
    return {(a.entry_id, a.jurisdiction_id): a for a in RecommendationAdoption.objects.filter(
        entry__in=[e.pk for e in entries])}


def matrix_rows(entries, columns, editable: set[int] = frozenset()) -> list[MatrixRow]:
    """The rows of `entries` (texts prefetched): a cell per jurisdiction of `columns`."""
    adoptions = _adoptions(entries)
    return [MatrixRow(entry=e, title=reader_title(e), cells=[
        Cell(j, adoptions.get((e.pk, j.pk)), j.pk in editable) for j in columns])
        for e in entries]


def totals(rows: QuerySet[KnowledgeEntry], columns) -> list[Totals]:
    """Per jurisdiction, over every row of the filter (not only the page): how many
    recommendations it adopted, has in progress, did not adopt, and has not considered."""
    counted = Counter()
    for jurisdiction_id, status, n in (
            RecommendationAdoption.objects.filter(entry__in=rows.values("pk"))
            .values_list("jurisdiction_id", "status").annotate(n=Count("id"))
            .order_by()):
        counted[jurisdiction_id, status] += n
    total = rows.count()
    result = []
    for j in columns:
        counts = {s: counted[j.pk, s] for s in AdoptionStatus.values}
        counts[NOT_CONSIDERED] = total - sum(counts.values())
        result.append(Totals(j, counts))
    return result


def matrix(user, *, theme: str = "", status: str = "", page=None) -> Matrix:
    """The matrix page: PER_PAGE recommendations a page, a cell per jurisdiction, and the
    totals of the whole filter. A constant number of queries."""
    rows = filtered(user, theme=theme, status=status)
    columns = jurisdictions()
    shown = Paginator(with_titles(rows), PER_PAGE).get_page(page)
    return Matrix(jurisdictions=columns,
                  rows=matrix_rows(list(shown), columns, editable_jurisdictions(user)),
                  page=shown, totals=totals(rows, columns))


def export_rows(user, *, theme: str = "", status: str = ""):
    """(columns, rows) of the CSV export: every recommendation of the filter, in batches."""
    columns = jurisdictions()
    rows = with_titles(filtered(user, theme=theme, status=status))
    batch = 500

    def generate():
        offset = 0
        while True:
            entries = list(rows[offset:offset + batch])
            if not entries:
                return
            yield from matrix_rows(entries, columns)
            offset += batch

    return columns, generate()
