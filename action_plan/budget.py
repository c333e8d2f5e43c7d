"""A fiche action's costs and financing, as in the guide's annex 2 (pure).

Costs are lines of operating expenses or investments with an amount per
year (TTC). Financing has one row per source in the annex's order. Every
total and share is computed here with Decimal, never typed by hand, so the
table the élus read always adds up; when financing and costs differ the
French warning says by how much and for which year.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from .money import format_euros

COST_KINDS = {
    "fonctionnement": "Dépenses de fonctionnement",
    "investissement": "Investissements",
}

# (code, label, public?, detail asked): the annex's rows, in its order.
FUNDERS = [
    ("collectivite", "Collectivité", True, False),
    ("etat", "État", True, False),
    ("region", "Région", True, False),
    ("departement", "Département", True, False),
    ("europe", "Europe (fonds)", True, True),
    ("autres_publics", "Autres financements publics", True, True),
    ("prives", "Privés", False, True),
    ("autofinancement", "Autofinancement", False, False),
]
FUNDER_LABELS = {code: label for code, label, _, _ in FUNDERS}
ZERO = Decimal("0")
HUNDRED = Decimal("100")


@dataclass
class Row:
    """One line of a budget table: amounts per year, total, share (%)."""

    label: str
    amounts: dict[int, Decimal]
    total: Decimal
    share: Decimal | None = None  # % of the relevant total, None if total is 0
    code: str = ""
    detail: str = ""
    year_shares: dict[int, Decimal | None] = field(default_factory=dict)


@dataclass
class Budget:
    years: list[int]
    cost_lines: list[Row]
    kinds: list[Row]  # operating, investment: subtotal and share per year
    cost_total: Row
    funders: list[Row]  # the eight sources
    public_total: Row
    funding_total: Row
    warnings: list[str]

    @property
    def balanced(self) -> bool:
        return not self.warnings


def share(part: Decimal, whole: Decimal) -> Decimal | None:
    return part * HUNDRED / whole if whole else None


def _row(label: str, amounts: dict[int, Decimal], years: list[int], **kw) -> Row:
    clean = {y: amounts.get(y, ZERO) for y in years}
    return Row(label, clean, sum(clean.values(), ZERO), **kw)


def _sum_rows(label: str, rows: list[Row], years: list[int]) -> Row:
    return _row(
        label, {y: sum((r.amounts[y] for r in rows), ZERO) for y in years}, years
    )


def compute_budget(
    years: list[int], costs: list[dict], financing: dict[str, dict]
) -> Budget:
    """Totals, shares and warnings from the stored lines.

    `costs`: [{kind, label, amounts: {year: Decimal}}]; `financing`:
    {funder code: {detail, amounts: {year: Decimal}}}. Amounts for years
    outside `years` are ignored by the caller's choice of years.
    """
    lines = [
        _row(c["label"] or COST_KINDS[c["kind"]], c["amounts"], years, code=c["kind"])
        for c in costs
    ]
    total = _sum_rows("Coût global de l'action", lines, years)
    for line in lines:
        line.share = share(line.total, total.total)
    kinds = []
    for code, label in COST_KINDS.items():
        row = _sum_rows(label, [r for r in lines if r.code == code], years)
        row.code, row.share = code, share(row.total, total.total)
        row.year_shares = {y: share(row.amounts[y], total.amounts[y]) for y in years}
        kinds.append(row)
    funders = []
    for code, label, _public, _detail in FUNDERS:
        given = financing.get(code, {})
        funders.append(
            _row(
                label,
                given.get("amounts", {}),
                years,
                code=code,
                detail=given.get("detail", ""),
            )
        )
    public = _sum_rows(
        "Total financements publics",
        [r for r, f in zip(funders, FUNDERS, strict=True) if f[2]],
        years,
    )
    funding = _sum_rows("Total des financements", funders, years)
    for row in [*funders, public, funding]:
        row.share = share(row.total, funding.total)
        row.year_shares = {y: share(row.amounts[y], funding.amounts[y]) for y in years}
    return Budget(
        years,
        lines,
        kinds,
        total,
        funders,
        public,
        funding,
        mismatch_warnings(years, total, funding),
    )


def mismatch_warnings(years: list[int], costs: Row, funding: Row) -> list[str]:
    """French sentences, one per year (and overall) where the sums differ."""
    warnings = []
    for year in years:
        gap = funding.amounts[year] - costs.amounts[year]
        if gap:
            warnings.append(
                _gap_sentence(
                    f"En {year}", gap, costs.amounts[year], funding.amounts[year]
                )
            )
    gap = funding.total - costs.total
    if gap:
        warnings.append(_gap_sentence("Au total", gap, costs.total, funding.total))
    return warnings


def _gap_sentence(when: str, gap: Decimal, cost: Decimal, funding: Decimal) -> str:
    what = "dépassent" if gap > 0 else "ne couvrent pas"
    return (
        f"{when}, les financements ({format_euros(funding)}) {what} les coûts "
        f"({format_euros(cost)}) : écart de {format_euros(abs(gap))}."
    )
