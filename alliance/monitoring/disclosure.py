"""Disclosure control: which cells of a table of counts must not be shown.

A table is a set of cells (a count each) and the additive relations between them: a total and
the cells it sums (the region is the sum of the jurisdictions, a quarter the sum of its months,
a year the sum of its quarters). What is shown must not let anyone recognise a person:

1. **Primary suppression.** A count below the threshold (settings.MONITORING_MIN_COUNT, 5 by
   default), zero included, is suppressed, and so is any cell the caller names in `also` (the
   numerator of a rate whose complement, denominator minus numerator, is below the threshold:
   "all but two refused" discloses as much as "two refused").
2. **Secondary suppression.** A suppressed cell must not be recoverable from what is shown. Not
   by subtracting the other cells from a total, and not by any combination of the relations:
   with S the suppressed cells and A_S the relations' coefficients on them, a suppressed cell i
   is recoverable exactly when the unit vector e_i lies in the row space of A_S. The audit
   computes the reduced row-echelon form of A_S and finds every such cell; for each, one more
   cell is suppressed in a relation that holds it (the cell that is a total in the fewest
   relations, then the smallest, then the first), and the audit runs again until no suppressed
   cell is recoverable. A relation with exactly one suppressed cell is the simplest case.

The arithmetic is exact, over the integers modulo the prime 2^61 - 1: the coefficients are 0,
+1 and -1, and a rank over the rationals differs from the rank modulo so large a prime only if
the prime divides a minor of the matrix, which 0/±1 matrices of this size cannot reach.

What this does not do (docs/indicators.md): it protects the exact value. Bounds remain (a
suppressed count is at least 0 and at most its total), as in every cell-suppression method.
"""

from collections.abc import Hashable, Iterable, Mapping, Sequence

PRIME = (1 << 61) - 1

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
                row[index[key]] = (row[index[key]] + sign) % PRIME
        if any(row):
            rows.append(row)
    pivots = _reduce(rows, len(columns))
    return [columns[col] for col, row in pivots if sum(1 for v in row if v) == 1]


def _reduce(rows: list[list[int]], width: int) -> list[tuple[int, list[int]]]:
    """Reduced row-echelon form modulo PRIME, in place: the (pivot column, row) pairs."""
    pivots, top = [], 0
    for col in range(width):
        found = next((r for r in range(top, len(rows)) if rows[r][col]), None)
        if found is None:
            continue
        rows[top], rows[found] = rows[found], rows[top]
        inverse = pow(rows[top][col], PRIME - 2, PRIME)
        pivot = rows[top] = [v * inverse % PRIME for v in rows[top]]
        for r, row in enumerate(rows):
            if r != top and row[col]:
                factor = row[col]
                rows[r] = [(v - factor * p) % PRIME for v, p in zip(row, pivot, strict=True)]
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
    while True:
        exposed = recoverable(sorted(suppressed, key=order.__getitem__), relations)
        if not exposed:
            return frozenset(suppressed)
        added = set()
        for key in exposed:
            holding = [[total, *parts] for total, parts in relations if key == total or key in parts]
            candidates = [c for members in holding for c in members
                          if c in values and c not in suppressed and c not in added]
            if not candidates:  # every relation that holds it is already hidden but one path
                candidates = [c for total, parts in relations for c in [total, *parts]
                              if c in values and c not in suppressed and c not in added
                              and any(m in suppressed for m in [total, *parts])]
            if candidates:
                added.add(min(candidates, key=cost))
        if not added:  # cannot happen with consistent relations; never show a recoverable cell
            return frozenset(values)
        suppressed |= added
