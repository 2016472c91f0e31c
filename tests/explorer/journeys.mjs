// End-to-end journeys through the Explorer in real headless Chromium (Debian's chromium,
// driven by playwright-core; never a downloaded browser), against a real service.
//
//   node tests/explorer/journeys.mjs BASE_URL OUT_DIR [journey ...]
//   JOURNEYS=synthetic node tests/explorer/journeys.mjs ...   the large-view journeys
//   JOURNEYS=opensanctions node tests/explorer/journeys.mjs ... a listed company's network
//
// Prints one JSON line per journey: {name, ok, error, screenshot, ...}. A journey fails on
// any console error, any uncaught page error, and any request to a host other than the
// service (the page must work offline). Each leaves a screenshot in OUT_DIR.
import { chromium } from "playwright-core";
import { createRequire } from "node:module";
import { mkdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

const [, , BASE, OUT, ...only] = process.argv;
const CHROMIUM = process.env.CONFLICTGRAPH_CHROMIUM || "/usr/bin/chromium";
const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
if (OUT) mkdirSync(OUT, { recursive: true });

const expect = (cond, message) => { if (!cond) throw new Error(message); };

async function ready(page, hash = "") {
  await page.goto(`${BASE}/${hash}`);
  await page.waitForSelector("body[data-ready=true]");
  await settled(page);
}

async function settled(page) {
  await page.waitForFunction(() => window.explorer && !window.explorer.busy && !document.querySelector("#status-line").textContent.startsWith("Loading"));
}

async function relationsInView(page) {
  return page.$$eval("#relations-in-view li button", (bs) => bs.map((b) => b.textContent));
}

async function actorsInView(page) {
  return page.$$eval("#node-list li button", (bs) => bs.map((b) => b.textContent));
}

async function openKaniyatBySearch(page) {
  await page.fill("#search", "Kaniyat");
  await page.click("#search-results li[role=option] >> text=Kaniyat militia");      // click 1
  await page.waitForSelector("#details h2:text('Kaniyat militia')");
  await settled(page);
}

const journeys = {
  // Search -> open -> the quote behind "the US sanctioned Kaniyat", in at most three clicks.
  "search-open-evidence-quote": async (page) => {
    await ready(page);
    await openKaniyatBySearch(page);
    const rel = page.locator("#details section.group", { has: page.locator("h4", { hasText: /^SANCTIONS$/ }) })
      .locator("button", { hasText: "United States" });
    await rel.click();                                                                  // click 2
    await page.waitForSelector("#details .evidence blockquote");
    const quote = await page.textContent("#details .evidence");
    expect(quote.includes("unilaterally blacklisted Libya's Kaniyat militia"), `no quote: ${quote}`);
    const doc = await page.getAttribute("#details .evidence a", "href");
    expect(doc.startsWith("/documents/"), `document link ${doc}`);
    return { clicks: 2 };
  },

  // Search as you type forgives a typo and reads other scripts: "kaniat" offers the
  // Kaniyat militia, and Haftar written in Arabic offers Khalifa Haftar, saying why.
  "search-typo-and-script": async (page) => {
    await ready(page);
    await page.fill("#search", "kaniat");
    const first = page.locator("#search-results li[role=option]").first();
    await first.waitFor();
    expect((await first.textContent()).startsWith("Kaniyat militia"), `first offer: ${await first.textContent()}`);
    await page.fill("#search", "خليفة حفتر");
    await page.waitForSelector("#search-results li[role=option] >> text=Khalifa Haftar");
    const offer = await page.locator("#search-results li[role=option]").first().textContent();
    expect(offer.includes("close to Khalifa Haftar"), `no reason shown: ${offer}`);
    await page.keyboard.press("Enter");
    await page.waitForSelector("#details h2:text('Khalifa Haftar')");
    return { offer };
  },

  "keyboard-only-search": async (page) => {
    await ready(page);
    for (let i = 0; i < 10 && !(await page.evaluate(() => document.activeElement?.id === "search")); i++) {
      await page.keyboard.press("Tab");
    }
    expect(await page.evaluate(() => document.activeElement?.id === "search"), "Tab never reached the search box");
    await page.keyboard.type("haftar");
    await page.waitForSelector("#search-results li[role=option]");
    await page.keyboard.press("ArrowDown");
    const chosen = await page.textContent("#search-results li[aria-selected=true] span");
    await page.keyboard.press("Enter");
    await page.waitForSelector(`#details h2:text("${chosen}")`);
    await settled(page);
    expect((await actorsInView(page)).includes(chosen), `${chosen} not in the view`);
    return { opened: chosen };
  },

  "expand-and-collapse": async (page) => {
    await ready(page, "#seeds=kaniyat");
    const before = await actorsInView(page);
    await page.click("#node-list button:text('Government of National Accord')");
    await page.waitForSelector("#details h2:text('Government of National Accord')");
    await page.click("#expand");
    await settled(page);
    const after = await actorsInView(page);
    expect(after.length > before.length, `expand added nothing (${before.length} -> ${after.length})`);
    expect(after.includes("Turkey"), "the GNA's backer Turkey did not appear");
    expect(page.url().includes("expand=gna"), page.url());
    await page.click("#collapse");
    await settled(page);
    expect((await actorsInView(page)).length === before.length, "collapse did not restore the view");
    return { before: before.length, expanded: after.length };
  },

  "expand-by-relation-type": async (page) => {
    await ready(page, "#seeds=kaniyat");
    await page.click("#node-list button:text(\"Haftar's forces\")");
    await page.waitForSelector("#details h2:text(\"Haftar's forces\")");
    await page.selectOption("#expand-type", "BACKS");
    await page.click("#expand");
    await settled(page);
    const actors = await actorsInView(page);
    for (const backer of ["Russia", "Egypt", "United Arab Emirates"]) expect(actors.includes(backer), `${backer} missing`);
    expect(!actors.includes("Turkey"), "Turkey (not a backer of Haftar's forces) appeared");
    expect(page.url().includes("expand=haftar-forces:BACKS"), page.url());
    return { actors: actors.length };
  },

  // The Libyan blocs change: Kaniyat allied with the GNA in 2019-01, with Haftar's forces and
  // fighting the GNA by 2020-11-25.
  "time-slider-kaniyat-switch": async (page) => {
    await ready(page, "#seeds=kaniyat");
    await page.uncheck("#all-time");
    await settled(page);
    const month = await page.evaluate(() => {
      const el = document.querySelector("#month");
      return [...Array(Number(el.max) + 1).keys()].find((i) => {
        const d = new Date(Date.UTC(2000, i, 1));
        return d.getUTCFullYear() === 2019 && d.getUTCMonth() === 0;
      });
    });
    await page.focus("#month");
    await page.$eval("#month", (el, v) => { el.value = String(v); el.dispatchEvent(new Event("input")); }, month);
    await settled(page);
    expect((await page.inputValue("#as-of")) === "2019-01-31", `as_of ${await page.inputValue("#as-of")}`);
    const in2019 = await relationsInView(page);
    await page.screenshot({ path: join(OUT, "time-slider-2019-01.png") });
    expect(in2019.includes("Kaniyat militia ALLIED_WITH Government of National Accord"), in2019.join("; "));
    expect(!in2019.some((r) => r.includes("ALLIED_WITH Haftar's forces") || r.startsWith("Haftar's forces ALLIED_WITH")),
           `allied with Haftar's forces in 2019-01: ${in2019.join("; ")}`);
    await page.fill("#as-of", "2020-11-25");
    await page.dispatchEvent("#as-of", "change");
    await settled(page);
    const in2020 = await relationsInView(page);
    expect(!in2020.includes("Kaniyat militia ALLIED_WITH Government of National Accord"), in2020.join("; "));
    expect(in2020.some((r) => r.includes("ALLIED_WITH") && r.includes("Haftar's forces")), in2020.join("; "));
    expect(in2020.some((r) => r.includes("FIGHTS") && r.includes("Government of National Accord")), in2020.join("; "));
    expect(page.url().includes("as_of=2020-11-25"), page.url());
    return { "2019-01": in2019.length, "2020-11-25": in2020.length };
  },

  // Play steps the month slider forward on its own; Pause stops it where it is.
  "play-through-the-months": async (page) => {
    await ready(page, "#seeds=kaniyat&as_of=2019-01-31");
    await page.click("#play");
    expect((await page.getAttribute("#play", "aria-pressed")) === "true", "play not pressed");
    await page.waitForFunction(() => document.querySelector("#as-of").value >= "2019-03-01", null, { timeout: 30000 });
    await page.click("#play");
    expect((await page.getAttribute("#play", "aria-pressed")) === "false", "pause not pressed");
    await settled(page);
    const stopped = await page.inputValue("#as-of");
    await page.waitForTimeout(2000);
    expect((await page.inputValue("#as-of")) === stopped, "the months went on after Pause");
    expect(page.url().includes(`as_of=${stopped}`), page.url());
    return { stopped };
  },

  "shortest-path-russia-gna": async (page) => {
    await ready(page);
    await page.fill("#path-from", "russia");
    await page.fill("#path-to", "gna");
    await page.click("#find-paths");
    await page.waitForSelector("#paths li");
    await settled(page);
    const paths = await page.$$eval("#paths li", (ls) => ls.map((l) => l.textContent));
    expect(paths.includes("Russia —BACKS— Haftar's forces —FIGHTS— Government of National Accord"), paths.join("; "));
    const highlighted = await page.evaluate(() => [...window.explorer.graphView.highlight.nodes]);
    expect(["russia", "haftar-forces", "gna"].every((a) => highlighted.includes(a)), highlighted.join(","));
    return { paths: paths.length };
  },

  "path-ends-offered-and-named": async (page) => {
    // The path ends offer what /search finds as one types, and take a name as well as an id.
    await ready(page);
    await page.fill("#path-from", "Haftar");
    await page.waitForFunction(() => [...document.querySelectorAll("#actor-ids option")]
      .some((o) => o.value === "haftar-forces"));
    const offered = await page.$$eval("#actor-ids option", (os) => os.map((o) => o.value));
    await page.fill("#path-from", "Russia");
    await page.fill("#path-to", "Government of National Accord");
    await page.click("#find-paths");
    await page.waitForSelector("#paths li");
    const paths = await page.$$eval("#paths li", (ls) => ls.map((l) => l.textContent));
    expect(paths.includes("Russia —BACKS— Haftar's forces —FIGHTS— Government of National Accord"), paths.join("; "));
    return { offered };
  },

  "cypher-console-table-and-graph": async (page) => {
    await ready(page);
    await page.fill("#cypher", "MATCH (a:Actor)-[r:SANCTIONS]->(b:Actor) RETURN a, r, b");
    await page.click("#run-cypher");
    await page.waitForSelector("#cypher-result table tbody tr");
    const rows = await page.$$eval("#cypher-result tbody tr", (rs) => rs.length);
    expect(rows >= 2, `${rows} rows`);
    const header = await page.$$eval("#cypher-result th", (ths) => ths.map((t) => t.textContent));
    expect(header.join(",") === "a,r,b", header.join(","));
    await page.click("#draw-cypher");
    await page.waitForFunction(() => window.explorer.data.nodes.length > 0);
    await settled(page);
    const actors = await actorsInView(page);
    for (const a of ["United States", "Kaniyat militia", "Mohamed al-Kani"]) expect(actors.includes(a), `${a} not drawn`);
    const rels = await relationsInView(page);
    expect(rels.every((r) => r.includes(" SANCTIONS ")), rels.join("; "));
    return { rows, drawn: actors.length };
  },

  // The API's own words for a refused write; the 403 is the one console line this journey expects.
  "cypher-console-error": async (page, allow) => {
    allow(/status of 403/);
    await ready(page);
    await page.fill("#cypher", "MATCH (a:Actor) DETACH DELETE a");
    await page.click("#run-cypher");
    await page.waitForSelector("#cypher-error:not([hidden])");
    const text = await page.textContent("#cypher-error");
    expect(/write|read-only|not allowed|forbidden/i.test(text), `error shown: ${text}`);
    return { error: text };
  },

  "deep-link-restores-the-view": async (page) => {
    const hash = "#seeds=kaniyat&types=ALLIED_WITH,FIGHTS&as_of=2020-11-25&sel=kaniyat";
    await ready(page, hash);
    const check = async () => {
      expect((await page.inputValue("#as-of")) === "2020-11-25", "as_of not restored");
      expect(!(await page.isChecked("#all-time")), "all dates still checked");
      const checked = await page.$$eval("#types input:checked", (is) => is.map((i) => i.value));
      expect(checked.join(",") === "ALLIED_WITH,FIGHTS", `types ${checked}`);
      const rels = await relationsInView(page);
      expect(rels.length > 0 && rels.every((r) => / (ALLIED_WITH|FIGHTS) /.test(r)), rels.join("; "));
      await page.waitForSelector("#details h2:text('Kaniyat militia')");
      return rels;
    };
    const first = await check();
    await page.reload();
    await page.waitForSelector("body[data-ready=true]");
    await settled(page);
    const again = await check();
    expect(first.join("|") === again.join("|"), "the reload drew a different view");
    return { relations: again.length };
  },

  "export-gexf-download": async (page) => {
    await ready(page, "#seeds=kaniyat&as_of=2020-11-25");
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export-gexf")]);
    const file = join(OUT, "view.gexf");
    await download.saveAs(file);
    const text = readFileSync(file, "utf8");
    expect(text.includes("<gexf") && text.includes("kaniyat"), "not a GEXF of the view");
    return { file, bytes: statSync(file).size };
  },

  "export-png-download": async (page) => {
    await ready(page, "#seeds=kaniyat");
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export-png")]);
    const file = join(OUT, "view.png");
    await download.saveAs(file);
    const head = readFileSync(file).subarray(0, 8).toString("hex");
    expect(head === "89504e470d0a1a0a", `not a PNG (${head})`);
    return { file, bytes: statSync(file).size };
  },

  "confidence-and-status-filters": async (page) => {
    await ready(page, "#seeds=kaniyat");
    const all = await relationsInView(page);
    await page.selectOption("#min-confidence", "high");
    await settled(page);
    const high = await relationsInView(page);
    expect(high.length < all.length, "min confidence high hid nothing");
    expect(!high.includes("Kaniyat militia ALLIED_WITH Government of National Accord"), "a medium-confidence tie stayed");
    await page.selectOption("#min-confidence", "");
    await page.selectOption("#status", "confirmed");
    await settled(page);
    const confirmed = await relationsInView(page);
    expect(confirmed.length > 0 && confirmed.length < all.length, `${confirmed.length} of ${all.length}`);
    expect(page.url().includes("status=confirmed"), page.url());
    return { all: all.length, high: high.length, confirmed: confirmed.length };
  },

  "pin-and-relayout": async (page) => {
    await ready(page, "#seeds=kaniyat");
    await page.click("#node-list button:text('Kaniyat militia')");
    await page.click("#pin");
    expect((await page.getAttribute("#pin", "aria-pressed")) === "true", "pin not pressed");
    const at = () => page.evaluate(() => {
      const a = window.explorer.graphView.graph.getNodeAttributes("kaniyat");
      return [a.x, a.y];
    });
    const before = await at();
    await page.click("#relayout");
    await page.waitForFunction(() => window.explorer.busy);
    await settled(page);
    const after = await at();
    expect(before[0] === after[0] && before[1] === after[1], `the pinned node moved: ${before} -> ${after}`);
    return {};
  },

  "narrow-window": async (page) => {
    await page.setViewportSize({ width: 420, height: 860 });
    await ready(page, "#seeds=kaniyat&sel=kaniyat");
    const box = await page.locator("#canvas").boundingBox();
    expect(box && box.height > 300 && box.width > 300, `canvas ${JSON.stringify(box)}`);
    // The graph is what shows first, under the search bar, not below the controls.
    const bar = await page.locator("header.bar").boundingBox();
    expect(box.y <= bar.y + bar.height + 60, `the canvas starts at ${box.y}px, the bar ends at ${bar.y + bar.height}px`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
    await page.waitForSelector("#details h2:text('Kaniyat militia')");
    return { canvas: box };
  },

  // axe-core from npm, injected into the page (this journey's context lets the test's own
  // script in past the page's CSP; the page itself is unchanged).
  "accessibility-scan": async (page) => {
    await ready(page, "#seeds=kaniyat&sel=kaniyat");
    await page.waitForSelector("#details h2:text('Kaniyat militia')");
    await page.addScriptTag({ path: AXE });
    const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ["violations"] }));
    const bad = result.violations.filter((v) => ["serious", "critical"].includes(v.impact));
    expect(!bad.length, bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`).join("; "));
    return { violations: result.violations.map((v) => `${v.id}:${v.impact}`) };
  },

  // The events panel (issue 29): Tarhuna's 2020 events on the map at Tarhuna, on the timeline in 2020.
  "map-puts-tarhunas-events-at-tarhuna": async (page) => {
    await ready(page, "#seeds=kaniyat");
    const seen = await page.evaluate(() => ({
      mode: window.explorer.events.mode,
      points: window.explorer.events.points.map((p) => ({ id: p.id, lat: p.lat, lon: p.lon, date: p.date, x: p.x })),
      months: window.explorer.events.months.filter((m) => m.events).map((m) => m.period),
      bars: document.querySelectorAll("#timeline rect[data-period]").length,
    }));
    const tarhuna = seen.points.filter((p) => Math.abs(p.lat - 32.43) < 0.05 && Math.abs(p.lon - 13.63) < 0.05);
    expect(seen.mode === "points", `mode ${seen.mode}`);
    expect(tarhuna.map((p) => p.id).sort().join() === "ev-ly-2020-06-05-tarhuna-recapture,ev-ly-2020-06-tarhuna-mass-graves",
           `at Tarhuna: ${JSON.stringify(tarhuna)}`);
    expect(tarhuna.every((p) => p.date.startsWith("2020") && p.x !== undefined), JSON.stringify(tarhuna));
    expect(seen.months.includes("2020-06") && seen.bars === seen.months.filter((m) => m.length === 7).length,
           `timeline: ${seen.months} (${seen.bars} bars)`);
    return { points: seen.points.length, tarhuna: tarhuna.length, months: seen.months.length };
  },

  // Selecting an actor lights its events on the map and the timeline.
  "selecting-an-actor-highlights-its-events": async (page) => {
    await ready(page, "#seeds=kaniyat");
    await openKaniyatBySearch(page);
    await settled(page);
    const lit = await page.evaluate(() => ({
      points: window.explorer.events.points.filter((p) => p.lit).map((p) => p.id),
      bars: [...document.querySelectorAll("#timeline rect.lit")].map((r) => r.dataset.period),
      status: document.querySelector("#events-status").textContent,
    }));
    expect(lit.points.includes("ev-ly-2020-06-05-tarhuna-recapture") && lit.points.includes("ev-ly-2019-04-tripoli-offensive"),
           `lit: ${lit.points}`);
    expect(!lit.points.includes("ev-ly-2020-10-23-ceasefire"), `the ceasefire is not Kaniyat's: ${lit.points}`);
    expect(lit.bars.includes("2020-06") && lit.status.includes("of the selected actor's"), JSON.stringify(lit));
    // ... and under its details, each event opens with its sources.
    await page.click("#details ul.events button[data-event='ev-ly-2020-06-05-tarhuna-recapture']");
    await page.waitForSelector("#details h2:text('recapture, 2020-06-05, Tarhuna')");
    await page.waitForSelector("#details .evidence a");
    return { lit: lit.points.length, bars: lit.bars.length };
  },

  // Clicking an event on the map opens it with its sources.
  "clicking-an-event-shows-its-sources": async (page) => {
    await ready(page, "#seeds=kaniyat");
    await page.locator("#map").scrollIntoViewIfNeeded();
    const at = await page.evaluate(() => window.explorer.events.screenPoint("ev-ly-2020-10-23-ceasefire"));
    expect(at, "no point for the ceasefire");
    await page.mouse.click(at.x, at.y);
    await page.waitForSelector("#details h2:text('ceasefire agreement, 2020-10-23, Geneva')");
    await page.waitForSelector("#details .evidence a");
    const href = await page.getAttribute("#details .evidence a", "href");
    expect(href.startsWith("/documents/"), `document link ${href}`);
    const text = await page.textContent("#details");
    expect(text.includes("Participants") && text.includes("46.2, 6.15"), text.slice(0, 400));
    return { document: href };
  },

  // Dragging across the timeline sets the view's dates: the graph as of the range's end, the
  // map's events within the range.
  "brushing-the-timeline-sets-the-dates": async (page) => {
    await ready(page, "#seeds=kaniyat");
    await page.locator("#timeline").scrollIntoViewIfNeeded();
    const [from, to, y] = await page.evaluate(() => {
      const ev = window.explorer.events;
      const r = document.querySelector("#timeline").getBoundingClientRect();
      return [ev.monthX("2020-01"), ev.monthX("2020-08"), r.top + r.height / 2];
    });
    await page.mouse.move(from, y);
    await page.mouse.down();
    await page.mouse.move(to, y, { steps: 5 });
    await page.mouse.up();
    await page.waitForFunction(() => location.hash.includes("since=2020-01") && location.hash.includes("as_of=2020-08-31"));
    await settled(page);
    const shown = await page.evaluate(() => window.explorer.events.points.map((p) => p.date));
    expect(shown.length && shown.every((d) => d >= "2020-01" && d <= "2020-08-31"), `events shown: ${shown}`);
    expect((await page.inputValue("#as-of")) === "2020-08-31", "as_of not set");
    expect(await page.locator("#timeline rect.brush").count() === 1, "no brush drawn");
    await page.click("#all-dates");
    await page.waitForFunction(() => !location.hash.includes("since=") && !location.hash.includes("as_of="));
    await settled(page);
    return { in_range: shown.length };
  },

  "docs-link-to-the-explorer": async (page) => {
    await page.goto(`${BASE}/docs`);
    const link = page.getByRole("link", { name: "Explorer", exact: true });
    await link.waitFor();
    const href = await link.evaluate((a) => a.href);    // Swagger UI opens it in a new tab
    expect(href === `${BASE}/`, `the docs link to ${href}`);
    await page.goto(href);
    await page.waitForSelector("body[data-ready=true]");
    return { href };
  },
};

// On a synthetic graph (`conflictgraph synth`) large enough that the page draws a view's
// actors alone while its layout runs: what a reader of a large view relies on.
const synthetic = {
  "large-view-draws-actors-then-relations": async (page) => {
    const hub = (await (await fetch(`${BASE}/cypher`, {
      method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "MATCH (a:Actor)-[r]-() RETURN a.id AS id, count(r) AS n ORDER BY n DESC LIMIT 1" }),
    })).json()).rows[0][0];
    await page.goto(`${BASE}/#seeds=${hub}&depth=2`);
    // While ForceAtlas2 runs, the canvas draws the actors alone, unlabelled.
    const during = await page.waitForFunction(() => {
      const v = window.explorer?.graphView;
      if (!v || v.settled || !window.explorer.data.edges.length) return null;
      return { drawnEdges: v.sigma.getGraph().size, drawnActors: v.sigma.getGraph().order,
               relations: window.explorer.data.edges.length, labels: v.sigma.getSetting("renderLabels") };
    }, null, { polling: 20, timeout: 60000 }).then((h) => h.jsonValue());
    expect(during.relations > 400, `the view has only ${during.relations} relations`);
    expect(during.drawnEdges === 0 && during.drawnActors > 0 && !during.labels, `during the layout: ${JSON.stringify(during)}`);
    await settled(page);
    const after = await page.evaluate(() => {
      const v = window.explorer.graphView, box = v.sigma.getContainer();
      let area = 0, largest = 0;
      v.graph.forEachNode((n, a) => { area += Math.PI * a.size * a.size; largest = Math.max(largest, a.size); });
      return { drawnEdges: v.sigma.getGraph().size, relations: window.explorer.data.edges.length,
               labels: v.sigma.getSetting("renderLabels"), area, room: box.clientWidth * box.clientHeight, largest };
    });
    expect(after.drawnEdges === after.relations, `after the layout ${after.drawnEdges} of ${after.relations} relations drawn`);
    expect(after.labels, "no actor labels after the layout");
    expect(after.largest <= 30 && after.area <= after.room / 6 + 1, `actors cover ${after.area} of ${after.room} px² (largest ${after.largest})`);
    // The list of relations starts closed, says how many, and lists them all when opened.
    expect(!(await page.evaluate(() => document.querySelector("#relations-box").open)), "the relation list is open");
    expect((await relationsInView(page)).length === 0, "a closed list was built");
    const summary = await page.textContent("#relations-count");
    expect(summary.startsWith(`${after.relations.toLocaleString("en")} relations`), `summary: ${summary}`);
    await page.click("#relations-box summary");
    await page.waitForFunction((n) => document.querySelectorAll("#relations-in-view li").length === n, after.relations);
    // The screenshot: the canvas once the camera is still and its edges are drawn.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForFunction(() => !window.explorer.graphView.sigma.getCamera().isAnimated());
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    return { during, after: { drawnEdges: after.drawnEdges, coverage: +(after.area / after.room).toFixed(3) } };
  },
};

// On the Libya seed with an OpenSanctions export imported (tests/test_import_opensanctions.py's
// fixture): what a researcher following a listing relies on.
const opensanctions = {
  "sanctioned-company-shows-who-listed-owns-and-directs-it": async (page) => {
    await ready(page);
    await page.fill("#search", "LLC CST");
    await page.click("#search-results li[role=option] >> text=LLC CST");
    await page.waitForSelector("#details h2:text('LLC CST')");
    await settled(page);
    const group = (type) => page.locator("#details section.group", { has: page.locator("h4", { hasText: new RegExp(`^${type}$`) }) });
    const names = async (type) => (await group(type).locator("button").allTextContents()).map((t) => t.trim());
    const listed = await names("SANCTIONS");
    for (const authority of ["Foreign, Commonwealth and Development Office", "Council of the European Union",
                             "State Secretariat for Economic Affairs"]) {
      expect(listed.some((t) => t.includes(authority)), `SANCTIONS lacks ${authority}: ${listed}`);
    }
    const owners = await names("OWNS"), directors = await names("DIRECTS");
    expect(owners.some((t) => t.startsWith("←") && t.includes("Ivan Ownerov")), `OWNS: ${owners}`);
    expect(owners.some((t) => t.startsWith("→") && t.includes("SEA BREEZE")), `OWNS (the vessel): ${owners}`);
    expect(directors.some((t) => t.includes("Petr Direktorov")), `DIRECTS: ${directors}`);
    // Each tie with the dataset and the record behind it.
    await group("SANCTIONS").locator("button", { hasText: "Foreign, Commonwealth" }).click();
    await page.waitForSelector("#details .evidence li");
    const sanction = await page.textContent("#details");
    expect(sanction.includes("gb_fcdo_sanctions") && sanction.includes("record gb-fcdo-cst"), `sanction: ${sanction}`);
    await page.click("#details button:text('Open LLC CST')");
    await page.waitForSelector("#details h2:text('LLC CST')");
    await group("OWNS").locator("button", { hasText: "Ivan Ownerov" }).click();
    await page.waitForSelector("#details .evidence li");
    const owns = await page.textContent("#details");
    expect(owns.includes("ru_egrul") && owns.includes("record own-cst"), `ownership: ${owns}`);
    return { sanctions: listed.length, owners: owners.length, directors: directors.length };
  },
};

// Two versions kept (tests/test_explorer.py): A, the Libya seed; B, the seed with the
// ACLED-layout fixture's events imported (Kaniyat's around Tarhuna among them). What a reader of a paper that cites A relies on.
async function olderVersion(page) {
  const kept = await (await page.request.get(`${BASE}/versions`)).json();
  expect(kept.items.length === 2, `two versions kept: ${JSON.stringify(kept.items.map((v) => v.id))}`);
  return { a: kept.items.find((v) => !v.current).id, b: kept.current };
}

const versions = {
  "a-link-to-an-old-version-reads-it-and-shows-the-changes-since": async (page) => {
    const { a, b } = await olderVersion(page);
    const asked = [];
    page.on("request", (r) => { const u = new URL(r.url()); if (u.pathname !== "/" && !u.pathname.startsWith("/assets")) asked.push(u); });
    await ready(page, `#seeds=kaniyat&sel=kaniyat&version=${a}`);
    await page.waitForSelector("#details h2:text('Kaniyat militia')");
    const note = await page.textContent("#version-note");
    expect(note.includes(`Reading version ${a}`) && note.includes(b), `version note: ${note}`);
    const reads = asked.filter((u) => /^\/(actors|relations|subgraph|events|contradictions)/.test(u.pathname));
    expect(reads.length >= 4 && reads.every((u) => u.searchParams.get("version") === a),
           `reads not pinned to ${a}: ${reads.filter((u) => u.searchParams.get("version") !== a).map(String)}`);
    const eventsAtA = await page.textContent("#details h3:text-matches('^Events')");
    // the changes since A: what the import added, each with its sources
    expect(await page.inputValue("#changes-from") === a, "changes since the version read");
    await page.click("#changes-since");
    await page.waitForSelector(`#details h2:text('Changes from ${a} to ${b}')`);
    const added = page.locator("#details li[data-change='events:added']");
    expect(await added.count() > 0, "no event added since A in the view");
    const first = await added.first().textContent();
    expect(first.includes("record acled:"), `an added event without its source record: ${first}`);
    expect(await page.locator("#details li[data-change$=':removed']").count() === 0, "nothing was removed");
    // the current version, chosen in the page, has more of Kaniyat's events than A had
    await page.selectOption("#version", "");
    await page.waitForFunction(() => document.querySelector("#version-note").textContent.startsWith("Reading the current"));
    await page.waitForSelector("#details h2:text('Kaniyat militia')");
    await settled(page);
    const eventsNow = await page.textContent("#details h3:text-matches('^Events')");
    expect(eventsNow !== eventsAtA, `events at A (${eventsAtA}) and now (${eventsNow}) alike`);
    return { a, b, eventsAtA, eventsNow, added: await added.count() };
  },

  "a-contradiction-opens-with-both-claims-and-their-sources": async (page) => {
    const { a } = await olderVersion(page);
    await ready(page, `#seeds=kaniyat&sel=kaniyat&version=${a}`);
    await page.waitForSelector("#details h3:text('Contradictions (1)')");
    await page.click("#details ul.contradictions button");
    await page.waitForSelector("#details h2:text('Contradiction: polarity')");
    const claims = page.locator("#details section.claim");
    expect(await claims.count() === 2, "both claims");
    const text = await page.textContent("#details");
    expect(text.includes("Explained:") && text.includes("April 2019"), `explanation: ${text.slice(0, 300)}`);
    for (const i of [0, 1]) {
      const sources = claims.nth(i).locator("ul.sources a");
      expect(await sources.count() > 0, `claim ${i} without sources`);
      expect((await sources.first().getAttribute("href")).startsWith("/documents/"), "a source links its document");
    }
    await claims.nth(0).locator("button:text('Open this claim')").click();
    await page.waitForSelector("#details .evidence li");
    expect(await page.locator("#details h3:text('Contradictions (1)')").count() === 1, "the claim shows its contradiction");
    return { claims: 2 };
  },
};

// JOURNEYS=synthetic or JOURNEYS=opensanctions selects the journeys above (a service on a
// synthetic graph, or the seed with an OpenSanctions import); the default is the Libya seed's.
const chosen = { synthetic, opensanctions, versions }[process.env.JOURNEYS] || journeys;

if (BASE === "--list") {
  console.log(Object.keys(chosen).join("\n"));
  process.exit(0);
}

const browser = await chromium.launch({
  executablePath: CHROMIUM, headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--disable-quic"],
});
const base = new URL(BASE);
for (const [name, journey] of Object.entries(chosen)) {
  if (only.length && !only.includes(name)) continue;
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true,
                                             bypassCSP: name === "accessibility-scan" });
  const page = await context.newPage();
  page.setDefaultTimeout(20000);
  const problems = [];
  const allowed = [];
  page.on("console", (m) => {
    if (m.type() === "error" && !allowed.some((re) => re.test(m.text()))) problems.push(`console error: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("request", (r) => {
    const u = new URL(r.url());
    if (["http:", "https:", "ws:", "wss:"].includes(u.protocol) && u.host !== base.host) problems.push(`request to ${r.url()}`);
  });
  const screenshot = join(OUT, `${name}.png`);
  const started = Date.now();
  let out = { name, ok: false, screenshot };
  try {
    const detail = await journey(page, (re) => allowed.push(re));
    await page.waitForTimeout(100);
    if (problems.length) throw new Error(problems.join(" | "));
    out = { ...out, ok: true, detail };
  } catch (e) {
    out.error = [e.message.split("\n")[0], ...problems].join(" | ");
  }
  try { await page.screenshot({ path: screenshot }); } catch { /* the page may be gone */ }
  out.ms = Date.now() - started;
  console.log(JSON.stringify(out));
  await context.close();
}
await browser.close();
