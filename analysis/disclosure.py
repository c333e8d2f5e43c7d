"""Small-cell protection that is audited, not assumed.

A published table hides counts from 1 to `min_count - 1` (primary cells,
shown as "< 5") and enough other cells (complementary, shown as "masqué")
that nobody can work a hidden count back out of what is shown. "Work out"
is checked the way an attacker would: every hidden cell's feasible range,
given every figure shown on the same output, the additivity of the table
and the labels, is computed by linear programming (`feasible_ranges`);
every complementary cell must be able to move by at least `min_count`
people and no "< 5" cell may be narrowed to fewer than three values
(`protect` hides more cells until that holds); a hidden 0 that cannot
exceed 4 either is treated like a "< 5" cell.

    layout = Layout.from_counts(counts, additive_rows=True)
    hidden, primary = protect(layout, min_count=5)
    audit(layout, hidden)   # one row per hidden cell: low, high, safe

The diagnostic document calls `audit` / `audit_crosstab` on what it prints.
"""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import linprog

Cell = tuple[int, int]
# A "< 5" cell is 1 to 4 by its label; what is shown must leave it at least
# three possible values (a span of 2), never one or two. Requiring all of
# 1-4 is impossible whenever two small cells share a small total.
PRIMARY_SPAN = 2


@dataclass
class Layout:
    """A table's values and the relations a reader knows between them.

    `equalities`: (cells, total): the cells add up to the total.
    `inequalities`: (cell, bound): the cell is at most the bound (ticks of a
    multiple-choice answer are at most the people of the group).
    `known`: cells that are shown elsewhere on the same output (e.g. the
    overall counts of the "Synthèse" sheet), known even when hidden here.
    """

    values: np.ndarray
    equalities: list[tuple[list[Cell], Cell]]
    inequalities: list[tuple[Cell, Cell]] = field(default_factory=list)
    known: np.ndarray | None = None
    totals: set[Cell] = field(default_factory=set)

    @classmethod
    def from_counts(
        cls, counts: pd.DataFrame, additive_rows: bool = True, total: str = "Total"
    ) -> "Layout":
        """A counts table with an optional `total` row and/or column.

        `additive_rows=False` (multiple choice): a row's cells are ticks, at
        most the row's total of people, not adding up to it.
        """
        values = counts.to_numpy(dtype=float)
        rows, columns = values.shape
        equalities, inequalities, totals = [], [], set()
        if total in counts.columns:
            tj = counts.columns.get_loc(total)
            totals |= {(i, tj) for i in range(rows)}
            for i in range(rows):
                cells = [(i, j) for j in range(columns) if j != tj]
                if additive_rows:
                    equalities.append((cells, (i, tj)))
                else:
                    inequalities += [(c, (i, tj)) for c in cells]
        if total in counts.index:
            ti = counts.index.get_loc(total)
            totals |= {(ti, j) for j in range(columns)}
            for j in range(columns):
                cells = [(i, j) for i in range(rows) if i != ti]
                equalities.append((cells, (ti, j)))
        return cls(values, equalities, inequalities, None, totals)


def feasible_ranges(
    layout: Layout,
    hidden: np.ndarray,
    only: np.ndarray | None = None,
    primary: np.ndarray | None = None,
    min_count: int = 5,
) -> tuple[np.ndarray, np.ndarray]:
    """(low, high) of every hidden cell given the shown ones (NaN if shown).

    Counts are ≥ 0; a cell nothing bounds has high = inf. Integrality is
    relaxed (the range of the LP contains the integer range: safe side).
    `only`: compute just these cells (the others get 0, inf).
    `primary`: cells labelled "< 5": the reader knows they are 1 to
    `min_count - 1`, which narrows the others.
    """
    low, high, solver = _start(layout, hidden, primary, min_count)
    for k, cell in enumerate(solver.cells if solver else []):
        if only is not None and not only[cell]:
            low[cell], high[cell] = 0, np.inf
            continue
        low[cell] = solver.extreme(k, 1, layout.values[cell])
        high[cell] = solver.extreme(k, -1, layout.values[cell])
    return low, high


def _start(layout, hidden, primary, min_count, seen=None):
    """NaN ranges, cells known from elsewhere fixed, and the unknowns' solver."""
    unknown = hidden.copy()
    if layout.known is not None:
        unknown &= ~layout.known
    low = np.full(hidden.shape, np.nan)
    high = np.full(hidden.shape, np.nan)
    known_hidden = hidden & ~unknown
    low[known_hidden] = high[known_hidden] = layout.values[known_hidden]
    solver = None
    if unknown.any():
        solver = _Solver(layout, unknown, primary, min_count, seen)
    return low, high, solver


def narrow_cells(
    layout: Layout,
    hidden: np.ndarray,
    check: np.ndarray,
    primary: np.ndarray,
    min_count: int = 5,
    seen: tuple[np.ndarray, np.ndarray] | None = None,
) -> dict[Cell, float]:
    """The cells of `check` whose feasible range is too narrow: {cell: width}.

    Same verdict as `audit` (`_safe`) for those cells, with far fewer LPs:
    a cell already seen moving enough in earlier solutions is safe without
    an LP of its own, a cell that bound propagation alone pins down is
    narrow without one (width: its outer range); the others get their
    exact range. `seen`: (low, high) of every cell over the tables found
    feasible so far, updated here; still feasible once more cells are
    hidden (the new ones keep their true value), so `protect` keeps them
    from one round to the next.
    """
    _, _, solver = _start(layout, hidden, primary, min_count, seen)
    if solver is None:
        return {}
    bad = {}
    for k, cell in enumerate(solver.cells):
        if not check[cell] or solver.proved_safe(k):
            continue
        if solver.proved_narrow(k):
            bad[cell] = solver.outer_high[k] - solver.outer_low[k]
            continue
        high = solver.extreme(k, -1, layout.values[cell])
        if solver.proved_safe(k):
            continue
        low = solver.extreme(k, 1, layout.values[cell])
        if not _safe(low, high, primary[cell], min_count):
            bad[cell] = high - low
    if seen is not None:
        rows, columns = np.array(solver.cells).T
        seen[0][rows, columns] = solver.seen_low
        seen[1][rows, columns] = solver.seen_high
    return bad


class _Solver:
    """The LPs of one layout's unknown cells, remembering every solution.

    Each LP solution is a point the reader cannot rule out: the spread of
    a cell over the points seen so far is a lower bound on its feasible
    range, so a cell that already moved enough needs no LP of its own
    (`proved_safe`); the true table is the first point.
    """

    def __init__(self, layout, unknown, primary, min_count, seen=None):
        self.cells = [tuple(int(x) for x in p) for p in np.argwhere(unknown)]
        index = {c: k for k, c in enumerate(self.cells)}
        self.a_eq, self.b_eq = _rows(layout.equalities, index, layout.values, True)
        self.a_ub, self.b_ub = _rows(
            [([c], b) for c, b in layout.inequalities], index, layout.values, False
        )
        self.bounds = [
            (1, min_count - 1) if primary is not None and primary[c] else (0, None)
            for c in self.cells
        ]
        rows, columns = np.array(self.cells).T
        low, high = seen if seen is not None else (layout.values, layout.values)
        self.seen_low = low[rows, columns].astype(float)
        self.seen_high = high[rows, columns].astype(float)
        self.primary = np.array(
            [bool(primary is not None and primary[c]) for c in self.cells]
        )
        self.min_count = min_count
        self.solved = 0
        self.outer_low, self.outer_high = _propagate(
            self.a_eq,
            self.b_eq,
            self.a_ub,
            self.b_ub,
            np.array([b[0] for b in self.bounds], dtype=float),
            np.array([np.inf if b[1] is None else b[1] for b in self.bounds]),
        )

    def extreme(self, k: int, sign: int, fallback: float) -> float:
        """min (sign 1) or max (sign -1) of cell k over the feasible tables."""
        objective = np.zeros(len(self.cells))
        objective[k] = sign
        self.solved += 1
        result = linprog(
            objective,
            A_ub=self.a_ub if len(self.a_ub) else None,
            b_ub=self.b_ub if len(self.b_ub) else None,
            A_eq=self.a_eq if len(self.a_eq) else None,
            b_eq=self.b_eq if len(self.b_eq) else None,
            bounds=self.bounds,
            method="highs",
        )
        if result.status == 3:  # unbounded: only upwards for counts ≥ 0
            self.seen_high[k] = np.inf
            return np.inf
        if result.status != 0:  # cannot happen (the truth is feasible)
            return fallback
        np.minimum(self.seen_low, result.x, out=self.seen_low)
        np.maximum(self.seen_high, result.x, out=self.seen_high)
        return sign * result.fun

    def proved_narrow(self, k: int) -> bool:
        """Cell k cannot move enough whatever the LP says (see `_safe`)."""
        width = self.outer_high[k] - self.outer_low[k]
        small = self.primary[k] or self.outer_high[k] < self.min_count
        big = not self.primary[k] and self.seen_high[k] >= self.min_count
        need = PRIMARY_SPAN if small or not big else self.min_count
        return width < need - 1e-9

    def proved_safe(self, k: int) -> bool:
        """Cell k moved enough among the points seen (see `_safe`)."""
        spread = self.seen_high[k] - self.seen_low[k]
        need = PRIMARY_SPAN if self.primary[k] else self.min_count
        return spread >= need - 1e-9


def _propagate(a_eq, b_eq, a_ub, b_ub, low, high, rounds: int = 50):
    """Outer bounds of the unknowns: what each relation alone implies, repeated.

    Every bound derived is implied by the constraints, so the true feasible
    range lies inside [low, high]: a cell narrow here is narrow for sure.
    """
    low, high = low.astype(float), high.astype(float)
    relations = [(a, b, True) for a, b in ((a_eq, b_eq),) if len(a)]
    relations += [(a, b, False) for a, b in ((a_ub, b_ub),) if len(a)]
    for _ in range(rounds):
        changed = False
        for a, b, equal in relations:
            # min and max of the rest of the row, without the cell itself.
            rest_min = _rest(a, low, high)
            rest_max = -_rest(-a, low, high)
            with np.errstate(invalid="ignore", divide="ignore"):
                upper = (b[:, None] - rest_min) / a  # a > 0: bound on x above
                lower = (b[:, None] - rest_max) / a
            # a·x ≤ b − rest_min, and a·x ≥ b − rest_max if an equality;
            # dividing by a < 0 turns the bounds round.
            pos, neg = a > 0, a < 0
            new_high = np.where(pos, upper, np.where(neg & equal, lower, np.inf))
            new_low = np.where(neg, upper, np.where(pos & equal, lower, -np.inf))
            h = np.nanmin(np.where(a != 0, new_high, np.inf), axis=0)
            lo = np.nanmax(np.where(a != 0, new_low, -np.inf), axis=0)
            tighter = (h < high - 1e-9) | (lo > low + 1e-9)
            if tighter.any():
                changed = True
                high, low = np.minimum(high, h), np.maximum(low, lo)
        if not changed:
            break
    return low, high


def _own(a, low, high):
    """Each cell's smallest contribution a·x to each row (0 off the row)."""
    with np.errstate(invalid="ignore"):
        return np.where(a > 0, a * low, np.where(a < 0, a * high, 0.0))


def _rest(a, low, high):
    """Per row and cell: min of Σ a·x over the row's other cells."""
    own = _own(a, low, high)
    infinite = np.isinf(own)
    finite = np.where(infinite, 0, own)
    others_infinite = infinite.sum(axis=1)[:, None] - infinite > 0
    return np.where(others_infinite, -np.inf, finite.sum(axis=1)[:, None] - finite)


def _rows(relations, index, values, equal: bool):
    """Constraint matrix over the unknown cells; shown cells become constants."""
    matrix, rhs = [], []
    for cells, total in relations:
        row = np.zeros(len(index))
        constant = 0.0
        for c in cells:
            if c in index:
                row[index[c]] += 1
            else:
                constant += values[c]
        if total in index:
            row[index[total]] -= 1
        else:
            constant -= values[total]
        if not row.any():
            continue  # nothing hidden in this relation
        matrix.append(row)
        rhs.append(-constant)
    return np.array(matrix), np.array(rhs)


def _safe(low, high, primary, min_count) -> np.ndarray:
    """Cells move by ≥ min_count, or ≥ PRIMARY_SPAN if small whatever happens.

    A cell that cannot exceed min_count - 1 (a "< 5" cell, or a hidden 0
    in a line whose total is "< 5") cannot move by min_count.
    """
    with np.errstate(invalid="ignore"):
        small = primary | (high < min_count)
        need = np.where(small, PRIMARY_SPAN, min_count)
        return high - low >= need - 1e-9


def protect(
    layout: Layout, min_count: int = 5, hidden: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(hidden, primary) masks: primary cells plus complements until safe.

    Greedy: while a hidden cell's feasible range is narrower than
    `min_count`, hide the cell sharing a relation with it that costs least
    (an inner cell before a total, a non-zero cell before a zero, then the
    smallest); re-audit. Hiding more only widens ranges, so cells already
    safe are not checked again. If nothing is left to hide near a cell,
    the whole table is hidden.
    """
    values = layout.values
    primary = (values > 0) & (values < min_count)
    hidden = primary.copy() if hidden is None else hidden | primary
    # Cells printed elsewhere on the output are not secrets to protect here.
    secret = ~layout.known if layout.known is not None else np.ones_like(hidden)
    relations = [[*cells, total] for cells, total in layout.equalities]
    relations += [[c, b] for c, b in layout.inequalities]
    pending = hidden.copy()  # cells whose range may still be too narrow
    seen = (values.astype(float), values.astype(float))
    for _ in range(values.size + 1):
        bad = narrow_cells(layout, hidden, pending & secret, primary, min_count, seen)
        if not bad:
            return hidden, primary
        worst = min(bad, key=lambda cell: bad[cell])
        pick = _cheapest(worst, relations, hidden, layout)
        if pick is None:
            break
        hidden[pick] = True
        pending = np.zeros_like(hidden)
        pending[pick] = True
        for c in bad:
            pending[c] = True
    # Nothing left to hide near a cell: hide the whole table, and say
    # "masqué" everywhere (a "< 5" label tells "at least 1", which can
    # still narrow a total printed elsewhere).
    hidden[:] = True
    return hidden, np.zeros_like(primary)


def _cheapest(cell: Cell, relations, hidden, layout: Layout) -> Cell | None:
    near = {c for rel in relations if cell in rel for c in rel}
    known = layout.known if layout.known is not None else np.zeros_like(hidden)
    candidates = [c for c in near if not hidden[c] and not known[c]]
    if not candidates:
        return None
    values = layout.values
    return min(
        candidates,
        key=lambda c: (c in layout.totals, values[c] == 0, values[c]),
    )


def audit(
    layout: Layout,
    hidden: np.ndarray,
    min_count: int = 5,
    primary: np.ndarray | None = None,
) -> pd.DataFrame:
    """One row per hidden cell: row, column, value, primary, low, high, safe.

    Cells in `layout.known` are shown elsewhere on the output: not listed.
    `primary`: the cells labelled "< 5" (default: every hidden cell of 1 to
    min_count - 1).

    Ranges use what a reader knows: the shown figures, the additivity of
    the table and the labels ("< 5" cells are 1 to min_count - 1).
    Complementary cells are safe when they can move by at least min_count
    people, primary cells when at least PRIMARY_SPAN.
    """
    values = layout.values
    if primary is None:
        primary = hidden & (values > 0) & (values < min_count)
    low, high = feasible_ranges(layout, hidden, None, primary, min_count)
    if layout.known is not None:  # printed elsewhere on the output: not hidden
        hidden = hidden & ~layout.known
    safe = _safe(low, high, primary, min_count)
    rows = [
        {
            "row": i,
            "column": j,
            "value": values[i, j],
            "primary": bool(primary[i, j]),
            "low": low[i, j],
            "high": high[i, j],
            "safe": bool(safe[i, j]),
        }
        for i, j in np.argwhere(hidden)
    ]
    columns = ["row", "column", "value", "primary", "low", "high", "safe"]
    return pd.DataFrame(rows, columns=columns)


def linked_layout(
    tables: list[pd.DataFrame], additive_rows: bool = True, total: str = "Total"
) -> tuple[Layout, list[list[int]]]:
    """One layout for tables of one question by several groupings.

    They share their "Total" row (everybody, by answer): what each table
    says about it adds up, so they are audited together. Returns the
    layout (rows: every table's groups, then the shared total row) and, per
    table, the layout rows of its own rows in order.
    """
    columns = tables[0].shape[1]
    tj = tables[0].columns.get_loc(total)
    blocks, positions, equalities, inequalities = [], [], [], []
    start = 0
    for table in tables:
        inner = table.drop(index=total)
        blocks.append(inner.to_numpy(dtype=float))
        positions.append(list(range(start, start + len(inner))))
        start += len(inner)
    shared = start
    values = np.vstack([*blocks, tables[0].loc[[total]].to_numpy(dtype=float)])
    totals = {(i, tj) for i in range(values.shape[0])} | {
        (shared, j) for j in range(columns)
    }
    for i in range(values.shape[0]):
        cells = [(i, j) for j in range(columns) if j != tj]
        if additive_rows:
            equalities.append((cells, (i, tj)))
        else:
            inequalities += [(c, (i, tj)) for c in cells]
    for rows in positions:
        for j in range(columns):
            equalities.append(([(i, j) for i in rows], (shared, j)))
    for table, rows in zip(tables, positions, strict=True):
        own = [*rows]
        own.insert(table.index.get_loc(total), shared)
        rows[:] = own
    return Layout(values, equalities, inequalities, None, totals), positions


def linked_masks(
    layout: Layout, rows: list[list[int]], masks: list
) -> tuple[np.ndarray, np.ndarray]:
    """(hidden, primary) of linked tables as the reader sees them together.

    A group's cell is hidden if its table hides it; a cell of the shared
    total row only if every table hides it. `masks`: (hidden, primary) per
    table, in the order of `linked_layout`.
    """
    hidden = np.zeros(layout.values.shape, dtype=bool)
    primary = np.zeros(layout.values.shape, dtype=bool)
    hidden[-1] = primary[-1] = True
    for (h, p), own in zip(masks, rows, strict=True):
        h, p = np.asarray(h), np.asarray(p)
        inner = [r for r in own if r != len(hidden) - 1]
        keep = [k for k, r in enumerate(own) if r != len(hidden) - 1]
        hidden[inner] |= h[keep]
        primary[inner] |= p[keep]
        hidden[-1] &= h[own.index(len(hidden) - 1)]
        primary[-1] &= p[own.index(len(hidden) - 1)]
    return hidden, primary
