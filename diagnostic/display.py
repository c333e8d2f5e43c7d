"""How figures and dates read in French on the pages ("25 novembre 2026")."""

import pandas as pd

from survey_app import dates


def french_date(value: str | None) -> str:
    """'2026-11-25' → '25 novembre 2026', Paris time for a stamp, as on every
    other page (anything unreadable is shown as is)."""
    try:
        return dates.french_date(value)
    except ValueError:
        return str(value or "")


def format_figure(value, unit: str) -> str:
    """French number with its unit: 1 234, 12,5 %, 6,2 /10; '—' when unknown."""
    if value is None or pd.isna(value):
        return "—"
    if unit == "%":
        return f"{value:.1f}".replace(".", ",") + "\u00a0%"
    if unit.startswith("score"):
        return f"{value:.1f}".replace(".", ",") + "\u00a0/10"
    return f"{value:,.0f}".replace(",", "\u202f")
