"""Bench the action plan on the demo diagnostic, through the application.

    .venv/bin/python bench/plan.py [--repeat 3]

Loads the demo (communes, ~400 answers, a workshop, chantiers, a fiche with
its budget) into a temp database, signs in as the demo conseillère, and
times what she opens, as a browser would ask for it (Flask test client, so
without network or server): `fiche_form_first_s` (a new fiche's form the
first time: every figure of the diagnostic computed for the evidence
pick-list), `fiche_form_s` (the same form again: figures from their cache;
target ≤ 1 s), `fiche_s` (the fiche with its costs, financing and
warnings), `budget_ms` (the budget arithmetic alone), `roadmap_s`, and the
exports `fiche_odt_s`, `fiche_docx_s`, `plan_xlsx_s`, `plan_ods_s`
(target ≤ 2 s each); `peak_rss_mb`. Times are the median of `--repeat`
runs. Prints ONE JSON object on the last line.
"""

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from action_plan.budget import compute_budget  # noqa: E402
from action_plan.fiches import load_fiches  # noqa: E402
from survey_app import create_app  # noqa: E402
from survey_app.db import connect, migrate  # noqa: E402
from survey_app.demo import DEMO_EMAIL, DEMO_PASSWORD, load_demo  # noqa: E402
from survey_app.geo import load_geo  # noqa: E402

GEO_DIR = os.path.join(ROOT, "node_modules", "@etalab", "decoupage-administratif")
FORM_TARGET_S = 1.0
EXPORT_TARGET_S = 2.0


def timed(client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"{url} : {response.status_code}")
    return elapsed


def median_of(repeat: int, work) -> float:
    return round(statistics.median(work() for _ in range(repeat)), 3)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "app.db")
        db = connect(path)
        migrate(db)
        load_geo(db, GEO_DIR)
        load_demo(db)
        diagnostic = db.execute("SELECT id FROM diagnostics").fetchone()[0]
        fiche = load_fiches(db, diagnostic)[0]
        db.close()
        config = {"SECRET_KEY": "bench", "DATABASE": path, "GEO_DATA_DIR": GEO_DIR}
        app = create_app({**config, "WTF_CSRF_ENABLED": False})
        app.instance_path = folder
        client = app.test_client()
        signed = client.post(
            "/connexion", data={"email": DEMO_EMAIL, "password": DEMO_PASSWORD}
        )
        if signed.status_code != 302:
            raise SystemExit("connexion refusée")
        plan = f"/diagnostics/{diagnostic}/plan"
        form = f"{plan}/fiches/nouvelle"
        result = {"answers": None, "fiche_form_first_s": round(timed(client, form), 3)}
        result["fiche_form_s"] = median_of(args.repeat, lambda: timed(client, form))
        result["fiche_s"] = median_of(
            args.repeat, lambda: timed(client, f"{plan}/fiches/{fiche['id']}")
        )

        def budget() -> float:
            started = time.perf_counter()
            compute_budget(fiche["years"], fiche["costs"], fiche["financing"])
            return (time.perf_counter() - started) * 1000

        result["budget_ms"] = median_of(args.repeat, budget)
        result["roadmap_s"] = median_of(
            args.repeat, lambda: timed(client, f"{plan}/feuille-de-route")
        )
        for name, url in (
            ("fiche_odt_s", f"{plan}/fiches/{fiche['id']}.odt"),
            ("fiche_docx_s", f"{plan}/fiches/{fiche['id']}.docx"),
            ("plan_xlsx_s", f"{plan}/plan-d-action.xlsx"),
            ("plan_ods_s", f"{plan}/plan-d-action.ods"),
        ):
            result[name] = median_of(args.repeat, lambda url=url: timed(client, url))
        db = connect(path)
        result["answers"] = db.execute("SELECT count(*) FROM responses").fetchone()[0]
        db.close()
    exports = [result[k] for k in ("fiche_odt_s", "fiche_docx_s", "plan_xlsx_s",
                                   "plan_ods_s")]  # fmt: skip
    result["peak_rss_mb"] = round(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
    )
    result["form_target_s"] = FORM_TARGET_S
    result["export_target_s"] = EXPORT_TARGET_S
    result["ok"] = result["fiche_form_s"] <= FORM_TARGET_S and max(exports) <= (
        EXPORT_TARGET_S
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
