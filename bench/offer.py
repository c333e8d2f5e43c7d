"""Bench the offer: import of a national places file and needs against offer.

    .venv/bin/python bench/offer.py --rows 20000 --communes 50 --answers 100000

`import_s`: a national-schema CSV of ROWS places (a quarter of them in a
50-commune territory of Isère, the rest elsewhere) parsed, checked against the
schema and written in one transaction, as the import page does (target ≤ 5 s).
`needs_offer_s`: needs against offer (every default need × commune, nearest
place, small cells) for ANSWERS answers spread over those communes (target
≤ 1 s). Prints ONE JSON object on the last line.
"""

import argparse
import json
import os
import resource
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "tests"))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from offer_helpers import national_file  # noqa: E402

from offer.needs import DEFAULT_MAPPING, needs_offer  # noqa: E402
from offer.places import load_places, parse_places, save_places  # noqa: E402
from offer.schema import load_schema  # noqa: E402
from survey_app.db import connect, migrate, now  # noqa: E402
from survey_app.geo import load_geo  # noqa: E402

GEO_DIR = os.path.join(ROOT, "node_modules", "@etalab", "decoupage-administratif")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--communes", type=int, default=50)
    parser.add_argument("--answers", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = connect(os.path.join(tmp, "app.db"))
        migrate(db)
        load_geo(db, GEO_DIR)
        communes = [
            (r[0], r[1], r[2].split()[0])
            for r in db.execute(
                "SELECT code, name, postcodes FROM communes WHERE departement = '38' "
                "ORDER BY code LIMIT ?",
                [args.communes],
            )
        ]
        db.execute("INSERT INTO users (email, password_hash, created_at) "
                   "VALUES ('bench@example.fr', 'x', ?)", [now()])  # fmt: skip
        diagnostic = db.execute(
            "INSERT INTO diagnostics (title, created_by, created_at) VALUES (?, 1, ?)",
            ["Bench", now()],
        ).lastrowid
        db.conn.commit()
        data = national_file(args.rows, communes, share=0.25)
        start = time.perf_counter()
        parsed = parse_places(data, {c for c, _, _ in communes})
        save_places(db, diagnostic, parsed.places)
        import_s = time.perf_counter() - start

        rng = np.random.default_rng(1)
        codes = [c for c, _, _ in communes]
        answers = pd.DataFrame({"commune": rng.choice(codes, args.answers)})
        for need in DEFAULT_MAPPING:
            asked = rng.random(args.answers) < 0.9
            chosen = rng.random(args.answers) < 0.2
            answers[need] = pd.array(np.where(asked, chosen, None), dtype="boolean")
        places = pd.DataFrame(load_places(db, diagnostic),
                              columns=list(load_schema().fields))  # fmt: skip
        frame = pd.DataFrame({"code": codes, "name": [n for _, n, _ in communes]})
        start = time.perf_counter()
        table = needs_offer(answers, places, frame, DEFAULT_MAPPING)
        needs_offer_s = time.perf_counter() - start
        db.close()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({
        "rows": args.rows,
        "places": len(parsed.places),
        "rejected_rows": parsed.error_count,
        "import_s": round(import_s, 3),
        "answers": args.answers,
        "needs_rows": len(table),
        "needs_offer_s": round(needs_offer_s, 3),
        "peak_rss_mb": round(peak_kb / 1024, 1),
        "load_average": round(os.getloadavg()[0], 1),
    }))  # fmt: skip


if __name__ == "__main__":
    main()
