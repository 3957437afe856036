// The comparison picker of /compare/, at 375 and 1280 px, light and dark:
// nothing is fetched until a collection is chosen; choosing one loads its
// JSON export; picking two entries and submitting shows the table and puts
// the choice in the URL; the table a URL names is the same markup as the
// build-time comparison page of the same entries and fields, and links to
// it; fewer than two entries is a message in the status region; axe finds
// nothing serious; without JavaScript the page still lists the generated
// comparisons. Every control is at least 44 px tall. No request leaves
// the site.
// Usage: node picker.mjs BASE_URL SCREENSHOT_DIR
import { readFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { launch, check, eachView } from "./lib.mjs";

const [base, outDir] = process.argv.slice(2);
mkdirSync(outDir, { recursive: true });
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const page0 = base + "compare/";
const FIELDS = ["focus", "stakeholders", "artifacts", "horizon", "kpis", "job_posting"];

// The table's DOM, serialised by the browser, without the whitespace
// between tags that a template has and a script does not.
const tableHtml = (page, sel) =>
  page.locator(sel).first().evaluate((t) => t.outerHTML.replace(/>\s+</g, "><").trim());

const browser = await launch();
try {
  await eachView(browser, base, async (page, { width, scheme, where }) => {
    const data = [];
    page.on("request", (r) => { if (r.url().includes("/data/")) data.push(r.url()); });
    await page.goto(page0);
    await page.waitForSelector("#compare-picker:not([hidden])");
    check(data.length === 0, `${where}: data fetched before the picker was used: ${data}`);

    // Choose a collection with the keyboard: its export is loaded.
    await page.focus("#picker-collection");
    await page.selectOption("#picker-collection", "roles");
    await page.waitForSelector(".picker-items:not([hidden]) input[value='product-owner']");
    check(data.length === 1 && data[0].endsWith("/data/roles.json"), `${where}: loaded ${JSON.stringify(data)}`);

    // Every control is big enough to tap: 44 px tall at least.
    const small = await page.evaluate(() =>
      [...document.querySelectorAll("#compare-picker select, #compare-picker .picker-option, #compare-picker button")]
        .filter((e) => e.getBoundingClientRect().height < 44)
        .map((e) => `${e.tagName}.${e.className} ${e.getBoundingClientRect().height}px`));
    check(small.length === 0, `${where}: controls under 44 px: ${small.join(", ")}`);

    // One entry: a message, no table.
    // Checkboxes with Space, the button with Enter: the keyboard alone.
    await page.focus("input[name='item'][value='product-owner']");
    await page.keyboard.press("Space");
    await page.focus(".picker button[type='submit']");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.querySelector(".picker-status").textContent.includes("Pick 2 to 4"));
    check((await page.locator(".picker-result table").count()) === 0, `${where}: a table for one entry`);

    // Two entries, submitted with Enter: the table, the URL, the link to
    // the author's page of the same pair.
    await page.focus("input[name='item'][value='scrum-master']");
    await page.keyboard.press("Space");
    await page.focus(".picker button[type='submit']");
    await page.keyboard.press("Enter");
    await page.waitForSelector(".picker-result table.compare");
    const url = new URL(page.url());
    check(url.searchParams.get("roles") === "product-owner,scrum-master" || url.searchParams.get("roles") === "scrum-master,product-owner",
      `${where}: the URL does not name the pair: ${page.url()}`);
    const heads = await page.locator(".picker-result thead th a").allTextContents();
    check(heads.length === 2 && heads.includes("Product Owner") && heads.includes("Scrum Master"), `${where}: columns ${heads}`);
    check((await page.locator(".picker-result tr.same, .picker-result tr.differs").count()) > 3, `${where}: no rows`);
    const link = await page.locator(".picker-result figcaption a").getAttribute("href");
    check(link && link.endsWith("compare/product-owner-vs-scrum-master/"), `${where}: no link to the comparison page: ${link}`);
    await page.locator(".picker-result").scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${outDir}/picker-${width}-${scheme}.png` });
    await page.evaluate(axeSource);
    const axe = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
    const bad = axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    check(bad.length === 0, `${where}: axe: ${bad.map((v) => v.id + " " + v.nodes.map((n) => n.target.join(" ")).join(", ")).join("; ")}`);

    // A shared URL, with fields: the same table as the build writes.
    await page.goto(`${page0}?roles=product-manager,product-owner&fields=${FIELDS.join(",")}`);
    await page.waitForSelector(".picker-result table.compare");
    const picked = await tableHtml(page, ".picker-result figure.comparison table");
    await page.goto(base + "compare/product-manager-vs-product-owner/");
    const built = await tableHtml(page, "figure.comparison table");
    check(picked === built, `${where}: the picker's table differs from the build's:\n${picked}\n---\n${built}`);
  });

  // Without JavaScript: the list of comparisons, no picker.
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 375, height: 800 } });
  const page = await context.newPage();
  await page.goto(page0);
  check(!(await page.locator("#compare-picker").isVisible()), "without JavaScript the picker shows");
  check((await page.locator("ul.cards li a").count()) >= 3, "without JavaScript no comparisons are listed");
  await context.close();
} finally {
  await browser.close();
}
console.log("comparison picker browser test: ok");
