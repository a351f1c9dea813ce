"""Bounded pagination: one page of a list read with LIMIT page size + 1 and no COUNT, so that a
page costs the same whatever the length of the list (the caseload, the worklists, the audit
trail and the API lists grow with the prison). The total is known, and shown, on the last page
only; elsewhere "Next" says there is more.

The list must be ordered on a unique key (end order_by with the primary key), or rows can
appear on two pages or on none."""

import warnings

from django.core.paginator import UnorderedObjectListWarning
from django.db.models import QuerySet


class _Unknown:
    """The paginator of a BoundedPage: the total is known only on the last page."""

    def __init__(self, count: int | None, num_pages: int | None):
        self.count, self.num_pages = count, num_pages


class BoundedPage:
    """One page of a list read with LIMIT page size + 1, without counting the whole list: the
    extra row says whether there is a next page. The total (`paginator.count`, `num_pages`)
    is known, and given, only on the last page; elsewhere it is None ("more").

    Quacks like django.core.paginator.Page for the templates and the API's envelope."""

    def __init__(self, object_list: list, number: int, size: int, more: bool):
        self.object_list, self.number, self.size, self._more = object_list, number, size, more
        last = None if more else (number - 1) * size + len(object_list)
        self.paginator = _Unknown(last, None if more else number)

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def __getitem__(self, index):
        return self.object_list[index]

    def has_next(self) -> bool:
        return self._more

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1

    def start_index(self) -> int:
        """The 1-based position of the page's first row in the list (0 if it is empty)."""
        return (self.number - 1) * self.size + 1 if self.object_list else 0


# Beyond any real list, and small enough that its OFFSET fits the databases' 64-bit integers: a
# larger number asked for answers the last page, as any page past the end does.
MAX_PAGE = 10**9


def _page_number(value) -> int:
    try:
        return min(max(1, int(value)), MAX_PAGE)
    except (TypeError, ValueError):
        return 1


def bounded_page(queryset, page_number, size: int) -> BoundedPage:
    """Page `page_number` of `queryset` (ordered; a list also serves) in one query, with no
    COUNT. A page past the end answers the last page, as Django's get_page does: only then is
    the list counted (one COUNT, on that rare path) to find which page is the last."""
    if isinstance(queryset, QuerySet) and not queryset.ordered:
        # As Django's Paginator: an unordered list pages differently from one query to the next.
        warnings.warn(f"Pagination of an unordered list: {queryset.model.__name__}",
                      UnorderedObjectListWarning, stacklevel=2)
    number = _page_number(page_number)
    rows = list(queryset[(number - 1) * size:number * size + 1])
    if not rows and number > 1:
        total = (queryset.order_by().count() if isinstance(queryset, QuerySet)
                 else len(queryset))
        number = max(1, -(-total // size))
        rows = list(queryset[(number - 1) * size:number * size + 1])
    return BoundedPage(rows[:size], number, size, more=len(rows) > size)
