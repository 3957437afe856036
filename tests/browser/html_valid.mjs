// Validates HTML files against the HTML standard with html-validate's
// "standard" preset (conformance only, no style rules): node
// html_valid.mjs FILE... prints every problem and exits 1 if any.
import { HtmlValidate, formatterFactory } from 'html-validate';

const validator = new HtmlValidate({ extends: ['html-validate:standard'] });
const reports = [];
for (const file of process.argv.slice(2)) {
  reports.push(await validator.validateFile(file));
}
const bad = reports.filter((r) => !r.valid);
if (bad.length) {
  const text = formatterFactory('text');
  console.log(bad.map((r) => text(r.results)).join('\n'));
  process.exit(1);
}
console.log(`${reports.length} files valid`);
