"""The age pyramid as inline SVG (no JavaScript, crisp when printed)."""

from html import escape

import pandas as pd

BAND = 5  # years per bar
WIDTH, BAR, GAP, LABEL = 640, 14, 2, 70


def pyramid_bands(population: pd.DataFrame) -> pd.DataFrame:
    """Counts per 5-year band and sex (rows: band label; columns: homme,
    femme). Wider bands (75+) are kept as they are."""
    if population.empty:
        return pd.DataFrame(columns=["low", "label", "homme", "femme"])
    frame = population.copy()
    single = frame["age_high"] - frame["age_low"] < BAND
    frame["low"] = frame["age_low"].where(~single, frame["age_low"] // BAND * BAND)
    frame["high"] = frame["age_high"].where(~single, frame["low"] + BAND - 1)
    frame.loc[frame["age_high"] >= 100, "high"] = 200
    grouped = (
        frame.pivot_table(
            index=["low", "high"], columns="sex", values="count", aggfunc="sum"
        )
        .reindex(columns=["homme", "femme"])
        .fillna(0)
    )
    grouped = grouped.reset_index()
    grouped["label"] = [
        f"{lo} ans ou plus" if hi >= 100 else f"{lo}-{hi} ans"
        for lo, hi in zip(grouped["low"], grouped["high"], strict=True)
    ]
    return grouped[["low", "label", "homme", "femme"]]


def pyramid_svg(population: pd.DataFrame, title: str = "Pyramide des âges") -> str:
    """Men on the left, women on the right, oldest band on top."""
    bands = pyramid_bands(population).sort_values("low", ascending=False)
    if bands.empty:
        return ""
    largest = max(bands["homme"].max(), bands["femme"].max()) or 1
    half = (WIDTH - LABEL) / 2
    height = len(bands) * (BAR + GAP) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-labelledby="pyramide-titre" class="pyramid">'
        f'<title id="pyramide-titre">{escape(title)} : hommes à gauche, femmes à '
        "droite, par tranche d'âge</title>",
        f'<text x="{half / 2}" y="12" text-anchor="middle">Hommes</text>',
        f'<text x="{half + LABEL + half / 2}" y="12" text-anchor="middle">'
        "Femmes</text>",
    ]
    for i, band in enumerate(bands.itertuples(index=False)):
        y = 20 + i * (BAR + GAP)
        men = band.homme / largest * (half - 4)
        women = band.femme / largest * (half - 4)
        parts += [
            f'<rect x="{half - men:.1f}" y="{y}" width="{men:.1f}" height="{BAR}" '
            f'fill="#1f5fa8"><title>{escape(band.label)}, hommes : '
            f"{band.homme:,.0f}</title></rect>".replace(",", "\u202f"),
            f'<rect x="{half + LABEL}" y="{y}" width="{women:.1f}" height="{BAR}" '
            f'fill="#b8452f"><title>{escape(band.label)}, femmes : '
            f"{band.femme:,.0f}</title></rect>".replace(",", "\u202f"),
            f'<text x="{half + LABEL / 2}" y="{y + BAR - 3}" text-anchor="middle" '
            f'font-size="11">{escape(band.label.replace(" ans", ""))}</text>',
        ]
    parts.append("</svg>")
    return "".join(parts)
