"""Friendly French error pages with the right status codes."""

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError

MESSAGES = {
    400: ("Demande incorrecte", "Le formulaire envoyé n'a pas pu être lu."),
    403: ("Accès refusé", "Vous n'avez pas accès à cette page."),
    404: ("Page introuvable", "Cette adresse ne correspond à aucune page."),
    405: ("Action impossible", "Cette action n'est pas possible ici."),
    410: ("Terminé", "Cette page n'est plus disponible."),
    413: ("Envoi trop volumineux", "Ce que vous avez envoyé est trop long."),
    429: (
        "Trop de demandes",
        "Vous avez envoyé beaucoup de demandes en peu de temps. "
        "Attendez une minute puis réessayez.",
    ),
    500: (
        "Erreur du serveur",
        "Un problème est survenu de notre côté. Réessayez dans un instant.",
    ),
}


def render_error(status: int, message: str | None = None):
    title, default = MESSAGES.get(status, MESSAGES[500])
    template = (
        "public/error.html" if request.path.startswith(("/s/", "/a/")) else "error.html"
    )
    return (
        render_template(template, title=title, message=message or default),
        status,
    )


def init_app(app: Flask) -> None:
    def handler(e):
        status = getattr(e, "code", 500) or 500
        # Werkzeug's default descriptions are English: keep only our own.
        custom = getattr(e, "description", None)
        if custom == getattr(type(e), "description", None):
            custom = None
        return render_error(status, custom)

    for status in MESSAGES:
        if status != 500:
            app.register_error_handler(status, handler)
    app.register_error_handler(500, lambda e: render_error(500))

    @app.errorhandler(CSRFError)
    def csrf_error(_e):
        return render_error(
            400,
            "La page a expiré ou a été ouverte ailleurs. "
            "Revenez en arrière, rechargez la page puis réessayez.",
        )
