"""Bench loading the demo (`flask demo`), which `make run` does on first start.

    .venv/bin/python bench/demo.py

Builds a temp database with the app's schema (without the communes, the
slowest case the demo handles: it then leaves its responses without a
commune) and times `load_demo` there: `load_s`. Target: under 2 s, so that
the first `make run` starts at once. Prints ONE JSON object on the last line.
"""

import json
import os
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from survey_app.db import connect, migrate  # noqa: E402
from survey_app.demo import load_demo  # noqa: E402

TARGET_S = 2.0


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = connect(os.path.join(folder, "app.db"))
        try:
            migrate(db)
            started = time.perf_counter()
            load_demo(db)
            elapsed = time.perf_counter() - started
            responses = db.execute("SELECT count(*) FROM responses").fetchone()[0]
        finally:
            db.close()
    print(
        json.dumps(
            {
                "responses": responses,
                "load_s": round(elapsed, 3),
                "target_s": TARGET_S,
                "ok": elapsed < TARGET_S,
            }
        )
    )


if __name__ == "__main__":
    main()
