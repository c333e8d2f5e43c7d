"""Resident questionnaire: page weight and sustained submissions per second.

Usage: .venv/bin/python bench/survey.py [--clients 20] [--seconds 10]

Starts the production server exactly as `make run` does (gunicorn with
gunicorn.conf.py) over a temp database holding the demo diagnostic, then:

1. page weight: gzip-compressed bytes of the welcome page /s/demo and of the
   first questions screen, each with every stylesheet, script, font and image
   it loads (`page_bytes_gz` is the larger of the two);
2. throughput: `--clients` concurrent clients on keep-alive connections send
   complete, valid final screens (full validation, idempotency key, CSRF) for
   `--seconds`; every acknowledged submission (303 to the thank-you page) is
   then looked up in the database (`lost`);
3. floor: the same client against a bare Flask endpoint that does nothing,
   served by the same gunicorn settings.

The last line printed is one JSON object: page_bytes_gz, page_requests,
submissions_per_s, floor_per_s, errors, lost (and details).
"""

import argparse
import asyncio
import gzip
import json
import os
import re
import secrets
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from _client import Client, HTTPError  # noqa: E402
from _server import BIN, ROOT, Server  # noqa: E402

ASSET_RE = re.compile(r'<(?:link[^>]+href|script[^>]+src|img[^>]+src)="([^"]+)"')
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
STEP_RE = re.compile(r'name="_step" value="(\d+)"')
VERSION_RE = re.compile(r'name="_v" value="(\d+)"')


def visible(question: dict, answers: dict) -> bool:
    rule = question.get("show_if")
    if not rule:
        return True
    given = answers.get(rule["question"])
    given = given if isinstance(given, list) else [given]
    return bool(set(given) & set(rule["values"]))


def valid_fields(questions: list[dict], commune_code: str) -> dict[str, list[str]]:
    """A complete, valid set of answers for every question shown."""
    answers: dict = {}
    fields: dict[str, list[str]] = {}
    for q in questions:
        if not visible(q, answers):
            continue
        kind, key = q["type"], q["key"]
        codes = [c["code"] for c in q.get("choices", []) if c["code"] != "autre"]
        exclusive = set(q.get("exclusive", []))
        if kind in ("single", "scale"):
            answers[key] = codes[0]
        elif kind == "multiple":
            answers[key] = [next(c for c in codes if c not in exclusive)]
        elif kind == "number":
            answers[key] = str(q.get("min") or 0)
        elif kind in ("short_text", "long_text"):
            answers[key] = "Une réponse écrite pendant le banc d'essai"
        elif kind == "commune":
            answers[key] = commune_code
        value = answers[key]
        fields[key] = value if isinstance(value, list) else [value]
    return fields


def encode(fields: dict[str, list[str]], extra: dict[str, str]) -> list:
    pairs = [(name, value) for name, values in fields.items() for value in values]
    return pairs + list(extra.items())


async def page_weight(client: Client, path: str) -> tuple[int, int]:
    """(gzip bytes of the page and everything it loads, number of requests)."""
    status, _, body = await client.get(path)
    assert status == 200, (path, status)
    total, requests = len(gzip.compress(body, 6)), 1
    for asset in sorted(set(ASSET_RE.findall(body.decode()))):
        if asset.startswith("/"):
            _, _, data = await client.get(asset)
            total += len(gzip.compress(data, 6))
            requests += 1
    return total, requests


async def post_pairs(client: Client, path: str, pairs: list):
    from urllib.parse import urlencode

    return await client.request(
        "POST",
        path,
        urlencode(pairs).encode(),
        {"Content-Type": "application/x-www-form-urlencoded"},
    )


async def last_step(client: Client, fields: dict) -> tuple[str, str, str]:
    """Walk the questionnaire once like a resident; (csrf, version, last step)."""
    _, _, body = await client.get("/s/demo/questions")
    html = body.decode()
    csrf, version = CSRF_RE.search(html)[1], VERSION_RE.search(html)[1]
    key, step = secrets.token_urlsafe(16), STEP_RE.search(html)[1]
    for _ in range(50):
        extra = {"csrf_token": csrf, "_v": version, "_k": key, "_step": step}
        status, _, body = await post_pairs(
            client, "/s/demo/questions", encode(fields, {**extra, "_nav": "next"})
        )
        if status == 303:
            return csrf, version, step
        match = STEP_RE.search(body.decode())
        if status != 200 or match is None or match[1] == step:
            raise RuntimeError(f"questionnaire refused the answers ({status})")
        step = match[1]
    raise RuntimeError("questionnaire never ended")


async def hammer(url: str, clients: int, seconds: float, make_body) -> dict:
    """`clients` keep-alive clients posting for `seconds`; acknowledged keys."""
    host, port = url.split("//")[1].split(":")
    acknowledged: list[str] = []
    errors = 0

    async def one(client: Client, extra: dict) -> None:
        nonlocal errors
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            key = secrets.token_urlsafe(16)
            try:
                status, _, _ = await post_pairs(
                    client, "/s/demo/questions", make_body(key, extra)
                )
            except (HTTPError, OSError):
                errors += 1
                continue
            if status == 303:
                acknowledged.append(key)
            else:
                errors += 1

    pool = []
    for _ in range(clients):
        client = Client(host, int(port))
        extra = {}
        status, _, body = await client.get("/s/demo/questions")
        if status == 200:
            extra["csrf_token"] = CSRF_RE.search(body.decode())[1]
        pool.append((client, extra))
    started = time.monotonic()
    await asyncio.gather(*(one(c, extra) for c, extra in pool))
    elapsed = time.monotonic() - started
    await asyncio.gather(*(client.close() for client, _ in pool))
    return {"acknowledged": acknowledged, "errors": errors, "elapsed": elapsed}


def demo_survey(database: str) -> tuple[list[dict], str]:
    conn = sqlite3.connect(database)
    (questions,) = conn.execute(
        """SELECT v.questions FROM collection_points p
           JOIN survey_versions v ON v.survey_id = p.survey_id
           WHERE p.code = 'demo' ORDER BY v.number DESC LIMIT 1"""
    ).fetchone()
    row = conn.execute("SELECT commune_code FROM diagnostic_communes LIMIT 1")
    commune = (row.fetchone() or ["38225"])[0]
    conn.close()
    return json.loads(questions), commune


def count_found(database: str, keys: list[str]) -> int:
    conn = sqlite3.connect(database)
    conn.execute("CREATE TEMP TABLE acked (k TEXT PRIMARY KEY)")
    conn.executemany("INSERT OR IGNORE INTO acked VALUES (?)", [(k,) for k in keys])
    (found,) = conn.execute(
        "SELECT count(*) FROM responses JOIN acked ON k = idempotency_key"
    ).fetchone()
    conn.close()
    return found


async def main(args: argparse.Namespace) -> dict:
    server = Server()
    server.init()
    subprocess.run(
        [os.path.join(BIN, "flask"), "--app", "survey_app", "demo"],
        cwd=ROOT,
        env=server.env,
        check=True,
        capture_output=True,
    )
    questions, commune = demo_survey(server.database)
    fields = valid_fields(questions, commune)
    server.start()
    try:
        probe = Client("127.0.0.1", server.port)
        start_gz, start_requests = await page_weight(probe, "/s/demo")
        step_gz, step_requests = await page_weight(probe, "/s/demo/questions")
        csrf, version, step = await last_step(probe, fields)

        def body(key: str, extra: dict) -> list:
            control = {"csrf_token": extra.get("csrf_token", csrf), "_v": version}
            control.update({"_k": key, "_step": step, "_nav": "next"})
            return encode(fields, control)

        run = await hammer(server.url, args.clients, args.seconds, body)
        await probe.close()
    finally:
        server.stop()
    found = count_found(server.database, run["acknowledged"])

    floor_server = Server()
    floor_server.start(app="bench._floor:app", ready_path="/")
    try:
        floor = await hammer(
            floor_server.url, args.clients, args.seconds, lambda k, e: [("_k", k)]
        )
    finally:
        floor_server.stop()

    per_s = len(run["acknowledged"]) / run["elapsed"]
    floor_per_s = len(floor["acknowledged"]) / floor["elapsed"]
    return {
        "page_bytes_gz": max(start_gz, step_gz),
        "page_requests": max(start_requests, step_requests),
        "start_page_bytes_gz": start_gz,
        "first_questions_page_bytes_gz": step_gz,
        "submissions_per_s": round(per_s, 1),
        "floor_per_s": round(floor_per_s, 1),
        "ratio_to_floor": round(per_s / floor_per_s, 3) if floor_per_s else None,
        "errors": run["errors"],
        "lost": len(run["acknowledged"]) - found,
        "acknowledged": len(run["acknowledged"]),
        "clients": args.clients,
        "seconds": args.seconds,
        "server": server.settings(),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10.0)
    print(json.dumps(asyncio.run(main(parser.parse_args()))))
