"""Apply population margins to a survey's frames.

The margins come from the caller (diagnostic.margins.reweighted reads the
diagnostic's portrait, else the margins typed on the survey's page): the
analysis core reads no other package's tables.

The results page, its exports and the `export` command all show the same
re-weighted figures: weights are computed over every response of the
survey (filters are applied afterwards, so that filtering by age does not
make the age margin impossible to reach).
"""

import dataclasses
from dataclasses import dataclass

import pandas as pd

from .frames import SurveyFrames
from .groups import AGE_BANDING, GroupingError
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
    iterations: int = 0
    gap: float = 0.0  # largest remaining gap, in points of percentage


def with_population_weights(
    frames: SurveyFrames, margins: pd.DataFrame
) -> tuple[SurveyFrames, Weighting]:
    """The frames re-weighted to `margins` (variable, category, target), if any.

    Never raises for bad margins: the French reason is in `Weighting.error`
    and the frames come back unweighted.
    """
    info = Weighting(has_margins=not margins.empty, n=len(frames.wide))
    if margins.empty or frames.wide.empty:
        return frames, info
    names = list(dict.fromkeys(margins["variable"]))
    info.variables = [
        "âge" if v.startswith(AGE_BANDING) else VARIABLE_NAMES.get(v, v) for v in names
    ]
    try:
        weights = reweight(frames, margins[["variable", "category", "target"]])
    except (RakingError, GroupingError) as error:
        info.error = str(error)
        return frames, info
    info.applied = True
    info.iterations = weights.attrs.get("iterations", 0)
    info.gap = weights.attrs.get("gap", 0.0) * 100
    info.n_effective = effective_sample_size(weights.to_numpy())
    wide = frames.wide.assign(weight=weights.reindex(frames.wide.index).fillna(1.0))
    return dataclasses.replace(frames, wide=wide), info
