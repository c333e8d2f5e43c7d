"""Who may see what: every conseiller view goes through these checks.

A conseiller sees a diagnostic only if they are one of its members; the check
is done on the server for every request, never by hiding a link.
"""

import functools
from collections.abc import Callable
from typing import Any

from flask import abort, g, redirect, request, url_for

from .db import get_db


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Redirect anonymous visitors to the sign-in page, then back."""

    @functools.wraps(view)
    def wrapped(**kwargs: Any) -> Any:
        if g.get("user") is None:
            return redirect(url_for("auth.login", next=request.full_path))
        return view(**kwargs)

    return wrapped


def member_diagnostic(diagnostic_id: int) -> dict[str, Any]:
    """Return the diagnostic if the signed-in user is a member of it.

    :raise 403: signed in but not a member (or not signed in at all).
    :raise 404: no such diagnostic.
    """
    if g.get("user") is None:
        abort(403)
    db = get_db()
    row = db.execute(
        """SELECT d.*, m.role FROM diagnostics d
           LEFT JOIN diagnostic_members m
             ON m.diagnostic_id = d.id AND m.user_id = ?
           WHERE d.id = ?""",
        [g.user["id"], diagnostic_id],
    ).fetchone()
    if row is None:
        abort(404)
    if row["role"] is None:
        abort(403)
    return dict(row)


def member_survey(survey_id: int) -> dict[str, Any]:
    """Return the survey (with its diagnostic in g.diagnostic) if allowed.

    :raise 403: the user is not a member of the survey's diagnostic.
    :raise 404: no such survey.
    """
    row = get_db().execute("SELECT * FROM surveys WHERE id = ?", [survey_id])
    survey = row.fetchone()
    if survey is None:
        abort(404)
    g.diagnostic = member_diagnostic(survey["diagnostic_id"])
    return dict(survey)


def user_diagnostics(user_id: int) -> list[dict[str, Any]]:
    rows = get_db().execute(
        """SELECT d.* FROM diagnostics d
           JOIN diagnostic_members m ON m.diagnostic_id = d.id
           WHERE m.user_id = ? ORDER BY d.created_at DESC""",
        [user_id],
    )
    return [dict(r) for r in rows]
