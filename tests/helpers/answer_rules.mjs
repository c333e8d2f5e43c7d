// Runs the kiosk's answer rules (survey_app/static/kiosk/answer-rules.js) on
// the shared table of cases and prints what they say, as JSON, for
// tests/test_answer_rules_shared.py to compare with the server's rules.
// Usage: node answer_rules.mjs <answer-rules.js> <cases.json>
import { readFileSync } from "node:fs";

const [source, casesPath] = process.argv.slice(2);
// The browser file has no .mjs name: import its text as a module.
const code = readFileSync(source, "utf8");
const rules = await import("data:text/javascript;base64," + Buffer.from(code).toString("base64"));
const table = JSON.parse(readFileSync(casesPath, "utf8"));
const out = {
  errors: table.cases.map((c) => rules.checkAll(c.questions, c.form)),
  steps: table.steps.map((c) => rules.groupSteps(c.questions).map((s) => s.map((q) => q.key))),
};
process.stdout.write(JSON.stringify(out));
