"""Bench the national roll-up: many instances' open data read in DuckDB.

    .venv/bin/python bench/rollup.py --instances 200 --answers 50000

1. A template: the demo diagnostic exported with the real command
   (`export-open-data`); its roll-up is checked equal to what analysis/
   computes for the survey (`check_max_diff`, priority.indicator_figures).
2. INSTANCES directories written fast with numpy/pyarrow in exactly the
   template's Parquet schema (same columns, types, choice codes) and its
   datapackage.json, ANSWERS answers each, spread over the départements
   (communes drawn from Etalab's list), shares varying by instance, most
   surveys weighted (`generate_s`, not part of the target).
3. The roll-up (analysis/rollup.py: national and per-département
   indicators with their intervals) in a child process held to 2 threads
   and 1.5 GB: `rollup_s` and its `peak_rss_mb` (targets ≤ 10 s, ≤ 2 GB).
`--keep DIR` keeps the generated files there and re-reads them on the next
run (to re-measure the roll-up alone). Prints ONE JSON object on the last
line (with the load average).
"""

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import numpy as np  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

GEO_DIR = os.path.join(ROOT, "node_modules", "@etalab", "decoupage-administratif")
TARGET_S, TARGET_MB = 10.0, 2048
THREADS, MEMORY = 2, "1.5GB"
FLAVOURS = 8
INSTANCE_COLUMNS = {"source", "enquete", "departement", "commune", "poids"}


def template(folder: str) -> tuple[str, float]:
    """The demo diagnostic exported by the real command; the check's gap."""
    from analysis.frames import load_survey
    from analysis.priority import indicator_figures
    from analysis.rollup import attach, connect, indicator_rollup
    from diagnostic.margins import reweighted
    from survey_app import create_app
    from survey_app.db import connect as connect_db
    from survey_app.db import migrate
    from survey_app.demo import load_demo
    from survey_app.geo import load_geo

    path = os.path.join(folder, "app.db")
    db = connect_db(path)
    migrate(db)
    load_geo(db, GEO_DIR)
    load_demo(db)
    app = create_app({"SECRET_KEY": "bench", "DATABASE": path, "GEO_DATA_DIR": GEO_DIR})
    app.instance_path = folder
    out = os.path.join(folder, "template")
    result = app.test_cli_runner().invoke(
        args=["export-open-data", "1", "-o", out, "--source", "demo"]
    )
    assert result.exit_code == 0, result.output
    con = connect(threads=THREADS)
    attach(con, [out])
    got = indicator_rollup(con, ("enquete",), min_count=0).set_index("indicator")
    figures = ["n", "count", "percent", "ci_low", "ci_high", "w_percent",
               "w_ci_low", "w_ci_high", "n_effective"]  # fmt: skip
    # The demo has two survey waves; the export names them by an opaque id:
    # each survey is matched with the exported survey whose figures it gives.
    gaps = []
    for (survey,) in db.execute("SELECT id FROM surveys ORDER BY id"):
        frames, _ = reweighted(db, load_survey(db, survey))
        expected = indicator_figures(frames).set_index("indicator")
        gaps.append(min(
            float(np.nanmax(np.abs(
                expected[figures] - part.loc[expected.index, figures]
            ).to_numpy()))
            for _, part in got.groupby("enquete")
        ))  # fmt: skip
    gap = max(gaps)
    db.close()
    return out, gap


def communes_by_departement() -> dict[str, list[str]]:
    with open(os.path.join(GEO_DIR, "data", "communes.json"), encoding="utf-8") as f:
        rows = json.load(f)
    found: dict[str, list[str]] = {}
    for c in rows:
        if c.get("type") == "commune-actuelle" and c.get("departement"):
            found.setdefault(c["departement"], []).append(c["code"])
    return found


def generate(template_dir: str, root: str, instances: int, answers: int) -> None:
    """INSTANCES export directories in the template's exact schema."""
    schema = pq.read_schema(os.path.join(template_dir, "reponses.parquet"))
    with open(os.path.join(template_dir, "datapackage.json"), encoding="utf-8") as f:
        package = json.load(f)
    fields = {f["name"]: f for f in package["resources"][0]["schema"]["fields"]}
    questions = pq.read_table(os.path.join(template_dir, "questions.parquet"))
    communes = communes_by_departement()
    departements = sorted(communes)
    rng = np.random.default_rng(12)
    # Answer columns drawn once in a few flavours, mixed per instance:
    # varied shares without drawing 10 million rows one by one.
    pool: dict[tuple[str, int], pa.Array] = {}
    for i in range(instances):
        departement = departements[i % len(departements)]
        source, enquete = f"instance-{i:03d}", f"{i:016x}"
        columns = []
        for field in schema:
            enum = fields[field.name].get("constraints", {}).get("enum")
            key = (field.name, int(rng.integers(0, FLAVOURS)))
            if key in pool:
                columns.append(pool[key])
                continue
            column = _column(field, enum, answers, rng, source, enquete,
                             departement, communes[departement],
                             weighted=i % 4 != 0)  # fmt: skip
            if field.name not in INSTANCE_COLUMNS:
                pool[key] = column
            columns.append(column)
        folder = os.path.join(root, source)
        os.makedirs(folder)
        pq.write_table(pa.Table.from_arrays(columns, schema=schema),
                       os.path.join(folder, "reponses.parquet"))  # fmt: skip
        n = questions.num_rows
        book = questions.set_column(0, "source", pa.array([source] * n))
        book = book.set_column(1, "enquete", pa.array([enquete] * n))
        pq.write_table(book, os.path.join(folder, "questions.parquet"))
        shutil.copy(os.path.join(template_dir, "datapackage.json"), folder)


def _column(field, enum, n, rng, source, enquete, departement, communes, weighted):
    name, kind = field.name, field.type
    constant = {"source": source, "enquete": enquete, "departement": departement,
                "mois_debut": "2026-03", "mois_fin": "2026-05"}  # fmt: skip
    if name in constant:
        return pa.array([constant[name]] * n, type=kind)
    if name == "reponse":
        return pa.array(np.arange(1, n + 1), type=kind)
    if name == "version":
        return pa.array(np.ones(n, dtype=np.int64), type=kind)
    if name == "poids":  # raking weights: one per age × sex cell
        cells = rng.lognormal(0, 0.4, 12) if weighted else np.ones(12)
        w = cells[rng.integers(0, 12, n)]
        return pa.array(w / w.mean(), type=kind)
    if name == "commune":
        picked = np.asarray(communes)[rng.integers(0, min(len(communes), 60), n)]
        return pa.array(picked, type=kind)
    missing = rng.random(n) < rng.uniform(0.01, 0.06)
    if pa.types.is_boolean(kind):  # a multiple-choice flag
        return pa.array(rng.random(n) < rng.uniform(0.05, 0.6), mask=missing)
    if pa.types.is_floating(kind):
        return pa.array(1.0 + rng.poisson(1.5, n), mask=missing, type=kind)
    if enum:
        shares = rng.dirichlet(np.ones(len(enum)) * 2)
        codes = rng.choice(len(enum), size=n, p=shares)
        return pa.array(enum, type=kind).take(pa.array(codes, mask=missing))
    return pa.nulls(n, type=kind)


def rollup(root: str) -> dict:
    """Runs in a child process: its peak memory is the roll-up's alone."""
    from analysis.rollup import attach, connect, indicator_rollup

    started = time.perf_counter()
    cpu = time.process_time()
    con = connect(threads=THREADS, memory_limit=MEMORY)
    attach(con, [os.path.join(root, "*")])
    table = indicator_rollup(con, ("national", "departement"))
    answers = con.execute("SELECT count(*) FROM reponses").fetchone()[0]
    elapsed = time.perf_counter() - started
    national = table[table["level"] == "national"].set_index("indicator")
    return {
        "answers": int(answers),
        "rollup_s": round(elapsed, 2),
        "rollup_cpu_s": round(time.process_time() - cpu, 2),
        "peak_rss_mb": round(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
        ),
        "rows": len(table),
        "departements": int(table["departement"].nunique()),
        "suppressed_rows": int(table["suppressed"].sum()),
        "national_sans_smartphone_pct": round(
            float(national.at["sans_smartphone", "w_percent"]), 2
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--instances", type=int, default=200)
    parser.add_argument("--answers", type=int, default=50_000)
    parser.add_argument(
        "--keep",
        help="dossier où garder les fichiers générés ; s'il existe déjà, ils "
        "sont relus sans être régénérés (pour remesurer le seul calcul)",
    )
    parser.add_argument("--rollup-only", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rollup_only:
        print(json.dumps(rollup(args.rollup_only)))
        return
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        template_dir, gap = template(folder)
        template_s = time.perf_counter() - started
        root = args.keep or os.path.join(folder, "collecte")
        started = time.perf_counter()
        if not (args.keep and os.path.isdir(root)):
            generate(template_dir, root, args.instances, args.answers)
        generate_s = time.perf_counter() - started
        size = sum(
            os.path.getsize(os.path.join(d, f))
            for d, _, files in os.walk(root)
            for f in files
        )
        child = subprocess.run(
            [sys.executable, __file__, "--rollup-only", root],
            check=True,
            capture_output=True,
            text=True,
        )
        figures = json.loads(child.stdout.strip().splitlines()[-1])
    result = {
        "instances": args.instances,
        **figures,
        "files_mb": round(size / 2**20, 1),
        "template_s": round(template_s, 1),
        "generate_s": round(generate_s, 1),
        "check_max_diff": gap,
        "threads": THREADS,
        "memory_limit": MEMORY,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "target_s": TARGET_S,
        "target_mb": TARGET_MB,
        "ok": figures["rollup_s"] <= TARGET_S
        and figures["peak_rss_mb"] <= TARGET_MB
        and gap < 1e-9,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
