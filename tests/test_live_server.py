"""The production server (gunicorn.conf.py, as `make serve` starts it) with
open workshop streams: they hold no API thread, are capped with a 503, get
only their workshop's events, and end at once on SIGTERM."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from helpers.sockets import free_port, read_until
from helpers.workshops import make_workshop, participant

from facilitation.participants import join

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
API_THREADS = 2
MAX_STREAMS = 8


def send(port: int, method: str, path: str, token: str, body: dict | None = None):
    """Open a connection, send one request; return the socket (5 s timeout)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    data = json.dumps(body).encode() if body is not None else b""
    head = (
        f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"X-Participant-Token: {token}\r\nContent-Length: {len(data)}\r\n"
        + ("Content-Type: application/json\r\n" if body is not None else "")
        + "\r\n"
    )
    sock.sendall(head.encode() + data)
    return sock


@pytest.fixture
def server(app):
    port = free_port()
    env = {
        **os.environ,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "FLASK_DATABASE": app.config["DATABASE"],
        "FLASK_SECRET_KEY": "test-secret",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": str(API_THREADS),
        "LIVE_MAX_STREAMS": str(MAX_STREAMS),
    }
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    process = subprocess.Popen(
        [gunicorn, "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # Until the app answers, not only the socket: on a busy 2-core machine the
    # worker took more than the streams' 5 s to import the app after binding.
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/connexion", timeout=5)
            break
        except urllib.error.HTTPError:
            break  # an answer
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("gunicorn did not start")
            time.sleep(0.1)
    yield port, process
    if process.poll() is None:
        process.kill()
        process.wait()


def test_streams_hold_no_thread_are_capped_and_end_on_sigterm(
    app, db, diagnostic, server
):
    port, process = server
    here = make_workshop(db, diagnostic, ("brainstorm", {"private": False}))
    elsewhere = make_workshop(db, diagnostic, ("brainstorm", {"private": False}))
    me, token = join(db, here["id"], "Moi")
    others = [join(db, here["id"], f"P{n}")[1] for n in range(MAX_STREAMS - 2)]
    outsider_token = join(db, elsewhere["id"], "Ailleurs")[1]
    participant(db, here["id"])

    # Far more open streams than API threads...
    streams = [
        send(port, "GET", f"/a/{here['code']}/flux", t) for t in others + [token]
    ]
    streams.append(send(port, "GET", f"/a/{elsewhere['code']}/flux", outsider_token))
    for stream in streams:
        assert b"200" in read_until(stream, b": flux ouvert").split(b"\r\n")[0]
    # ...and the next one is refused, in French, instead of waiting.
    extra = send(port, "GET", f"/a/{here['code']}/flux", token)
    refused = read_until(extra, b"}", seconds=10)
    extra.close()
    assert refused.startswith(b"HTTP/1.1 503")
    assert "Trop de connexions" in refused.decode()

    # A post is still answered at once, and reaches the streams of its
    # workshop only.
    post = send(
        port,
        "POST",
        f"/a/{here['code']}/cartes",
        token,
        {"activity_id": here["activities"][0], "column": "idees", "text": "Vite"},
    )
    assert read_until(post, b"Vite", seconds=10).startswith(b"HTTP/1.1 201")
    for stream in streams[:-1]:
        assert b'"text":"Vite"' in read_until(stream, b'"text":"Vite"')
    streams[-1].settimeout(0.5)
    with pytest.raises(TimeoutError):
        while b"Vite" not in streams[-1].recv(65536):
            pass

    # SIGTERM: every stream ends at once and the server stops in a few
    # seconds (idle keep-alive connections), not after its graceful timeout
    # (10 s) as when streams held it.
    stopping = time.monotonic()
    process.send_signal(signal.SIGTERM)
    for stream in streams:
        read_until(stream, b"0\r\n\r\n")
    process.wait(timeout=12)
    assert time.monotonic() - stopping < 8
    for sock in [*streams, post]:
        sock.close()
