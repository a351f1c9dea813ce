"""Disclosure control (monitoring/disclosure.py): hand-worked tables, and property tests that no
suppressed cell can be recovered from what is shown.

The property tests do not trust the module's own audit (`recoverable`, modulo a prime): they
check every answer with an independent one below, in exact rational arithmetic. With S the
suppressed cells, the shown cells are constants and each relation (total = sum of parts) is a
linear equation A_S x_S = b in the suppressed values. The tables consistent with what is shown
are x_S + v for every v in the null space of A_S, so a suppressed cell i is determined exactly
when every null-space vector has v_i = 0; when one has v_i != 0, that vector is the witness: a
second table, identical in every shown cell and in every relation, that differs in cell i."""

import datetime
import itertools
import random
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance.monitoring import statistics
from alliance.monitoring.disclosure import primary, protect, recoverable
from alliance.monitoring.indicators import BY_CODE

K = 5


# --- the independent checker ---------------------------------------------------------------------

def null_space(rows: list[list[Fraction]], width: int) -> list[list[Fraction]]:
    """A basis of {v : row . v = 0 for every row}, by Gauss-Jordan elimination over Q."""
    rows = [list(r) for r in rows]
    pivots: list[int] = []
    top = 0
    for col in range(width):
        found = next((r for r in range(top, len(rows)) if rows[r][col] != 0), None)
        if found is None:
            continue
        rows[top], rows[found] = rows[found], rows[top]
        head = rows[top][col]
        rows[top] = [v / head for v in rows[top]]
        for r in range(len(rows)):
            if r != top and rows[r][col] != 0:
                factor = rows[r][col]
                rows[r] = [v - factor * p for v, p in zip(rows[r], rows[top], strict=True)]
        pivots.append(col)
        top += 1
    basis = []
    for free in (c for c in range(width) if c not in pivots):
        v = [Fraction(0)] * width
        v[free] = Fraction(1)
        for r, col in enumerate(pivots):
            v[col] = -rows[r][free]
        basis.append(v)
    return basis


def determined(suppressed, relations) -> set:
    """The suppressed cells whose value follows from the shown cells and the relations."""
    columns = sorted(suppressed, key=repr)
    index = {key: i for i, key in enumerate(columns)}
    matrix = []
    for total, parts in relations:
        row = [Fraction(0)] * len(columns)
        for key, sign in [(total, 1)] + [(p, -1) for p in parts]:
            if key in index:
                row[index[key]] += sign
        matrix.append(row)
    basis = null_space(matrix, len(columns))
    for v in basis:  # each witness is a real alternative table: every relation still holds
        assert all(sum(a * b for a, b in zip(row, v, strict=True)) == 0 for row in matrix)
    return {key for key, i in index.items() if all(v[i] == 0 for v in basis)}


def consistent(values, relations) -> bool:
    return all(values[total] == sum(values[p] for p in parts) for total, parts in relations)


def one_per_relation_is_enough(suppressed, relations) -> bool:
    """The naive rule: no relation holds exactly one suppressed cell."""
    return all(sum(k in suppressed for k in [t, *ps]) != 1 for t, ps in relations)


def test_the_checker_finds_a_cell_recoverable_by_subtraction():
    relations = [("T", ["a", "b", "c"])]
    assert determined({"a"}, relations) == {"a"}
    assert determined({"a", "b"}, relations) == set()
    assert determined({"a", "b", "T"}, relations) == set()


def test_the_checker_finds_a_cell_recoverable_only_through_several_relations():
    relations = [("X", ["a", "b"]), ("Y", ["b", "c"]), ("Z", ["a", "c"])]
    assert determined({"a", "b", "c"}, relations) == {"a", "b", "c"}
    assert determined({"a", "b", "c", "X"}, relations) == set()


# --- hand-worked tables --------------------------------------------------------------------------

def test_a_small_cell_hides_the_smallest_other_cell_of_its_row():
    # given a total of three cells, one of them below the threshold
    values = {"a": 3, "b": 10, "c": 7, "T": 20}
    # then the small one is hidden, and so is the smallest other part (not the total)
    assert protect(values, [("T", ["a", "b", "c"])], threshold=K) == {"a", "c"}


def test_zero_is_suppressed():
    values = {"a": 0, "b": 9, "c": 12, "T": 21}
    assert primary(values, K) == {"a"}
    assert protect(values, [("T", ["a", "b", "c"])], threshold=K) == {"a", "b"}


def test_a_count_at_the_threshold_is_shown():
    values = {"a": 5, "b": 9, "T": 14}
    assert protect(values, [("T", ["a", "b"])], threshold=K) == frozenset()


def test_a_table_with_nothing_small_hides_nothing_and_threshold_moves_the_line():
    values = {"a": 6, "b": 9, "T": 15}
    assert protect(values, [("T", ["a", "b"])], threshold=K) == frozenset()
    assert protect(values, [("T", ["a", "b"])], threshold=7) == {"a", "b"}


def test_a_cell_named_in_also_is_suppressed_with_its_secondary():
    # a share "all but two" discloses as much as "two": the caller names the numerator
    values = {"a": 18, "b": 40, "c": 30, "T": 88}
    hidden = protect(values, [("T", ["a", "b", "c"])], threshold=K, also=["a", "unknown"])
    assert hidden == {"a", "c"}


def two_way_table():
    """Two rows and three columns with their margins and the grand total; r1c1 is small."""
    cells = {("r1", "c1"): 2, ("r1", "c2"): 10, ("r1", "c3"): 20,
             ("r2", "c1"): 8, ("r2", "c2"): 9, ("r2", "c3"): 30}
    values = dict(cells)
    rows, cols = ["r1", "r2"], ["c1", "c2", "c3"]
    for r in rows:
        values[(r, "all")] = sum(cells[(r, c)] for c in cols)
    for c in cols:
        values[("all", c)] = sum(cells[(r, c)] for r in rows)
    values[("all", "all")] = sum(cells.values())
    relations = [((r, "all"), [(r, c) for c in cols]) for r in rows]
    relations += [(("all", c), [(r, c) for r in rows]) for c in cols]
    relations += [(("all", "all"), [(r, "all") for r in rows]),
                  (("all", "all"), [("all", c) for c in cols])]
    return values, relations


def test_a_two_way_table_with_margins_hides_a_rectangle():
    values, relations = two_way_table()
    assert consistent(values, relations)
    hidden = protect(values, relations, threshold=K)
    # hiding one cell per row and per column is not enough in a table with margins: the
    # suppressed cells must form a rectangle, every margin then still shown
    assert hidden == {("r1", "c1"), ("r1", "c2"), ("r2", "c1"), ("r2", "c2")}
    assert determined(hidden, relations) == set()
    assert determined({("r1", "c1"), ("r1", "c2"), ("r2", "c1")}, relations) == {
        ("r1", "c1"), ("r1", "c2"), ("r2", "c1")}


def test_a_chain_of_relations_that_the_one_per_relation_rule_misses_is_caught():
    # given three small cells, each relation holding two of them: the naive rule is content,
    values = {"a": 4, "b": 4, "c": 4, "X": 8, "Y": 8, "Z": 8}
    relations = [("X", ["a", "b"]), ("Y", ["b", "c"]), ("Z", ["a", "c"])]
    assert primary(values, K) == {"a", "b", "c"}
    assert one_per_relation_is_enough({"a", "b", "c"}, relations)
    # but a = (X - Y + Z) / 2: the audit finds it, and protect hides a total as well
    assert recoverable(["a", "b", "c"], relations) == ["a", "b", "c"]
    hidden = protect(values, relations, threshold=K)
    assert hidden > {"a", "b", "c"} and hidden & {"X", "Y", "Z"}
    assert determined(hidden, relations) == set()


def test_a_total_that_is_a_single_cell_is_hidden_with_it():
    # one jurisdiction: the region is that jurisdiction
    values = {("J1", "m"): 3, ("region", "m"): 3}
    relations = [(("region", "m"), [("J1", "m")])]
    assert protect(values, relations, threshold=K) == set(values)


def test_it_is_deterministic():
    values, relations = two_way_table()
    answers = {protect(dict(values), list(relations), threshold=K) for _ in range(5)}
    assert len(answers) == 1


# --- property tests: the tables statistics.py builds ---------------------------------------------

def quarter(month: int) -> str:
    return f"Q{(month - 1) // 3 + 1}"


def year_table(counts: dict[tuple[str, int], int], codes: list[str], months: list[int],
               *, quarters: bool, whole: bool = False):
    """The table of one indicator and year as statistics._year_table builds it, written again
    here: jurisdictions x computed months, each unit's quarters and year (a "sum" indicator),
    and the region as the sum of the jurisdictions at every time. `whole`: a quarter only
    with its three months, the year only with its twelve (statistics.py)."""
    times = {f"m{m:02d}": [f"m{m:02d}"] for m in months}
    if quarters:
        for m in months:
            times.setdefault(quarter(m), []).append(f"m{m:02d}")
        times["year"] = [f"m{m:02d}" for m in months]
        if whole:
            times = {t: parts for t, parts in times.items() if not t.startswith("Q")
                     and t != "year" or len(parts) == (12 if t == "year" else 3)}
    values = {}
    for time, parts in times.items():
        for code in codes:
            values[(code, time)] = sum(counts[(code, int(p[1:]))] for p in parts)
        values[("region", time)] = sum(values[(code, time)] for code in codes)
    relations = [(("region", t), [(c, t) for c in codes]) for t in times]
    if quarters:
        qs = [t for t in times if t.startswith("Q")]
        for unit in [*codes, "region"]:
            relations += [((unit, q), [(unit, m) for m in times[q]]) for q in qs]
            if "year" in times:
                relations.append(((unit, "year"), [(unit, q) for q in qs]))
    return values, relations


small_counts = st.one_of(st.integers(0, 6), st.integers(0, 40))


@st.composite
def year_tables(draw):
    codes = [f"J{i}" for i in range(1, draw(st.integers(1, 4)) + 1)]
    months = sorted(draw(st.sets(st.integers(1, 12), min_size=1, max_size=6)))
    counts = {(c, m): draw(small_counts) for c in codes for m in months}
    return year_table(counts, codes, months, quarters=draw(st.booleans()))


@settings(max_examples=150, deadline=None)
@given(year_tables(), st.integers(3, 8))
def test_no_suppressed_cell_of_a_year_table_can_be_recovered(table, threshold):
    values, relations = table
    assert consistent(values, relations)
    hidden = protect(values, relations, threshold=threshold)
    assert {key for key, value in values.items() if value < threshold} <= hidden
    assert determined(hidden, relations) == set()
    assert protect(values, relations, threshold=threshold) == hidden


@st.composite
def generic_tables(draw):
    """A few leaf cells, then totals each summing two or more earlier cells (leaves or totals),
    sometimes a second relation for a total (a margin summed both ways)."""
    values = {f"x{i}": draw(small_counts) for i in range(draw(st.integers(2, 5)))}
    relations = []
    for n in range(draw(st.integers(1, 4))):
        parts = draw(st.lists(st.sampled_from(sorted(values)), min_size=2, max_size=4,
                              unique=True))
        total = f"t{n}"
        values[total] = sum(values[p] for p in parts)
        relations.append((total, parts))
    if len(relations) >= 2 and draw(st.booleans()):
        # t_last + the parts of t_first that t_last lacks ... is not generally a sum; instead
        # add the redundant relation "the sum of two totals over disjoint parts" when it exists
        for (t1, p1), (t2, p2) in itertools.combinations(relations, 2):
            if not set(p1) & set(p2) and t1 not in p2 and t2 not in p1:
                values["s"] = values[t1] + values[t2]
                relations += [("s", [t1, t2]), ("s", [*p1, *p2])]
                break
    also = draw(st.lists(st.sampled_from(sorted(values)), max_size=2))
    return values, relations, also


@settings(max_examples=200, deadline=None)
@given(generic_tables(), st.integers(3, 8))
def test_no_suppressed_cell_of_a_generic_table_can_be_recovered(table, threshold):
    values, relations, also = table
    assert consistent(values, relations)
    hidden = protect(values, relations, threshold=threshold, also=also)
    assert {key for key, value in values.items() if value < threshold} | set(also) <= hidden
    assert determined(hidden, relations) == set()


@st.composite
def two_way_tables(draw):
    rows = [f"r{i}" for i in range(draw(st.integers(2, 4)))]
    cols = [f"c{i}" for i in range(draw(st.integers(2, 4)))]
    cells = {(r, c): draw(small_counts) for r in rows for c in cols}
    values = dict(cells)
    for r in rows:
        values[(r, "all")] = sum(cells[(r, c)] for c in cols)
    for c in cols:
        values[("all", c)] = sum(cells[(r, c)] for r in rows)
    values[("all", "all")] = sum(cells.values())
    relations = [((r, "all"), [(r, c) for c in cols]) for r in rows]
    relations += [(("all", c), [(r, c) for r in rows]) for c in cols]
    relations += [(("all", "all"), [(r, "all") for r in rows]),
                  (("all", "all"), [("all", c) for c in cols])]
    return values, relations


@settings(max_examples=150, deadline=None)
@given(two_way_tables())
def test_no_suppressed_cell_of_a_two_way_table_can_be_recovered(table):
    values, relations = table
    hidden = protect(values, relations, threshold=K)
    assert primary(values, K) <= hidden
    assert determined(hidden, relations) == set()


# --- property test: the figures statistics._year_table actually returns --------------------------

@st.composite
def indicator_sums(draw):
    """Random monthly sums of one indicator for one year, as statistics reads them from the
    snapshot table: {(indicator, jurisdiction, "YYYY-MM"): (numerator, denominator)}."""
    indicator = BY_CODE[draw(st.sampled_from(["screened", "engagement", "certified_staff",
                                              "alliance", "current_plan"]))]
    codes = [f"J{i}" for i in range(1, draw(st.integers(1, 3)) + 1)]
    months = sorted(draw(st.sets(st.integers(1, 12), min_size=1, max_size=5)))
    sums = {}
    for code in codes:
        for m in months:
            count = draw(small_counts)
            if indicator.kind == "count":
                sums[(indicator.code, code, f"2026-{m:02d}")] = (float(count), None)
            elif indicator.kind == "rate":
                sums[(indicator.code, code, f"2026-{m:02d}")] = (
                    float(draw(st.integers(0, count))), count)
            else:  # a mean: the sum of the values (scores from 1 to 7) and their number
                sums[(indicator.code, code, f"2026-{m:02d}")] = (
                    float(sum(draw(st.lists(st.integers(1, 7), min_size=count,
                                            max_size=count)))), count)
    return indicator, codes, months, sums


def table_key(key):
    unit, time = key
    return (unit, f"2026-{time[1:]}" if time.startswith("m") else time)


@settings(max_examples=100, deadline=None)
@given(indicator_sums())
def test_the_statistics_year_table_shows_only_protected_figures(drawn):
    indicator, codes, months, sums = drawn
    k = statistics.threshold()
    computed = [datetime.date(2026, m, 1) for m in months]
    cells = statistics._year_table(indicator, 2026, codes, computed, sums)

    def rebuilt(part):  # the table of numerators (0) or denominators (1), independently
        counts = {(c, m): sums[(indicator.code, c, f"2026-{m:02d}")][part] or 0
                  for c in codes for m in months}
        values, relations = year_table(counts, codes, months,
                                       quarters=indicator.over_time == "sum", whole=True)
        return {table_key(key): v for key, v in values.items()}, [
            (table_key(t), [table_key(p) for p in ps]) for t, ps in relations]

    numerators, relations = rebuilt(0)
    denominators, _ = rebuilt(1)
    assert set(cells) == set(numerators)
    no_numerator = {key for key, figure in cells.items() if figure.numerator is None}
    no_denominator = {key for key, figure in cells.items() if figure.denominator is None}
    # every figure shown is the exact one; a suppressed one carries no value, no numerator
    for key, figure in cells.items():
        assert figure.suppressed == (key in no_numerator) == (figure.value is None)
        if not figure.suppressed:
            assert figure.numerator == numerators[key]
    # no count shown is small, and no count hidden can be recovered: the numerators,
    if indicator.kind == "count":
        assert all(numerators[key] >= k for key in cells if key not in no_numerator)
    assert determined(no_numerator, relations) == set()
    if indicator.kind == "count":
        return
    # the denominators,
    assert all(figure.denominator == denominators[key] for key, figure in cells.items()
               if key not in no_denominator)
    assert all(denominators[key] >= k for key in cells if key not in no_denominator)
    assert determined(no_denominator, relations) == set()
    # and for a share, neither the part counted nor the rest (the complement) is small
    if indicator.kind == "rate":
        for key in set(cells) - no_numerator:
            assert numerators[key] >= k and denominators[key] - numerators[key] >= k


@pytest.mark.parametrize(("seed", "largest"), [(1, 8), (2, 30), (3, 200)])
def test_a_full_year_of_six_jurisdictions_is_protected(seed, largest):
    # the size of the pilots' region: 6 jurisdictions x (12 months, 4 quarters, the year)
    rng = random.Random(seed)
    codes, months = [f"J{i}" for i in range(1, 7)], list(range(1, 13))
    counts = {(c, m): rng.randint(0, largest) for c in codes for m in months}
    values, relations = year_table(counts, codes, months, quarters=True)
    hidden = protect(values, relations, threshold=K)
    assert primary(values, K) <= hidden < set(values)
    assert determined(hidden, relations) == set()
