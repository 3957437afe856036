// Search in a real browser: a built site served from a subpath, the search
// box (keyboard shortcut "/"), a known word, the right first result, and a
// facet filter. Usage: node search.mjs http://127.0.0.1:PORT/atlas/
import { launch, check } from "./lib.mjs";

const base = process.argv[2];
const browser = await launch();
try {
  const page = await browser.newPage();
  const failed = [];
  page.on("requestfailed", (r) => {
    // Requests a navigation cancels (a slow machine can still have one in
    // flight) are not failures of the site.
    const why = (r.failure() && r.failure().errorText) || "";
    if (!why.includes("ERR_ABORTED")) failed.push(`${r.url()} (${why})`);
  });
  page.on("response", (r) => {
    if (r.status() >= 400 && !r.url().endsWith("favicon.ico")) failed.push(`${r.status()} ${r.url()}`);
  });
  await page.goto(base);
  // "/" focuses the search box (on the home page, the one in its hero:
  // the header has none there).
  await page.keyboard.press("/");
  check(await page.evaluate(() => document.activeElement && document.activeElement.id === "hero-search" && !document.getElementById("site-search")), "'/' did not focus the home page's search box");
  await page.keyboard.type("velocity");
  await page.keyboard.press("Enter");
  await page.waitForURL((u) => u.pathname.endsWith("/atlas/search/") && u.searchParams.get("q") === "velocity");
  await page.waitForSelector("#search-results li a");
  const first = await page.textContent("#search-results li a");
  check(first === "Team velocity", `first result was ${JSON.stringify(first)}`);
  const href = await page.getAttribute("#search-results li a", "href");
  check(href === "/atlas/kpis/team-velocity/", `result link ${href} is not under the subpath`);

  // Typing on the search page updates the results; a filter narrows them.
  await page.fill("#search-q", "page");
  await page.waitForFunction(() => document.querySelectorAll("#search-results li").length === 2);
  const both = await page.$$eval("#search-results li a", (as) => as.map((a) => a.textContent).sort());
  check(JSON.stringify(both) === JSON.stringify(["Product Manager", "Product Owner"]), `unfiltered: ${both}`);
  await page.check('input[name="track"][value="Execution"]');
  await page.waitForFunction(() => document.querySelectorAll("#search-results li").length === 1);
  const filtered = await page.textContent("#search-results li a");
  check(filtered === "Product Owner", `filtered: ${filtered}`);
  check(failed.length === 0, `failed requests: ${failed.join(", ")}`);
  console.log("search browser test: ok");
} finally {
  await browser.close();
}
