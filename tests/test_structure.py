"""The package layout keeps its promises (README, "Architecture")."""

import pathlib
import re
import subprocess
import sys


def test_analysis_core_imports_without_flask():
    # The analysis core is pandas in, pandas out: scripts and notebooks
    # import it without the web stack.
    code = (
        "import sys, analysis.frames, analysis.crosstabs, analysis.weighting;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('flask', 'flask_wtf', 'wtforms', 'werkzeug')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_every_path_the_readme_names_exists():
    root = pathlib.Path(__file__).parent.parent
    readme = (root / "README.md").read_text("utf-8")
    named = set(
        re.findall(
            r"`((?:survey_app|facilitation|analysis|tests|docs|bench)/[\w./-]*)`",
            readme,
        )
    )
    assert len(named) > 10
    missing = sorted(p for p in named if not (root / p).exists())
    assert not missing
