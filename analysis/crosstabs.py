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

import numpy as np
import pandas as pd

from .frames import SurveyFrames
from .groups import group_series
from .stats import MIN_COUNT, effective_sample_size, is_weighted
from .summaries import proportions

MARKER = "< 5"
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

    def display(
        self, min_count: int = MIN_COUNT, marker: str = MARKER
    ) -> dict[str, pd.DataFrame]:
        """Counts and row % safe to show: small and complementary cells hidden."""
        mask = suppression_mask(self.counts, min_count)
        percent = self.percent.round(1)
        percent_mask = mask.reindex(index=percent.index, columns=percent.columns)
        return {
            "counts": apply_mask(self.counts, mask, marker),
            "percent": apply_mask(percent, percent_mask.fillna(False), marker),
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


def suppression_mask(
    counts: pd.DataFrame, min_count: int = MIN_COUNT, total: str = TOTAL
) -> pd.DataFrame:
    """True where a count must be hidden.

    Primary: counts from 1 to min_count - 1 (0 is shown: it describes nobody).
    Complementary, when `counts` has a `total` row and/or column: in every
    line (a row with its total, a column with its total) where exactly one
    figure is hidden, it could be recomputed by subtraction, so the smallest
    other figure of that line is hidden too (possibly a 0: the marker reads
    "fewer than 5", so 0 is one of the possibilities; the total itself only
    if nothing else is left); repeated until no line has a single hidden
    figure.
    For multiple-choice tables (ticks do not add up to the total) this is
    stricter than needed, never weaker.
    """
    values = counts.to_numpy(dtype=float)
    hidden = (values > 0) & (values < min_count)
    totals = _total_positions(counts, total)
    lines = [list(zip(*line, strict=True)) for line in _lines(counts, total)]
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(hidden[p] for p in line) != 1:
                continue
            visible = [p for p in line if not hidden[p]]
            if not visible:
                continue
            # The smallest inner cell (a zero is fine: "< 5" includes 0, so
            # hiding it loses little and still leaves several possibilities),
            # a total only if no inner cell is left.
            pool = [p for p in visible if p not in totals] or visible
            pick = min(pool, key=lambda p: values[p])
            hidden[pick] = True
            changed = True
    return pd.DataFrame(hidden, index=counts.index, columns=counts.columns)


def _lines(counts: pd.DataFrame, total: str) -> list[tuple[np.ndarray, np.ndarray]]:
    """Index arrays of each row/column that adds up to a shown total."""
    rows, columns = counts.shape
    lines = []
    if total in counts.columns:
        for i in range(rows):
            lines.append((np.full(columns, i), np.arange(columns)))
    if total in counts.index:
        for j in range(columns):
            lines.append((np.arange(rows), np.full(rows, j)))
    return lines


def _total_positions(counts: pd.DataFrame, total: str) -> set[tuple[int, int]]:
    positions = set()
    if total in counts.columns:
        j = counts.columns.get_loc(total)
        positions |= {(i, j) for i in range(counts.shape[0])}
    if total in counts.index:
        i = counts.index.get_loc(total)
        positions |= {(i, j) for j in range(counts.shape[1])}
    return positions


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
    return apply_mask(table, suppression_mask(table, min_count), marker)


def suppress_summary(
    summary, min_count: int = MIN_COUNT, marker: str = MARKER
) -> pd.DataFrame:
    """A summaries.Summary table safe to show to others.

    Counts from 1 to min_count - 1 and every figure computed from them
    (percent, interval, weighted figures) become the marker. For a single
    choice, scale or commune question, whose counts add up to the number of
    people who answered, one hidden row could be recomputed: the smallest
    other row is hidden with it. The "Sans réponse" row is treated like
    any other count.
    """
    table = summary.table
    counts = table["count"].to_numpy(dtype=float)
    hidden = (counts > 0) & (counts < min_count)
    answers = ~table["no_answer"].to_numpy(dtype=bool)
    if summary.type != "multiple" and (hidden & answers).sum() == 1:
        others = np.flatnonzero(answers & ~hidden)
        if len(others):
            hidden[others[np.argmin(counts[others])]] = True
    figures = [c for c in table.columns if c not in ("code", "label", "no_answer")]
    mask = pd.DataFrame(False, index=table.index, columns=table.columns)
    mask.loc[hidden, figures] = True
    return apply_mask(table, mask, marker)
