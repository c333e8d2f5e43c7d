"""Re-weighting the answers to the territory's population (raking).

    from analysis.weighting import reweight, read_margins_csv
    margins = read_margins_csv(open("pop1b.csv", "rb"), communes={"44109"})
    weights = reweight(frames, margins)       # pd.Series, mean 1
    summarise_all(frames, weights)            # weighted variants appear

A sample met at a market or a school over-represents some people. Raking
(iterative proportional fitting) gives each response a weight so that the
weighted shares of each profile variable (age band, gender, optionally
diploma) equal the population's, e.g. from INSEE's census table POP1B.
A margin's variable is a question key (PR_AGE, PR_GENRE, PR_DIPLOME: its
choice codes are the categories) or an alias of groups.py ("age" = the
five INSEE bands 15-24 ... 75+, "genre", "diplome"); margins.py reads them
from a CSV file and stores them per diagnostic in `analysis_margins`.
"""

import numpy as np
import pandas as pd

from .frames import SurveyFrames
from .groups import group_series
from .margins import MarginsError, load_margins, read_margins_csv, save_margins
from .stats import effective_sample_size

__all__ = [
    "MarginsError",
    "RakingError",
    "effective_sample_size",
    "load_margins",
    "read_margins_csv",
    "save_margins",
    "margins_dict",
    "rake",
    "raking_frame",
    "reweight",
]
# Two variables' totals may differ this much (rounding, sources of
# different years) before we refuse to mix them.
TOTAL_TOLERANCE = 0.05


class RakingError(ValueError):
    """The margins cannot be applied to these answers (message in French)."""


def margins_dict(margins) -> dict[str, dict[str, float]]:
    """Margins as {variable: {category: target}} from a dict or a DataFrame.

    A DataFrame needs the columns variable, category, target (as returned by
    read_margins_csv and load_margins).
    """
    if isinstance(margins, pd.DataFrame):
        result: dict[str, dict[str, float]] = {}
        for row in margins.itertuples(index=False):
            result.setdefault(row.variable, {})[row.category] = float(row.target)
        return result
    return {
        v: {str(c): float(t) for c, t in cats.items()} for v, cats in margins.items()
    }


def raking_frame(frames: SurveyFrames, variables) -> pd.DataFrame:
    """One column per raking variable (question key or groups.py alias).

    Raises groups.GroupingError if the survey does not ask a variable.
    """
    columns = {}
    for variable in variables:
        columns[variable] = group_series(frames, variable).codes
    return pd.DataFrame(columns, index=frames.wide.index)


def reweight(frames: SurveyFrames, margins, **options) -> pd.Series:
    """Weights making `frames` match `margins` (see `rake` for the options)."""
    margins = margins_dict(margins)
    return rake(raking_frame(frames, list(margins)), margins, **options)


def rake(
    frame: pd.DataFrame,
    margins,
    *,
    variables=None,
    max_iter: int = 100,
    tol: float = 1e-6,
    trim: tuple[float, float] | None = (0.2, 5.0),
) -> pd.Series:
    """Raking weights, one per row of `frame`, with mean 1.

    Inputs: `frame` has one column per variable holding category codes (a
    categorical or strings); `margins` is {variable: {category: target}} or
    a DataFrame (variable, category, target); targets are population counts
    or shares: each variable's targets are turned into shares. `variables`
    defaults to every variable of `margins`. `trim`: after each round,
    weights are kept between trim[0] and trim[1] times the mean weight (so
    that no answer counts for more than 5 others); None for no trimming.

    Missing profile answers: a row whose category is missing (NA) or not in
    the margins (e.g. "Autre" or "Je préfère ne pas répondre" for gender)
    is left out of that variable's adjustment: its weight is not changed
    by that margin, and the margin is applied to the rows that have a
    category, keeping their weighted total. Such rows are still adjusted
    on the other variables.

    The result's `attrs` hold `iterations` (rounds used) and `gap` (largest
    remaining difference between a weighted share and its target, 0-1).

    Raises RakingError (French message) when: there are no rows; a
    variable is not a column of `frame` or has no margins; a margin
    category is unknown in the data; a target is negative, not a number or
    zero while people of that category answered; a category of the
    margins has no respondent; two variables' totals differ by more than
    5 % (shares are compared, so small rounding differences are fine);
    or the weights do not converge within `max_iter` rounds (margins
    incompatible with the sample, or trimming too tight).
    """
    margins = margins_dict(margins)
    variables = list(variables or margins)
    if frame.empty:
        raise RakingError("Aucune réponse à redresser.")
    shares, members = _prepare(frame, margins, variables)
    weights = np.ones(len(frame))
    gap = float("inf")
    for iteration in range(1, max_iter + 1):
        for variable in variables:
            _adjust(weights, shares[variable], members[variable])
        if trim is not None:
            mean = weights.mean()
            np.clip(weights, trim[0] * mean, trim[1] * mean, out=weights)
        gap = _gap(weights, shares, members)
        if gap < tol:
            result = pd.Series(
                weights / weights.mean(), index=frame.index, name="weight"
            )
            # What a conseiller (or a reviewer) may ask: how it converged.
            result.attrs.update(iterations=iteration, gap=gap)
            return result
    raise RakingError(
        f"Le redressement ne converge pas en {max_iter} tours : il reste un écart "
        f"de {gap * 100:.1f} points entre une part redressée et sa marge. Les "
        "marges sont incompatibles avec l'échantillon (par exemple une catégorie "
        "très peu représentée) ou les bornes des poids sont trop étroites. "
        "Regroupez des catégories ou retirez une variable."
    )


def _prepare(frame, margins, variables):
    shares: dict[str, np.ndarray] = {}
    members: dict[str, np.ndarray] = {}
    totals = {}
    for variable in variables:
        if variable not in frame.columns:
            raise RakingError(f"La variable « {variable} » manque dans les réponses.")
        targets = margins.get(variable)
        if not targets:
            raise RakingError(f"Aucune marge pour la variable « {variable} ».")
        column = frame[variable]
        known = (
            set(map(str, column.cat.categories))
            if isinstance(column.dtype, pd.CategoricalDtype)
            else set(column.dropna().astype(str))
        )
        values = column.astype("object").where(column.notna(), None)
        codes = list(targets)
        index = np.full(len(frame), -1)
        for i, code in enumerate(codes):
            target = targets[code]
            if not np.isfinite(target) or target < 0:
                raise RakingError(
                    f"Marge « {variable} = {code} » : l'effectif doit être un "
                    "nombre positif."
                )
            if code not in known:
                raise RakingError(
                    f"Marge « {variable} = {code} » : cette catégorie n'existe pas "
                    "dans les réponses. Vérifiez l'orthographe des catégories."
                )
            hit = (values == code).to_numpy()
            if not hit.any():
                raise RakingError(
                    f"Personne n'a répondu « {code} » pour « {variable} » : "
                    "impossible de redresser sur cette catégorie. Regroupez-la "
                    "avec une catégorie voisine ou retirez-la des marges."
                )
            if target == 0:
                raise RakingError(
                    f"Marge « {variable} = {code} » vaut 0 alors que des personnes "
                    "de cette catégorie ont répondu."
                )
            index[hit] = i
        total = float(sum(targets.values()))
        totals[variable] = total
        shares[variable] = np.array([targets[c] / total for c in codes])
        members[variable] = index
    _check_totals(totals)
    return shares, members


def _check_totals(totals: dict[str, float]) -> None:
    values = list(totals.values())
    if max(values) - min(values) > TOTAL_TOLERANCE * max(values):
        detail = ", ".join(f"{v} : {t:g}" for v, t in totals.items())
        raise RakingError(
            "Les marges ne portent pas sur la même population (totaux : "
            f"{detail}). Utilisez pour chaque variable la même population, "
            "par exemple les 15 ans ou plus du territoire."
        )


def _adjust(weights: np.ndarray, shares: np.ndarray, index: np.ndarray) -> None:
    """Scale weights so that each category reaches its share (in place)."""
    inside = index >= 0
    current = np.bincount(index[inside], weights=weights[inside], minlength=len(shares))
    wanted = shares * current.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(current > 0, wanted / current, 1.0)
    weights[inside] *= factor[index[inside]]


def _gap(weights, shares, members) -> float:
    """Largest gap between a weighted share and its target."""
    gap = 0.0
    for variable, index in members.items():
        inside = index >= 0
        current = np.bincount(
            index[inside], weights=weights[inside], minlength=len(shares[variable])
        )
        gap = max(gap, float(np.abs(current / current.sum() - shares[variable]).max()))
    return gap
