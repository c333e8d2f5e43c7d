"""One table of answer cases, judged by the server and by the offline kiosk.

The kiosk checks answers on the tablet (survey_app/static/kiosk/
answer-rules.js) before they are queued; the server checks them again
(survey_app/surveys/answers.py). Both read tests/data/answer_rules_cases.json
and must give the same French message for each case, so a rule changed on
one side only fails here.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from survey_app.surveys.answers import group_steps, parse_answers

ROOT = Path(__file__).resolve().parent.parent
TABLE = json.loads((ROOT / "tests/data/answer_rules_cases.json").read_text())
CASES = TABLE["cases"]
STEPS = TABLE["steps"]


@pytest.fixture(scope="module")
def kiosk_says():
    """What the kiosk's rules say for every case, from one run of node."""
    node = shutil.which("node")
    assert node, "node is needed to run the kiosk's rules"
    result = subprocess.run(
        [
            node,
            str(ROOT / "tests/helpers/answer_rules.mjs"),
            str(ROOT / "survey_app/static/kiosk/answer-rules.js"),
            str(ROOT / "tests/data/answer_rules_cases.json"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


@pytest.mark.parametrize("index", range(len(CASES)), ids=[c["name"] for c in CASES])
def test_server_rules(index):
    case = CASES[index]
    _answers, errors = parse_answers(case["questions"], case["form"])
    assert errors == case["errors"]


@pytest.mark.parametrize("index", range(len(CASES)), ids=[c["name"] for c in CASES])
def test_kiosk_rules(kiosk_says, index):
    assert kiosk_says["errors"][index] == CASES[index]["errors"]


@pytest.mark.parametrize("index", range(len(STEPS)), ids=[c["name"] for c in STEPS])
def test_screens_cut_alike(kiosk_says, index):
    case = STEPS[index]
    server = [[q["key"] for q in step] for step in group_steps(case["questions"])]
    assert server == case["steps"]
    assert kiosk_says["steps"][index] == case["steps"]
