// The default theme in a real browser: for each page at 375, 768, 1280 and
// 1920 px, light and dark, a screenshot (kept under target/screenshots/),
// no horizontal page overflow, axe-core with no serious or critical
// violation, and the layout of issue 20: a header at most 64 px tall below
// 1024 px with a working menu button, a sidebar marking the current page
// from 1024 px, every compared entry's heading on screen at 375 px, and
// print colours dark on white whatever the colour scheme; charts with
// text of at least 12 px, whole labels inside their boxes, edges clear of
// boxes and links in reading order; a collection's matrix closed on a
// phone and, from 1280 px, open with its header row kept in view.
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
  for (const width of [375, 768, 1280, 1920]) {
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
        const where = `${path} at ${width}px (${scheme})`;
        const layout = await page.evaluate(() => {
          const header = document.querySelector(".site-header");
          const nav = document.getElementById("site-nav");
          const visible = (el) => !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
          const heads = [...document.querySelectorAll("table.compare thead th a")].map((a) => a.getBoundingClientRect());
          return {
            header: header ? header.getBoundingClientRect().height : 0,
            navShown: visible(nav),
            current: !!nav && !!nav.querySelector('[aria-current="page"], [aria-current="true"]'),
            headsOff: heads.filter((r) => r.right > window.innerWidth + 0.5 || r.left < -0.5 || r.width === 0).length,
            heads: heads.length,
          };
        });
        if (width < 1024) {
          if (layout.header > 64) problems.push(`${where}: the header is ${layout.header}px tall (at most 64)`);
          if (layout.navShown) problems.push(`${where}: the navigation shows before the menu is opened`);
          const button = page.locator(".menu-button:visible");
          if ((await button.count()) === 0) {
            problems.push(`${where}: no menu button`);
          } else {
          await button.click();
          const opened = await page.evaluate(() => getComputedStyle(document.getElementById("site-nav")).display !== "none");
          const expanded = await button.getAttribute("aria-expanded");
          if (!opened || expanded !== "true") problems.push(`${where}: the menu button does not open the navigation`);
          await page.keyboard.press("Escape");
          const closed = await page.evaluate(() => getComputedStyle(document.getElementById("site-nav")).display === "none" && document.activeElement?.classList.contains("menu-button"));
          if (!closed) problems.push(`${where}: Escape does not close the menu and return focus to its button`);
          }
        } else {
          if (!layout.navShown) problems.push(`${where}: no sidebar`);
          if (path && !path.startsWith("search") && !path.startsWith("no-such") && !layout.current) problems.push(`${where}: the sidebar does not mark where the page is`);
        }
        if (width >= 1280 && path.startsWith("guides/")) {
          const toc = await page.evaluate(() => {
            const t = document.querySelector(".toc-inner");
            if (!t) return null;
            const r = t.getBoundingClientRect();
            const main = document.querySelector(".page-grid article").getBoundingClientRect();
            return { shown: r.left >= main.right, sticky: getComputedStyle(t).position === "sticky" };
          });
          if (!toc || !toc.shown || !toc.sticky) problems.push(`${where}: no sticky "On this page" contents`);
        }
        // Charts: drawn for the width they get, so their text keeps at
        // least 12 px; labels whole and inside their boxes; no edge runs
        // through a box; the keyboard goes through them in reading order.
        const charts = await page.evaluate(() => {
          const out = [];
          for (const svg of document.querySelectorAll("svg.chart")) {
            if (svg.getClientRects().length === 0) continue;
            const scale = svg.getScreenCTM().a;
            for (const t of svg.querySelectorAll("text")) {
              const px = parseFloat(getComputedStyle(t).fontSize) * scale;
              if (px < 12) out.push(`text "${t.textContent}" renders at ${px.toFixed(1)}px`);
              if (t.textContent.includes("…")) out.push(`label "${t.textContent}" is cut`);
            }
            const boxes = [...svg.querySelectorAll("rect.chart-node")].map((r) => ({ r, b: r.getBBox(), t: r.parentNode.querySelector("text") }));
            for (const { b, t } of boxes) {
              const tb = t.getBBox();
              if (tb.x < b.x || tb.y < b.y || tb.x + tb.width > b.x + b.width || tb.y + tb.height > b.y + b.height) {
                out.push(`label "${t.textContent}" spills out of its box`);
              }
            }
            for (const path of svg.querySelectorAll("path.chart-edge")) {
              const len = path.getTotalLength();
              for (let d = 4; d < len - 4; d += 3) {
                const p = path.getPointAtLength(d);
                const hit = boxes.find(({ b }) => p.x > b.x + 1 && p.x < b.x + b.width - 1 && p.y > b.y + 1 && p.y < b.y + b.height - 1);
                if (hit) { out.push(`an edge runs through "${hit.t.textContent}"`); break; }
              }
            }
            const links = [...svg.querySelectorAll("a")].map((a) => a.getBoundingClientRect());
            for (let k = 1; k < links.length; k++) {
              const [a, b] = [links[k - 1], links[k]];
              if (b.top < a.top - 1 || (Math.abs(b.top - a.top) <= 1 && b.left < a.left)) { out.push(`link ${k + 1} comes before link ${k} on screen`); break; }
            }
          }
          return out;
        });
        for (const c of charts) problems.push(`${where}: chart: ${c}`);
        // A collection's matrix: closed on a phone (a long stack of cards),
        // open from 640 px, its header row kept in view as it scrolls.
        const matrix = await page.evaluate(async () => {
          const d = document.querySelector(".matrix-details");
          if (!d) return null;
          const box = d.querySelector(".table-scroll");
          box.scrollTop = 300;
          await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
          const head = d.querySelector("thead th:nth-child(2)");
          const out = { open: d.open, scrolled: box.scrollTop, stuck: Math.abs(head.getBoundingClientRect().top - box.getBoundingClientRect().top) <= 2 };
          box.scrollTop = 0;
          return out;
        });
        if (matrix && width < 640 && matrix.open) problems.push(`${where}: the matrix starts open on a phone`);
        if (matrix && width >= 1280 && (!matrix.open || (matrix.scrolled > 0 && !matrix.stuck))) problems.push(`${where}: the matrix is closed or its header row scrolls away (${JSON.stringify(matrix)})`);
        if (width === 375 && layout.headsOff > 0) problems.push(`${where}: ${layout.headsOff} of ${layout.heads} compared entries' headings are off screen`);
        if (width === 375 && path.startsWith("compare/product") && layout.heads === 0) problems.push(`${where}: no comparison table`);
        await page.emulateMedia({ media: "print" });
        const ink = await page.evaluate(() => {
          const c = getComputedStyle(document.querySelector("main")).color.match(/\d+/g).map(Number);
          const bg = getComputedStyle(document.body).backgroundColor;
          return { c, bg, navPrinted: !!document.querySelector(".sidebar") && getComputedStyle(document.querySelector(".sidebar")).display !== "none" };
        });
        if (Math.max(...ink.c.slice(0, 3)) > 80) problems.push(`${where}: printed text is rgb(${ink.c.join(",")}), not dark`);
        if (ink.navPrinted) problems.push(`${where}: the navigation is printed`);
        await page.emulateMedia({ media: "screen" });
        await page.evaluate(axeSource);
        const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
        for (const v of result.violations.filter((v) => v.impact === "serious" || v.impact === "critical")) {
          problems.push(`${path} at ${width}px (${scheme}): axe ${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")})`);
        }
      }
      await context.close();
    }
  }
  // The colour scheme toggle: system, light, dark, remembered across pages
  // and applied before the first paint.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: "light" });
  const page = await context.newPage();
  await page.goto(base + paths[0]);
  const toggle = page.locator(".theme-toggle");
  await toggle.click();
  await toggle.click();
  const label = (await toggle.textContent()).trim();
  await page.goto(base + "roles/");
  const after = await page.evaluate(() => ({ theme: document.documentElement.dataset.theme, bg: getComputedStyle(document.body).backgroundColor }));
  if (label !== "Colours: dark" || after.theme !== "dark" || after.bg !== "rgb(15, 20, 25)") {
    problems.push(`the scheme toggle: label ${label}, then on the next page theme ${after.theme} and background ${after.bg}`);
  }
  await context.close();
} finally {
  await browser.close();
}
check(problems.length === 0, "\n" + problems.join("\n"));
console.log(`theme browser test: ok (${paths.length} pages, 4 widths, light and dark; screenshots in ${outDir})`);
