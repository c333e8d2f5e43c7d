"""The neutral document model's layout helpers (analysis/document_model.py)."""

from analysis.document_model import Table, column_widths, sources_as_notes

LONG = "Démonstration : chiffres fictifs, au format de la table POP1B de l'Insee"


def _table() -> Table:
    return Table(
        caption="Chiffres clés",
        basis="",
        header=["Indicateur", "Territoire", "Source"],
        rows=[
            ["Part des 65 ans ou plus", "27,9 %", LONG],
            ["Part des 75 ans ou plus", "12,3 %", LONG],
            ["Taux de pauvreté", "11 %", "Filosofi 2021"],
            ["Chômage", "8 %", ""],
        ],
        notes=["Note d'origine."],
    )


def test_each_source_is_written_once_under_the_table():
    table = sources_as_notes(_table())
    assert [r[2] for r in table.rows] == ["(1)", "(1)", "(2)", ""]
    assert table.notes == ["Note d'origine.", f"(1) {LONG}", "(2) Filosofi 2021"]
    assert [r[:2] for r in table.rows] == [r[:2] for r in _table().rows]
    no_source = Table("t", "", ["A", "B"], [["1", "2"]])
    assert sources_as_notes(no_source) is no_source


def test_columns_are_as_wide_as_what_they_hold():
    widths = column_widths(_table(), 17.0)
    assert abs(sum(widths) - 17.0) < 0.2
    label, figure, source = widths
    assert source > label > 1.5 * figure
    assert figure >= 1.4  # "Territoire" must not wrap letter by letter
