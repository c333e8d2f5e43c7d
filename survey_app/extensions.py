"""Flask extension objects, created unbound and bound by `create_app`.

This module imports nothing of the application, so that any blueprint can
take `csrf` from here without importing the package that registers it (the
Flask convention; see the tutorial's and Flask-SQLAlchemy's `extensions.py`).
"""

from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
# Every form speaks French, including WTForms' built-in messages ("This field
# is required"), without pulling in Flask-Babel for a single language.
FlaskForm.Meta.locales = ("fr_FR", "fr")
