// The search dialog with the keyboard alone, at 375 and 1280 px: Ctrl+K
// (and "/") open it from any page, results come as you type, grouped and
// labelled by kind, the arrow keys move the active option, Enter opens it,
// Escape closes the dialog and gives the focus back; typing in the header
// box opens it with the text; axe finds nothing serious with it open;
// no request leaves the site.
// Usage: node search_dialog.mjs BASE_URL SCREENSHOT_DIR
import { readFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { launch, check, eachView } from "./lib.mjs";

const [base, outDir] = process.argv.slice(2);
mkdirSync(outDir, { recursive: true });
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const browser = await launch();
try {
  await eachView(browser, base, async (page, { width, scheme, where }) => {
    await page.goto(base + "roles/");
    await page.keyboard.press("Control+k");
    const opened = await page.evaluate(() => document.querySelector("dialog.search-dialog")?.open && document.activeElement.id === "sd-input");
    check(opened, `${where}: Ctrl+K does not open the search dialog with the focus in its box`);
    await page.keyboard.type("nps");
    await page.waitForFunction(() => document.querySelectorAll(".sd-option").length > 0);
    const state = await page.evaluate(() => {
      const input = document.getElementById("sd-input");
      const active = document.getElementById(input.getAttribute("aria-activedescendant"));
      return {
        role: input.getAttribute("role"),
        expanded: input.getAttribute("aria-expanded"),
        first: active && active.dataset.href,
        selected: active && active.getAttribute("aria-selected"),
        group: document.querySelector(".sd-group")?.textContent,
        marked: document.querySelector(".sd-option mark")?.textContent,
      };
    });
    check(state.role === "combobox" && state.expanded === "true", `${where}: the box is not an expanded combobox: ${JSON.stringify(state)}`);
    check(/\/kpis\/net-promoter-score\/$/.test(state.first) && state.selected === "true", `${where}: the first option is not NPS: ${JSON.stringify(state)}`);
    check(state.group === "KPI" && state.marked === "NPS", `${where}: results not grouped by kind or not highlighted: ${JSON.stringify(state)}`);
    await page.screenshot({ path: `${outDir}/search-dialog-${width}-${scheme}.png` });
    await page.evaluate(axeSource);
    const axe = await page.evaluate(() => window.axe.run(document.querySelector("dialog.search-dialog"), { resultTypes: ["violations"] }));
    const bad = axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    check(bad.length === 0, `${where}: axe in the dialog: ${bad.map((v) => v.id + " " + v.nodes.map((n) => n.target.join(" ")).join(", ")).join("; ")}`);
    // Down moves, Up comes back, Escape closes and returns the focus.
    await page.keyboard.press("ArrowDown");
    const second = await page.evaluate(() => document.getElementById("sd-input").getAttribute("aria-activedescendant"));
    await page.keyboard.press("ArrowUp");
    const back = await page.evaluate(() => document.getElementById(document.getElementById("sd-input").getAttribute("aria-activedescendant")).dataset.href);
    check(second && /net-promoter-score/.test(back), `${where}: arrow keys do not move through the options`);
    await page.keyboard.press("Escape");
    const closed = await page.evaluate(() => !document.querySelector("dialog.search-dialog").open);
    check(closed, `${where}: Escape does not close the dialog`);
    // Typing in the header box opens the dialog with the text; Enter
    // opens the active result.
    const header = page.locator("#site-search:visible");
    if (await header.count()) {
      await header.click();
      await page.keyboard.press("Escape");
      await header.focus();
      await page.keyboard.type("velocity");
      await page.waitForFunction(() => document.getElementById("sd-input")?.value === "velocity" && document.querySelectorAll(".sd-option").length > 0);
    } else {
      await page.keyboard.press("/");
      await page.keyboard.type("velocity");
      await page.waitForFunction(() => document.querySelectorAll(".sd-option").length > 0);
    }
    await page.waitForFunction(() => /team-velocity/.test(document.getElementById(document.getElementById("sd-input").getAttribute("aria-activedescendant"))?.dataset.href || ""));
    await Promise.all([page.waitForURL(/\/kpis\/team-velocity\/$/), page.keyboard.press("Enter")]);
  });
} finally {
  await browser.close();
}
console.log("search dialog browser test: ok");
