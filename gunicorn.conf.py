"""Production server settings, shared by `make run` and every script in bench/.

The benches start the server with exactly this file so that their figures are
the ones a conseiller gets.
"""

import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
# Threads rather than processes alone: live workshop streams (SSE) hold a
# connection open, and a thread waiting on the network costs little.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
timeout = 60
graceful_timeout = 10
keepalive = 5
accesslog = None  # no access log: it would store residents' IP addresses
errorlog = "-"
wsgi_app = "survey_app.wsgi:app"
