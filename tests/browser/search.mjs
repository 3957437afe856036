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
  // "/" opens the search dialog (the home page has no header box); its
  // "All results" link leads to the full results page.
  check(!(await page.$("#site-search")), "the home page has a header search box beside its own");
  await page.keyboard.press("/");
  check(await page.evaluate(() => document.activeElement && document.activeElement.id === "sd-input"), "'/' did not open the search dialog");
  await page.keyboard.type("velocity");
  await page.waitForFunction(() => /velocity/.test(document.querySelector(".sd-all").href));
  await Promise.all([page.waitForURL((u) => u.pathname.endsWith("/atlas/search/") && u.searchParams.get("q") === "velocity"), page.click(".sd-all")]);
  await page.waitForSelector("#search-results > li a");
  check(!(await page.$("#site-search")), "the search page has a header search box beside its own");
  const first = await page.textContent("#search-results > li a");
  check(first === "Team velocity", `first result was ${JSON.stringify(first)}`);
  const href = await page.getAttribute("#search-results > li a", "href");
  check(href === "/atlas/kpis/team-velocity/", `result link ${href} is not under the subpath`);

  // Typing on the search page updates the results; a filter narrows them.
  await page.fill("#search-q", "page");
  await page.waitForFunction(() => new URLSearchParams(location.search).get("q") === "page" && document.querySelectorAll("#search-results > li").length === 2 && document.getElementById("search-results").textContent.includes("Product Manager"));
  const both = await page.$$eval("#search-results > li > a", (as) => as.map((a) => a.textContent).sort());
  check(JSON.stringify(both) === JSON.stringify(["Product Manager", "Product Owner"]), `unfiltered: ${both}`);
  await page.check('input[name="track"][value="Execution"]');
  await page.waitForFunction(() => document.querySelectorAll("#search-results > li").length === 1);
  const filtered = await page.textContent("#search-results > li > a");
  check(filtered === "Product Owner", `filtered: ${filtered}`);
  // The counts follow the query, and the filter is in the URL: the same
  // address shows the same filtered results.
  const counts = await page.$$eval("#search-filters label", (ls) => ls.map((l) => l.textContent.trim()));
  check(counts.includes("Roles (2)") && counts.includes("KPIs (0)"), `counts do not follow the query: ${counts}`);
  const shared = page.url();
  check(new URL(shared).searchParams.get("track") === "Execution", `the filter is not in the URL: ${shared}`);
  await page.goto(shared);
  await page.waitForFunction(() => document.querySelectorAll("#search-results > li").length === 1);
  check(await page.isChecked('input[name="track"][value="Execution"]'), "the filter from the URL is not checked");
  check(failed.length === 0, `failed requests: ${failed.join(", ")}`);
  console.log("search browser test: ok");
} finally {
  await browser.close();
}
