"""The diagnostic's results page: its surveys side by side (issue 10 §3).

A diagnostic may hold several surveys (residents, partners, a second
wave): this page puts, for each question asked in at least two of them, the
shares of every survey in one table, and lists what each survey says most
(the document's key findings). Figures are the protected summaries of the
document and the workbooks (`document_surveys.load`): a count under 5 and
what would give it back stay hidden here too.
"""

from dataclasses import dataclass, field

import pandas as pd

from analysis.result_blocks import ci_text, pct_text
from analysis.sheets import CHOICE_TYPES

from . import document_surveys as ds
from .document import diagnostic_surveys


@dataclass
class SharedQuestion:
    key: str
    text: str
    surveys: list[str]  # titles, in the diagnostic's order
    counts: list[str]  # people who answered, per survey
    rows: list[list[str]] = field(default_factory=list)  # label, then cells


@dataclass
class SurveyFindings:
    id: int
    title: str
    answers: int
    weighted: bool
    gaps: list[str]
    publics: list[str]
    needs: list[str]


def share_cell(record: dict, weighted: bool) -> str:
    """ "42 % (35 – 49 %)", the re-weighted share when the survey is; a
    hidden figure as the exports print it ("< 5", "masqué")."""
    prefix = "w_" if weighted else ""
    value = record.get(f"{prefix}percent")
    if isinstance(value, str):
        return value
    if isinstance(record["ci_low"], str):
        return record["ci_low"]
    if value is None or pd.isna(value):
        return "—"
    low, high = record[f"{prefix}ci_low"], record[f"{prefix}ci_high"]
    return f"{pct_text(value)} ({ci_text(low, high)})"


def shared_questions(surveys: list[ds.LoadedSurvey]) -> list[SharedQuestion]:
    """Choice questions (profile left out) answered in two surveys or more."""
    found = []
    keys = [k for s in surveys for k in s.summaries]
    for key in dict.fromkeys(keys):
        # Surveys where someone answered it: an empty column says nothing.
        having = [s for s in surveys if key in s.summaries and s.summaries[key].n]
        if len(having) < 2:
            continue
        summaries = [s.summaries[key] for s in having]
        first = summaries[0]
        if first.type not in CHOICE_TYPES or first.theme == "profil":
            continue
        records = [
            {
                r["label"]: r
                for r in x.table.to_dict("records")
                if not r["no_answer"] and not (x.type == "commune" and r["count"] == 0)
            }
            for x in summaries
        ]
        labels = list(dict.fromkeys(label for r in records for label in r))
        question = SharedQuestion(
            key,
            first.text,
            [s.title for s in having],
            [str(x.n) for x in summaries],
        )
        for label in labels:
            question.rows.append(
                [str(label)]
                + [
                    share_cell(r[label], x.weighted) if label in r else "—"
                    for r, x in zip(records, summaries, strict=True)
                ]
            )
        found.append(question)
    return found


def diagnostic_results(db, diagnostic_id: int) -> dict:
    """findings (one per survey) and shared (SharedQuestion list)."""
    surveys = [ds.load(db, s["id"]) for s in diagnostic_surveys(db, diagnostic_id)]
    findings = [
        SurveyFindings(
            s.id,
            s.title,
            len(s.frames.wide),
            s.weighting.applied,
            ds.largest_gaps(s) if len(s.frames.wide) else [],
            ds.priority_lines(s) if len(s.frames.wide) else [],
            ds.uncovered_needs(s),
        )
        for s in surveys
    ]
    return {"findings": findings, "shared": shared_questions(surveys)}
