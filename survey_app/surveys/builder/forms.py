"""Forms of the survey builder, and the question <-> form translation.

The question form is plain HTML that works without JavaScript: choices are
typed one per line, and the show-if answers are refreshed by a submit button
that re-displays the form without saving.
"""

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from .. import bank, duration
from ..model import CHOICE_TYPES, QUESTION_TYPES, THEMES
from ..questions import OTHER_CODE, normalise_question, question_errors, text_errors

Question = dict[str, Any]
_SHORT = bank.preset("court")
PRESET_CHOICES = [
    # The same estimate as the start page and the poster (issue 8, A5).
    SelectChoice(
        "court",
        f"Version courte ({duration.label(_SHORT)}), "
        f"{len(_SHORT)} questions de la banque",
    ),
    SelectChoice("complet", "Version complète, toutes les questions de la banque"),
    SelectChoice("vide", "Enquête vide : je choisis mes questions"),
]
# Where question_errors() fields are shown on the form; others go on top.
FIELD_OF_ERROR = {
    "text": "text",
    "help": "help",
    "type": "type",
    "theme": "theme",
    "choices": "choices",
    "other": "other",
    "exclusive": "exclusive",
    "show_if": "show_if_question",
    "min": "min",
    "max": "max",
    "max_length": "max_length",
}


def options(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def no_html(form: FlaskForm, field: Any) -> None:
    errors = text_errors(field.data or "", "Ce texte", 100_000, required=False)
    if errors:
        raise ValidationError(errors[0])


class SurveyForm(FlaskForm):
    title = StringField(
        "Titre de l'enquête",
        validators=[
            DataRequired("Donnez un titre à l'enquête."),
            Length(max=200, message="200 caractères au plus."),
            no_html,
        ],
        description="Les habitants le voient en haut du questionnaire.",
    )
    intro = TextAreaField(
        "Texte d'accueil (facultatif)",
        validators=[Length(max=2000, message="2 000 caractères au plus."), no_html],
        description="Affiché avant la première question : qui mène l'enquête, "
        "pourquoi, combien de temps elle prend.",
    )


class NewSurveyForm(SurveyForm):
    start = RadioField(
        "Pour commencer",
        choices=PRESET_CHOICES,
        default="court",
        validate_choice=False,  # checked below, with a French message
    )
    key = HiddenField()  # idempotency key: one survey per form shown

    def validate_start(self, field: Any) -> None:
        if field.data not in {c.value for c in PRESET_CHOICES}:
            raise ValidationError("Choisissez une des trois façons de commencer.")


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class QuestionForm(FlaskForm):
    text = TextAreaField(
        "Question posée",
        description="Une phrase courte, avec des mots simples.",
    )
    help = TextAreaField(
        "Aide sous la question (facultatif)",
        description="Par exemple : « Vous pouvez cocher plusieurs réponses. »",
    )
    # Values are checked by question_errors(), in French.
    type = SelectField(
        "Type de réponse",
        choices=options(QUESTION_TYPES.items()),
        validate_choice=False,
    )
    theme = SelectField(
        "Thème", choices=options(THEMES.items()), default="autre", validate_choice=False
    )
    required = BooleanField("Réponse obligatoire")
    choices = TextAreaField(
        "Choix de réponse, un par ligne",
        description="Pour les questions à choix unique, à choix multiples et les "
        "échelles (dans l'ordre de l'échelle). Au moins deux choix.",
    )
    other = BooleanField(
        "Ajouter « Autre, précisez » (la personne écrit sa propre réponse)"
    )
    exclusive = CheckboxesField(
        "Réponses qui ne se cochent pas avec d'autres (par exemple « Aucun »)",
        choices=[],
        validate_choice=False,
    )
    min = StringField("Minimum (facultatif)")
    max = StringField("Maximum (facultatif)")
    max_length = StringField("Longueur maximale de la réponse, en caractères")
    show_if_question = SelectField(
        "Poser cette question seulement selon la réponse à",
        choices=[],
        validate_choice=False,
    )
    show_if_values = CheckboxesField(
        "Poser la question si la réponse est",
        choices=[],
        validate_choice=False,
    )

    def set_options(self, earlier: list[Question]) -> None:
        """Options that depend on the other questions and on the typed choices."""
        conditions = [q for q in earlier if q["type"] in CHOICE_TYPES]
        self.show_if_question.choices = options(
            [("", "Toujours poser cette question")]
            + [
                (q["key"], f"{earlier.index(q) + 1}. {short(q['text'])}")
                for q in conditions
            ]
        )
        target = next(
            (q for q in conditions if q["key"] == self.show_if_question.data), None
        )
        self.show_if_values.choices = options(choice_options(target) if target else [])
        self.exclusive.choices = options((x, x) for x in self.choice_labels())

    def choice_labels(self) -> list[str]:
        lines = (self.choices.data or "").replace("\r", "").split("\n")
        return [line.strip() for line in lines if line.strip()]

    def fill(self, question: Question) -> None:
        """Put a stored question in the form (for a GET)."""
        labels = {c["code"]: c["label"] for c in question.get("choices", [])}
        self.text.data = question["text"]
        self.help.data = question.get("help", "")
        self.type.data = question["type"]
        self.theme.data = question.get("theme", "autre")
        self.required.data = question.get("required", False)
        self.choices.data = "\n".join(labels.values())
        self.other.data = question.get("other", False)
        self.exclusive.data = [labels[c] for c in question.get("exclusive", [])]
        self.min.data = number_text(question.get("min"))
        self.max.data = number_text(question.get("max"))
        self.max_length.data = number_text(question.get("max_length"))
        show_if = question.get("show_if") or {}
        self.show_if_question.data = show_if.get("question", "")
        self.show_if_values.data = list(show_if.get("values", []))

    def to_question(self, key: str, base: Question | None) -> Question | None:
        """The question typed in the form, or None with errors on the fields.

        Choices carry no code yet (editing.with_choice_codes gives them).
        """
        kind = self.type.data
        raw: Question = {
            "key": key,
            "type": kind,
            "theme": self.theme.data,
            "text": (self.text.data or "").strip().replace("\r", ""),
            "help": (self.help.data or "").strip().replace("\r", ""),
            "required": bool(self.required.data),
            "choices": [{"label": label} for label in self.choice_labels()],
            "other": bool(self.other.data),
        }
        if base and base.get("bank_id"):
            raw["bank_id"] = base["bank_id"]
        for bound in ("min", "max", "max_length"):
            try:
                value = parse_number(getattr(self, bound).data)
            except ValueError:
                self.add_error(bound, "Indiquez un nombre, par exemple 0 ou 120.")
                continue
            if value is not None:
                raw[bound] = value
        if self.show_if_question.data:
            raw["show_if"] = {
                "question": self.show_if_question.data,
                "values": list(self.show_if_values.data or []),
            }
        question = normalise_question(raw)
        if kind == "multiple":
            chosen = set(self.exclusive.data or [])
            question["exclusive"] = [
                label for label in self.choice_labels() if label in chosen
            ]  # labels for now; turned into codes once choices have codes
        return None if self.has_errors() else question

    def check(self, question: Question, earlier: list[Question]) -> bool:
        """Put question_errors() next to the fields; True if the question is valid."""
        for field, messages in question_errors(question, earlier).items():
            for message in messages:
                self.add_error(FIELD_OF_ERROR.get(field), message)
        return not self.has_errors()

    def add_error(self, field: str | None, message: str) -> None:
        if field is None:
            self.form_errors.append(message)
            return
        target = getattr(self, field)
        target.errors = [*target.errors, message]

    def has_errors(self) -> bool:
        return bool(self.form_errors) or any(f.errors for f in self)


def choice_options(question: Question) -> list[tuple[str, str]]:
    options = [(c["code"], c["label"]) for c in question.get("choices", [])]
    if question.get("other"):
        options.append((OTHER_CODE, "Autre (réponse écrite)"))
    return options


def exclusive_codes(question: Question) -> Question:
    """Turn the exclusive labels of to_question() into the choices' codes."""
    if question["type"] != "multiple":
        return question
    by_label = {c["label"]: c["code"] for c in question["choices"]}
    codes = [by_label[label] for label in question["exclusive"] if label in by_label]
    return {**question, "exclusive": codes}


def parse_number(text: str | None) -> int | float | None:
    """ "12", "12,5", " -3 " -> a number; "" -> None.

    :raise ValueError: not a finite number.
    """
    text = (text or "").strip().replace(" ", "").replace(",", ".")
    if not text:
        return None
    value = float(text)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(text)
    return int(value) if value.is_integer() else value


def number_text(value: int | float | None) -> str:
    return "" if value is None else str(value).replace(".", ",")


def short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def bank_by_theme(exclude: set[str]) -> list[tuple[str, list[Question]]]:
    """Bank entries not yet in the survey, grouped by theme in bank order."""
    groups: dict[str, list[Question]] = {}
    for entry in bank.load_bank():
        if entry["key"] not in exclude:
            groups.setdefault(entry["theme"], []).append(entry)
    return [(THEMES[theme], entries) for theme, entries in groups.items()]
