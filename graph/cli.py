"""The `conflictgraph` command: validate, load, stats, query."""
from __future__ import annotations

import contextlib
import csv
import errno
import gc
import io
import json
import sys
from pathlib import Path
from typing import Any, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from .dataset import SeedSet
from .errors import ConflictGraphError, ValidationFailed
from .paths import SEED_DIR
from .settings import Settings
from .store import open_store
from .text_rules import visible

app = typer.Typer(help="ConflictGraph: a dated, sourced knowledge graph of conflict actors.",
                  no_args_is_help=True, add_completion=False)
class _Console(Console):
    """A console that never sends a control, bidi or invisible character to the terminal: a
    query result or an imported name could otherwise carry escape sequences (text_rules.visible)."""

    def print(self, *objects, **kwargs) -> None:
        super().print(*(visible(o) if isinstance(o, str) else o for o in objects), **kwargs)


out = _Console()
err = _Console(stderr=True)

PathArg = typer.Argument(None, help="A seed file or a directory of seed files (default: the project's seed_data/).")
StoreOpt = typer.Option(None, "--store", help="Store location, e.g. embedded:./data/graph "
                        "(default: $CONFLICTGRAPH_STORE or embedded:data/graph).")
# Progress bars only pay off when a load takes more than a moment.
PROGRESS_THRESHOLD = 20_000
VersionOpt = typer.Option(None, "--version", help="A kept version's id (`conflictgraph versions`): "
                          "read the graph as it was then. Default: the current one.")


def _fail(message: str, code: int = 1) -> None:
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def _print_problems(problems) -> None:
    for p in problems:
        err.print(f"[red]✗[/] {escape(str(p))}", highlight=False, soft_wrap=True)
    err.print(f"[bold red]{len(problems)} problem(s)[/]; nothing was loaded.", highlight=False)


@app.command()
def validate(path: Optional[Path] = PathArg,
             strict: bool = typer.Option(False, "--strict", help="Fail on warnings too (the sourcing rule's "
                                                                 "reports): what CI and a release run."),
             report: bool = typer.Option(False, "--report", help="Also print, per relation, its sources and "
                                                                 "how strong they are.")) -> None:
    """Check seed files against the ontology; list every problem with file, record and field.

    Warnings (claims supported only by editorial notes or inference, see ontology.yaml
    `sourcing`) are listed but do not fail the check, except with --strict."""
    try:
        seeds = SeedSet(path or SEED_DIR)
    except FileNotFoundError as e:
        _fail(str(e))
    if report and not seeds.problems:
        _sourcing_report(seeds)   # reads every relation once, collecting the problems as check() would
        problems = seeds.problems
    else:
        problems = seeds.check()
    for p in problems:
        err.print(f"[red]✗[/] {escape(str(p))}", highlight=False, soft_wrap=True)
    for w in seeds.warnings:
        err.print(f"[{'red' if strict else 'yellow'}]![/] {escape(str(w))}", highlight=False, soft_wrap=True)
    failed = len(problems) + (len(seeds.warnings) if strict else 0)
    if failed:
        err.print(f"[bold red]{len(problems)} problem(s)[/]" +
                  (f", {len(seeds.warnings)} warning(s) (--strict)" if strict and seeds.warnings else ""),
                  highlight=False)
        raise typer.Exit(1)
    c = seeds.counts()
    out.print(f"[green]✓[/] valid: {c['actors']} actors, {c['relations']} relations, "
              f"{c['documents']} documents, {c['events']} events" +
              (f"; {len(seeds.warnings)} warning(s)" if seeds.warnings else ""),
              highlight=False)


def _sourcing_report(seeds: SeedSet) -> None:
    """One row per relation and per event: what it rests on and how strong that is
    (graph/sourcing.py)."""
    from collections import Counter

    from .errors import ValidationFailed as Invalid
    from .sourcing import STRENGTHS, strength, supports
    documents = {d.id: d for d in seeds.documents}
    table = Table(title="Sources per relation and event", show_lines=False)
    for column in ("claim", "type", "confidence", "status", "sources (document ¶paragraph or record: how)", "strength"):
        table.add_column(column, overflow="fold")
    tally: Counter[str] = Counter()

    def row(claim, type_name: str) -> None:
        items = supports(claim, documents, seeds.ontology)
        level = strength(items)
        tally[level] += 1
        shown = "; ".join(f"{s.document} {s.where}: {s.kind}" + ("" if s.held or s.kind != "states"
                                                                  else " (not held)") for s in items)
        table.add_row(claim.id, type_name, claim.confidence, claim.status, shown, level)

    for event in seeds.events:
        row(event, f"event: {event.type}")
    dating: Counter[str] = Counter()
    from .contradictions import finder_for_seeds, relation_record
    records = []
    try:
        for batch in seeds.relation_batches(1 << 14):
            for rel in batch:
                row(rel, rel.type)
                records.append(relation_record(rel))
                dating[("bounded" if rel.start_unknown else "dated") if rel.start
                       else "unknown" if rel.start_unknown else "silent"] += 1
    except Invalid:
        return   # the problems are listed by the check that follows
    out.print(table)
    total = sum(tally.values()) or 1
    out.print("Strength: " + ", ".join(f"{level} {tally[level]} ({100 * tally[level] / total:.0f}%)"
                                         for level in STRENGTHS), highlight=False)
    relations, started = sum(dating.values()), dating["dated"] + dating["bounded"]
    out.print(f"Dated: {started} of {relations} relations have a start ({100 * started / (relations or 1):.0f}%; "
              f"{dating['bounded']} of them only the earliest date the sources allow); {dating['unknown']} say why "
              f"they have none (start_unknown); {dating['silent']} have neither", highlight=False)
    _contradictions_report(finder_for_seeds(seeds, seeds.ontology).find(records))


def _contradictions_report(found: list[dict]) -> None:
    """Claims that disagree (graph/contradictions.py), each side with its sources."""
    if not found:
        out.print("Contradictions: none", highlight=False)
        return
    table = Table(title="Contradictions", show_lines=True)
    for column in ("kind", "actors", "claims (dates, status, origin: sources)", "explained"):
        table.add_column(column, overflow="fold")
    for c in found:
        sides = "\n".join(f"{s['relation']} {s['type']} {s.get('start') or '?'}–{s.get('end') or ''} {s['status']} "
                          f"{s['origin']}: " + "; ".join(x["document"] + (f" ¶{x['paragraph']}" if x.get("paragraph")
                                                                          else "") for x in s["sources"])
                          for s in c["claims"])
        table.add_row(c["kind"], ", ".join(c["actors"]), sides + f"\n({c['detail']})",
                      (c["explained"]["why"] + (f" (see {c['explained']['see']})" if c["explained"].get("see") else ""))
                      if c["explained"] else "no")
    out.print(table)
    unexplained = sum(1 for c in found if not c["explained"])
    out.print(f"Contradictions: {len(found)} ({unexplained} unexplained)", highlight=False)


@app.command()
def load(path: Optional[Path] = PathArg, store: Optional[str] = StoreOpt,
         batch_size: Optional[int] = typer.Option(None, help="Records per write batch."),
         keep: Optional[int] = typer.Option(None, "--keep", min=1, help="Versions to keep, the newest (this one "
                                            "included); default: CONFLICTGRAPH_KEEP_VERSIONS, else all."),
         keep_days: Optional[float] = typer.Option(None, "--keep-days", min=0, help="Keep no version recorded "
                                                   "longer ago than this; default: CONFLICTGRAPH_KEEP_DAYS, "
                                                   "else no limit.")) -> None:
    """Validate, then publish the seed data as the store's new version, atomically.

    Relations are validated as they stream into a new generation (embedded) or an open
    transaction (Neo4j); one problem anywhere and nothing is published. Earlier versions
    stay readable by id (`conflictgraph versions`) under the retention policy."""
    settings = Settings.from_env()
    if keep is not None or keep_days is not None:
        import dataclasses
        settings = dataclasses.replace(settings, keep_versions=keep if keep is not None else settings.keep_versions,
                                       keep_days=keep_days if keep_days is not None else settings.keep_days)
    try:
        dataset = SeedSet(path or SEED_DIR)
    except FileNotFoundError as e:
        _fail(str(e))
    if dataset.problems:  # unreadable files or bad actors/documents: stop before any writing
        dataset.check()
        _print_problems(dataset.problems)
        raise typer.Exit(1)
    total = dataset.estimated_total()
    # The loader builds no reference cycles, and with millions of short-lived records the
    # cyclic collector's passes cost about half the loading time: reference counting
    # frees everything as it goes.
    gc.freeze()
    gc.disable()
    try:
        with open_store(store, settings=settings) as s:
            if total >= PROGRESS_THRESHOLD and err.is_terminal:
                with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                              TimeElapsedColumn(), console=err) as bar:
                    task = bar.add_task("loading", total=total)
                    report = s.load(dataset, batch_size=batch_size or settings.batch_size,
                                    progress=lambda stage, done, _t: bar.update(
                                        task, completed=done, description=stage))
            else:
                report = s.load(dataset, batch_size=batch_size or settings.batch_size)
    except ValidationFailed as e:
        _print_problems(e.problems)
        raise typer.Exit(1)
    except ConflictGraphError as e:
        _fail(f"{e}\nThe previously loaded graph, if any, is unchanged.")
    c = report.counts
    if report.unchanged:
        out.print(f"[green]✓[/] unchanged: these files are version {report.version}, already current in "
                  f"{escape(report.location)}; nothing was written", highlight=False)
        return
    out.print(f"[green]✓[/] loaded {c['actors']} actors, {c['relations']} relations, "
              f"{c['documents']} documents, {c['events']} events into {escape(report.location)} "
              f"in {report.seconds:.2f} s: version {report.version}",
              highlight=False)
    if report.pruned:
        out.print(f"  the retention policy removed {len(report.pruned)} older version(s): {', '.join(report.pruned)}",
                  highlight=False)
    for t, n in report.relations_by_type.items():
        out.print(f"  {t:<20} {n}", highlight=False)
    if dataset.warnings:
        err.print(f"[yellow]![/] {len(dataset.warnings)} claim(s) rest only on editorial notes or inference; "
                  "`conflictgraph validate` lists them", highlight=False)


@app.command()
def versions(store: Optional[str] = StoreOpt,
             as_json: bool = typer.Option(False, "--json", help="Print the manifests as JSON.")) -> None:
    """The versions of the graph the store keeps, newest first: id, when recorded, counts,
    what went in, and the disk each takes (embedded)."""
    try:
        with open_store(store) as s:
            kept = s.versions()
    except ConflictGraphError as e:
        _fail(str(e))
    if as_json:
        print(visible(json.dumps(kept, indent=2, ensure_ascii=False)))
        return
    if not kept:
        out.print("no versions yet: run `conflictgraph load`", highlight=False)
        return
    table = Table()
    for column in ("", "version", "seq", "recorded", "actors", "relations", "events", "documents", "went in", "disk"):
        table.add_column(column)
    for v in kept:
        c = v.get("counts") or {}
        went = [f"{len(v.get('seed_files') or [])} seed files"] if v.get("seed_files") else ["records in memory"]
        went += [f"{i.get('importer', '?')}: {i.get('file', '?')}" for i in v.get("imports") or []]
        disk = v.get("disk_bytes")
        table.add_row("*" if v.get("current") else "", v["id"], str(v.get("seq", "")), v.get("recorded_at") or "",
                      *(str(c.get(k, "")) for k in ("actors", "relations", "events", "documents")),
                      Text(visible("; ".join(went))), f"{disk / 2**20:.1f} MB" if disk is not None else "")
    out.print(table)
    total = sum(v.get("disk_bytes") or 0 for v in kept)
    out.print(f"{len(kept)} version(s) kept" + (f", {total / 2**20:.1f} MB on disk" if total else "") +
              "; * is current", highlight=False)


@app.command()
def diff(old: str = typer.Argument(..., help="The older version's id."),
         new: Optional[str] = typer.Argument(None, help="The newer version's id (default: the current one)."),
         fmt: str = typer.Option("text", "--format", "-f", help="text (a readable report) or json."),
         actors: Optional[str] = typer.Option(None, help="Comma-separated actor ids: only what concerns them."),
         store: Optional[str] = StoreOpt) -> None:
    """What changed between two versions: records added, removed or changed field by field,
    each with its sources (as GET /changes)."""
    from .changes import report
    from .service import GraphService
    if fmt not in ("text", "json"):
        raise typer.BadParameter("use text or json", param_hint="--format")
    try:
        with open_store(store) as s:
            found = GraphService(s).changes(old, new or "", [a.strip() for a in (actors or "").split(",")
                                                              if a.strip()] or None)
    except ConflictGraphError as e:
        _fail(str(e))
    if fmt == "json":
        print(visible(json.dumps(found, indent=2, ensure_ascii=False)))
    else:
        print(visible(report(found)))


@app.command("init-schema")
def init_schema(store: Optional[str] = StoreOpt) -> None:
    """Create the Neo4j constraints and indexes (idempotent; `load` does it too)."""
    try:
        with open_store(store) as s:
            stmts = s.init_schema()
    except ConflictGraphError as e:
        _fail(str(e))
    if not stmts:
        out.print(f"{escape(s.location)}: this store builds its schema from the ontology at each load; nothing to do.",
                  highlight=False)
        return
    out.print(f"[green]✓[/] {len(stmts)} constraints and indexes in place on {escape(s.location)}", highlight=False)


@app.command()
def stats(store: Optional[str] = StoreOpt,
          as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Counts of actors by kind, relations by type, and documents."""
    try:
        with open_store(store) as s:
            st = s.stats()
    except ConflictGraphError as e:
        _fail(str(e))
    if as_json:
        print(json.dumps(st, indent=2))
        return
    out.print(f"{st['actors']} actors, {st['relations']} relations, {st['documents']} documents",
              highlight=False)
    for title, key, head in (("Actors by kind", "actors_by_kind", "kind"),
                             ("Relations by type", "relations_by_type", "type")):
        table = Table(title=title, title_justify="left")
        table.add_column(head)
        table.add_column("count", justify="right")
        for k, n in st[key].items():
            table.add_row(Text(k), str(n))
        out.print(table)


def _parse_param(text: str) -> tuple[str, Any]:
    """`name=value`; the value is read as JSON when it parses (numbers, lists), else as text."""
    name, sep, raw = text.partition("=")
    if not sep or not name:
        raise typer.BadParameter(f"{text!r}: write parameters as name=value", param_hint="--param")
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        value = raw
    return name.lstrip("$"), value


@app.command()
def query(cypher: str = typer.Argument(..., help="A read-only Cypher query."),
          param: list[str] = typer.Option([], "--param", "-p", help="name=value (JSON or text); repeatable."),
          fmt: str = typer.Option("table", "--format", "-f", help="table, json or csv."),
          version: Optional[str] = VersionOpt,
          store: Optional[str] = StoreOpt) -> None:
    """Run a read-only Cypher query against the store (writes are rejected)."""
    if fmt not in ("table", "json", "csv"):
        raise typer.BadParameter("use table, json or csv", param_hint="--format")
    params = dict(_parse_param(p) for p in param)
    try:
        with open_store(store) as s:
            result = s.at(version).research_query(cypher, params)
    except ConflictGraphError as e:
        _fail(str(e))
    # Every format is free of control characters (text_rules.visible): JSON keeps the data (an
    # escape is JSON's own), CSV and the table show them as escapes; CSV cells a spreadsheet
    # would run as formulas start with an apostrophe (export/neo4j_csv.neutral).
    if fmt == "json":
        print(visible(json.dumps({"columns": result.columns, "rows": result.rows,
                                  "truncated": result.truncated}, ensure_ascii=False, indent=2)))
    elif fmt == "csv":
        from .export.neo4j_csv import neutral
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow([neutral(visible(c)) for c in result.columns])
        for row in result.rows:
            w.writerow([neutral(visible(json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict))
                                        else "" if v is None else str(v))) for v in row])
        sys.stdout.write(buf.getvalue())
    else:
        # Cells and headers as Text: a value such as "[red]x[/red]" is data, not markup.
        table = Table()
        for column in result.columns:
            table.add_column(Text(visible(column)))
        for row in result.rows:
            table.add_row(*(Text(visible(json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict))
                                         else "" if v is None else str(v))) for v in row))
        out.print(table)
        out.print(f"{len(result.rows)} row(s)" + (" (truncated at the row limit)" if result.truncated else ""),
                  highlight=False)


def _relation_filter(types: Optional[str], as_of: Optional[str]):
    """--types and --as-of, as the API reads types= and as_of=."""
    from datetime import date

    from .service import RelationFilter
    try:
        day = date.fromisoformat(as_of).isoformat() if as_of else ""
    except ValueError:
        raise typer.BadParameter("use YYYY-MM-DD", param_hint="--as-of") from None
    return RelationFilter(types=[t.strip() for t in (types or "").split(",") if t.strip()], as_of=day)


@app.command()
def export(fmt: str = typer.Option("gexf", "--format", "-f", help="gexf, graphml, cytoscape, graphology, d3 or csv."),
           output: Optional[Path] = typer.Option(None, "--output", "-o", help="File to write (default: stdout)."),
           seeds: Optional[str] = typer.Option(None, help="Comma-separated actor ids: export their "
                                               "neighbourhood instead of the whole graph."),
           depth: int = typer.Option(1, min=1, max=3, help="With --seeds: relations away from them."),
           types: Optional[str] = typer.Option(None, help="Comma-separated relation types."),
           as_of: Optional[str] = typer.Option(None, "--as-of", help="Only relations valid on YYYY-MM-DD."),
           events: bool = typer.Option(False, "--events", help="Add the events (with --as-of, those that had "
                                       "happened by then) as nodes joined to their participants (with --seeds: "
                                       "those inside the neighbourhood)."),
           version: Optional[str] = VersionOpt,
           store: Optional[str] = StoreOpt) -> None:
    """Export the graph, or a neighbourhood of it, for Gephi, Cytoscape, graphology, d3 or Neo4j import.
    The file names the version it comes from in its own metadata."""
    from .export import FORMATS
    from .service import GraphService
    if fmt not in FORMATS:
        raise typer.BadParameter(f"use one of {', '.join(FORMATS)}", param_hint="--format")
    flt = _relation_filter(types, as_of)
    seed_ids = [x.strip() for x in (seeds or "").split(",") if x.strip()]
    try:
        with open_store(store) as s:
            svc = GraphService(s.at(version))
            if not seed_ids:
                pieces, *counts = svc.export_whole(flt, fmt, events)
            else:
                graph = svc.subgraph(seed_ids, depth, flt)
                found = svc.neighbourhood_events([n["id"] for n in graph["nodes"]], flt.as_of) if events else None
                pieces = iter([svc.export(graph, fmt, found)])
                counts = (len(graph["nodes"]) + len(found or ()),
                          len(graph["edges"]) + sum(len(e["participants"]) for e in found or ()))
            # Written while the store is open: a paged export reads as it writes.
            with (output.open("wb") if output else contextlib.nullcontext(sys.stdout.buffer)) as out:
                for piece in pieces:
                    out.write(piece)
    except ConflictGraphError as e:
        _fail(str(e))
    if output:
        what = ("nodes (actors and events)", "edges (relations and participations)") if events else ("actors", "relations")
        err.print(f"[green]✓[/] {counts[0]} {what[0]}, {counts[1]} {what[1]} → {escape(str(output))}", highlight=False)


analyze_app = typer.Typer(help="Network analytics (networkx) over the filtered graph; JSON output.",
                          no_args_is_help=True)
app.add_typer(analyze_app, name="analyze")
TypesOpt = typer.Option(None, help="Comma-separated relation types.")
AsOfOpt = typer.Option(None, "--as-of", help="Only relations valid on YYYY-MM-DD.")


def _analyze(store: Optional[str], types: Optional[str], as_of: Optional[str], compute) -> None:
    from .service import GraphService
    flt = _relation_filter(types, as_of)
    try:
        with open_store(store) as s:
            svc = GraphService(s)
            result = compute(svc, svc.whole_graph(flt))
    except ConflictGraphError as e:
        _fail(str(e))
    print(json.dumps(result, ensure_ascii=False, indent=2))


@analyze_app.command("centrality")
def analyze_centrality(metric: str = typer.Option("degree", help="degree, betweenness, pagerank or eigenvector."),
                       limit: int = typer.Option(20, min=1), types: Optional[str] = TypesOpt,
                       as_of: Optional[str] = AsOfOpt, store: Optional[str] = StoreOpt) -> None:
    """Actors ranked by centrality."""
    from . import analytics
    _analyze(store, types, as_of, lambda svc, g: analytics.centrality(g, svc.ontology, metric, limit))


@analyze_app.command("balance")
def analyze_balance(types: Optional[str] = TypesOpt, as_of: Optional[str] = AsOfOpt,
                    store: Optional[str] = StoreOpt) -> None:
    """Structural balance: triads, balance ratio, ties the balance rules predict."""
    from . import analytics
    _analyze(store, types, as_of, lambda svc, g: analytics.balance(g, svc.ontology))


@analyze_app.command("blocs")
def analyze_blocs(types: Optional[str] = TypesOpt, as_of: Optional[str] = AsOfOpt,
                  store: Optional[str] = StoreOpt) -> None:
    """Coalitions: positive ties inside, negative ties between."""
    from . import analytics
    _analyze(store, types, as_of, lambda svc, g: analytics.blocs(g, svc.ontology))


@analyze_app.command("timeline")
def analyze_timeline(actor: str = typer.Argument(..., help="An actor id."), types: Optional[str] = TypesOpt,
                     store: Optional[str] = StoreOpt) -> None:
    """An actor's relations by date, and its changes of side."""
    from . import analytics

    def compute(svc, g):
        svc.require_actor(actor)
        return analytics.timeline(g, svc.ontology, actor)
    _analyze(store, types, None, compute)


@app.command()
def synth(actors: int = typer.Option(10_000, "--actors", min=50), relations: int = typer.Option(100_000, "--relations", min=1),
          seed: int = typer.Option(1, "--seed"), out_dir: Path = typer.Option(..., "--out", help="Folder to write.")) -> None:
    """Write a synthetic conflict graph as seed files (JSON Lines), for benchmarks and tests."""
    from .ontology import default_ontology
    from .synth import generate
    counts = generate(actors, relations, seed, out_dir, default_ontology())
    out.print(f"[green]✓[/] {counts['actors']} actors, {counts['relations']} relations, "
              f"{counts['documents']} documents → {out_dir}", highlight=False)


def listening_socket(host: str, port: int) -> "socket.socket":
    """A bound, listening TCP socket for the server. Made with protocol IPPROTO_TCP, because
    asyncio turns Nagle's algorithm off (TCP_NODELAY) only on connections whose socket says
    so: with socket.create_server's protocol 0, every reply on a kept-alive connection
    waited ~40 ms for the client's delayed ACK (48 ms for /health instead of 9)."""
    import socket
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    return sock


@app.command()
def serve(host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
          port: int = typer.Option(8000, help="Port to listen on."),
          store: Optional[str] = StoreOpt,
          workers: int = typer.Option(1, min=1, max=64, help="Server processes; on the embedded store they "
                                      "share each generation's projection files (mapped, not copied).")) -> None:
    """Run the HTTP query service (API docs at /docs)."""
    import os

    import uvicorn

    from conflictgraph.api.app import create_app
    from conflictgraph.api.connections import prepare_process, uvicorn_options
    if store:
        os.environ["CONFLICTGRAPH_STORE"] = store
    settings = Settings.from_env()
    # The port first, before any store is open: uvicorn reports a taken port by exiting from
    # inside its event loop, and the embedded engine's threads then aborted the process
    # (SIGABRT, exit 134) after "serving ..." had been printed.
    try:
        listener = listening_socket(host, port)
    except OSError as e:
        _fail(f"cannot listen on {host}:{port}: {os.strerror(e.errno) if e.errno else e}"
              + (" (another program is using that port; pick another with --port)"
                 if e.errno == errno.EADDRINUSE else ""))
    try:
        with open_store(settings.store, settings=settings) as s:
            st = s.stats()
    except ConflictGraphError as e:
        listener.close()
        _fail(f"{e}\nThe service needs a loaded store: run `conflictgraph load` first.")
    err.print(f"serving {st['actors']} actors and {st['relations']} relations from {escape(settings.store)} "
              f"on http://{host}:{port} with {workers} process{'es' if workers > 1 else ''} "
              f"(docs: http://{host}:{port}/docs)", highlight=False)
    # Stopping waits at most 5 s for requests in flight; analytics children die with us.
    # Connections: each request head within 15 s, idle keep-alive 5 s, a cap below the
    # descriptor limit (api/connections.py).
    prepare_process()
    guarded = dict(uvicorn_options(), log_level="info", timeout_graceful_shutdown=5)
    if workers == 1:
        config = uvicorn.Config(create_app(settings=settings), host=host, port=port, **guarded)
        uvicorn.Server(config).run(sockets=[listener])
        return
    # Each process builds the app from the environment (CONFLICTGRAPH_STORE is set above)
    # and accepts on the one socket bound here.
    from uvicorn.supervisors import Multiprocess
    config = uvicorn.Config("conflictgraph.api.app:create_app", factory=True, host=host, port=port, workers=workers,
                            **guarded)
    Multiprocess(config, sockets=[listener]).run()


def main() -> None:  # console-script entry point
    app()


import_app = typer.Typer(help="Bring in the field's datasets as seed folders (see README: Bringing in data).",
                         no_args_is_help=True)
app.add_typer(import_app, name="import")


def _run_import(file: Path, into: Path, seeds: Path, run, importer: str = "", version: str | None = None) -> None:
    """Run an importer (`run(file, into, actors, progress)`) with a progress bar on a
    terminal, and say what it wrote, what it matched and what it left out. The folder gets
    an import.json (the importer, the file and its SHA-256, the dataset's version): the
    versions of the graph it goes into say what went in (graph/versions.py)."""
    from rich.progress import BarColumn, Progress, TextColumn

    from .importers.matching import existing_actors
    if not file.is_file():
        _fail(f"{file}: no such file")
    actors = existing_actors(seeds, exclude=into)
    try:
        if err.is_terminal:
            with Progress(TextColumn("reading {task.description}"), BarColumn(), TextColumn("{task.completed:,} lines"),
                          console=err, transient=True) as bar:
                task = bar.add_task(file.name, total=None)
                report = run(file, into, actors, lambda n: n % 10_000 == 0 and bar.update(task, completed=n))
        else:
            report = run(file, into, actors, None)
    except ConflictGraphError as e:
        _fail(f"{e}\nNothing was written.")
    from .versions import write_import_record
    write_import_record(into, importer=importer or "import", source=file, counts=report.counts,
                        dataset_version=version)
    c = report.counts
    events = f"{c['events']} events, " if c.get("events") else ""
    out.print(f"[green]✓[/] {c['actors']} new actors, {events}{c['relations']} relations, {c['documents']} document → "
              f"{escape(str(into))}; {len(report.matched)} entities matched existing actors "
              f"({', '.join(sorted(set(report.matched.values())))})" if report.matched else
              f"[green]✓[/] {c['actors']} new actors, {events}{c['relations']} relations → {escape(str(into))}",
              highlight=False)
    if report.review:
        out.print(f"[yellow]![/] {report.review} uncertain match(es) to review in "
                  f"{escape(str(into / 'review-matches.json'))} (not merged)", highlight=False)
    if report.skipped:
        out.print("left out: " + ", ".join(f"{n} {s}" for s, n in sorted(report.skipped.items())), highlight=False)
    if report.read_as:
        out.print(f"read as: {escape(report.read_as)}", highlight=False)
    if report.became:
        out.print("imported: " + ", ".join(f"{n} {escape(s)}" for s, n in sorted(report.became.items())),
                  highlight=False)
    for warning in report.warnings[:20]:
        err.print(f"[yellow]warning:[/] {escape(warning)}", highlight=False)
    if len(report.warnings) > 20:
        err.print(f"[yellow]warning:[/] ... and {len(report.warnings) - 20} more", highlight=False)


@import_app.command("opensanctions")
def import_opensanctions(
        file: Path = typer.Argument(..., help="An OpenSanctions export: entities.ftm.json (FtM entities, one JSON "
                                              "object per line), targets.nested.json, or entities.delta.json "
                                              "(applied to the previous import in the same folder)."),
        into: Optional[Path] = typer.Option(None, "--into",
                                            help="The seed folder to write (replaced whole); default "
                                                 "seed_data/imports/opensanctions, inside the seed folder, so "
                                                 "validate and load read it with the rest."),
        seeds: Path = typer.Option(Path(SEED_DIR), "--seeds", help="The seed set whose actors are matched."),
        dataset: str = typer.Option("default", help="The OpenSanctions dataset the file is from."),
        version: str = typer.Option("latest", help="The export's version or date, e.g. 20261130.")) -> None:
    """Import an OpenSanctions (FollowTheMoney) export: every listing from its authority
    (SANCTIONS, or LISTS for debarments, export controls, disqualifications), and the networks
    behind the listed entities; matched entities reuse the seed's actor ids; uncertain matches
    are written to review-matches.json, never merged."""
    from .importers.opensanctions import import_file
    into = into or Path(seeds) / "imports" / "opensanctions"
    _run_import(file, into, seeds, lambda f, i, a, p: import_file(f, i, a, dataset=dataset, version=version,
                                                                  progress=p),
                importer="opensanctions", version=version)


@import_app.command("ucdp-esd")
def import_ucdp_esd(
        file: Path = typer.Argument(..., help="UCDP External Support: the 1.0-2011 Disaggregated/Supporter file or "
                                              "the 18.1 triad-year file (ucdp-esd-ty-181), as .xls/.xlsx, .dta or "
                                              "CSV (',', ';' or tab; UTF-8, cp1252 or latin-1)."),
        into: Optional[Path] = typer.Option(None, "--into",
                                            help="The seed folder to write (replaced whole); default "
                                                 "seed_data/imports/ucdp-esd-<version>, so both generations can "
                                                 "be imported side by side."),
        seeds: Path = typer.Option(Path(SEED_DIR), "--seeds", help="The seed set whose actors are matched."),
        version: Optional[str] = typer.Option(None, help="The dataset's version as UCDP names it (default: "
                                                         "1.0-2011 or 18.1, from the file's layout).")) -> None:
    """Import outside support coded by UCDP's External Support Dataset: each supporter, party
    and run of years with the same support becomes a BACKS relation whose evidence locates the
    rows (18.1: each warring dyad's active years a FIGHTS relation); matched actors reuse the
    seed's ids; uncertain matches go to review-matches.json."""
    from .importers.layouts import ESD_18_TRIAD, recognise
    from .importers.tables import read_table
    from .importers.ucdp_esd import import_file
    if into is None:
        try:
            generation = "18.1" if recognise(read_table(file).columns) is ESD_18_TRIAD else "1.0-2011"
        except ConflictGraphError:
            generation = "1.0-2011"   # the import itself says what is wrong with the file
        into = Path(seeds) / "imports" / f"ucdp-esd-{version or generation}"
    _run_import(file, into, seeds, lambda f, i, a, p: import_file(f, i, a, version=version, progress=p),
                importer="ucdp-esd", version=version)


@import_app.command("ucdp-ged")
def import_ucdp_ged(
        file: Path = typer.Argument(..., help="The UCDP Georeferenced Event Dataset as UCDP publishes it "
                                              "(GEDEvent_v*.csv, or the .xlsx/.dta download), or a part of it."),
        into: Optional[Path] = typer.Option(None, "--into",
                                            help="The seed folder to write (replaced whole); default "
                                                 "seed_data/imports/ucdp-ged-<version>."),
        seeds: Path = typer.Option(Path(SEED_DIR), "--seeds", help="The seed set whose actors are matched."),
        version: Optional[str] = typer.Option(None, help="The GED release, e.g. 22.1 (default: from the file "
                                                         "name, GEDEvent_v22_1.csv or ged221.csv).")) -> None:
    """Import UCDP GED events: every row an event (type from type_of_violence, dates with their
    precision, place with coordinates, deaths, the two sides by UCDP actor id, the source
    references as evidence), and every dyad of fighting a FIGHTS relation dated by its first
    and last event and citing them. Read as a stream: a full release fits in little memory."""
    from .importers.ucdp_ged import import_file, version_of
    version = version or version_of(file)
    into = into or Path(seeds) / "imports" / f"ucdp-ged-{version or 'unversioned'}"
    _run_import(file, into, seeds, lambda f, i, a, p: import_file(f, i, a, version=version, progress=p),
                importer="ucdp-ged", version=version)


@import_app.command("acled")
def import_acled(
        file: Path = typer.Argument(..., help="An ACLED export as ACLED's export tool or API writes it (CSV, or "
                                              "a workbook)."),
        into: Optional[Path] = typer.Option(None, "--into", help="The seed folder to write (replaced whole); "
                                                                  "default seed_data/imports/acled."),
        seeds: Path = typer.Option(Path(SEED_DIR), "--seeds", help="The seed set whose actors are matched."),
        version: Optional[str] = typer.Option(None, help="The export's date (default: the file's date).")) -> None:
    """Import ACLED events: every event whose type the ontology's acled cross-walk names becomes
    an event with its date, place, coordinates, fatalities and participants in the roles its
    type gives; actors are matched to the graph's (near names go to review-matches.json).
    ACLED's terms forbid redistributing its data: keep the import out of published seed sets."""
    from .importers.acled import import_file
    into = into or Path(seeds) / "imports" / "acled"
    _run_import(file, into, seeds, lambda f, i, a, p: import_file(f, i, a, version=version, progress=p),
                importer="acled", version=version)


@import_app.command("ucdp-actors")
def import_ucdp_actors(
        file: Path = typer.Argument(..., help="The UCDP Actor Dataset (ucdp-actor-*.csv or .xlsx)."),
        into: Optional[Path] = typer.Option(None, "--into", help="The seed folder to write (replaced whole); "
                                                                  "default seed_data/imports/ucdp-actors."),
        seeds: Path = typer.Option(Path(SEED_DIR), "--seeds", help="The seed set whose actors are matched."),
        version: Optional[str] = typer.Option(None, help="The dataset's version (default: its Version column).")
) -> None:
    """Import UCDP's actor list: every UCDP actor id becomes an actor (or is added to the seed's
    actor it matches), so later UCDP imports reuse one actor per UCDP id."""
    from .importers.ucdp_actors import import_file
    into = into or Path(seeds) / "imports" / "ucdp-actors"
    _run_import(file, into, seeds, lambda f, i, a, p: import_file(f, i, a, version=version, progress=p),
                importer="ucdp-actors", version=version)
