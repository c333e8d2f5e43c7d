"""ASGI entry point for gunicorn (see gunicorn.conf.py and server.py)."""

from . import create_app
from .server import serve

flask_app = create_app()
app = serve(flask_app, flask_app.config["DATABASE"])
