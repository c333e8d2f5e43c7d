"""Costs and financing of a fiche action (issue 11 §5), checked by hand."""

from decimal import Decimal as D

import pytest

from action_plan.budget import compute_budget
from action_plan.money import AmountError, format_euros, format_percent, parse_amount

N = "\u202f"  # narrow no-break space, French typography


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1 234,50", D("1234.50")),
        ("1234.5", D("1234.50")),
        ("1\u202f234,5 €", D("1234.50")),
        ("1\u00a0000", D("1000.00")),
        ("12 000 €", D("12000.00")),
        ("0,99", D("0.99")),
        ("", None),
        ("   ", None),
    ],
)
def test_french_amounts_are_read(typed, value):
    assert parse_amount(typed) == value


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("douze", "n'est pas un montant"),
        ("12,345", "n'est pas un montant"),
        ("1.234,50", "n'est pas un montant"),
        ("-50", "négatif"),
        ("2000000000", "trop élevé"),
    ],
)
def test_bad_amounts_get_a_french_message(typed, message):
    with pytest.raises(AmountError, match=message):
        parse_amount(typed)


def test_euros_and_percent_in_french():
    assert format_euros(D("1234.5")) == f"1{N}234,50{N}€"
    assert format_euros(D("1234567")) == f"1{N}234{N}567,00{N}€"
    assert format_euros(D("0")) == f"0,00{N}€"
    assert format_percent(D("82.001")) == f"82,0{N}%"
    assert format_percent(None) == "—"


YEARS = [2026, 2027]
COSTS = [
    {"kind": "fonctionnement", "label": "Salaire médiateur",
     "amounts": {2026: D("20000"), 2027: D("21000.50")}},
    {"kind": "fonctionnement", "label": "Déplacements", "amounts": {2026: D("1500")}},
    {"kind": "investissement", "label": "Ordinateurs", "amounts": {2026: D("7499.50")}},
]  # fmt: skip
FINANCING = {
    "collectivite": {"detail": "", "amounts": {2026: D("10000"), 2027: D("10000.50")}},
    "etat": {"detail": "", "amounts": {2026: D("15000")}},
    "europe": {"detail": "FEDER", "amounts": {2026: D("3999.50")}},
    "prives": {"detail": "Fondation", "amounts": {2027: D("11000")}},
}


def test_costs_totals_and_shares_by_hand():
    budget = compute_budget(YEARS, COSTS, FINANCING)
    total = budget.cost_total
    assert total.amounts == {2026: D("28999.50"), 2027: D("21000.50")}
    assert total.total == D("50000.00")
    salary, travel, computers = budget.cost_lines
    assert salary.total == D("41000.50")
    assert format_percent(salary.share) == f"82,0{N}%"  # 41000.50 / 50000
    assert travel.share == D("3")
    assert format_percent(computers.share) == f"15,0{N}%"  # 14.999 %
    operating, investment = budget.kinds
    assert operating.amounts == {2026: D("21500"), 2027: D("21000.50")}
    assert operating.total == D("42500.50")
    assert format_percent(operating.year_shares[2026]) == f"74,1{N}%"  # 21500/28999.5
    assert operating.year_shares[2027] == D("100")
    assert investment.total == D("7499.50")
    assert investment.year_shares[2027] == D("0")


def test_financing_totals_shares_and_balance_by_hand():
    budget = compute_budget(YEARS, COSTS, FINANCING)
    by_code = {row.code: row for row in budget.funders}
    assert [row.code for row in budget.funders] == [
        "collectivite", "etat", "region", "departement", "europe",
        "autres_publics", "prives", "autofinancement",
    ]  # fmt: skip
    assert by_code["collectivite"].total == D("20000.50")
    assert format_percent(by_code["collectivite"].share) == f"40,0{N}%"
    assert by_code["europe"].detail == "FEDER"
    assert budget.public_total.amounts == {2026: D("28999.50"), 2027: D("10000.50")}
    assert budget.public_total.total == D("39000.00")
    assert budget.public_total.share == D("78")
    assert budget.funding_total.total == D("50000.00")
    assert by_code["region"].share == D("0")
    assert budget.balanced and budget.warnings == []


def test_mismatch_warns_per_year_and_overall():
    short = {**FINANCING, "prives": {"detail": "", "amounts": {2027: D("10000")}}}
    budget = compute_budget(YEARS, COSTS, short)
    assert not budget.balanced
    assert budget.warnings == [
        f"En 2027, les financements (20{N}000,50{N}€) ne couvrent pas les coûts "
        f"(21{N}000,50{N}€) : écart de 1{N}000,00{N}€.",
        f"Au total, les financements (49{N}000,00{N}€) ne couvrent pas les coûts "
        f"(50{N}000,00{N}€) : écart de 1{N}000,00{N}€.",
    ]
    over = {**FINANCING, "autofinancement": {"detail": "", "amounts": {2026: D("1")}}}
    assert (
        compute_budget(YEARS, COSTS, over)
        .warnings[0]
        .startswith(f"En 2026, les financements (29{N}000,50{N}€) dépassent les coûts")
    )


def test_empty_budget_has_no_share_and_no_warning():
    budget = compute_budget(YEARS, [], {})
    assert budget.cost_total.total == 0 and budget.warnings == []
    assert all(row.share is None for row in budget.funders)
