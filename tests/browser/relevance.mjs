// Search relevance through the real search page: for each case of a JSON
// file ({q, url, top}), the page at `url` must be among the first `top`
// results of `q`. Prints the rank of every case and fails on a miss.
// Usage: node relevance.mjs BASE_URL CASES.json
import { readFileSync } from "node:fs";
import { launch, check } from "./lib.mjs";

const [base, file] = process.argv.slice(2);
const cases = JSON.parse(readFileSync(file, "utf8"));
const browser = await launch();
const misses = [];
try {
  const page = await browser.newPage();
  for (const c of cases) {
    await page.goto(base + "search/?q=" + encodeURIComponent(c.q));
    await page.waitForFunction(() => /result/.test(document.getElementById("search-status").textContent), null, { timeout: 10000 });
    const urls = await page.$$eval("#search-results > li > a", (as) => as.map((a) => a.pathname));
    const want = new URL(base + c.url).pathname;
    const rank = urls.indexOf(want) + 1;
    const ok = rank >= 1 && rank <= c.top;
    console.log(`${ok ? "ok  " : "MISS"} ${JSON.stringify(c.q)}: ${rank ? "rank " + rank : "not found"} (want top ${c.top}: ${c.url}); first: ${urls.slice(0, 3).join(" ")}`);
    if (!ok) misses.push(c.q);
  }
} finally {
  await browser.close();
}
console.log(`relevance: ${cases.length - misses.length} of ${cases.length} cases`);
check(misses.length === 0, `ranking misses: ${misses.join(", ")}`);
