// Link previews, at 375 and 1280 px, light and dark: pointing at a link to
// an entry shows one card (role="tooltip") with its kind, title and
// summary, inside the viewport; tabbing to one shows it too, described by
// the link; Escape hides it and leaves the focus on the link; a click
// still follows the link; on a touch screen the first tap shows the card
// with a link to the page and the second follows; axe finds nothing
// serious with the card shown; no request leaves the site.
// Usage: node previews.mjs BASE_URL SCREENSHOT_DIR
import { readFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { launch, check, eachView } from "./lib.mjs";

const [base, outDir] = process.argv.slice(2);
mkdirSync(outDir, { recursive: true });
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const url = base + "guides/pm-vs-po/";
const LINK = 'main a[data-kind="Role"]';

const cardState = (page) =>
  page.evaluate((sel) => {
    const card = document.querySelector(".link-preview");
    const a = document.querySelector(sel);
    if (!card) return { exists: false };
    const r = card.getBoundingClientRect();
    return {
      exists: true,
      shown: !card.hidden && r.width > 0,
      id: card.id,
      role: card.getAttribute("role"),
      kind: card.querySelector(".lp-kind")?.textContent,
      title: card.querySelector(".lp-title")?.textContent,
      summary: card.querySelector(".lp-summary")?.textContent,
      rect: { left: r.left, right: r.right, top: r.top, bottom: r.bottom },
      vw: document.documentElement.clientWidth,
      vh: window.innerHeight,
      describedby: a.getAttribute("aria-describedby"),
      focusInCard: card.contains(document.activeElement),
      linkText: a.textContent.trim(),
      linkSummary: a.dataset.summary,
    };
  }, LINK);

const browser = await launch();
try {
  await eachView(browser, base, async (page, { width, scheme, where }) => {
    await page.goto(url);
    const link = page.locator(LINK).first();
    check((await page.locator(LINK).count()) > 0, `${where}: no link with data-kind="Role" on ${url}`);

    // Pointing at the link shows the card after a short delay.
    await link.scrollIntoViewIfNeeded();
    await page.evaluate(() => window.scrollBy(0, -200));
    await link.hover();
    await page.waitForFunction(() => { const c = document.querySelector(".link-preview"); return c && !c.hidden; }, null, { timeout: 3000 });
    await page.waitForTimeout(250); // the fade
    let s = await cardState(page);
    check(s.role === "tooltip" && s.id, `${where}: the card is not a tooltip with an id: ${JSON.stringify(s)}`);
    check(s.kind === "Role", `${where}: the card's kind is ${JSON.stringify(s.kind)}, not "Role"`);
    check(s.title === s.linkText, `${where}: the card's title ${JSON.stringify(s.title)} is not the link's ${JSON.stringify(s.linkText)}`);
    check(s.summary && s.summary === s.linkSummary, `${where}: the card's summary ${JSON.stringify(s.summary)} is not the link's`);
    check(s.rect.left >= 0 && s.rect.right <= s.vw && s.rect.top >= 0 && s.rect.bottom <= s.vh, `${where}: the card leaves the viewport: ${JSON.stringify(s.rect)} in ${s.vw}x${s.vh}`);
    check(s.describedby === s.id, `${where}: the hovered link is not described by the card: ${s.describedby}`);
    await page.screenshot({ path: `${outDir}/previews-${width}-${scheme}.png` });
    await page.evaluate(axeSource);
    const axe = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
    const bad = axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    check(bad.length === 0, `${where}: axe with the card shown: ${bad.map((v) => v.id + " " + v.nodes.map((n) => n.target.join(" ")).join(", ")).join("; ")}`);

    // Moving onto the card keeps it; leaving both hides it.
    const box = await page.locator(".link-preview").boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 4 });
    await page.waitForTimeout(400);
    s = await cardState(page);
    check(s.shown, `${where}: moving onto the card hides it`);
    await page.mouse.move(2, 790, { steps: 4 });
    await page.waitForFunction(() => document.querySelector(".link-preview").hidden, null, { timeout: 3000 });
    s = await cardState(page);
    check(!s.describedby, `${where}: aria-describedby stays on the link once the card is hidden: ${s.describedby}`);

    // The keyboard: Tab to the link shows the card; Escape hides it and
    // leaves the focus on the link.
    await page.evaluate((sel) => {
      const block = document.querySelector(sel).closest("p, li, td") || document.querySelector("main");
      block.setAttribute("tabindex", "-1");
      block.focus();
    }, LINK);
    let onLink = false;
    for (let i = 0; i < 10 && !onLink; i++) {
      await page.keyboard.press("Tab");
      onLink = await page.evaluate((sel) => document.activeElement === document.querySelector(sel), LINK);
    }
    check(onLink, `${where}: Tab does not reach the link`);
    s = await cardState(page);
    check(s.shown, `${where}: focusing the link with the keyboard shows no card`);
    check(s.describedby === s.id, `${where}: the focused link is not described by the card: ${s.describedby}`);
    check(!s.focusInCard, `${where}: the card took the focus`);
    check(s.rect.left >= 0 && s.rect.right <= s.vw, `${where}: the card leaves the viewport: ${JSON.stringify(s.rect)}`);
    await page.keyboard.press("Escape");
    s = await cardState(page);
    const still = await page.evaluate((sel) => document.activeElement === document.querySelector(sel), LINK);
    check(!s.shown && !s.describedby, `${where}: Escape does not hide the card: ${JSON.stringify(s)}`);
    check(still, `${where}: Escape moves the focus off the link`);

    // A click still follows the link.
    const href = await link.getAttribute("href");
    await link.hover();
    await page.waitForTimeout(400);
    await Promise.all([page.waitForURL(new URL(href, url).href), link.click()]);
  });
  // Touch: the first tap shows the card (no navigation) with a link to
  // the page; a tap elsewhere hides it; a second tap on the link, or a tap
  // on the card's link, follows it.
  for (const scheme of ["light", "dark"]) {
    const where = `touch 375px ${scheme}`;
    const context = await browser.newContext({ viewport: { width: 375, height: 800 }, hasTouch: true, isMobile: true, colorScheme: scheme });
    const page = await context.newPage();
    await page.goto(url);
    const link = page.locator(LINK).first();
    const href = new URL(await link.getAttribute("href"), url).href;
    await link.scrollIntoViewIfNeeded();
    await page.evaluate(() => window.scrollBy(0, -200));
    await link.tap();
    await page.waitForTimeout(300);
    let s = await cardState(page);
    check(page.url() === url, `${where}: the first tap left the page for ${page.url()}`);
    check(s.shown, `${where}: the first tap shows no card`);
    check(s.title === s.linkText && s.summary === s.linkSummary, `${where}: the card is not the link's: ${JSON.stringify(s)}`);
    check(s.rect.left >= 0 && s.rect.right <= s.vw && s.rect.top >= 0 && s.rect.bottom <= s.vh, `${where}: the card leaves the viewport: ${JSON.stringify(s.rect)}`);
    const open = page.locator(".link-preview .lp-open");
    check(await open.isVisible(), `${where}: the card has no link to open the page`);
    check((await open.evaluate((a) => a.href)) === href, `${where}: the card's link does not go to ${href}`);
    const openBox = await open.boundingBox();
    check(openBox.height >= 24, `${where}: the card's link is ${openBox.height}px tall, too small to tap`);
    await page.screenshot({ path: `${outDir}/previews-touch-375-${scheme}.png` });
    await page.evaluate(axeSource);
    const axe = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
    const bad = axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    check(bad.length === 0, `${where}: axe with the card shown: ${bad.map((v) => v.id + " " + v.nodes.map((n) => n.target.join(" ")).join(", ")).join("; ")}`);

    // A tap elsewhere hides it.
    await page.locator("main h1").tap();
    await page.waitForTimeout(200);
    s = await cardState(page);
    check(!s.shown && !s.describedby, `${where}: a tap elsewhere leaves the card: ${JSON.stringify(s)}`);

    // Tap, tap again: the second tap follows the link.
    await link.tap();
    await page.waitForTimeout(200);
    check((await cardState(page)).shown && page.url() === url, `${where}: the tap after hiding shows no card`);
    await Promise.all([page.waitForURL(href), link.tap()]);

    // The card's own link follows it too.
    await page.goto(url);
    await link.scrollIntoViewIfNeeded();
    await link.tap();
    await page.waitForTimeout(200);
    await Promise.all([page.waitForURL(href), open.tap()]);
    await context.close();
  }
} finally {
  await browser.close();
}
console.log("link previews browser test: ok");
