"""Small statistical helpers shared by summaries, cross-tabs and comparisons.

All percentages in this package are 0-100; confidence intervals are 95 %.
"""

import numpy as np
import pandas as pd

Z95 = 1.959963984540054  # two-sided 95 % quantile of the normal law
SMALL_SAMPLE = 30
# Fewer people than this in a cell: never shown to others (crosstabs.py).
MIN_COUNT = 5
SMALL_SAMPLE_WARNING = (
    "Moins de 30 réponses : ces pourcentages sont très incertains, "
    "à lire avec prudence."
)
NO_ANSWER_WARNING = "Personne n'a répondu à cette question."


def wilson(successes, n, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a proportion, as percentages (0-100).

    Works on scalars or arrays; `n` may be an effective sample size (not an
    integer) for weighted proportions, `successes` then being p × n. Where
    n is 0 the bounds are NaN. Wilson rather than p ± 1.96·se because it
    stays inside 0-100 and behaves for small n and p near 0 or 1.
    """
    k = np.asarray(successes, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        denominator = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denominator
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denominator
        low = np.where(n > 0, np.clip(centre - half, 0, 1) * 100, np.nan)
        high = np.where(n > 0, np.clip(centre + half, 0, 1) * 100, np.nan)
    return low, high


def effective_sample_size(weights) -> float:
    """Kish's effective sample size (Σw)² / Σw², 0 for no weights.

    Equal weights give n; the more unequal the weights, the smaller it is:
    the number of unweighted answers that would give the same precision.
    """
    w = np.asarray(weights, dtype=float)
    w = w[~np.isnan(w)]
    square = float(np.sum(w**2))
    return float(np.sum(w) ** 2 / square) if square > 0 else 0.0


def weighted_quantiles(values, weights, quantiles) -> list[float]:
    """Quantiles of `values` with `weights` (step function, like the median)."""
    v = np.asarray(values, dtype=float)
    w = np.asarray(weights, dtype=float)
    keep = ~(np.isnan(v) | np.isnan(w)) & (w > 0)
    v, w = v[keep], w[keep]
    if not len(v):
        return [float("nan")] * len(quantiles)
    order = np.argsort(v, kind="stable")
    v, cumulative = v[order], np.cumsum(w[order])
    total = cumulative[-1]
    return [
        float(v[np.searchsorted(cumulative, q * total - 1e-9 * total)])
        for q in quantiles
    ]


def is_weighted(weights: pd.Series | None) -> bool:
    """True when weights are given and not all equal (1.0 means unweighted)."""
    if weights is None:
        return False
    w = weights.dropna().to_numpy(dtype=float)
    return bool(len(w)) and not np.allclose(w, w[0])


def warning_for(n: float) -> str | None:
    """The French caution to show next to a figure based on n answers."""
    if n == 0:
        return NO_ANSWER_WARNING
    if n < SMALL_SAMPLE:
        return SMALL_SAMPLE_WARNING
    return None
