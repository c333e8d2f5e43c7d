"""The portrait's age × sex (and diploma) figures as weighting margins.

One entry, no second copy: when the portrait holds the population by age
and sex of every commune of the territory, the surveys of the diagnostic are
re-weighted to it; otherwise to the margins typed on the survey's margins
page (analysis.margins). Output: the DataFrame layout analysis.weighting.rake
and analysis.margins.load_margins use (variable, category, target, source,
updated_at).
"""

import pandas as pd
import sqlite_utils

from analysis.frames import SurveyFrames
from analysis.groups import AGE_BANDS, AGE_GROUPS
from analysis.margins import AGE_LABELS, load_margins
from analysis.population_weights import Weighting, with_population_weights

from .indicators import DIPLOMA_KEYS
from .portrait_import import OPEN_AGE

COLUMNS = ["variable", "category", "target", "source", "updated_at"]
# Bands of the bank's PR_AGE question (15 and over), then the INSEE ones.
BANK_BANDS = {code: AGE_BANDS[code] for code in AGE_LABELS}
INSEE_BANDS = {
    code: (AGE_BANDS[parts[0]][0], AGE_BANDS[parts[-1]][1])
    for code, (_, parts) in AGE_GROUPS.items()
}


def portrait_margins(
    population: pd.DataFrame, figures: pd.DataFrame, territory: set[str]
) -> pd.DataFrame:
    """Margins (variable, category, target) of the 15 and over, from the
    portrait; empty when some commune of the territory lacks its ages."""
    if not territory or set(population["commune_code"]) < territory:
        return pd.DataFrame(columns=COLUMNS[:3])
    rows = population[population["commune_code"].isin(territory)]
    rows = rows[rows["age_high"] >= 15]
    if (rows["age_low"] < 15).any():
        return pd.DataFrame(columns=COLUMNS[:3])  # a band straddles 15
    out = []
    for variable, bands in (("PR_AGE", BANK_BANDS), ("age", INSEE_BANDS)):
        found = _by_band(rows, bands)
        if found is not None:
            out += [(variable, code, target) for code, target in found.items()]
            break
    for sex in ("femme", "homme"):
        out.append(
            ("PR_GENRE", sex, float(rows.loc[rows["sex"] == sex, "count"].sum()))
        )
    diplomas = figures[
        figures["indicator"].isin(DIPLOMA_KEYS)
        & figures["commune_code"].isin(territory)
    ]
    if len(diplomas) == len(DIPLOMA_KEYS) * len(territory):
        # INSEE counts diplomas among people who have left school: their
        # shares are applied to the 15+ total so that every margin describes
        # the same population (raking refuses margins with different totals).
        adults = float(rows["count"].sum())
        counts = diplomas.groupby("indicator")["value"].sum()
        if counts.sum() > 0:
            for key in DIPLOMA_KEYS:
                target = adults * float(counts[key]) / float(counts.sum())
                out.append(("PR_DIPLOME", key.removeprefix("diplome_"), target))
    return pd.DataFrame(out, columns=COLUMNS[:3])


def _by_band(rows: pd.DataFrame, bands: dict) -> dict[str, float] | None:
    """Totals per band, or None when a row does not fit inside one band."""
    totals = dict.fromkeys(bands, 0.0)
    for row in rows.itertuples(index=False):
        high = min(row.age_high, OPEN_AGE)
        band = next(
            (c for c, (lo, hi) in bands.items() if lo <= row.age_low and high <= hi),
            None,
        )
        if band is None:
            return None
        totals[band] += row.count
    return totals


def diagnostic_margins(db: sqlite_utils.Database, diagnostic_id: int) -> pd.DataFrame:
    """The margins every survey of the diagnostic is re-weighted to."""
    from .portrait import load_portrait

    portrait = load_portrait(db, diagnostic_id)
    territory = set(portrait["communes"]["code"])
    margins = portrait_margins(portrait["population"], portrait["figures"], territory)
    if margins.empty:
        return load_margins(db, diagnostic_id)
    titles = sorted({s["title"] for s in portrait["sources"]})
    margins["source"] = "Portrait du territoire : " + ", ".join(titles)
    margins["updated_at"] = ""
    return margins[COLUMNS]


def reweighted(
    db: sqlite_utils.Database, frames: SurveyFrames
) -> tuple[SurveyFrames, Weighting]:
    """The survey's frames re-weighted to its diagnostic's margins: the
    portrait's ages and sexes when entered there (issue 10), else the margins
    typed on the survey's margins page. See with_population_weights."""
    return with_population_weights(
        frames, diagnostic_margins(db, frames.survey["diagnostic_id"])
    )
