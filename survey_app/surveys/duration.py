"""How long a questionnaire takes, said the same everywhere (issue 8, A5).

The builder, the start page and the poster once gave "3", "2" and "5
minutes" for one survey. One estimate now, from the questions themselves:
a tap is quick, typing takes longer. A question shown only after some answer
counts too ("au plus").
"""

import math

# Seconds an older resident takes on a phone, by question type.
SECONDS = {
    "single": 10,
    "scale": 10,
    "multiple": 15,
    "number": 12,
    "commune": 15,
    "short_text": 30,
    "long_text": 45,
}
WELCOME_SECONDS = 20  # reading the start page


def minutes(questions: list[dict]) -> int:
    """Whole minutes, rounded up, at least 1."""
    seconds = WELCOME_SECONDS + sum(
        SECONDS.get(str(q.get("type")), 15) for q in questions
    )
    return max(1, math.ceil(seconds / 60))


def label(questions: list[dict]) -> str:
    """ "environ 4 minutes" """
    n = minutes(questions)
    return f"environ {n} minute{'s' if n > 1 else ''}"
