"""A honeypot field for public forms: robots fill it, people never see it.

Include `_honeypot.html` inside the form and test `is_spam(request.form)`
before storing anything. A filled honeypot should get the normal "thank you"
page (the robot learns nothing) while nothing is stored.
"""

from collections.abc import Mapping

# A plausible name for a robot, matched by no browser autofill heuristic.
FIELD = "remarque_libre"


def is_spam(form: Mapping[str, str]) -> bool:
    """True when the hidden field came back filled in."""
    return bool((form.get(FIELD) or "").strip())
