// A site in two languages, in Chromium at 375 and 1280 px, light and dark:
// a German page is in German (<html lang>, the theme's words), its
// language switcher leads to its English translation and marks the
// current language, an untranslated page's switcher leads to the German
// home; the search of a German page finds German pages, stemmed the
// German way; the page fits the width and axe finds nothing serious.
// Usage: node languages.mjs BASE_URL SCREENSHOT_DIR
import { readFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { launch, check, eachView } from "./lib.mjs";

const [base, outDir] = process.argv.slice(2);
mkdirSync(outDir, { recursive: true });
const path = new URL(base).pathname;
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const browser = await launch();
try {
  await eachView(browser, base, async (page, { width, scheme, where }) => {
    await page.goto(base + "de/roles/product-manager/");
    const de = await page.evaluate(() => ({
      lang: document.documentElement.lang,
      skip: document.querySelector("a.skip")?.textContent,
      links: [...document.querySelectorAll("nav.lang-switch a")].map((a) => ({
        href: a.getAttribute("href"),
        hreflang: a.getAttribute("hreflang"),
        current: a.getAttribute("aria-current"),
        text: a.querySelector(".lang-name")?.textContent,
        height: a.getBoundingClientRect().height,
        visible: a.getBoundingClientRect().width > 0,
      })),
      overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      alternates: [...document.querySelectorAll('link[rel="alternate"][hreflang]')].map((l) => l.hreflang + " " + new URL(l.href).pathname),
      fallback: document.querySelector('main a[hreflang="en"]')?.getAttribute("href"),
    }));
    check(de.lang === "de" && de.skip === "Zum Inhalt springen", `${where}: the German page is not in German: ${JSON.stringify(de)}`);
    const en = de.links.find((l) => l.hreflang === "en");
    const self = de.links.find((l) => l.hreflang === "de");
    check(en && en.href === path + "roles/product-manager/" && en.visible, `${where}: no switcher link to the English page: ${JSON.stringify(de.links)}`);
    // On a phone the current language is left out of the one-row header.
    check(width < 600 ? !self.visible : self.visible, `${where}: the current language's link: ${JSON.stringify(self)}`);
    const header = await page.evaluate(() => document.querySelector(".site-header").getBoundingClientRect().height);
    check(header <= 64, `${where}: the header is ${header} px tall`);
    check(self && self.current === "page" && self.text === "Deutsch", `${where}: the current language is not marked: ${JSON.stringify(de.links)}`);
    const min = width < 600 ? 44 : 24;
    check(de.links.filter((l) => l.visible).every((l) => l.height >= min - 0.5), `${where}: switcher links under ${min} px: ${JSON.stringify(de.links)}`);
    check(de.overflow <= 0, `${where}: the page is ${de.overflow} px wider than the window`);
    check(
      de.alternates.includes("de " + path + "de/roles/product-manager/") &&
        de.alternates.includes("en " + path + "roles/product-manager/") &&
        de.alternates.includes("x-default " + path + "roles/product-manager/"),
      `${where}: hreflang links: ${JSON.stringify(de.alternates)}`,
    );
    check(de.fallback === path + "kpis/net-promoter-score/", `${where}: no marked link to the untranslated English page: ${de.fallback}`);
    await page.screenshot({ path: `${outDir}/languages-de-${width}-${scheme}.png`, fullPage: false });
    await page.evaluate(axeSource);
    const axe = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
    const bad = axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    check(bad.length === 0, `${where}: axe: ${bad.map((v) => v.id + " " + v.nodes.map((n) => n.target.join(" ")).join(", ")).join("; ")}`);

    // The switcher goes to the translation.
    await Promise.all([page.waitForURL(new RegExp(path + "roles/product-manager/$")), page.click('nav.lang-switch a[hreflang="en"]')]);
    check((await page.evaluate(() => document.documentElement.lang)) === "en", `${where}: the English page is not English`);

    // An untranslated page: its German link goes to the German home.
    await page.goto(base + "kpis/net-promoter-score/");
    const missing = await page.evaluate(() => {
      const a = document.querySelector('nav.lang-switch a[hreflang="de"]');
      return a && { href: a.getAttribute("href"), text: a.textContent };
    });
    check(missing && missing.href === path + "de/", `${where}: the German link of an untranslated page: ${JSON.stringify(missing)}`);

    // German search on a German page: German pages only, found by another
    // form of the word ("Aufgabe" finds the "Aufgaben" headings).
    await page.goto(base + "de/roles/");
    await page.keyboard.press("Control+k");
    await page.keyboard.type("Aufgabe");
    await page.waitForFunction(() => document.querySelectorAll(".sd-option").length > 0);
    const hits = await page.evaluate(() => [...document.querySelectorAll(".sd-option")].map((o) => o.dataset.href));
    check(hits.length >= 2 && hits.every((h) => h.startsWith(path + "de/")), `${where}: German search found ${JSON.stringify(hits)}`);
    check(hits.some((h) => /de\/roles\/produktverantwortlicher\//.test(h)), `${where}: German search missed the Product Owner: ${JSON.stringify(hits)}`);
    await page.keyboard.press("Escape");
    // And the full results page of the German search.
    await page.goto(base + "de/search/?q=Teamgeschwindigkeit");
    await page.waitForFunction(() => document.querySelectorAll("main a[href*='/kpis/']").length > 0);
    const full = await page.evaluate(() => [...document.querySelectorAll("main a[href*='/kpis/']")].map((a) => a.getAttribute("href")));
    check(full.every((h) => h.includes("/de/kpis/")), `${where}: the German search page lists ${JSON.stringify(full)}`);
  });
} finally {
  await browser.close();
}
console.log("languages browser test: ok");
