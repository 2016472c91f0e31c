// The view lives in the URL's hash (#seeds=kaniyat&as_of=2020-11-25&...), so a link reopens
// it. The hash, not the query string: the page is static, the API never sees it.

const LISTS = ["seeds", "expand", "types"];

export function read() {
  const p = new URLSearchParams(location.hash.slice(1));
  const list = (k) => (p.get(k) || "").split(",").filter(Boolean);
  return {
    seeds: list("seeds"),
    expand: list("expand"),          // id or id:TYPE — a neighbourhood opened from that actor
    types: list("types"),
    depth: Math.min(3, Math.max(1, parseInt(p.get("depth") || "1", 10) || 1)),
    asOf: p.get("as_of") || "",
    since: p.get("since") || "",     // the events' range starts here (YYYY-MM); as_of ends it
    minConfidence: p.get("min_confidence") || "",
    status: p.get("status") || "",
    selected: p.get("sel") || "",
    version: p.get("version") || "",  // a kept version of the graph; "" is the current one
  };
}

export function write(view) {
  const p = new URLSearchParams();
  for (const k of LISTS) if (view[k].length) p.set(k, view[k].join(","));
  if (view.depth !== 1) p.set("depth", String(view.depth));
  if (view.asOf) p.set("as_of", view.asOf);
  if (view.since) p.set("since", view.since);
  if (view.minConfidence) p.set("min_confidence", view.minConfidence);
  if (view.status) p.set("status", view.status);
  if (view.selected) p.set("sel", view.selected);
  if (view.version) p.set("version", view.version);
  const hash = p.toString().replaceAll("%2C", ",").replaceAll("%3A", ":");
  if (location.hash.slice(1) !== hash) history.replaceState(null, "", hash ? `#${hash}` : location.pathname);
}
