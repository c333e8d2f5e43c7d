"""The facilitator's HTML forms: new workshop, add an activity, settings.

Checks of meaning (budget range, source activity, lengths) stay in
`facilitation.boards` / `facilitation.workshops`, which raise WorkshopError
with a French message; these forms only read what was typed.
"""

import re
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from .boards import VISION_HORIZONS, VISION_THEMES
from .kinds import current_year

KINDS = [
    ("empathy", "Carte d'empathie"),
    ("vision", "Vision à 5 et 10 ans (années à choisir)"),
    ("brainstorm", "Brainstorming"),
    ("dots", "Vote par gommettes"),
    ("matrix", "Matrice impact × faisabilité"),
]


def _default_years() -> str:
    year = current_year()
    return ", ".join(str(year + h) for h in VISION_HORIZONS)


def lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class ActivityFields:
    """Fields shared by the new-workshop form and the add-activity form."""

    target = StringField(
        "Public cible de la carte d'empathie",
        validators=[Length(max=200)],
        description="Par exemple : « une personne âgée qui vit seule ».",
    )
    years = StringField(
        "Années visées par la vision",
        default=lambda: _default_years(),
        validators=[Length(max=40)],
        description="Une à quatre années, séparées par une virgule ; par exemple "
        "« 2030, 2035 ». Elles s'affichent sur l'écran, les téléphones et les "
        "exports.",
    )
    themes = TextAreaField(
        "Thèmes de la vision (un par ligne)",
        default="\n".join(label for _, label in VISION_THEMES),
    )
    categories = TextAreaField(
        "Catégories du brainstorming (une par ligne)",
        default="Idées",
        description="Une colonne par catégorie sur l'écran.",
    )
    budget = IntegerField(
        "Gommettes par participant",
        default=5,
        validators=[Optional(), NumberRange(1, 20, "Entre 1 et 20 gommettes.")],
    )
    multiple_dots = BooleanField("Plusieurs gommettes sur une même carte", default=True)
    items = TextAreaField(
        "Éléments à placer sur la matrice (un par ligne)",
        description="Par exemple vos chantiers. Laissez vide pour placer les "
        "cartes de l'activité choisie ci-dessus. Depuis le plan d'action, un "
        "bouton ajoute la matrice de tous les chantiers.",
    )

    def config_for(self, kind: str, source_id: int | None = None) -> dict[str, Any]:
        """The `config` of an activity of `kind` from what was typed."""
        if kind == "empathy":
            return {"target": self.target.data or ""}
        if kind == "vision":
            return {
                "years": re.findall(r"-?\d+", self.years.data or ""),
                "themes": lines(self.themes.data) or None,
            }
        if kind == "brainstorm":
            return {"categories": lines(self.categories.data) or None}
        if kind == "matrix":
            if source_id and not lines(self.items.data):
                return {"source_activity_id": source_id}
            return {"items": lines(self.items.data)}
        return {
            "source_activity_id": source_id,
            "budget": self.budget.data or 5,
            "multiple_dots": bool(self.multiple_dots.data),
        }


class SettingsFields:
    approval = BooleanField(
        "File d'approbation : je valide chaque carte avant que les autres la voient"
    )
    show_names = BooleanField(
        "Afficher le prénom choisi à côté des cartes", default=True
    )
    max_card_length = IntegerField(
        "Longueur maximale d'une carte (caractères)",
        default=280,
        validators=[NumberRange(20, 1000, "Entre 20 et 1000 caractères.")],
    )

    def settings(self) -> dict[str, Any]:
        return {
            "approval": bool(self.approval.data),
            "show_names": bool(self.show_names.data),
            "max_card_length": self.max_card_length.data,
        }


class NewWorkshopForm(FlaskForm, ActivityFields, SettingsFields):
    title = StringField(
        "Titre de l'atelier",
        validators=[DataRequired("Donnez un titre à l'atelier."), Length(max=200)],
        description="Il s'affiche sur l'écran et sur les téléphones.",
    )
    use_empathy = BooleanField("1. Carte d'empathie", default=True)
    use_vision = BooleanField("2. Vision à 5 et 10 ans", default=True)
    use_brainstorm = BooleanField("3. Brainstorming", default=True)
    use_dots = BooleanField("4. Vote par gommettes", default=True)
    dots_source = SelectField(
        "Sur les cartes de",
        choices=[SelectChoice(k, label) for k, label in KINDS[:3]],
        default="brainstorm",
    )

    def activities(self) -> tuple[list[dict[str, Any]], str | None]:
        """Card activities in order, and the kind the dot vote is about."""
        chosen = [
            {"kind": kind, "config": self.config_for(kind)}
            for kind, _ in KINDS[:3]
            if getattr(self, f"use_{kind}").data
        ]
        return chosen, (self.dots_source.data if self.use_dots.data else None)


class AddActivityForm(FlaskForm, ActivityFields):
    kind = SelectField("Modèle", choices=[SelectChoice(k, label) for k, label in KINDS])
    title = StringField(
        "Titre (facultatif)",
        validators=[Length(max=200)],
        description="Sinon, le nom du modèle.",
    )
    source = SelectField(
        "Pour un vote ou une matrice : sur les cartes de",
        coerce=lambda value: int(value) if value not in (None, "") else 0,
        choices=[],
        default=0,
    )


class SettingsForm(FlaskForm, SettingsFields):
    title = StringField(
        "Titre de l'atelier",
        validators=[DataRequired("Donnez un titre à l'atelier."), Length(max=200)],
    )


class JoinForm(FlaskForm):
    display_name = StringField(
        "Votre prénom ou pseudo (facultatif)",
        validators=[Length(max=40, message="40 caractères au maximum.")],
        description="Laissez vide pour rester anonyme.",
    )


class EmptyForm(FlaskForm):
    """Only the CSRF token, for buttons that POST."""
