"""Bench the analysis core on a large survey.

    .venv/bin/python bench/analysis.py --responses 100000

Builds a temp database (the app's schema) with the bank's full preset cut to
30 questions and N random but plausible responses (bulk insert), then times:
`floor_read_s` (pd.read_sql of the raw responses table, the floor),
`load_cold_s` (first load: parses every JSON and fills the cache),
`load_s` (load with the cache warm, what a results page pays), `summary_s`
(summarise_all), `crosstab_s` (one question by age band, with suppression),
`rake_s` (raking on age band × gender), `xlsx_s` (the XLSX export) and
`peak_rss_mb`. Prints ONE JSON object on the last line.
"""

import argparse
import json
import os
import random
import resource
import sys
import tempfile
import time
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import pandas as pd  # noqa: E402

from survey_app.db import connect, migrate, now  # noqa: E402
from survey_app.surveys.bank import preset  # noqa: E402
from survey_app.surveys.model import create_point, create_survey  # noqa: E402

LEFT_OUT = {"DA_DOMAINES", "FR_ACCES_LIEU"}  # 32 bank questions → 30
COMMUNES = [("44109", "Nantes"), ("44143", "Rezé"), ("44020", "Bouguenais")]
POOL = 5000
WORDS = "ordinateur trop cher aide mairie internet lent enfants papiers caf".split()


def questions() -> list[dict]:
    chosen = [q for q in preset("complet") if q["key"] not in LEFT_OUT][:30]
    keys = {q["key"] for q in chosen}
    for q in chosen:  # a show_if on a question left out would hide it forever
        if q.get("show_if") and q["show_if"]["question"] not in keys:
            q.pop("show_if")
    return chosen


def fake_answer(q: dict, rnd: random.Random):
    kind = q["type"]
    codes = [c["code"] for c in q.get("choices") or []]
    if kind in ("single", "scale") and q["key"].startswith("PR_"):
        return rnd.choice(codes)  # every profile group is met
    if kind in ("single", "scale"):
        # Skewed towards the first choices, as real answers are.
        return codes[min(int(rnd.expovariate(0.8)), len(codes) - 1)]
    if kind == "multiple":
        normal = [c for c in codes if c not in (q.get("exclusive") or [])]
        return rnd.sample(normal, min(len(normal), rnd.randint(1, 3)))
    if kind == "number":
        return rnd.randint(q.get("min") or 1, min(q.get("max") or 8, 8))
    if kind == "commune":
        return rnd.choice(COMMUNES)[0]
    return " ".join(rnd.choices(WORDS, k=rnd.randint(2, 12)))


def build(path: str, n: int, seed: int = 1) -> int:
    """A database with one survey of `n` responses; returns the survey id."""
    db = connect(path)
    migrate(db)
    db.execute("PRAGMA synchronous = OFF")
    for code, name in COMMUNES:
        db.execute(
            "INSERT INTO communes (code, name, search_name) VALUES (?, ?, ?)",
            [code, name, name.lower()],
        )
    diagnostic = db.execute(
        "INSERT INTO diagnostics (title, created_at) VALUES ('Bench', ?)", [now()]
    ).lastrowid
    db.conn.commit()
    qs = questions()
    survey_id = create_survey(db, diagnostic, "Bench", qs)
    version = db.execute(
        "SELECT id FROM survey_versions WHERE survey_id = ?", [survey_id]
    ).fetchone()[0]
    points = [
        create_point(db, survey_id, name, kind)
        for name, kind in [
            ("Marché", "marche"),
            ("Mairie", "mairie"),
            ("École", "ecole"),
        ]
    ]
    rnd = random.Random(seed)
    # Generating answers costs more than storing them: draw from a pool.
    pool = [
        json.dumps(
            {q["key"]: fake_answer(q, rnd) for q in qs if rnd.random() > 0.07},
            ensure_ascii=False,
        )
        for _ in range(min(n, POOL))
    ]
    rows = []
    for i in range(n):
        stamp = f"2026-03-{1 + i % 28:02d}T{8 + i % 10:02d}:{i % 60:02d}:00Z"
        rows.append(
            (
                survey_id,
                version,
                rnd.choice(points),
                uuid.UUID(int=rnd.getrandbits(128)).hex,
                rnd.choice(["self", "self", "kiosk", "interview", "paper"]),
                stamp,
                rnd.choice(pool),
            )
        )
    # Other packages' AFTER INSERT triggers on responses count the survey's
    # responses at each insert (quadratic in a bulk insert): set them aside
    # while filling this throw-away database, then put them back.
    triggers = db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
        "AND tbl_name = 'responses'"
    ).fetchall()
    with db.conn:
        for name, _ in triggers:
            db.execute(f'DROP TRIGGER "{name}"')
        db.conn.executemany(
            "INSERT INTO responses (survey_id, version_id, point_id, "
            "idempotency_key, mode, submitted_at, answers) VALUES (?,?,?,?,?,?,?)",
            rows,
        )
        for _, sql in triggers:
            db.execute(sql)
    db.close()
    return survey_id


def timed(fn, cpu: dict, name: str):
    """Run fn; return (result, wall seconds) and note its CPU seconds.

    CPU time is kept too because wall time on a shared 2-core machine also
    counts the time other processes held the cores.
    """
    start, start_cpu = time.perf_counter(), time.process_time()
    result = fn()
    cpu[name] = round(time.process_time() - start_cpu, 3)
    return result, round(time.perf_counter() - start, 3)


MARGINS = {
    "age": {"15_24": 14, "25_39": 23, "40_59": 32, "60_74": 20, "75_plus": 11},
    "PR_GENRE": {"femme": 52, "homme": 48},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=100_000)
    args = parser.parse_args()
    from analysis.crosstabs import crosstab
    from analysis.frames import answers_table, load_survey
    from analysis.summaries import summarise_all
    from analysis.weighting import reweight

    try:
        from analysis.exports import write_xlsx
    except ImportError:  # the exports module is not there: raw answers only
        write_xlsx = None

    figures: dict = {"responses": args.responses}
    cpu: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "bench.db")
        survey_id, figures["build_s"] = timed(
            lambda: build(path, args.responses), cpu, "build"
        )
        db = connect(path)
        _, figures["floor_read_s"] = timed(
            lambda: pd.read_sql(
                "SELECT * FROM responses WHERE survey_id = ?",
                db.conn,
                params=[survey_id],
            ),
            cpu,
            "floor_read",
        )
        _, figures["load_cold_s"] = timed(
            lambda: load_survey(db, survey_id), cpu, "load_cold"
        )
        frames, figures["load_s"] = timed(
            lambda: load_survey(db, survey_id), cpu, "load"
        )
        _, figures["summary_s"] = timed(lambda: summarise_all(frames), cpu, "summary")

        def crosstabs():
            crosstab(frames, "EQ_MOBILE", "age").display()
            crosstab(frames, "US_ACTIVITES", "PR_GENRE").display()

        _, figures["crosstab_s"] = timed(crosstabs, cpu, "crosstab")
        weights, figures["rake_s"] = timed(
            lambda: reweight(frames, MARGINS), cpu, "rake"
        )
        _, figures["answers_table_s"] = timed(
            lambda: answers_table(frames), cpu, "answers_table"
        )
        target = os.path.join(tmp, "export.xlsx")
        if write_xlsx is not None:
            figures["xlsx_with"] = "analysis.exports.write_xlsx"
            _, figures["xlsx_s"] = timed(
                lambda: write_xlsx(frames, target), cpu, "xlsx"
            )
        else:
            figures["xlsx_with"] = "answers_table().to_excel (openpyxl)"
            _, figures["xlsx_s"] = timed(
                lambda: answers_table(frames).to_excel(target, engine="openpyxl"),
                cpu,
                "xlsx",
            )
        figures["xlsx_mb"] = round(os.path.getsize(target) / 1e6, 1)
        figures["effective_n"] = round(
            float(weights.sum() ** 2 / (weights**2).sum()), 1
        )
        figures["peak_rss_mb"] = round(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
        )
        figures["cpu_s"] = cpu
        figures["load_average"] = round(os.getloadavg()[0], 1)
        db.close()
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
