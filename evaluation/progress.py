"""Where an indicator stands: pure functions, no Flask, no database.

The rule (said on the dashboard and in the document):
- the planned path is a straight line from the starting value (on its date)
  to the target (on the target date); after the target date, the target;
- the latest measure taken after the starting date is compared with that
  path: its progress is the share of the planned change already achieved,
  (measure − start) / (target − start), the expected progress the share of
  the time elapsed; it is **en bonne voie** when it is at most TOLERANCE
  (10 points of the planned change) behind, **en retard** otherwise;
- a target equal to the start means "keep the level": en bonne voie while the
  measure stays within TOLERANCE of it (relative), en retard otherwise;
- **pas de donnée** when there is no start, no target (value and date), or no
  measure after the starting date. The starting value is the one entered;
  without it, the earliest measure is the start.
"""

from dataclasses import dataclass
from datetime import date

TOLERANCE = 0.10
ON_TRACK, LATE, NO_DATA = "on_track", "late", "no_data"
STATUS_LABELS = {
    ON_TRACK: "en bonne voie",
    LATE: "en retard",
    NO_DATA: "pas de donnée",
}


@dataclass(frozen=True)
class Point:
    on: date
    value: float


@dataclass(frozen=True)
class Status:
    code: str  # ON_TRACK | LATE | NO_DATA
    reason: str  # a French sentence saying why
    start: Point | None = None
    latest: Point | None = None
    expected: float | None = None  # the planned value on the latest date
    progress: float | None = None  # share of the planned change achieved

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.code]


def planned_value(start: Point, target: Point, on: date) -> float:
    """The value the straight path from start to target gives on `on`
    (the start before it begins, the target after the target date)."""
    if on <= start.on:
        return start.value
    if on >= target.on or target.on <= start.on:
        return target.value
    elapsed = (on - start.on).days / (target.on - start.on).days
    return start.value + (target.value - start.value) * elapsed


def starting_point(baseline: Point | None, measures: list[Point]) -> Point | None:
    """The baseline entered, else the earliest measure."""
    if baseline is not None:
        return baseline
    return min(measures, key=lambda p: p.on) if measures else None


def indicator_status(
    baseline: Point | None, target: Point | None, measures: list[Point]
) -> Status:
    """Where the indicator stands (see the module docstring for the rule)."""
    start = starting_point(baseline, measures)
    if target is None:
        return Status(NO_DATA, "Cible ou date de la cible à compléter.", start)
    if start is None:
        return Status(NO_DATA, "Aucune valeur de départ ni mesure.", start)
    if target.on <= start.on:
        return Status(
            NO_DATA, "La date de la cible est avant la valeur de départ.", start
        )
    later = [p for p in measures if p.on > start.on]
    if not later:
        return Status(NO_DATA, "Aucune mesure depuis la valeur de départ.", start)
    latest = max(later, key=lambda p: p.on)
    expected = planned_value(start, target, latest.on)
    change = target.value - start.value
    if change == 0:
        scale = abs(target.value) or 1.0
        gap = abs(latest.value - target.value) / scale
        if gap <= TOLERANCE:
            return Status(ON_TRACK, "Le niveau visé est maintenu.", start, latest,
                          expected, None)  # fmt: skip
        return Status(LATE, "Le niveau visé n'est pas maintenu.", start, latest,
                      expected, None)  # fmt: skip
    progress = (latest.value - start.value) / change
    elapsed = (expected - start.value) / change
    if progress >= 1:
        reason = "Cible atteinte."
        code = ON_TRACK
    elif progress >= elapsed - TOLERANCE:
        code, reason = ON_TRACK, "La dernière mesure suit le chemin prévu."
    else:
        code = LATE
        reason = (
            "La dernière mesure est en dessous du chemin prévu."
            if change > 0
            else "La dernière mesure est au-dessus du chemin prévu."
        )
    return Status(code, reason, start, latest, expected, progress)


FREQUENCY_MONTHS = {"mensuelle": 1, "trimestrielle": 3, "semestrielle": 6,
                    "annuelle": 12}  # fmt: skip


def add_months(day: date, months: int) -> date:
    """The same day `months` later, the month's last day when it is shorter
    (31 January + 1 month = 28 or 29 February)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = (date(year + month // 12, month % 12 + 1, 1) - date.resolution).day
    return date(year, month, min(day.day, last))


def next_measure(last: date | None, frequency: str) -> date | None:
    """When the next measure is due: the last one (or the start) plus the
    indicator's frequency; None without a frequency or a first date."""
    months = FREQUENCY_MONTHS.get(frequency)
    if last is None or months is None:
        return None
    return add_months(last, months)
