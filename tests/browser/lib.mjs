// Shared helpers for cairn's browser tests: Debian's Chromium through
// playwright-core (never a downloaded browser).
import { chromium } from "playwright-core";

// Debian's Chromium, and the flags it needs headless as root and offline.
export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
export const CHROMIUM_FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    // playwright gives every launch a fresh, empty profile of its own.
  });
}

export function check(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

// Runs `fn(page, view)` at 375 and 1280 px, in light and dark, each in a
// fresh context (`view`: {width, scheme, where}); fails when the page
// asked anything of another origin than `base`'s.
export async function eachView(browser, base, fn) {
  for (const width of [375, 1280]) {
    for (const scheme of ["light", "dark"]) {
      const context = await browser.newContext({ viewport: { width, height: 800 }, colorScheme: scheme });
      const page = await context.newPage();
      const where = `${width}px ${scheme}`;
      const outside = [];
      page.on("request", (r) => {
        if (new URL(r.url()).origin !== new URL(base).origin) outside.push(r.url());
      });
      await fn(page, { width, scheme, where });
      check(outside.length === 0, `${where}: requests outside the site: ${outside.join(", ")}`);
      await context.close();
    }
  }
}
