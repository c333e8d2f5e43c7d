"""Apply a diagnostic's stored population margins to a survey's frames.

The results page, its exports and the `export` command all show the same
re-weighted figures: weights are computed over every response of the
survey (filters are applied afterwards, so that filtering by age does not
make the age margin impossible to reach).
"""

import dataclasses
from dataclasses import dataclass

import sqlite_utils

from .frames import SurveyFrames
from .groups import GroupingError
from .margins import load_margins
from .stats import effective_sample_size
from .weighting import RakingError, reweight

VARIABLE_NAMES = {
    "PR_AGE": "âge",
    "age": "âge",
    "PR_GENRE": "genre",
    "PR_DIPLOME": "diplôme",
}


@dataclass
class Weighting:
    """What the page says about re-weighting."""

    applied: bool = False
    variables: list[str] = dataclasses.field(default_factory=list)
    n: int = 0
    n_effective: float | None = None
    error: str = ""
    has_margins: bool = False


def with_population_weights(
    db: sqlite_utils.Database, frames: SurveyFrames
) -> tuple[SurveyFrames, Weighting]:
    """The frames re-weighted to the diagnostic's margins, if any are stored.

    Never raises for bad margins: the French reason is in `Weighting.error`
    and the frames come back unweighted.
    """
    margins = load_margins(db, frames.survey["diagnostic_id"])
    info = Weighting(has_margins=not margins.empty, n=len(frames.wide))
    if margins.empty or frames.wide.empty:
        return frames, info
    names = list(dict.fromkeys(margins["variable"]))
    info.variables = [VARIABLE_NAMES.get(v, v) for v in names]
    try:
        weights = reweight(frames, margins[["variable", "category", "target"]])
    except (RakingError, GroupingError) as error:
        info.error = str(error)
        return frames, info
    info.applied = True
    info.n_effective = effective_sample_size(weights.to_numpy())
    wide = frames.wide.assign(weight=weights.reindex(frames.wide.index).fillna(1.0))
    return dataclasses.replace(frames, wide=wide), info
