"""Answers broken down by profile group, with small cells hidden.

    from analysis.crosstabs import crosstab, suppress
    from analysis.priority import priority_publics
    ct = crosstab(frames, "EQ_MOBILE", "age")  # by age band (groups.py)
    ct.counts     # groups × codes, with a "Total" column and a "Total" row
    ct.percent    # row percentages (of the group's people who answered)
    ct.table      # long: group, code, count, n, percent, ci_low, ci_high...
    shown = ct.display()  # counts and percent with small cells as "< 5"
    priority_publics(frames)  # priority.py, re-exported here

Anything shown to others (results page, workshop, export) must go through
`suppress` / `CrossTab.display`: a count from 1 to `min_count - 1` is
replaced by the marker, and so is every figure computed from it; then
complementary cells are hidden so that no hidden count can be recomputed by
subtraction from a shown total (see `suppression_mask`).
"""

from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd

from .disclosure import Layout, audit, linked_layout, protect
from .frames import SurveyFrames
from .groups import group_series
from .stats import MIN_COUNT, effective_sample_size, is_weighted
from .summaries import proportions

MARKER = "< 5"
MASKED = "masqué"  # hidden so that a "< 5" cell cannot be recomputed
TOTAL = "Total"


@dataclass
class CrossTab:
    """A question broken down by group (see the module docstring)."""

    key: str
    by: str
    title: str
    counts: pd.DataFrame
    percent: pd.DataFrame
    table: pd.DataFrame
    labels: dict[str, str]
    group_labels: dict[str, str]
    without_group: int  # answered `key` but not the grouping question
    weighted: bool = False
    multiple: bool = False

    def display(
        self,
        min_count: int = MIN_COUNT,
        marker: str = MARKER,
        known: np.ndarray | None = None,
        masks: tuple[pd.DataFrame, pd.DataFrame] | None = None,
    ) -> dict[str, pd.DataFrame]:
        """Counts and row % safe to show: small and complementary cells hidden.

        A percentage is hidden with its count, and every percentage of a
        row whose total is hidden (count ÷ % would give the total back).
        `known`: cells of `counts` shown elsewhere on the same output.
        `masks`: (hidden, primary) already computed (`protect_linked`).
        """
        hidden, primary = masks or protection(
            self.counts, min_count, additive_rows=not self.multiple, known=known
        )
        percent = self.percent.round(1)
        row_hidden = hidden[TOTAL].to_numpy()[:, None]
        p_hidden = hidden[percent.columns].copy()
        p_hidden[:] = p_hidden.to_numpy() | row_hidden
        p_primary = primary[percent.columns]
        return {
            "counts": labelled(self.counts, hidden, primary, marker),
            "percent": labelled(percent, p_hidden, p_primary, marker),
        }


def crosstab(
    frames: SurveyFrames, key: str, by: str, weights: pd.Series | None = None
) -> CrossTab:
    """Question `key` (choice or commune) by group `by` (groups.group_series).

    Row percentages are of the people of the group who answered `key`; for a
    multiple-choice question they add up to more than 100. Responses without
    a group (no answer to the grouping question) are left out and counted
    in `without_group`. Raises groups.GroupingError for a bad `by` and
    ValueError for a question that cannot be cross-tabulated.
    """
    kind = frames.questions.at[key, "type"]
    if kind not in ("single", "scale", "multiple", "commune"):
        raise ValueError("Seules les questions à choix se croisent avec un groupe.")
    groups = group_series(frames, by)
    w = frames.wide["weight"] if weights is None else weights.reindex(frames.wide.index)
    weighted = is_weighted(w)
    answered = frames.answered(key).to_numpy()
    group_codes = groups.codes.cat.codes.to_numpy()
    in_group = answered & (group_codes >= 0)
    names = list(groups.codes.cat.categories)
    codes, flags = _choice_flags(frames, key)
    counts = np.zeros((len(names), len(codes)))
    w_counts = np.zeros_like(counts)
    totals = np.bincount(group_codes[in_group], minlength=len(names)).astype(float)
    wv = w.fillna(0).to_numpy(dtype=float)
    w_totals = np.bincount(
        group_codes[in_group], weights=wv[in_group], minlength=len(names)
    )
    for j in range(len(codes)):
        hit = in_group & flags[:, j]
        counts[:, j] = np.bincount(group_codes[hit], minlength=len(names))
        w_counts[:, j] = np.bincount(
            group_codes[hit], weights=wv[hit], minlength=len(names)
        )
    labels = {c: frames.label(key, c) for c in codes}
    rows = []
    for i, name in enumerate(names):
        members = in_group & (group_codes == i)
        figures = proportions(
            counts[i],
            totals[i],
            w_counts[i] if weighted else None,
            w_totals[i],
            effective_sample_size(wv[members]),
        )
        for j, code in enumerate(codes):
            rows.append(
                {
                    "group": name,
                    "group_label": groups.labels.get(name, name),
                    "code": code,
                    "label": labels[code],
                    "n": totals[i],
                    **{k: v[j] for k, v in figures.items()},
                }
            )
    table = pd.DataFrame(rows)
    count_frame = pd.DataFrame(counts, index=names, columns=codes)
    # Total = people of the group who answered (for single choice, the sum).
    count_frame[TOTAL] = totals
    total_row = count_frame.sum(axis=0)
    if kind == "multiple":  # people, not ticks: the total row counts people
        total_row[TOTAL] = totals.sum()
    count_frame.loc[TOTAL] = total_row
    with np.errstate(invalid="ignore", divide="ignore"):
        n_column = count_frame[TOTAL].to_numpy()[:, None]
        percent = count_frame[codes].to_numpy() / n_column * 100
    percent_frame = pd.DataFrame(percent, index=count_frame.index, columns=codes)
    return CrossTab(
        key=key,
        by=by,
        title=groups.title,
        counts=count_frame,
        percent=percent_frame,
        table=table,
        labels=labels,
        group_labels=groups.labels,
        without_group=int((answered & (group_codes < 0)).sum()),
        weighted=weighted,
        multiple=kind == "multiple",
    )


def _choice_flags(frames: SurveyFrames, key: str) -> tuple[list[str], np.ndarray]:
    """Choice codes and a (responses × codes) boolean matrix of who chose them."""
    wide = frames.wide
    if frames.questions.at[key, "type"] == "multiple":
        columns = frames.choice_columns(key)
        codes = [c.split(":", 1)[1] for c in columns]
        flags = [wide[c].to_numpy(dtype=bool, na_value=False) for c in columns]
    else:
        column = wide[key]
        known = set(frames.codes(key))
        present = set(column.dropna().unique())
        codes = [c for c in column.cat.categories if c in known or c in present]
        if frames.questions.at[key, "type"] == "commune":
            codes = [c for c in codes if c in present]
        positions = column.cat.codes.to_numpy()
        categories = list(column.cat.categories)
        flags = [positions == categories.index(c) for c in codes]
    matrix = np.column_stack(flags) if flags else np.zeros((len(wide), 0), dtype=bool)
    return codes, matrix


def protection(
    counts: pd.DataFrame,
    min_count: int = MIN_COUNT,
    total: str = TOTAL,
    additive_rows: bool = True,
    known: np.ndarray | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(hidden, primary) masks of a counts table, audited (disclosure.protect).

    Primary: counts from 1 to min_count - 1 (0 is shown: it describes
    nobody). Complementary cells are added until no hidden cell can be
    narrowed, from the figures shown and the table's totals, to less than
    min_count people (linear programming, see disclosure.py).
    `additive_rows=False` for multiple choice (ticks do not add up to the
    row's people). `known`: cells shown elsewhere on the same output.
    """
    layout = Layout.from_counts(counts, additive_rows, total)
    layout.known = known
    hidden, primary = protect(layout, min_count)
    frame = partial(pd.DataFrame, index=counts.index, columns=counts.columns)
    return frame(hidden), frame(primary)


def protect_linked(
    tables: list["CrossTab"],
    min_count: int = MIN_COUNT,
    known_total: set[str] | None = None,
) -> list[tuple[pd.DataFrame, pd.DataFrame]]:
    """(hidden, primary) of cross-tabs of one question, protected together.

    Their "Total" rows are the same people (everyone has a group in each):
    the published tables taken together must not narrow a hidden cell.
    `known_total`: columns of the total row printed elsewhere (Synthèse).
    """
    counts = [ct.counts for ct in tables]
    layout, rows = linked_layout(counts, additive_rows=not tables[0].multiple)
    if known_total:
        layout.known = np.zeros(layout.values.shape, dtype=bool)
        for j, code in enumerate(counts[0].columns):
            layout.known[-1, j] = code in known_total
    hidden, primary = protect(layout, min_count)
    return [
        (
            pd.DataFrame(hidden[own], index=c.index, columns=c.columns),
            pd.DataFrame(primary[own], index=c.index, columns=c.columns),
        )
        for c, own in zip(counts, rows, strict=True)
    ]


def suppression_mask(
    counts: pd.DataFrame, min_count: int = MIN_COUNT, total: str = TOTAL
) -> pd.DataFrame:
    """True where a count must be hidden (see `protection`)."""
    return protection(counts, min_count, total)[0]


def labelled(
    frame: pd.DataFrame, hidden: pd.DataFrame, primary: pd.DataFrame, marker: str
) -> pd.DataFrame:
    """`frame` with "< 5" on primary cells and "masqué" on other hidden ones."""
    shown = apply_mask(frame, hidden, MASKED)
    return shown.mask(primary.to_numpy(dtype=bool), marker)


def audit_crosstab(
    ct: "CrossTab", min_count: int = MIN_COUNT, known: np.ndarray | None = None
) -> pd.DataFrame:
    """Feasible range of every cell `ct.display(known=known)` hides.

    For documents that print a cross-tab (disclosure.audit). `known`: cells
    the same document prints elsewhere. Columns: group, code, value,
    primary, low, high, safe.
    """
    layout = Layout.from_counts(ct.counts, additive_rows=not ct.multiple)
    layout.known = known
    hidden, primary = protection(
        ct.counts, min_count, additive_rows=not ct.multiple, known=known
    )
    table = audit(layout, hidden.to_numpy(), min_count, primary.to_numpy())
    table.insert(0, "group", [ct.counts.index[i] for i in table["row"]])
    table.insert(1, "code", [ct.counts.columns[j] for j in table["column"]])
    return table.drop(columns=["row", "column"])


def apply_mask(
    frame: pd.DataFrame, mask: pd.DataFrame, marker: str = MARKER
) -> pd.DataFrame:
    """`frame` as objects with the marker wherever `mask` is True."""
    shown = frame.astype("object")
    return shown.mask(mask.to_numpy(dtype=bool), marker)


def suppress(
    table: pd.DataFrame, min_count: int = MIN_COUNT, marker: str = MARKER
) -> pd.DataFrame:
    """A counts table safe to show: small and complementary cells → marker."""
    hidden, primary = protection(table, min_count)
    return labelled(table, hidden, primary, marker)


def suppress_summary(
    summary, min_count: int = MIN_COUNT, marker: str = MARKER
) -> pd.DataFrame:
    """A summaries.Summary table safe to show to others.

    Counts from 1 to min_count - 1 become the marker, with every figure
    computed from them (percent, interval, weighted figures). The answers'
    counts add up to the people who answered (shown), or for multiple
    choice are each at most that: complementary rows ("masqué") are added
    until the audit of disclosure.py passes. "Sans réponse" is hidden when
    small, like any count.
    """
    table = summary.table
    counts = table["count"].to_numpy(dtype=float)
    answers = ~table["no_answer"].to_numpy(dtype=bool)
    positions = np.flatnonzero(answers)
    values = np.append(counts[positions], float(summary.n))[None, :]
    last = (0, len(positions))
    cells = [(0, j) for j in range(len(positions))]
    if summary.type == "multiple":
        layout = Layout(values, [], [(c, last) for c in cells], totals={last})
    else:
        layout = Layout(values, [(cells, last)], totals={last})
    layout.known = np.zeros(values.shape, dtype=bool)
    layout.known[last] = True  # "Répondants" is printed on every row
    hidden_answers, primary_answers = protect(layout, min_count)
    primary = (counts > 0) & (counts < min_count)
    hidden = primary.copy()
    hidden[positions] = hidden_answers[0, :-1]
    # "Sans réponse" + "Non concerné" = responses − answered, both printed:
    # one of them hidden alone would be recomputed from the other.
    if hidden[~answers].any():
        hidden[~answers] = True
    figures = [c for c in table.columns if c not in ("code", "label", "no_answer")]
    mask = pd.DataFrame(False, index=table.index, columns=table.columns)
    mask.loc[hidden, figures] = True
    small = mask.copy()
    small.loc[~primary, figures] = False
    return labelled(table, mask, small, marker)
