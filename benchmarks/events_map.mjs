// The Explorer's events panel in Debian's headless chromium, for benchmarks/ged.py:
//
//   node benchmarks/events_map.mjs BASE RUNS     one JSON line
//
// Per page load of BASE/ (no actor chosen: every event of the graph): navigation to the
// first frame with the map and the timeline drawn (the page's "cg:events-drawn" mark), and
// the page's own /events/aggregate and /events/geojson requests, start of the first to the
// end of the last (the baseline: the API's answers). The map is a 2D canvas (no WebGL).
import { chromium } from "playwright-core";

const [, , BASE, RUNS = "3"] = process.argv;
const browser = await chromium.launch({
  executablePath: process.env.CONFLICTGRAPH_CHROMIUM || "/usr/bin/chromium", headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
const runs = [];
for (let i = 0; i < Number(RUNS); i++) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${BASE}/`);
  await page.waitForFunction(() => performance.getEntriesByName("cg:events-drawn").length > 0, null, { timeout: 120000 });
  runs.push(await page.evaluate(() => {
    const drawn = performance.getEntriesByName("cg:events-drawn")[0].startTime;
    const api = performance.getEntriesByType("resource").filter((r) => /\/events\/(aggregate|geojson)/.test(r.name));
    return { first_frame_ms: drawn, api_ms: Math.max(...api.map((r) => r.responseEnd)) - Math.min(...api.map((r) => r.startTime)),
             requests: api.length, mode: window.explorer.events.mode, cells: window.explorer.events.cells.length,
             events: window.explorer.events.cells.reduce((n, c) => n + c.events, 0) || window.explorer.events.points.length };
  }));
  await page.close();
}
await browser.close();
console.log(JSON.stringify(runs));
