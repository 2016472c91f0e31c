// The Explorer in Debian's headless chromium, for benchmarks/explorer.py:
//
//   node benchmarks/explorer.mjs bench BASE HASH...   one JSON line per view
//   node benchmarks/explorer.mjs picture BASE HASH FILE
//
// Per view: the page's own /subgraph request (the baseline: the API's answer, measured in the
// same page load), the first frame with the view on screen, the settled layout, and the main
// thread's long tasks before the layout (loading the page and the view), while it ran in its
// worker (from its start to its end), and after it (the frame that draws a large view's edges).
import { chromium } from "playwright-core";

const [, , mode, BASE, ...rest] = process.argv;
const browser = await chromium.launch({
  executablePath: process.env.CONFLICTGRAPH_CHROMIUM || "/usr/bin/chromium", headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--disable-quic"],
});

async function open(hash) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.addInitScript(() => {
    window.__longtasks = [];
    new PerformanceObserver((list) => window.__longtasks.push(...list.getEntries().map((e) => [e.startTime, e.duration])))
      .observe({ type: "longtask", buffered: true });
  });
  await page.goto(`${BASE}/${hash}`);
  await page.waitForFunction(() => performance.getEntriesByName("cg:layout-settled").length > 0, null, { timeout: 120000 });
  await page.waitForTimeout(mode === "bench" ? 8000 : 0);   // the frame that draws the edges, after the layout
  return page;
}

if (mode === "picture") {
  const [hash, file] = rest;
  const page = await open(hash);
  await page.waitForTimeout(400);           // the camera's reset animation
  await page.screenshot({ path: file });
} else {
  for (const hash of rest) {
    const page = await open(hash);
    const out = await page.evaluate(() => {
      const at = (name) => performance.getEntriesByName(name)[0].startTime;
      const drawn = at("cg:view-drawn");
      const started = at("cg:layout-started");
      const settled = at("cg:layout-settled");
      const api = performance.getEntriesByType("resource").filter((r) => r.name.includes("/subgraph?"));
      const before = window.__longtasks.filter(([start]) => start < started);
      const during = window.__longtasks.filter(([start]) => start >= started && start <= settled);
      const after = window.__longtasks.filter(([start]) => start > settled);
      const longest = (tasks) => Math.round(Math.max(0, ...tasks.map(([, d]) => d)));
      return {
        nodes: window.explorer.data.nodes.length,
        edges: window.explorer.data.edges.length,
        api_ms: Math.round(Math.max(...api.map((r) => r.responseEnd - r.startTime))),
        first_frame_ms: Math.round(drawn),
        settled_ms: Math.round(settled),
        layout_ms: Math.round(settled - started),
        longest_task_before_layout_ms: longest(before),
        long_tasks_during_layout: during.length,
        longest_task_during_layout_ms: longest(during),
        tasks_over_200ms_during_layout: during.filter(([, d]) => d > 200).length,
        // [start after the layout started, duration] of each long task while it ran
        long_tasks: during.map(([start, d]) => [Math.round(start - started), Math.round(d)]),
        longest_task_after_layout_ms: longest(after),
        // What the page did before its first frame: the document, the bundle, each of the
        // page's marks (explorer/src/main.js) and each request, in ms since navigation.
        before_first_frame: {
          document_ms: Math.round(performance.getEntriesByType("navigation")[0].responseEnd),
          dom_content_loaded_ms: Math.round(performance.getEntriesByType("navigation")[0].domContentLoadedEventEnd),
          marks: performance.getEntriesByType("mark").filter((m) => m.name.startsWith("cg:") && m.startTime <= drawn)
            .map((m) => [m.name.slice(3), Math.round(m.startTime)]),
          requests: performance.getEntriesByType("resource").filter((r) => r.startTime <= drawn)
            .map((r) => [new URL(r.name).pathname, Math.round(r.startTime), Math.round(r.responseEnd)]),
          long_tasks: window.__longtasks.filter(([start]) => start <= drawn).map(([start, d]) => [Math.round(start), Math.round(d)]),
        },
      };
    });
    console.log(JSON.stringify({ hash, ...out }));
    await page.close();
  }
}
await browser.close();
