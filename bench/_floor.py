"""The floor of bench/survey.py: a bare Flask endpoint that does nothing.

Served by the same gunicorn settings as the application (same worker, same
pool of threads), so the ratio submissions / floor says what the
application's own work costs.
"""

from flask import Flask, redirect

from survey_app.server import serve

floor = Flask(__name__)


@floor.post("/s/<code>/questions")
def nothing(code: str):
    return redirect(f"/s/{code}/merci", 303)


app = serve(floor)
