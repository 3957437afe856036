// Re-exports the atlas's career-ladder figure (content/guides/career-ladder.png)
// from the ladder chart as the built site draws it, at twice the pixels, so
// the picture never drifts from the roles' next-role fields. Not a test:
//   cargo run -- build --output /tmp/atlas && (cd /tmp/atlas && python3 -m http.server 8123 --bind 127.0.0.1 &)
//   node tests/browser/export_figure.mjs http://127.0.0.1:8123 content/guides/career-ladder.png
import { launch } from "./lib.mjs";

const [base, out] = process.argv.slice(2);
if (!base || !out) {
  console.error("usage: node export_figure.mjs BASE_URL OUT.png");
  process.exit(2);
}
const browser = await launch();
const context = await browser.newContext({
  viewport: { width: 1280, height: 900 },
  deviceScaleFactor: 2,
  colorScheme: "light",
});
const page = await context.newPage();
await page.goto(`${base}/guides/career-paths-and-pay/`);
// The wide drawing of the ladder (the narrow one is hidden at this width).
const chart = page.locator("svg.chart-ladder").filter({ visible: true }).first();
await chart.screenshot({ path: out, omitBackground: false });
console.log(`wrote ${out}`);
await browser.close();
