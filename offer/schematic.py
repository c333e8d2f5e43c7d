"""A schematic view of needs against offer by commune (SVG, no map tiles).

Communes sit at their centres (equirectangular projection, fine at the scale
of an intercommunality); a commune without a known centre goes on a row
below. Each shows its name, its number of places and of uncovered needs in
words, so that colour is never the only carrier of the information.
"""

import math
from html import escape

import pandas as pd

WIDTH, HEIGHT, MARGIN = 640, 420, 60


def _positions(centres: pd.DataFrame) -> dict[str, tuple[float, float]]:
    located = centres.dropna(subset=["latitude", "longitude"])
    positions = {}
    if len(located):
        lat, lon = located["latitude"], located["longitude"]
        x_scale = math.cos(math.radians(float(lat.mean())))
        span = max((lon.max() - lon.min()) * x_scale, lat.max() - lat.min(), 1e-6)
        scale = min(WIDTH, HEIGHT - 60) - 2 * MARGIN
        for code, row in located.iterrows():
            x = MARGIN + (row["longitude"] - lon.min()) * x_scale / span * scale
            y = MARGIN + (lat.max() - row["latitude"]) / span * scale
            positions[code] = (float(x), float(y))
    unplaced = [c for c in centres.index if c not in positions]
    for i, code in enumerate(unplaced):
        row, col = divmod(i, 6)
        positions[code] = (MARGIN + col * 95.0, HEIGHT - 40.0 + row * 40)
    return positions


def needs_svg(
    table: pd.DataFrame, centres: pd.DataFrame, title: str = "Besoins et offre"
) -> str:
    """SVG of the communes of `centres` (needs.commune_centres: index code;
    name, latitude, longitude, places) coloured by their uncovered needs in
    `table` (needs_offer)."""
    communes = table[table["commune_code"].isin(centres.index)]
    missing = (
        communes[~communes["covered"] & (communes["hidden"] | (communes["count"] > 0))]
        .groupby("commune_code")
        .size()
    )
    positions = _positions(centres)
    rows = 1 + sum(1 for c in centres.index if pd.isna(centres.at[c, "latitude"])) // 6
    height = HEIGHT + 40 * rows
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-labelledby="schema-titre" class="schematic">',
        f'<title id="schema-titre">{escape(title)}</title>',
    ]
    for code, (x, y) in positions.items():
        gaps = int(missing.get(code, 0))
        count = int(centres["places"].get(code, 0)) if "places" in centres else 0
        fill = "#b34700" if gaps else "#1f6f43"
        radius = 8 + 3 * math.sqrt(count)
        name = escape(str(centres.at[code, "name"]))
        shape = (
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" fill="{fill}"/>'
            if gaps
            else f'<rect x="{x - radius:.1f}" y="{y - radius:.1f}" '
            f'width="{2 * radius:.1f}" height="{2 * radius:.1f}" fill="{fill}"/>'
        )
        parts.append(
            f"<g>{shape}"
            f'<text x="{x:.1f}" y="{y + radius + 12:.1f}" font-size="11" '
            f'text-anchor="middle" fill="#1a1a1a">{name}</text>'
            f'<text x="{x:.1f}" y="{y + radius + 24:.1f}" font-size="10" '
            f'text-anchor="middle" fill="#1a1a1a">{count} lieu(x), '
            f"{gaps} besoin(s) non couvert(s)</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)


def legend() -> str:
    """Plain-text legend shown under the SVG."""
    return (
        "Carré vert : aucun besoin exprimé sans offre proche. Rond orange : au "
        "moins un besoin exprimé sans lieu qui y réponde à proximité. La taille "
        "grandit avec le nombre de lieux de la commune. Position schématique."
    )
