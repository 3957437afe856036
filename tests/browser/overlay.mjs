// Live reload in a real browser against `cairn serve`: an edit reloads the
// page with the new text, a broken file shows the error overlay over the
// last good page, and fixing it reloads without the overlay.
// Usage: node overlay.mjs BASE_URL SITE_DIR
import { writeFileSync } from "node:fs";
import { launch, check } from "./lib.mjs";

const [base, site] = process.argv.slice(2);
const about = `${site}/content/about.md`;
const browser = await launch();
try {
  const page = await browser.newPage();
  writeFileSync(about, "---\ntitle: About\n---\n\nFirst version.\n");
  await page.goto(base + "about/");
  await page.waitForFunction(() => document.body.textContent.includes("First version."), null, { timeout: 15000 });
  // Give the event stream a moment to connect.
  await page.waitForTimeout(300);
  writeFileSync(about, "---\ntitle: About\n---\n\nSecond version.\n");
  await page.waitForFunction(() => document.body.textContent.includes("Second version."), null, { timeout: 15000 });
  writeFileSync(about, "---\ntitle: [broken\n---\n");
  await page.waitForSelector("#cairn-errors .cairn-error", { timeout: 15000 });
  const text = await page.textContent("#cairn-errors .cairn-error");
  check(text.startsWith("content/about.md:3:1: invalid YAML front-matter"), `overlay says: ${text}`);
  // As in the terminal: the quoted line with its caret (issue 16).
  check(text.includes("3 | ---") && text.includes("^"), `overlay shows the line and caret: ${text}`);
  check(await page.evaluate(() => document.body.textContent.includes("Second version.")), "the last good page stays underneath");
  writeFileSync(about, "---\ntitle: About\n---\n\nThird version.\n");
  await page.waitForFunction(() => document.body.textContent.includes("Third version."), null, { timeout: 15000 });
  check(!(await page.$("#cairn-errors")), "the overlay is gone after the fix");
  console.log("overlay browser test: ok");
} finally {
  await browser.close();
}
