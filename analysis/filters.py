"""Filters of the results page: collection point, period, profile answers.

Pure functions: the query string (a plain GET form) is parsed into
`Filters`, with French messages for what cannot be read, and applied to the
frames by keeping only the matching responses.
"""

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from .frames import SurveyFrames

PROFILE_THEME = "profil"


@dataclass
class Filters:
    point: int | None = None  # collection point id; 0 = responses without one
    start: dt.date | None = None
    end: dt.date | None = None
    profile: dict[str, str] = field(default_factory=dict)  # key -> choice code

    @property
    def active(self) -> bool:
        return bool(self.point is not None or self.start or self.end or self.profile)

    def query(self) -> dict[str, str]:
        """The filters as query-string arguments (for links and exports)."""
        args = {}
        if self.point is not None:
            args["lieu"] = str(self.point)
        if self.start:
            args["du"] = self.start.isoformat()
        if self.end:
            args["au"] = self.end.isoformat()
        for key, code in self.profile.items():
            args[f"profil_{key}"] = code
        return args


def profile_keys(frames: SurveyFrames) -> list[str]:
    """Single-choice questions usable as profile filters (theme "profil")."""
    q = frames.questions
    mask = (q["theme"] == PROFILE_THEME) & q["type"].isin(["single", "scale"])
    return list(q.index[mask])


def _date(text: str, label: str, errors: list[str]) -> dt.date | None:
    """A date typed as 2026-03-31 (date field) or 31/03/2026 (text field)."""
    text = text.strip()
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    errors.append(f"La date « {label} » n'est pas valide (exemple : 31/03/2026).")
    return None


def parse_filters(
    args: Mapping[str, str], frames: SurveyFrames, point_ids: set[int]
) -> tuple[Filters, list[str]]:
    """Read the filters from query arguments; unknown values are reported."""
    errors: list[str] = []
    filters = Filters()
    point = (args.get("lieu") or "").strip()
    if point:
        if point.isdigit() and (int(point) in point_ids or int(point) == 0):
            filters.point = int(point)
        else:
            errors.append("Ce lieu de collecte n'existe pas dans cette enquête.")
    filters.start = _date(args.get("du", ""), "du", errors)
    filters.end = _date(args.get("au", ""), "au", errors)
    if filters.start and filters.end and filters.start > filters.end:
        errors.append("La date de début est après la date de fin : période ignorée.")
        filters.start = filters.end = None
    for key in profile_keys(frames):
        code = (args.get(f"profil_{key}") or "").strip()
        if not code:
            continue
        if code in frames.codes(key):
            filters.profile[key] = code
        else:
            errors.append("Une réponse choisie dans les filtres n'existe pas.")
    return filters, errors


def apply_filters(frames: SurveyFrames, filters: Filters) -> SurveyFrames:
    """The frames restricted to the responses matching every filter."""
    if not filters.active:
        return frames
    wide = frames.wide
    mask = pd.Series(True, index=wide.index)
    if filters.point == 0:
        mask &= wide["point_id"].isna()
    elif filters.point is not None:
        mask &= (wide["point_id"] == filters.point).fillna(False)
    if filters.start:
        mask &= wide["day"] >= pd.Timestamp(filters.start)
    if filters.end:
        mask &= wide["day"] <= pd.Timestamp(filters.end)
    for key, code in filters.profile.items():
        mask &= (wide[key].astype("object") == code).fillna(False)
    return dataclasses.replace(frames, wide=wide[mask.to_numpy(bool)])
