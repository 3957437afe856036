// The default theme in a real browser: for each page at 375px and 1280px,
// a screenshot (kept under target/screenshots/), no horizontal page
// overflow, and axe-core with no serious or critical violation.
// Usage: node theme.mjs BASE_URL OUT_DIR path1 path2 ...
import { readFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { launch, check } from "./lib.mjs";

const [base, outDir, ...paths] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
mkdirSync(outDir, { recursive: true });
const browser = await launch();
const problems = [];
try {
  for (const width of [375, 1280]) {
    for (const scheme of ["light", "dark"]) {
      const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme });
      const page = await context.newPage();
      for (const path of paths) {
        const name = `${path.replace(/[^a-z0-9]+/gi, "_") || "home"}-${width}-${scheme}`;
        const response = await page.goto(base + path);
        const expected = path.includes("no-such-page") ? 404 : 200;
        if (response.status() !== expected) problems.push(`${path}: status ${response.status()}`);
        await page.screenshot({ path: `${outDir}/${name}.png`, fullPage: true });
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        if (overflow > 0) problems.push(`${path} at ${width}px (${scheme}): the page overflows sideways by ${overflow}px`);
        await page.evaluate(axeSource);
        const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
        for (const v of result.violations.filter((v) => v.impact === "serious" || v.impact === "critical")) {
          problems.push(`${path} at ${width}px (${scheme}): axe ${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")})`);
        }
      }
      await context.close();
    }
  }
} finally {
  await browser.close();
}
check(problems.length === 0, "\n" + problems.join("\n"));
console.log(`theme browser test: ok (${paths.length} pages, 2 widths, light and dark; screenshots in ${outDir})`);
