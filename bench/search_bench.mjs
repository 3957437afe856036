// Search cost at scale, measured in Chromium on a built site served by any
// static server: for each query, the bytes of index a reader's browser
// loads to answer it in the search dialog (typed from an empty cache), and
// the time from the last keystroke to the results once the shards it needs
// are loaded (the query typed again: the common case of refining a query).
// Usage: node bench/search_bench.mjs http://127.0.0.1:PORT/ ["q1,q2,..."]
import { launch } from "../tests/browser/lib.mjs";

const base = process.argv[2];
const queries = (process.argv[3] || "velocity,sprint backlog,revenue churn,strat,role 42").split(",");
const browser = await launch();
try {
  for (const q of queries) {
    const context = await browser.newContext();
    const page = await context.newPage();
    let bytes = 0;
    page.on("response", async (r) => {
      if (r.url().includes("/search/") && r.url().endsWith(".json")) {
        bytes += (await r.body()).length;
      }
    });
    await page.goto(base + "kpis/");
    await page.keyboard.press("Control+k");
    await page.keyboard.type(q);
    await page.waitForFunction((q) => document.getElementById("sd-status").textContent.includes("result") && document.getElementById("sd-input").value === q, q);
    await page.waitForTimeout(300);
    const status = await page.textContent("#sd-status");
    // Again with the shards loaded: delete the last letter, type it back,
    // and time from that keystroke to the new results.
    const times = [];
    for (let k = 0; k < 5; k++) {
      await page.keyboard.press("Backspace");
      await page.waitForFunction(() => document.getElementById("sd-status").textContent.includes("result"));
      await page.waitForTimeout(100);
      const before = await page.evaluate(() => { window.__seen = 0; const list = document.getElementById("sd-list"); new MutationObserver(() => { if (!window.__seen) window.__seen = performance.now(); }).observe(list, { childList: true, subtree: true }); return performance.now(); });
      await page.keyboard.type(q.slice(-1));
      await page.waitForFunction(() => window.__seen > 0);
      times.push(await page.evaluate((t0) => window.__seen - t0, before));
    }
    times.sort((a, b) => a - b);
    console.log(`${JSON.stringify(q)}: ${status}; ${(bytes / 1024).toFixed(0)} KiB of index loaded; last keystroke to results ${times[2].toFixed(0)} ms (median of 5, shards loaded; includes the 60 ms typing pause)`);
    await context.close();
  }
} finally {
  await browser.close();
}
