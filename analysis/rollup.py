"""Many instances' open data read together, in DuckDB (issue 12 §6).

    con = connect(threads=2, memory_limit="1.5GB")
    attach(con, ["collecte/*"])        # directories written by export-open-data
    table = indicator_rollup(con)      # national and per-département figures

A region or a national body collects each instance's `export-open-data`
directory and runs this: no database of our own, no server; the same
Parquet files are read by Spark when one machine no longer suffices
(README, "Au-delà d'un serveur").

The indicators are those of indicators.py, translated to SQL from the same
rules (`rule_sql`), with the same definitions as priority.indicator_figures:
a rule's parts on questions a survey did not ask are dropped for that
survey (the "questions" files say who asked what), percentages are over
the people for whom the indicator is known, 95 % Wilson intervals
(stats.wilson); weighted figures use the exported weights (mean 1 in each
survey, so that a survey counts for its number of answers) with the
interval over Kish's effective sample size. Counts of 1 to 4 people in or
out of the situation are hidden with every figure computed from them.
"""

import duckdb
import pandas as pd

from .indicators import INDICATORS, Rule
from .open_data import FLAG, OTHER_TEXT
from .stats import MIN_COUNT, Z95

LEVELS = {  # level: its grouping columns
    "national": (),
    "departement": ("departement",),
    "enquete": ("source", "enquete"),
}
FIGURE_COLUMNS = [
    "count", "percent", "ci_low", "ci_high",
    "w_count", "w_percent", "w_ci_low", "w_ci_high", "n_effective",
]  # fmt: skip


def connect(
    threads: int | None = None, memory_limit: str | None = None
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection, optionally held to threads and memory."""
    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    if memory_limit:
        con.execute("SET memory_limit = ?", [memory_limit])
    z = repr(float(Z95))
    # stats.wilson, as percentages; p clipped to 0-1 against rounding.
    con.execute(
        f"""CREATE OR REPLACE MACRO od_wilson(k, n, side) AS
        CASE WHEN n > 0 THEN 100 * greatest(0.0, least(1.0,
            (least(1.0, greatest(0.0, k / n)) + {z}^2 / (2 * n)
             + side * {z} * sqrt(least(1.0, greatest(0.0, k / n))
                * (1 - least(1.0, greatest(0.0, k / n))) / n
                + {z}^2 / (4 * n * n)))
            / (1 + {z}^2 / n))) END"""
    )
    return con


def attach(con: duckdb.DuckDBPyConnection, directories: list[str]) -> list[str]:
    """Views `reponses` and `questions` over the export directories (globs
    allowed); returns the columns of `reponses` (union over every file)."""
    for name in ("reponses", "questions"):
        files = [f"{d.rstrip('/')}/{name}.parquet" for d in directories]
        con.execute(
            f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM read_parquet("
            f"{_literal_list(files)}, union_by_name = true)"
        )
    return [r[0] for r in con.execute("DESCRIBE reponses").fetchall()]


def indicator_rollup(
    con: duckdb.DuckDBPyConnection,
    levels: tuple[str, ...] = ("national", "departement"),
    min_count: int = MIN_COUNT,
) -> pd.DataFrame:
    """One row per level, group and indicator, from the attached views.

    Columns: level (national, departement or enquete), departement, source,
    enquete, indicator, indicator_label, n, FIGURE_COLUMNS (w_* and
    n_effective empty when the group's weights are all equal), weighted,
    suppressed. `min_count=0` shows every figure (for checks only).

    One pass over the answers sums each indicator per survey and
    département (counts, weights, squared weights: they add up); the
    levels are then sums of those few rows.
    """
    columns = [r[0] for r in con.execute("DESCRIBE reponses").fetchall()]
    keys = sorted({k for i in INDICATORS for k in rule_keys(i["rule"])})
    con.execute(
        "CREATE OR REPLACE TEMP TABLE od_asked AS SELECT source, enquete, "
        + ", ".join(
            f"bool_or(question = {_literal(k)}) AS {_name('asked_' + k)}" for k in keys
        )
        + " FROM questions GROUP BY ALL"
    )
    everywhere = con.execute(
        "SELECT " + ", ".join(f"bool_and({_name('asked_' + k)})" for k in keys)
        + " FROM od_asked"
    ).fetchone()  # fmt: skip
    asked_by_all = {k for k, yes in zip(keys, everywhere or (), strict=False) if yes}
    indicators = [
        (i, sql)
        for i in INDICATORS
        if (sql := indicator_sql(i["rule"], columns, asked_by_all)) is not None
    ]
    if not indicators:
        return pd.DataFrame(columns=["level", "indicator", "n", *FIGURE_COLUMNS])
    values = ", ".join(
        f"({value})::DOUBLE AS {_name('i_' + i['id'])}" for i, (value, _) in indicators
    )
    # Only when some survey lacks a question do rows need their survey's list.
    gated = any(asked != "TRUE" for _, (_, asked) in indicators)
    join = "JOIN od_asked a USING (source, enquete)" if gated else ""
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE od_cells AS
        SELECT source, enquete, departement, min(w) AS wmin, max(w) AS wmax,
               {", ".join(_sums(i["id"]) for i, _ in indicators)}
        FROM (SELECT r.source, r.enquete, r.departement, r.poids AS w,
                     r.poids * r.poids AS w2, {values}
              FROM reponses r {join})
        GROUP BY ALL"""
    )
    # A survey that asked none of an indicator's questions has no figure
    # for it (available_indicators), not a figure of 0 people.
    long = " UNION ALL ".join(
        f"SELECT source, enquete, departement, wmin, wmax, "
        f"{_literal(i['id'])} AS indicator, {_renamed(i['id'])} "
        f"FROM od_cells JOIN od_asked a USING (source, enquete) WHERE {asked}"
        for i, (_, asked) in indicators
    )
    sets = ", ".join(
        "(" + ", ".join(("indicator", *LEVELS[level])) + ")" for level in levels
    )
    grouped = {c for level in levels for c in LEVELS[level]}
    level = (
        "CASE "
        + "".join(
            f"WHEN grouping({column}) = 0 THEN {_literal(name)} "
            for name, column in (("enquete", "enquete"), ("departement", "departement"))
            if column in grouped
        )
        + "ELSE 'national' END"
    )
    hide = f"k BETWEEN 1 AND {min_count - 1} OR n - k BETWEEN 1 AND {min_count - 1}"
    table = con.execute(
        f"""WITH sums AS (
            SELECT {level} AS level, {_kept("departement", grouped)},
                   {_kept("source", grouped)}, {_kept("enquete", grouped)}, indicator,
                   sum(n) AS n, sum(k) AS k, sum(wn) AS wn, sum(wk) AS wk,
                   sum(ww) AS ww, max(wmax) - min(wmin) > 1e-9 AS weighted
            FROM ({long}) GROUP BY GROUPING SETS ({sets})
        ), shares AS (
            SELECT *, coalesce(wk, 0) / nullif(wn, 0) AS share,
                   CASE WHEN ww > 0 THEN wn * wn / ww ELSE 0 END AS n_eff,
                   coalesce({hide}, FALSE) AS suppressed
            FROM sums
        )
        SELECT level, departement, source, enquete, indicator, n,
            {_shown("k::DOUBLE")} AS count,
            {_shown("CASE WHEN n > 0 THEN k / n * 100 END")} AS percent,
            {_shown("od_wilson(k, n, -1)")} AS ci_low,
            {_shown("od_wilson(k, n, 1)")} AS ci_high,
            {_shown("coalesce(wk, 0)", True)} AS w_count,
            {_shown("share * 100", True)} AS w_percent,
            {_shown("od_wilson(share * n_eff, n_eff, -1)", True)} AS w_ci_low,
            {_shown("od_wilson(share * n_eff, n_eff, 1)", True)} AS w_ci_high,
            {_shown("n_eff", True)} AS n_effective,
            weighted, suppressed
        FROM shares"""
    ).df()
    labels = {i["id"]: i["label"] for i in INDICATORS}
    table.insert(5, "indicator_label", table["indicator"].map(labels))
    order = {i["id"]: n for n, i in enumerate(INDICATORS)}
    sort = {
        "_level": table["level"].map({lv: n for n, lv in enumerate(LEVELS)}),
        "_indicator": table["indicator"].map(order),
    }
    table = table.assign(**sort).sort_values(
        ["_level", "departement", "source", "enquete", "_indicator"],
        na_position="first",
        kind="stable",
    )
    return table.drop(columns=list(sort)).reset_index(drop=True)


SUMS = ("n_", "k_", "wn_", "wk_", "ww_")


def _kept(column: str, grouped: set[str]) -> str:
    """The column, or NULL when no level groups by it (GROUPING SETS needs it)."""
    return column if column in grouped else f"NULL::VARCHAR AS {column}"


def _renamed(indicator_id: str) -> str:
    """An indicator's sums under the common names n, k, wn, wk, ww."""
    return ", ".join(f"{_name(m + indicator_id)} AS {m[:-1]}" for m in SUMS)


def _sums(indicator_id: str) -> str:
    """Counts and weight sums of one indicator, its value being 1.0 (in the
    situation), 0.0 (not) or NULL (unknown): arithmetic, which skips NULLs
    like the CASE it replaces, is a third faster in DuckDB."""
    v = _name("i_" + indicator_id)
    n, k, wn, wk, ww = (_name(m + indicator_id) for m in SUMS)
    return (
        f"count({v}) AS {n}, sum({v})::BIGINT AS {k}, sum(w + 0 * {v}) AS {wn}, "
        f"sum(w * {v}) AS {wk}, sum(w2 + 0 * {v}) AS {ww}"
    )


def _shown(expression: str, weighted_only: bool = False) -> str:
    """The figure, or NULL when hidden (small cell) or not weighted."""
    condition = "NOT suppressed" + (" AND weighted" if weighted_only else "")
    return f"CASE WHEN {condition} THEN {expression} END"


def rule_keys(rule: Rule) -> list[str]:
    if rule[0] == "in":
        return [rule[1]]
    return [k for part in rule[1] for k in rule_keys(part)]


def indicator_sql(
    rule: Rule, columns: list[str], asked_by_all: set[str] | None = None
) -> tuple[str, str] | None:
    """(value, asked): TRUE / FALSE / NULL per answer row, as
    indicators.evaluate, with the parts on questions a survey did not ask
    dropped for that survey; and whether the survey can compute it at all
    (over `od_asked a`). None if no file has any of the rule's questions.
    `asked_by_all`: questions every survey asked (no need to look them up
    row by row)."""
    if not any(_columns_of(k, columns) for k in rule_keys(rule)):
        return None
    value, asked = rule_sql(rule, columns, asked_by_all or set())
    if asked is None:
        return value, "TRUE"
    return f"CASE WHEN {asked} THEN {value} END", asked


def rule_sql(
    rule: Rule, columns: list[str], asked_by_all: set[str]
) -> tuple[str, str | None]:
    """(value, asked): the rule's SQL and whether the row's survey has it
    (None: every survey has it)."""
    if rule[0] == "in":
        key = rule[1]
        asked = None if key in asked_by_all else f"a.{_name('asked_' + key)}"
        return _in_sql(rule, columns), asked
    parts = [rule_sql(part, columns, asked_by_all) for part in rule[1]]
    gates = [a for _, a in parts]
    asked = None if None in gates else "(" + " OR ".join(map(str, gates)) + ")"
    # A part the survey did not ask is dropped (prune_rule): it stands for
    # what cannot change the result. "any" is greatest(), which skips NULLs;
    # "or" and "all" are SQL's own three-valued OR and AND (Kleene logic).
    if rule[0] == "any":
        values = [v if a is None else f"CASE WHEN {a} THEN {v} END" for v, a in parts]
        return f"greatest({', '.join(values)})", asked
    if rule[0] in ("or", "all"):
        neutral, joiner = ("FALSE", " OR ") if rule[0] == "or" else ("TRUE", " AND ")
        values = [
            f"({v})" if a is None else f"(CASE WHEN {a} THEN {v} ELSE {neutral} END)"
            for v, a in parts
        ]
        return "(" + joiner.join(values) + ")", asked
    raise ValueError(f"règle d'indicateur inconnue : {rule[0]}")


def _columns_of(key: str, columns: list[str]) -> list[str]:
    if key in columns:
        return [key]
    return [
        c
        for c in columns
        if c.startswith(key + FLAG) and not c.endswith(OTHER_TEXT) and c != key
    ]


def _in_sql(rule: Rule, columns: list[str]) -> str:
    _, key, codes, excluded = rule
    found = _columns_of(key, columns)
    if not found:
        return "NULL"
    if found == [key]:  # one answer per person: its code (NULL: unknown)
        column = f"r.{_name(key)}"
        hit = (
            f"{column} IN ({_literals(codes)})" if codes else f"({column} <> {column})"
        )
        if not excluded:
            return hit
        return f"CASE WHEN {column} IN ({_literals(excluded)}) THEN NULL ELSE {hit} END"
    # Multiple choice: answered if any of its flags is set (a choice one
    # survey lacks is NULL for its rows); True if any of `codes` is ticked.
    answered = " OR ".join(f"r.{_name(c)} IS NOT NULL" for c in found)
    ticked = [f"coalesce(r.{_name(key + FLAG + c)}, FALSE)" for c in codes]
    ticked = [t for t, c in zip(ticked, codes, strict=True) if key + FLAG + c in found]
    return f"CASE WHEN {answered} THEN {' OR '.join(ticked) or 'FALSE'} END"


def _name(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _literals(values: list[str]) -> str:
    return ", ".join(_literal(v) for v in values)


def _literal_list(values: list[str]) -> str:
    return f"[{_literals(values)}]"
