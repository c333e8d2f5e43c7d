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

from typing import Any

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
    """
    columns = [r[0] for r in con.execute("DESCRIBE reponses").fetchall()]
    indicators = [
        (i, sql) for i in INDICATORS if (sql := indicator_sql(i["rule"], columns))
    ]
    keys = sorted({k for i, _ in indicators for k in rule_keys(i["rule"])})
    asked = ", ".join(
        f"bool_or(question = {_literal(k)}) AS {_name('asked_' + k)}" for k in keys
    )
    values = ", ".join(f"{sql} AS {_name('i_' + i['id'])}" for i, sql in indicators)
    sums = ", ".join(_sums(i["id"]) for i, _ in indicators)
    sets = ", ".join("(" + ", ".join(LEVELS[level]) + ")" for level in levels)
    grouped = [c for c in ("departement", "source", "enquete")
               if any(c in LEVELS[level] for level in levels)]  # fmt: skip
    # GROUPING(...) sets a bit per column a row is NOT grouped by.
    ids = {
        level: sum(
            1 << (len(grouped) - 1 - n)
            for n, c in enumerate(grouped)
            if c not in LEVELS[level]
        )
        for level in levels
    }
    level = (
        "CASE grouping_id "
        + " ".join(f"WHEN {i} THEN {_literal(lv)}" for lv, i in ids.items())
        + " END"
    )
    grouping = f"grouping({', '.join(grouped)})" if grouped else "0"
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE od_groups AS
        WITH asked AS (
            SELECT source, enquete, {asked} FROM questions GROUP BY ALL
        ), base AS (
            SELECT r.departement, r.source, r.enquete, r.poids AS w, {values}
            FROM reponses r JOIN asked a USING (source, enquete)
        )
        SELECT {grouping} AS grouping_id,
               {_kept("departement", grouped)}, {_kept("source", grouped)},
               {_kept("enquete", grouped)},
               max(w) - min(w) > 1e-9 AS weighted, {sums}
        FROM base GROUP BY GROUPING SETS ({sets})"""
    )
    parts = [_figures_sql(i, level, min_count) for i, _ in indicators]
    table = con.execute(" UNION ALL ".join(parts)).df()
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


def _kept(column: str, grouped: list[str]) -> str:
    return column if column in grouped else f"NULL::VARCHAR AS {column}"


def _sums(indicator_id: str) -> str:
    i = _name("i_" + indicator_id)
    s = indicator_id
    return (
        f"count({i}) AS {_name('n_' + s)}, count_if({i}) AS {_name('k_' + s)}, "
        f"sum(w) FILTER (WHERE {i} IS NOT NULL) AS {_name('wn_' + s)}, "
        f"sum(w) FILTER (WHERE {i}) AS {_name('wk_' + s)}, "
        f"sum(w * w) FILTER (WHERE {i} IS NOT NULL) AS {_name('ww_' + s)}"
    )


def _figures_sql(indicator: dict[str, Any], level: str, min_count: int) -> str:
    s = indicator["id"]
    n, k = _name("n_" + s), _name("k_" + s)
    wn, wk, ww = _name("wn_" + s), _name("wk_" + s), _name("ww_" + s)
    # As priority_publics: 1 to 4 people in, or out of, the situation.
    hide = (
        f"{k} BETWEEN 1 AND {min_count - 1} OR {n} - {k} BETWEEN 1 AND {min_count - 1}"
    )
    n_eff = f"CASE WHEN {ww} > 0 THEN {wn} * {wn} / {ww} ELSE 0 END"
    share = f"coalesce({wk}, 0) / nullif({wn}, 0)"

    def shown(expression: str, weighted_only: bool = False) -> str:
        condition = f"NOT ({hide})" + (" AND weighted" if weighted_only else "")
        return f"CASE WHEN {condition} THEN {expression} END"

    return f"""SELECT {level} AS level, departement, source, enquete,
        {_literal(s)} AS indicator, {_literal(indicator["label"])} AS indicator_label,
        {n} AS n,
        {shown(f"{k}::DOUBLE")} AS count,
        {shown(f"CASE WHEN {n} > 0 THEN {k} / {n} * 100 END")} AS percent,
        {shown(f"od_wilson({k}, {n}, -1)")} AS ci_low,
        {shown(f"od_wilson({k}, {n}, 1)")} AS ci_high,
        {shown(f"coalesce({wk}, 0)", True)} AS w_count,
        {shown(f"{share} * 100", True)} AS w_percent,
        {shown(f"od_wilson({share} * ({n_eff}), {n_eff}, -1)", True)} AS w_ci_low,
        {shown(f"od_wilson({share} * ({n_eff}), {n_eff}, 1)", True)} AS w_ci_high,
        {shown(n_eff, True)} AS n_effective,
        weighted, coalesce({hide}, FALSE) AS suppressed
        FROM od_groups"""


def rule_keys(rule: Rule) -> list[str]:
    if rule[0] == "in":
        return [rule[1]]
    return [k for part in rule[1] for k in rule_keys(part)]


def indicator_sql(rule: Rule, columns: list[str]) -> str | None:
    """TRUE / FALSE / NULL per answer row, as indicators.evaluate, with the
    parts on questions a survey did not ask dropped for that survey; None
    if no file has any of the rule's questions."""
    if not any(_columns_of(k, columns) for k in rule_keys(rule)):
        return None
    value, asked = rule_sql(rule, columns)
    return f"CASE WHEN {asked} THEN {value} END"


def rule_sql(rule: Rule, columns: list[str]) -> tuple[str, str]:
    """(value, asked): the rule's SQL and whether the row's survey has it."""
    if rule[0] == "in":
        return _in_sql(rule, columns), f"a.{_name('asked_' + rule[1])}"
    parts = [rule_sql(part, columns) for part in rule[1]]
    asked = "(" + " OR ".join(a for _, a in parts) + ")"
    # A part the survey did not ask is dropped (prune_rule): it must not
    # decide the result, so it stands for NULL, FALSE or TRUE as fits.
    neutral = {"any": "NULL", "or": "FALSE", "all": "TRUE"}[rule[0]]
    values = [f"(CASE WHEN {a} THEN {v} ELSE {neutral} END)" for v, a in parts]
    true = " OR ".join(f"{v} IS TRUE" for v in values)
    false_any = " OR ".join(f"{v} IS FALSE" for v in values)
    false_all = " AND ".join(f"{v} IS FALSE" for v in values)
    true_all = " AND ".join(f"{v} IS TRUE" for v in values)
    if rule[0] == "any":
        return f"CASE WHEN {true} THEN TRUE WHEN {false_any} THEN FALSE END", asked
    if rule[0] == "or":
        return f"CASE WHEN {true} THEN TRUE WHEN {false_all} THEN FALSE END", asked
    if rule[0] == "all":
        return f"CASE WHEN {true_all} THEN TRUE WHEN {false_any} THEN FALSE END", asked
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
    if found == [key]:  # one answer per person: its code
        column = f"r.{_name(key)}"
        unknown = f"{column} IS NULL"
        if excluded:
            unknown += f" OR {column} IN ({_literals(excluded)})"
        hit = f"{column} IN ({_literals(codes)})" if codes else "FALSE"
        return f"CASE WHEN {unknown} THEN NULL WHEN {hit} THEN TRUE ELSE FALSE END"
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
