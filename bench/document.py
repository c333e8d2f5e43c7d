"""Bench the diagnostic document on a large diagnostic.

    .venv/bin/python bench/document.py [--surveys 5] [--answers 2000]

Builds a temp database (the app's schema) with one diagnostic holding
`--surveys` surveys of `--answers` plausible answers each (bench/analysis.py's
30 bank questions and answer generator) and 3 held workshops (the demo's:
12 participants, 10 ideas, a dot vote), then times the whole document —
assembly from the analysis modules plus writing — in each format:
`odt_s`, `docx_s`, `pdf_s` (LibreOffice headless converting the ODT), and
reports `pages` (of the PDF), `peak_rss_mb` (this process) and
`soffice_rss_mb` (the largest LibreOffice child), and `*_cpu_s` (CPU
seconds, children included: the machine may be shared). Target: each format
≤ 10 s on 2 cores, memory ≤ 1 GB. Prints ONE JSON object on the last line.
"""

import argparse
import importlib.util
import io
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

from analysis.document_docx import write_docx  # noqa: E402
from analysis.document_odt import write_odt  # noqa: E402
from analysis.document_pdf import pdf_pages, write_pdf  # noqa: E402
from diagnostic.demo_workshop import add_demo_workshop  # noqa: E402
from diagnostic.document import Selection, build_document  # noqa: E402
from survey_app.db import connect, migrate, now  # noqa: E402
from survey_app.surveys.model import create_point, create_survey  # noqa: E402

TARGET_S = 10.0
WORKSHOPS = 3


def _bench_analysis():
    """bench/analysis.py (its name clashes with the analysis package)."""
    spec = importlib.util.spec_from_file_location(
        "bench_analysis", os.path.join(ROOT, "bench", "analysis.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build(path: str, surveys: int, answers: int) -> int:
    """The diagnostic; returns its id."""
    helper = _bench_analysis()
    db = connect(path)
    migrate(db)
    db.execute("PRAGMA synchronous = OFF")
    for code, name in helper.COMMUNES:
        db.execute(
            "INSERT INTO communes (code, name, search_name, population) "
            "VALUES (?, ?, ?, 10000)",
            [code, name, name.lower()],
        )
    user = db.execute(
        "INSERT INTO users (email, name, password_hash, created_at) "
        "VALUES ('bench@example.fr', 'Bench', '-', ?)",
        [now()],
    ).lastrowid
    diagnostic = db.execute(
        "INSERT INTO diagnostics (title, structure, created_by, created_at) "
        "VALUES ('Diagnostic de banc', 'Communauté de communes', ?, ?)",
        [user, now()],
    ).lastrowid
    db.execute(
        "INSERT INTO diagnostic_members (diagnostic_id, user_id, role) "
        "VALUES (?, ?, 'owner')",
        [diagnostic, user],
    )
    for code, _ in helper.COMMUNES:
        db.execute("INSERT INTO diagnostic_communes VALUES (?, ?)", [diagnostic, code])
    db.conn.commit()
    rnd = random.Random(1)
    qs = helper.questions()
    for number in range(surveys):
        survey_id = create_survey(db, diagnostic, f"Enquête {number + 1}", qs)
        version = db.execute(
            "SELECT id FROM survey_versions WHERE survey_id = ?", [survey_id]
        ).fetchone()[0]
        points = [
            create_point(db, survey_id, name, "marche")
            for name in ("Marché", "Mairie", "École")
        ]
        rows = [
            (
                survey_id,
                version,
                rnd.choice(points),
                uuid.UUID(int=rnd.getrandbits(128)).hex,
                "self",
                f"2026-03-{1 + i % 28:02d}T10:00:00Z",
                json.dumps(
                    {q["key"]: helper.fake_answer(q, rnd) for q in qs},
                    ensure_ascii=False,
                ),
            )
            for i in range(answers)
        ]
        with db.conn:
            db.conn.executemany(
                "INSERT INTO responses (survey_id, version_id, point_id, "
                "idempotency_key, mode, submitted_at, answers) "
                "VALUES (?,?,?,?,?,?,?)",
                rows,
            )
    for _ in range(WORKSHOPS):
        add_demo_workshop(db, diagnostic, user)
    db.close()
    return diagnostic


def timed(fn) -> tuple[object, float]:
    start = time.perf_counter()
    result = fn()
    return result, round(time.perf_counter() - start, 2)


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (LibreOffice): on
    a shared machine, wall time also counts the time others held the cores."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--surveys", type=int, default=5)
    parser.add_argument("--answers", type=int, default=2000)
    args = parser.parse_args()
    figures: dict = {
        "surveys": args.surveys,
        "answers": args.answers * args.surveys,
        "workshops": WORKSHOPS,
    }
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "bench.db")
        diagnostic, figures["build_s"] = timed(
            lambda: build(path, args.surveys, args.answers)
        )
        db = connect(path)
        selection = Selection.everything(db, diagnostic)
        pdf = io.BytesIO()
        for fmt, writer, target in (
            ("odt", write_odt, io.BytesIO()),
            ("docx", write_docx, io.BytesIO()),
            ("pdf", write_pdf, pdf),
        ):
            before = cpu_seconds()
            _, figures[f"{fmt}_s"] = timed(
                lambda w=writer, t=target: w(
                    build_document(db, diagnostic, selection), t
                )
            )
            figures[f"{fmt}_cpu_s"] = round(cpu_seconds() - before, 2)
        figures["pages"] = pdf_pages(pdf.getvalue())
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    figures["peak_rss_mb"] = round(own / 1024)
    figures["soffice_rss_mb"] = round(children / 1024)
    figures["cpus"] = os.cpu_count()
    figures["target_met"] = (
        all(figures[f"{f}_s"] <= TARGET_S for f in ("odt", "docx", "pdf"))
        and max(own, children) / 1024 <= 1024
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
