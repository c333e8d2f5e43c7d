"""The floor of bench/survey.py: a bare Flask endpoint that does nothing.

Served by the same gunicorn settings as the application, so the ratio
submissions / floor says what the application's own work costs.
"""

from flask import Flask, redirect

app = Flask(__name__)


@app.post("/s/<code>/questions")
def nothing(code: str):
    return redirect(f"/s/{code}/merci", 303)
