// Shared helpers for cairn's browser tests: Debian's Chromium through
// playwright-core (never a downloaded browser).
import { chromium } from "playwright-core";

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    // playwright gives every launch a fresh, empty profile of its own.
  });
}

export function check(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}
