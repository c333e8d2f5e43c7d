"""Every indicator of a diagnostic with its measures, status and chart: what
the dashboard page, the step-8 summary and the document show. No Flask."""

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlite_utils

from .charts import progress_svg
from .indicators import load_indicators
from .measures import Measure, MeasureReader, points
from .progress import (
    NO_DATA,
    STATUS_LABELS,
    Point,
    Status,
    indicator_status,
    next_measure,
)


@dataclass
class IndicatorView:
    indicator: dict[str, Any]
    measures: list[Measure]
    status: Status

    @property
    def target(self) -> Point | None:
        return target_point(self.indicator)

    @property
    def next_due(self) -> date | None:
        """When the next measure is due (last measure or start + frequency)."""
        dated = [p.on for p in points(self.measures)]
        if self.status.start is not None:
            dated.append(self.status.start.on)
        last = max(dated) if dated else None
        return next_measure(last, self.indicator["frequency"])

    def svg(self) -> str:
        item = self.indicator
        return progress_svg(
            f"indicateur-{item['id']}",
            item["name"],
            item["unit"],
            self.status.start,
            self.target,
            [p for p in points(self.measures) if p != self.status.start],
        )


def _point(value: float | None, on: str | None) -> Point | None:
    if value is None or not on:
        return None
    return Point(date.fromisoformat(on), float(value))


def baseline_point(indicator: dict[str, Any]) -> Point | None:
    return _point(indicator["baseline_value"], indicator["baseline_on"])


def target_point(indicator: dict[str, Any]) -> Point | None:
    return _point(indicator["target_value"], indicator["target_on"])


def indicator_views(
    db: sqlite_utils.Database, diagnostic_id: int, fiche_id: int | None = None
) -> list[IndicatorView]:
    """The diagnostic's indicators (of one fiche if given), each with its
    measures (hand-entered, from the surveys, from the portrait) and status."""
    reader = MeasureReader(db, diagnostic_id)
    items = load_indicators(db, diagnostic_id, fiche_id)
    return [view_of(reader, item) for item in items]


def view_of(reader: MeasureReader, item: dict[str, Any]) -> IndicatorView:
    """One indicator with its measures and status."""
    measures = reader.measures(item)
    found = points(measures)
    status = indicator_status(baseline_point(item), target_point(item), found)
    return IndicatorView(item, measures, status)


def status_counts(views: list[IndicatorView]) -> dict[str, int]:
    """How many indicators in each status, in the labels' order."""
    counted = Counter(v.status.code for v in views)
    return {code: counted.get(code, 0) for code in STATUS_LABELS}


def summary_line(views: list[IndicatorView]) -> str:
    """'3 indicateurs : 1 en bonne voie, 1 en retard, 1 pas de donnée'."""
    if not views:
        return "aucun indicateur"
    counts = status_counts(views)
    parts = [f"{n} {STATUS_LABELS[code]}" for code, n in counts.items() if n]
    plural = "s" if len(views) > 1 else ""
    return f"{len(views)} indicateur{plural} : " + ", ".join(parts)


__all__ = ["NO_DATA", "IndicatorView", "indicator_views", "status_counts"]
