"""Production server settings, shared by `make run` and every script in bench/.

The benches start the server with exactly this file so that their figures are
the ones a conseiller gets.
"""

import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
# Each worker is an asyncio event loop (survey_app/server.py): pages and the
# JSON API run in a pool of GUNICORN_THREADS threads (16) per worker, and the
# live workshop streams (SSE) are served by the loop itself, so 1,000 open
# phones hold no thread (facilitation/live.py). Figures: README, "Charge".
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
worker_class = "survey_app.server.Worker"
timeout = 60
# Open streams end at once on SIGTERM (the phones reconnect to the next
# server); this only bounds the requests still running.
graceful_timeout = 10
# An idle keep-alive connection holds a stop for up to this long.
keepalive = 2
accesslog = None  # no access log: it would store residents' IP addresses
errorlog = "-"
wsgi_app = "survey_app.asgi:app"
# No control socket: tests, benches and `make run` may run side by side and
# would all claim the same $HOME/.gunicorn/gunicorn.ctl.
control_socket_disable = True
