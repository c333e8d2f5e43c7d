// The answer rules of the offline kiosk: the same screens, conditions and
// French messages as the server's (survey_app/surveys/answers.py), so that a
// resident on a tablet without network is stopped exactly where the server
// would stop them. Pure functions, no page: tests/answer_rules_cases.json is
// run through both sides (tests/test_answer_rules_shared.py), so a rule
// changed on one side only fails there.
//
// `form` maps a field name to a string or a list of strings, as the server's
// form does: the question key, and "<key>.autre" for "Autre, précisez".

const OTHER = "autre";
const NOT_SAID = "AUCUNE";
const DEFAULT_MAX_LENGTH = { short_text: 300, long_text: 2000 };
const OTHER_MAX_LENGTH = 300;
const QUESTIONS_PER_STEP = 4;
const INSEE_RE = /^(?:\d{5}|2[AB]\d{3})$/;
const NUMBER_RE = /^[+-]?\d{1,15}(?:[.,]\d{1,6})?$/;
const NUMBER_SPACES = /[ \u00a0\u202f\u2009]/g;
const REQUIRED = {
  single: "Choisissez une réponse.",
  scale: "Choisissez une réponse.",
  multiple: "Choisissez au moins une réponse.",
  number: "Indiquez un nombre.",
  commune: "Indiquez votre commune.",
  text: "Écrivez une réponse.",
};
const MESSAGES = {
  oneChoice: "Choisissez une seule réponse.",
  unknownChoice: "Cette réponse ne fait pas partie de la liste. " +
    "Choisissez une des réponses proposées.",
  otherNotChosen: "Vous avez écrit une précision : choisissez aussi « Autre », " +
    "ou effacez ce texte.",
  notANumber: "Écrivez seulement un nombre, par exemple 12 ou 3,5.",
  unknownCommune: "Choisissez votre commune dans la liste proposée.",
};

function valuesOf(form, name) {
  const value = form[name];
  if (value == null) return [];
  return Array.isArray(value) ? value.map(String) : [String(value)];
}

// As text.clean_typed_text: no control or invisible characters, trimmed.
export function cleanText(text, multiline) {
  return text.replace(/\r\n?|[\u2028\u2029]/g, "\n").replace(/\t/g, " ")
    .replace(/\n/g, multiline ? "\n" : " ")
    .replace(/(?!\n)\p{Cc}|\p{Cs}|(?![\u200c\u200d])\p{Cf}/gu, "")
    .trim();
}

// Lengths in characters, as Python counts them (an emoji is one).
function length(text) { return Array.from(text).length; }

// 12.5 -> "12,5", as answers.french_number.
export function frenchNumber(value) { return String(value).replace(".", ","); }

export function parseNumber(text) {
  const clean = text.replace(NUMBER_SPACES, "");
  if (!NUMBER_RE.test(clean)) return null;
  const value = parseFloat(clean.replace(",", "."));
  return Number.isFinite(value) ? value : null;
}

// As answers.group_steps: short screens, by theme; a question shown after
// another's answer starts a later screen than that question.
export function groupSteps(questions) {
  const steps = [];
  for (const q of questions) {
    const current = steps[steps.length - 1];
    const source = (q.show_if || {}).question;
    const dependsHere = current && current.some((p) => p.key === source);
    if (!current || current.length >= QUESTIONS_PER_STEP ||
        current[current.length - 1].theme !== q.theme || dependsHere) {
      steps.push([q]);
    } else {
      current.push(q);
    }
  }
  return steps;
}

function conditionMet(q, form, hidden) {
  const c = q.show_if;
  if (!c) return true;
  if (hidden[c.question]) return false;
  const wanted = (c.values || []).map(String);
  return valuesOf(form, c.question).some((v) => wanted.includes(v.trim()));
}

// As answers.visible_questions: {key: true} for each question shown; one
// whose condition depends on a hidden question is hidden too.
export function visibleKeys(questions, form) {
  const hidden = {}, shown = {};
  for (const q of questions) {
    if (conditionMet(q, form, hidden)) shown[q.key] = true; else hidden[q.key] = true;
  }
  return shown;
}

function checkChoice(q, form) {
  const multiple = q.type === "multiple";
  const takesOther = q.other && q.type !== "scale";
  const other = takesOther ? cleanText(valuesOf(form, q.key + "." + OTHER).join(" ")) : "";
  let ticked = valuesOf(form, q.key).map((v) => v.trim()).filter(Boolean);
  // Typing a precision with nothing ticked means "Autre".
  if (other && !ticked.length) ticked = [OTHER];
  else if (other && multiple && !ticked.includes(OTHER)) ticked.push(OTHER);
  const chosen = [...new Set(ticked)];
  if (!multiple && chosen.length > 1) return MESSAGES.oneChoice;
  if (!chosen.length) return q.required ? REQUIRED[q.type] : "";
  const codes = (q.choices || []).map((c) => c.code).concat(takesOther ? [OTHER] : []);
  if (chosen.some((code) => !codes.includes(code))) return MESSAGES.unknownChoice;
  if (multiple) {
    const only = (q.exclusive || []).find((code) => chosen.includes(code));
    if (only && chosen.length > 1) {
      const choice = (q.choices || []).find((c) => c.code === only);
      return "« " + (choice ? choice.label : only) + " » ne peut pas être coché avec une autre réponse.";
    }
  }
  if (other && !chosen.includes(OTHER)) return MESSAGES.otherNotChosen;
  if (length(other) > OTHER_MAX_LENGTH) {
    return "Votre précision est trop longue : " + length(other) + " caractères, " +
      OTHER_MAX_LENGTH + " au maximum.";
  }
  return "";
}

function checkNumber(q, text) {
  const n = parseNumber(text);
  if (n === null) return MESSAGES.notANumber;
  const low = q.min, high = q.max;
  const hasLow = low != null, hasHigh = high != null;
  if ((hasLow && n < low) || (hasHigh && n > high)) {
    if (hasLow && hasHigh) {
      return "Indiquez un nombre entre " + frenchNumber(low) + " et " + frenchNumber(high) + ".";
    }
    if (hasLow) return "Indiquez un nombre égal ou supérieur à " + frenchNumber(low) + ".";
    return "Indiquez un nombre égal ou inférieur à " + frenchNumber(high) + ".";
  }
  return "";
}

// The French message for one shown question, "" when its answer is right.
export function checkQuestion(q, form) {
  if (["single", "multiple", "scale"].includes(q.type)) return checkChoice(q, form);
  const text = cleanText(valuesOf(form, q.key).join(" "), q.type === "long_text");
  if (!text) return q.required ? (REQUIRED[q.type] || REQUIRED.text) : "";
  if (q.type === "number") return checkNumber(q, text);
  if (q.type === "commune") {
    const code = text.toUpperCase();
    return code === NOT_SAID || INSEE_RE.test(code) ? "" : MESSAGES.unknownCommune;
  }
  const max = q.max_length || DEFAULT_MAX_LENGTH[q.type] || 300;
  if (length(text) > max) {
    return "Votre réponse est trop longue : " + length(text) + " caractères, " + max + " au maximum.";
  }
  return "";
}

// {key: message} for every shown question whose answer is wrong: what the
// server's parse_answers returns as errors for the same form. As there, a
// wrong answer counts as no answer for the conditions that follow.
export function checkAll(questions, form) {
  const hidden = {}, errors = {};
  for (const q of questions) {
    if (!conditionMet(q, form, hidden)) { hidden[q.key] = true; continue; }
    const message = checkQuestion(q, form);
    if (message) { errors[q.key] = message; hidden[q.key] = true; }
  }
  return errors;
}
