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
   per relation and round), one more cell is suppressed in a relation that holds it: the cell
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
        row = [0] * len(columns)
        for key, sign in [(total, 1)] + [(part, -1) for part in parts]:
            if key in index:
                row[index[key]] += sign
        if any(row):
            rows.append(row)
    pivots = _reduce(rows, len(columns))
    return [columns[col] for col, row in pivots if sum(1 for v in row if v) == 1]


def _reduce(rows: list[list[int]], width: int) -> list[tuple[int, list[int]]]:
    """Reduced row-echelon form over the integers, in place: the (pivot column, row) pairs.
    Each pivot column is zero in every other row; a row is a multiple of its rational RREF row,
    so a row with a single nonzero entry is a unit vector of the row space."""
    pivots, top = [], 0
    for col in range(width):
        found = next((r for r in range(top, len(rows)) if rows[r][col]), None)
        if found is None:
            continue
        rows[top], rows[found] = rows[found], rows[top]
        pivot = rows[top]
        head = pivot[col]
        for r, row in enumerate(rows):
            if r != top and row[col]:
                factor = row[col]
                row = [v * head - factor * p for v, p in zip(row, pivot, strict=True)]
                divisor = gcd(*row)
                rows[r] = [v // divisor for v in row] if divisor > 1 else row
        pivots.append((col, top))
        top += 1
        if top == len(rows):
            break
    return [(col, rows[r]) for col, r in pivots]


def protect(values: Mapping[Hashable, float], relations: Sequence[Relation], *,
            threshold: int, also: Iterable[Hashable] = ()) -> frozenset:
    """The cells of `values` to suppress (primary and secondary), given the additive
    `relations` among them. Deterministic: the same table always gives the same answer."""
    order = {key: i for i, key in enumerate(values)}
    relations = [(total, list(parts)) for total, parts in relations]
    totals_in = dict.fromkeys(values, 0)
    for total, _parts in relations:
        if total in totals_in:
            totals_in[total] += 1

    def cost(key):
        return (totals_in.get(key, 0), values.get(key, 0), order.get(key, len(order)))

    suppressed = primary(values, threshold) | {key for key in also if key in values}
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
        for key in exposed:
            # One new cell per relation and round: a cell added for an earlier exposed cell
            # often covers this one too (the next audit tells), and hiding one per exposed
            # cell at once would hide far more than needed.
            if any(m in added for members in holding[key] for m in members):
                continue
            candidates = {c for members in holding[key] for c in members
                          if c not in suppressed and c not in added}
            if not candidates:  # every relation that holds it is hidden but for a longer path
                candidates = {c for total, parts in relations for c in [total, *parts]
                              if c in values and c not in suppressed and c not in added
                              and any(m in suppressed for m in [total, *parts])}
            if candidates:
                # Prefer a cell that also sits in another relation with a hidden cell: it
                # protects both (the corner of a rectangle), then the cheapest.
                added.add(min(candidates, key=lambda c: (
                    -sum(1 for members in holding[c] if any(m in suppressed for m in members)),
                    *cost(c))))
        if not added:  # cannot happen with consistent relations; never show a recoverable cell
            return frozenset(values)
        suppressed |= added
