"""Answers collected in the field: kiosk tablets, paper forms, offline sync.

- `kiosk.py`: a conseiller hands a tablet to resident after resident
  (`/enquetes/<s>/kiosque/<p>`), answers marked `kiosk`;
- `paper.py`: paper questionnaires typed in quickly (`/enquetes/<s>/saisie`),
  marked `paper` or `interview`;
- `sync.py`: the JSON endpoint (`/s/<code>/envoi`) that receives answers
  queued on a device while offline, each stored exactly once;
- `device.py`: the signed per-device token that authorises that endpoint.

Registered by `survey_app.surveys.register` with one call to `register(app)`.
"""

from flask import Flask

from ..page_slots import add_survey_tab


def register(app: Flask) -> None:
    from . import kiosk, paper, sync

    app.register_blueprint(kiosk.bp)
    app.register_blueprint(paper.bp)
    app.register_blueprint(sync.bp)
    add_survey_tab(app, "field.index", "Saisie sur place", 50)
