"""Start and stop the production server for a bench, exactly as `make serve`.

`flask --app survey_app init` over a temp database, then
`.venv/bin/gunicorn -c gunicorn.conf.py` with PORT set to a free port. The
database and the secret key go through `FLASK_DATABASE` / `FLASK_SECRET_KEY`
so that the developer's instance/app.db is never touched.
"""

import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(sys.executable)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A gunicorn master and its workers over a fresh temp database."""

    def __init__(self) -> None:
        self.folder = tempfile.mkdtemp(prefix="bench-")
        self.database = os.path.join(self.folder, "app.db")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = os.path.join(self.folder, "server.log")
        self.env = {
            **os.environ,
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "FLASK_DATABASE": self.database,
            "FLASK_SECRET_KEY": secrets.token_hex(16),
        }
        self.process: subprocess.Popen | None = None

    def flask(self, command: str) -> None:
        """`flask --app survey_app <command>` over this server's database."""
        subprocess.run(
            [os.path.join(BIN, "flask"), "--app", "survey_app", command],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
        )

    def init(self) -> None:
        self.flask("init")

    def demo(self) -> None:
        """Load the demo data, as `make run` does on first start."""
        self.flask("demo")

    def start(
        self,
        timeout: float = 120,
        app: str | None = None,
        ready_path: str = "/connexion",
    ) -> None:
        """Start gunicorn; `app` replaces the application (for a floor)."""
        log = open(self.log_path, "wb")  # noqa: SIM115 (kept for the process)
        self.process = subprocess.Popen(
            [os.path.join(BIN, "gunicorn"), "-c", "gunicorn.conf.py"]
            + ([app] if app else []),
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn stopped:\n" + self.log())
            try:
                urllib.request.urlopen(self.url + ready_path, timeout=2).close()
                return
            except urllib.error.HTTPError:
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn does not answer:\n" + self.log())

    def pids(self) -> list[int]:
        """The master and its workers (children whose parent is the master)."""
        assert self.process is not None
        master = self.process.pid
        found = [master]
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                found.append(int(entry))
        return found

    def cpu_seconds(self) -> float:
        """User + system CPU time used so far by the master and its workers."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in self.pids():
            try:
                with open(f"/proc/{pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / ticks

    def log(self) -> str:
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as f:
                return f.read()[-4000:]
        except OSError:
            return ""

    def settings(self) -> dict:
        """Workers (gunicorn.conf.py) and API threads per worker (server.py)."""
        values: dict = {}
        saved = dict(os.environ)
        os.environ.update(self.env)
        try:
            with open(os.path.join(ROOT, "gunicorn.conf.py")) as f:
                exec(compile(f.read(), "gunicorn.conf.py", "exec"), values)
        finally:
            os.environ.clear()
            os.environ.update(saved)
        from survey_app.server import API_THREADS

        threads = int(self.env.get("GUNICORN_THREADS", API_THREADS))
        return {"workers": values.get("workers"), "threads": threads}

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            # SIGTERM, as a service manager stops it: open event streams
            # end at once (facilitation/live.py).
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
