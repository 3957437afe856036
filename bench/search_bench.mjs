// Search cost at scale, measured in Chromium: for a few queries, the bytes
// of index loaded and the time until results show, on a built site served
// by any static server. Usage: node bench/search_bench.mjs http://127.0.0.1:PORT/
import { launch } from "../tests/browser/lib.mjs";

const base = process.argv[2];
const queries = (process.argv[3] || "velocity,sprint backlog,revenue churn,strat").split(",");
const browser = await launch();
try {
  for (const q of queries) {
    const page = await browser.newPage();
    let bytes = 0;
    page.on("response", async (r) => {
      if (r.url().includes("/search/") && r.url().endsWith(".json")) {
        bytes += (await r.body()).length;
      }
    });
    await page.goto(base);
    const t0 = Date.now();
    await page.goto(base + "search/?q=" + encodeURIComponent(q));
    await page.waitForFunction(() => /result/.test(document.getElementById("search-status").textContent));
    const ms = Date.now() - t0;
    const status = await page.textContent("#search-status");
    console.log(`${JSON.stringify(q)}: ${status}; ${(bytes / 1024).toFixed(0)} KiB of index loaded; ${ms} ms from navigation to results`);
    await page.close();
  }
} finally {
  await browser.close();
}
