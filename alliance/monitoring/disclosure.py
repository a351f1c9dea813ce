"""Disclosure control: which cells of a table of counts must not be shown.

A table is a set of cells (a count each) and the additive relations between them: a total and
the cells it sums (the region is the sum of the jurisdictions, a quarter the sum of its months,
a year the sum of its quarters). What is shown must not let anyone recognise a person:

1. **Primary suppression.** A count below the threshold (settings.AGGREGATE_MIN_COUNT, 5 by
   default), zero included, is suppressed, and so is any cell the caller names in `also` (the
   numerator of a rate whose complement, denominator minus numerator, is below the threshold:
   "all but two refused" discloses as much as "two refused").
2. **Secondary suppression.** A suppressed cell must not be recoverable from what is shown. Not
   by subtracting the other cells from a total, and not by any combination of the relations:
   with S the suppressed cells and A_S the relations' coefficients on them, a suppressed cell i
   is recoverable exactly when the unit vector e_i lies in the row space of A_S. The audit
   computes the reduced row-echelon form of A_S and finds every such cell; for each (but one
   per relation and round; first those that a relation gives away alone, being its only
   suppressed cell), one more cell is suppressed in a relation that holds it (such a relation,
   when there is one): the cell
   that sits in the most relations already holding a hidden cell (the corner that closes a
   rectangle protects two relations at once), then the one that is a total in the fewest
   relations, then the smallest, then the first. The audit runs again until no suppressed cell
   is recoverable. A relation with exactly one suppressed cell is the simplest case. (A single
   small cell in a year of three jurisdictions costs three more cells: a rectangle of four.)

The arithmetic is exact, over the integers (fraction-free elimination, each row divided by the
greatest common divisor of its entries, so that the numbers stay as small as the 0, +1 and -1
coefficients allow): no rounding, and no modulus that could hide a dependency.

What this does not do (docs/indicators.md): it protects the exact value. Bounds remain (a
suppressed count is at least 0 and at most its total), as in every cell-suppression method.
"""

from collections.abc import Hashable, Iterable, Mapping, Sequence
from math import gcd

Relation = tuple[Hashable, Sequence[Hashable]]  # (total, the cells it sums)


def primary(values: Mapping[Hashable, float], threshold: int) -> set:
    return {key for key, value in values.items() if value < threshold}


def recoverable(suppressed: Iterable[Hashable], relations: Sequence[Relation]) -> list:
    """The suppressed cells whose value follows from the shown cells and the relations, in the
    order given."""
    columns = list(dict.fromkeys(suppressed))
    if not columns:
        return []
    index = {key: i for i, key in enumerate(columns)}
    rows = []
    for total, parts in relations:
        row: dict[int, int] = {}
        for key, sign in [(total, 1)] + [(part, -1) for part in parts]:
            if key in index:
                row[index[key]] = row.get(index[key], 0) + sign
        row = {col: value for col, value in row.items() if value}
        if row:
            rows.append(row)
    pivots = _reduce(rows)
    return [columns[col] for col, row in sorted(pivots.items()) if len(row) == 1]


def _combine(row: dict[int, int], pivot: dict[int, int], col: int) -> dict[int, int]:
    """`row` less a multiple of `pivot`, so that `col` is gone, over the integers (divided by
    the greatest common divisor of what remains)."""
    head, factor = pivot[col], row[col]
    combined = {c: v * head for c, v in row.items()}
    for c, p in pivot.items():
        value = combined.get(c, 0) - factor * p
        if value:
            combined[c] = value
        else:
            combined.pop(c, None)
    divisor = gcd(*combined.values()) if combined else 0
    return {c: v // divisor for c, v in combined.items()} if divisor > 1 else combined


def _reduce(rows: list[dict[int, int]]) -> dict[int, dict[int, int]]:
    """A reduced row-echelon form over the integers: pivot column -> its row, every pivot
    column zero in every other row. A unit vector e_i lies in the row space exactly when the
    row of pivot i has no other entry (a combination giving e_i can use no other pivot's row,
    whose pivot column nothing else would cancel). Rows are sparse ({column: coefficient}, no
    zero kept): a relation names a few cells of a large table, and each row is reduced by the
    pivots of the columns it holds only."""
    pivots: dict[int, dict[int, int]] = {}
    for row in rows:
        while reducible := [c for c in row if c in pivots]:
            row = _combine(row, pivots[reducible[0]], reducible[0])
        if not row:
            continue
        col = min(row)
        for other, pivot_row in pivots.items():
            if col in pivot_row:
                pivots[other] = _combine(pivot_row, row, col)
        pivots[col] = row
    return pivots


def protect(values: Mapping[Hashable, float], relations: Sequence[Relation], *,
            threshold: int, also: Iterable[Hashable] = (),
            fixed: Iterable[Hashable] = ()) -> frozenset:
    """The cells of `values` to suppress (primary and secondary), given the additive
    `relations` among them. Deterministic: the same table always gives the same answer.

    `fixed`: cells already shown (by an earlier version of the table) and so known whatever is
    decided now; the secondary cells are chosen among the others."""
    order = {key: i for i, key in enumerate(values)}
    relations = [(total, list(parts)) for total, parts in relations]
    totals_in = dict.fromkeys(values, 0)
    for total, _parts in relations:
        if total in totals_in:
            totals_in[total] += 1

    def cost(key):
        return (totals_in.get(key, 0), values.get(key, 0), order.get(key, len(order)))

    suppressed = primary(values, threshold) | {key for key in also if key in values}
    known = set(fixed) - suppressed
    holding = {key: [] for key in values}  # key -> the relations (as member lists) holding it
    for total, parts in relations:
        members = [total, *parts]
        for key in members:
            if key in holding:
                holding[key].append(members)
    while True:
        exposed = recoverable(sorted(suppressed, key=order.__getitem__), relations)
        if not exposed:
            return frozenset(suppressed)
        added: set = set()
        # A relation in which an exposed cell is the only hidden one gives it away by itself:
        # one more cell of such a relation is needed, and one elsewhere would not do. Those
        # are mended first; a cell exposed only through others is often safe once they are.
        alone = {key: [members for members in holding[key]
                       if sum(1 for m in members if m in suppressed) == 1] for key in exposed}
        for key in [key for key in exposed if alone[key]] or exposed:
            # One new cell per relation and round: a cell added for an earlier exposed cell
            # often covers this one too (the next audit tells), and hiding one per exposed
            # cell at once would hide far more than needed.
            if any(m in added for members in holding[key] for m in members):
                continue
            candidates = {c for members in alone[key] or holding[key] for c in members
                          if c not in suppressed and c not in added and c not in known}
            if not candidates:  # every relation that holds it is hidden but for a longer path
                candidates = {c for total, parts in relations for c in [total, *parts]
                              if c in values and c not in suppressed and c not in added
                              and c not in known
                              and any(m in suppressed for m in [total, *parts])}
            if candidates:
                # Prefer a cell that also sits in another relation with a hidden cell: it
                # protects both (the corner of a rectangle), then the cheapest.
                added.add(min(candidates, key=lambda c: (
                    -sum(1 for members in holding[c] if any(m in suppressed for m in members)),
                    *cost(c))))
        if not added:  # cannot happen with consistent relations; never show a recoverable cell
            return frozenset(set(values) - known)
        suppressed |= added
