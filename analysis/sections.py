"""Priority publics and national comparison blocks of the results page."""

import numpy as np
import pandas as pd
from markupsafe import Markup

from .charts import Bar, Group, bar_chart, fr_number, paired_chart
from .frames import SurveyFrames
from .national import compare_national
from .priority import priority_publics
from .result_blocks import Section, Table, ci_text, pct_text


def priority_block(frames: SurveyFrames, top: int = 3) -> Section:
    """For each exclusion indicator, the most affected groups (never < 5)."""
    table = priority_publics(frames)
    if table.empty:
        return Section(
            message="Ajoutez au questionnaire des questions de profil (âge, genre…) "
            "et d'équipement ou de compétences pour repérer les publics prioritaires."
        )
    shown = table[~table["suppressed"].astype(bool)]
    # Only groups more affected than everyone (a top-3 can include groups
    # below the overall figure when few groups exist).
    shown = shown[(shown["rank"] <= top) & (shown["difference"] > 0)]
    if shown.empty:
        return Section(
            message="Aucun groupe ne se distingue pour l'instant (il faut au moins "
            "5 personnes concernées, et 5 non concernées, par groupe)."
        )
    weighted = "w_percent" in shown.columns and shown["w_percent"].notna().any()
    prefix = "w_" if weighted else ""
    rows, bars = [], []
    for r in shown.itertuples():
        percent = getattr(r, f"{prefix}percent")
        people = str(int(r.n))
        if weighted and not pd.isna(r.n_effective):
            people += f" (effectif efficace {fr_number(r.n_effective, 0)})"
        rows.append(
            [
                f"{r.indicator_label} — {r.grouping_label} : {r.group_label}",
                people,
                pct_text(percent),
                ci_text(getattr(r, f"{prefix}ci_low"), getattr(r, f"{prefix}ci_high")),
                pct_text(r.overall_percent),
                f"{'+' if r.difference >= 0 else ''}{fr_number(r.difference)} pts",
            ]
        )
        if r.rank == 1:
            bars.append(
                Bar(
                    f"{r.indicator_label} — {r.grouping_label} : {r.group_label}",
                    percent,
                    getattr(r, f"{prefix}ci_low"),
                    getattr(r, f"{prefix}ci_high"),
                    f"{int(r.n)} pers.",
                )
            )
    svg = bar_chart(
        bars,
        title="Groupe le plus concerné, pour chaque indicateur",
        desc=" ; ".join(f"{b.label} : {pct_text(b.value)}" for b in bars),
        ident="publics",
    )
    return Section(
        svg=Markup(svg),
        table=Table(
            caption=f"Les {top} groupes les plus concernés par indicateur "
            + (
                "(parts redressées : groupe, ensemble et écart)"
                if weighted
                else "(parts brutes, non redressées)"
            ),
            columns=["Indicateur et groupe", "Personnes", "Part", "Marge",
                     "Ensemble", "Écart"],
            rows=rows,
            notes=["Les groupes de moins de 5 personnes concernées (ou non "
                   "concernées) ne sont pas affichés."],
        ),
    )  # fmt: skip


def national_block(
    frames: SurveyFrames,
    compact: bool = False,
    comparison: pd.DataFrame | None = None,
) -> Section:
    """Local figures (raw and re-weighted) next to the national ones.

    `compact` (the summary view): verdict without its basis and the
    sources listed once under the table, so a row fits on one line.
    `comparison`: `compare_national(frames)` when the caller has it already.
    """
    table = compare_national(frames) if comparison is None else comparison
    if table.empty:
        return Section(
            message="Aucune question de ce questionnaire n'a d'équivalent national "
            "(questions de la banque : équipement, usages, démarches…)."
        )
    table = table[~table["suppressed"].astype(bool)]
    if table.empty:
        return Section(
            message="Pas encore assez de réponses pour comparer (5 au minimum)."
        )
    weighted = table["w_percent"].notna().any()
    series = ["Territoire (brut)"] + (["Territoire (redressé)"] if weighted else [])
    series.append("France")
    groups_, rows = [], []
    for r in table.itertuples():
        label = r.label + (
            f" — {r.group_label}" if isinstance(r.group_label, str) else ""
        )
        values = [r.percent] + ([r.w_percent] if weighted else []) + [r.national]
        groups_.append(Group(label, [None if pd.isna(v) else v for v in values]))
        source = f"{r.source} ({r.year})"
        rows.append(
            [label, str(int(r.n))]
            + [pct_text(v) for v in values]
            + [f"{r.verdict} {r.basis}".strip(), f"{source}, {r.population}"]
        )
    svg = paired_chart(
        groups_,
        series,
        title="Votre territoire et la France",
        desc=" ; ".join(
            f"{g.label} : "
            + ", ".join(
                f"{s} {pct_text(v)}" for s, v in zip(series, g.values, strict=True)
            )
            for g in groups_
        ),
        ident="national",
    )
    notes = [
        "Le verdict tient compte de la marge d'incertitude"
        + (" du chiffre redressé." if weighted else ".")
    ]
    if table["proxy"].any():
        notes.append(
            "« Illectronisme » est ici estimé à partir des réponses déclarées "
            "(indicateur approché), pas avec la méthode de l'INSEE."
        )
    if compact:
        bases = dict.fromkeys(str(r.basis) for r in table.itertuples() if r.basis)
        if bases:
            notes.append("Base : " + " ".join(bases))
        notes.append(
            "Sources : "
            + " ; ".join(
                dict.fromkeys(
                    f"{r.source} ({r.year}), {r.population}" for r in table.itertuples()
                )
            )
            + "."
        )
        rows = [
            row[:-2] + [str(r.verdict)]
            for row, r in zip(rows, table.itertuples(), strict=True)
        ]
        return Section(
            svg=Markup(svg),
            table=Table(
                caption="Comparaison avec les chiffres nationaux",
                columns=["Indicateur", "Personnes", *series, "Verdict"],
                rows=rows,
                notes=notes,
                text_columns={len(series) + 2},
            ),
        )
    return Section(
        svg=Markup(svg),
        table=Table(
            caption="Comparaison avec les chiffres nationaux",
            columns=["Indicateur", "Personnes", *series, "Verdict", "Source"],
            rows=rows,
            notes=notes,
            text_columns={len(series) + 2, len(series) + 3},
        ),
    )


def effective_size_text(n: int, n_effective: float | None) -> str:
    if n_effective is None or np.isnan(n_effective):
        return ""
    return (
        "Taille d'échantillon effective après redressement : "
        f"{fr_number(n_effective)} (sur {n} réponses). Plus elle est faible, "
        "plus les marges d'erreur s'élargissent."
    )
