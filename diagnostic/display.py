"""How figures and dates read in French on the pages ("25 novembre 2026")."""

from datetime import date

import pandas as pd

MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre"]  # fmt: skip


def french_date(value: str | None) -> str:
    """'2026-11-25' → '25 novembre 2026' (anything unreadable is shown as is)."""
    try:
        day = date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value or "")
    return f"{day.day}{'er' if day.day == 1 else ''} {MONTHS[day.month - 1]} {day.year}"


def format_figure(value, unit: str) -> str:
    """French number with its unit: 1 234, 12,5 %, 6,2 /10; '—' when unknown."""
    if value is None or pd.isna(value):
        return "—"
    if unit == "%":
        return f"{value:.1f}".replace(".", ",") + "\u00a0%"
    if unit.startswith("score"):
        return f"{value:.1f}".replace(".", ",") + "\u00a0/10"
    return f"{value:,.0f}".replace(",", "\u202f")
