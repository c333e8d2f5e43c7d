"""The territory portrait (step 2): storing figures and reading them back.

Writers take a sqlite-utils Database; `load_portrait` returns plain data
(DataFrames and dicts) for the page and for the diagnostic document. The
computations on that data (`territory_figures`, `commune_table`,
`missing_items`) are pure pandas functions.
"""

from typing import Any

import pandas as pd
import sqlite_utils

from survey_app.db import now, write_transaction

from .indicators import INDICATORS, REFERENCE_KINDS
from .portrait_import import CheckedImport


def add_source(
    db: sqlite_utils.Database, diagnostic_id: int, title: str, year, url: str
) -> int:
    """Insert a source (call inside the caller's transaction)."""
    return db.execute(
        "INSERT INTO portrait_sources (diagnostic_id, title, year, url, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        [diagnostic_id, title.strip(), year, url.strip(), now()],
    ).lastrowid


def store_import(
    db: sqlite_utils.Database,
    diagnostic_id: int,
    checked: CheckedImport,
    title: str,
    year: int | None,
    url: str,
) -> int:
    """Store a checked import in one transaction (all or nothing).

    A figure replaces the same commune's same indicator; population rows
    replace the whole age structure of the communes present in the file.
    :raise ValueError: the import still has errors.
    """
    if not checked.ok:
        raise ValueError("import with errors")
    with write_transaction(db):
        source_id = add_source(db, diagnostic_id, title, year, url)
        db.conn.executemany(
            "INSERT OR REPLACE INTO portrait_figures (diagnostic_id, commune_code, "
            "indicator, value, source_id) VALUES (?, ?, ?, ?, ?)",
            [
                (diagnostic_id, r.commune_code, r.indicator, float(r.value), source_id)
                for r in checked.figures.itertuples(index=False)
            ],
        )
        population = checked.population
        db.conn.executemany(
            "DELETE FROM portrait_population WHERE diagnostic_id = ? "
            "AND commune_code = ?",
            [(diagnostic_id, c) for c in population["commune_code"].unique()],
        )
        db.conn.executemany(
            "INSERT INTO portrait_population (diagnostic_id, commune_code, sex, "
            "age_low, age_high, count, source_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    diagnostic_id,
                    r.commune_code,
                    r.sex,
                    int(r.age_low),
                    int(r.age_high),
                    float(r.count),
                    source_id,
                )
                for r in population.itertuples(index=False)
            ],  # fmt: skip
        )
        _forget_unused_sources(db, diagnostic_id)
    return source_id


def set_figure(
    db: sqlite_utils.Database,
    diagnostic_id: int,
    commune_code: str,
    indicator: str,
    value: float | None,
    title: str = "",
    year: int | None = None,
    url: str = "",
) -> None:
    """Manual entry of one figure; value None deletes it."""
    with write_transaction(db):
        if value is None:
            db.execute(
                "DELETE FROM portrait_figures WHERE diagnostic_id = ? AND "
                "commune_code = ? AND indicator = ?",
                [diagnostic_id, commune_code, indicator],
            )
        else:
            source_id = add_source(db, diagnostic_id, title, year, url)
            db.execute(
                "INSERT OR REPLACE INTO portrait_figures (diagnostic_id, "
                "commune_code, indicator, value, source_id) VALUES (?, ?, ?, ?, ?)",
                [diagnostic_id, commune_code, indicator, value, source_id],
            )
        _forget_unused_sources(db, diagnostic_id)


def _forget_unused_sources(db: sqlite_utils.Database, diagnostic_id: int) -> None:
    db.execute(
        """DELETE FROM portrait_sources WHERE diagnostic_id = ?
           AND id NOT IN (SELECT source_id FROM portrait_figures)
           AND id NOT IN (SELECT source_id FROM portrait_population)""",
        [diagnostic_id],
    )


def add_reference(db, diagnostic_id: int, **fields) -> int:
    with write_transaction(db):
        return db.execute(
            "INSERT INTO portrait_references (diagnostic_id, kind, title, year, url, "
            "summary, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [diagnostic_id, fields["kind"], fields["title"], fields.get("year"),
             fields.get("url", ""), fields.get("summary", ""), now()],
        ).lastrowid  # fmt: skip


def load_portrait(db: sqlite_utils.Database, diagnostic_id: int) -> dict[str, Any]:
    """Everything the portrait holds, as plain data (see the package doc)."""
    communes = _frame(
        db,
        """SELECT c.code, c.name, c.population FROM diagnostic_communes dc
           JOIN communes c ON c.code = dc.commune_code
           WHERE dc.diagnostic_id = ? ORDER BY c.name""",
        [diagnostic_id],
        ["code", "name", "population"],
    )
    figures = _frame(
        db,
        """SELECT f.commune_code, f.indicator, f.value, s.title AS source,
                  s.year, s.url FROM portrait_figures f
           JOIN portrait_sources s ON s.id = f.source_id
           WHERE f.diagnostic_id = ?""",
        [diagnostic_id],
        ["commune_code", "indicator", "value", "source", "year", "url"],
    )
    population = _frame(
        db,
        """SELECT p.commune_code, p.sex, p.age_low, p.age_high, p.count,
                  s.title AS source, s.year, s.url FROM portrait_population p
           JOIN portrait_sources s ON s.id = p.source_id
           WHERE p.diagnostic_id = ? ORDER BY p.age_low""",
        [diagnostic_id],
        ["commune_code", "sex", "age_low", "age_high", "count", "source", "year",
         "url"],
    )  # fmt: skip
    references = [
        {**dict(r), "kind_label": REFERENCE_KINDS.get(r["kind"], r["kind"])}
        for r in db.execute(
            "SELECT * FROM portrait_references WHERE diagnostic_id = ? "
            "ORDER BY kind, year DESC",
            [diagnostic_id],
        )
    ]
    figures = with_derived_ages(figures, population)
    return {
        "communes": communes,
        "figures": figures,
        "population": population,
        "territory": territory_figures(communes, figures),
        "table": commune_table(communes, figures),
        "missing": missing_items(communes, figures, population, references),
        "references": references,
        "sources": sources(figures, population),
    }


def _frame(db, sql: str, params: list, columns: list[str]) -> pd.DataFrame:
    rows = [tuple(r) for r in db.execute(sql, params)]
    return pd.DataFrame(rows, columns=columns)


def with_derived_ages(figures: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    """Add the shares of 65+ and 75+ computed from the age structure, for
    communes whose file did not give them (same source as the ages)."""
    if population.empty:
        return figures
    # One pass per age over the whole table (a loop per commune took seconds
    # on a 40-commune territory, at every display of the portrait).
    by_commune = population.groupby("commune_code")
    totals = by_commune["count"].sum()
    first_rows = population.drop_duplicates("commune_code").set_index("commune_code")
    given = set(zip(figures["commune_code"], figures["indicator"], strict=True))
    low, high = population["age_low"], population["age_high"]
    per_age = {}
    for age in (65, 75):
        straddles = ((low < age) & (high >= age)).groupby(population["commune_code"])
        above = population["count"].where(low >= age, 0)
        per_age[age] = (
            straddles.any(),
            above.groupby(population["commune_code"]).sum(),
        )
    derived = []
    for code, total in totals.items():
        if not total:
            continue
        first = first_rows.loc[code]
        for key, age in (("part_65_plus", 65), ("part_75_plus", 75)):
            straddled, above = per_age[age]
            if (code, key) in given or straddled[code]:
                continue  # given by the file, or a band straddles the age
            share = 100 * above[code] / total
            derived.append((code, key, share, first["source"], first["year"],
                            first["url"]))  # fmt: skip
    if not derived:
        return figures
    extra = pd.DataFrame(derived, columns=figures.columns)
    return pd.concat([figures, extra], ignore_index=True) if len(figures) else extra


def territory_figures(communes: pd.DataFrame, figures: pd.DataFrame) -> pd.DataFrame:
    """One line per indicator with a value: the territory's figure (sum of
    counts; population-weighted mean of rates over the communes that have
    it), France's, and how many communes it covers."""
    columns = ["indicator", "label", "unit", "group", "value", "national",
               "national_source", "communes", "of", "basis", "sources"]  # fmt: skip
    weights = communes.set_index("code")["population"].fillna(0)
    rows = []
    for key, indicator in INDICATORS.items():
        chosen = figures[figures["indicator"] == key]
        if chosen.empty:
            continue
        values = chosen.set_index("commune_code")["value"]
        if indicator.kind == "count":
            value, basis = float(values.sum()), "somme des communes"
        else:
            w = weights.reindex(values.index).fillna(0)
            value = float((values * w).sum() / w.sum()) if w.sum() else None
            basis = "moyenne des communes pondérée par leur population"
        labels = sorted({_source_label(r) for r in chosen.itertuples()})
        rows.append((key, indicator.label, indicator.unit, indicator.group, value,
                     indicator.national, indicator.national_source, len(values),
                     len(communes), basis, labels))  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def _source_label(row) -> str:
    year = f", {int(row.year)}" if row.year == row.year and row.year else ""
    return f"{row.source}{year}"


def commune_table(communes: pd.DataFrame, figures: pd.DataFrame) -> pd.DataFrame:
    """Communes × indicators (NaN where nothing is known), with population."""
    wide = figures.pivot_table(
        index="commune_code", columns="indicator", values="value", aggfunc="first"
    )
    table = communes.set_index("code").join(wide, how="left")
    present = [k for k in INDICATORS if k in table.columns]
    return table[["name", "population", *present]]


def missing_items(communes, figures, population, references) -> list[str]:
    """What a reader of the portrait would look for and not find (French)."""
    if communes.empty:
        return ["Le territoire du diagnostic n'est pas encore choisi."]
    missing = []
    total = len(communes)
    with_ages = population["commune_code"].nunique() if len(population) else 0
    if with_ages < total:
        missing.append(
            f"Population par âge et sexe : {with_ages} commune(s) sur {total} "
            "(table POP1B du recensement de l'Insee)."
        )
    for key, indicator in INDICATORS.items():
        have = figures.loc[figures["indicator"] == key, "commune_code"].nunique()
        if have == 0:
            missing.append(f"{indicator.label} : aucune commune.")
        elif have < total:
            missing.append(f"{indicator.label} : {have} commune(s) sur {total}.")
    kinds = {r["kind"] for r in references}
    for kind in ("sdaasp", "sdin", "sdan"):
        if kind not in kinds:
            missing.append(f"Référence au {REFERENCE_KINDS[kind]}.")
    if "local" not in kinds:
        missing.append("Aucune source locale (CAF, analyse des besoins sociaux...).")
    return missing


def sources(figures: pd.DataFrame, population: pd.DataFrame) -> list[dict]:
    """Distinct sources used by the figures shown (title, year, url)."""
    both = pd.concat(
        [figures[["source", "year", "url"]], population[["source", "year", "url"]]]
    ).drop_duplicates()
    return [
        {"title": r.source, "year": None if pd.isna(r.year) else int(r.year),
         "url": r.url}
        for r in both.itertuples(index=False)
    ]  # fmt: skip
