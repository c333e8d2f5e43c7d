"""The production server's worker and application wrapper (gunicorn.conf.py).

Each gunicorn worker is an asyncio event loop (gunicorn's own ASGI worker).
The Flask application runs in a bounded pool of threads of that process
(a2wsgi), as under a threaded WSGI worker; live workshop streams are handed
over to the event loop once their Flask view has authorised them
(facilitation/live.py), so open streams never hold one of those threads.
"""

from typing import Any

from a2wsgi import WSGIMiddleware
from gunicorn.workers.gasgi import ASGIWorker

from facilitation import live

from .settings import environment_setting

# Threads per worker for pages and the JSON API: requests that end quickly
# (streams do not count), writes serialised by SQLite anyway.
API_THREADS = environment_setting("GUNICORN_THREADS")


def serve(wsgi_app: Any, database: str | None = None, threads: int = API_THREADS):
    """An ASGI application: `wsgi_app` in `threads` threads, and, with a
    `database`, the workshop streams of that database on the event loop."""
    pool = WSGIMiddleware(wsgi_app, workers=threads)
    hub = live.LiveHub(database) if database else None

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or hub is None:
            await pool(scope, receive, send)  # lifespan: answered by a2wsgi
            return
        scope[live.SCOPE_KEY] = hub

        async def send_unless_handed_over(message: Any) -> None:
            if live.HANDOFF_KEY not in scope:
                await send(message)

        await pool(scope, receive, send_unless_handed_over)
        stream = scope.get(live.HANDOFF_KEY)
        if stream is not None:
            await hub.serve(send, **stream)

    return app


class Worker(ASGIWorker):
    """gunicorn's asyncio worker; a stop also ends the open event streams at
    once (they would otherwise hold a graceful stop for its whole timeout)."""

    def handle_exit_signal(self) -> None:
        live.close_all()
        super().handle_exit_signal()

    def handle_quit_signal(self) -> None:
        live.close_all()
        super().handle_quit_signal()
