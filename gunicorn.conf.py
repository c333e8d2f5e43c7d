"""Production server settings, shared by `make run` and every script in bench/.

The benches start the server with exactly this file so that their figures are
the ones a conseiller gets.
"""

import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
# Threads rather than processes alone: live workshop streams (SSE) hold a
# connection open, and a thread waiting on the network costs little. Each
# open stream holds one thread for its whole life, so a 300-person workshop
# needs 300+ threads in all (2 x 8 served 16 phones, the others hung).
# bench/workshop.py on 2 cores, 300 phones, card post -> every other phone
# (busy shared machine, so ranges): 2 workers x 200 threads p95 510-600 ms
# (each event wakes ~150 threads of one process, all wanting its GIL);
# 2 x 160 p95 276 ms; 4 x 100 p95 150-390 ms; server CPU ~40 % of one core.
# A phone whose stream waits behind busy threads falls back to polling
# after 8 s (facilitation/static/live.js).
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "100"))
# A worker stops accepting once it holds this many connections, so the
# others take the next phones: streams must not queue behind busy threads.
# The margin above `threads` is for idle keep-alive connections.
worker_connections = threads + 25
timeout = 60
graceful_timeout = 10
keepalive = 5
accesslog = None  # no access log: it would store residents' IP addresses
errorlog = "-"
wsgi_app = "survey_app.wsgi:app"
# No control socket: tests, benches and `make run` may run side by side and
# would all claim the same $HOME/.gunicorn/gunicorn.ctl.
control_socket_disable = True
