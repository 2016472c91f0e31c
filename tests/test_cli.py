"""The `conflictgraph` command as a researcher uses it."""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from procs import children, free_port, serving
from typer.testing import CliRunner

from conflictgraph.graph.cli import app
from seed_counts import ACTORS, DOCUMENTS, RELATIONS

runner = CliRunner()


@pytest.fixture(params=["embedded", "neo4j"])
def store_uri(request, tmp_path, monkeypatch):
    """The CLI's store setting, on each store kind; an empty graph to start from."""
    if request.param == "embedded":
        uri = f"embedded:{tmp_path / 'graph'}"
        monkeypatch.setenv("CONFLICTGRAPH_STORE", uri)
        return uri
    uri = request.getfixturevalue("neo4j_cli_env")
    from conflictgraph.graph.store.factory import open_store
    from conftest import wipe_neo4j
    store = open_store(uri)
    wipe_neo4j(store)
    store.close()
    return uri


def run(*args):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_validate_the_project_seed_data():
    r = run("validate")
    assert r.exit_code == 0
    assert f"valid: {ACTORS} actors, {RELATIONS} relations, {DOCUMENTS} documents" in r.output


def test_validate_lists_problems_and_fails(mini_dir):
    rel = mini_dir / "relations.yaml"
    rel.write_text(rel.read_text().replace("target: haftar-forces", "target: hafter-forces"))
    r = run("validate", str(mini_dir))
    assert r.exit_code == 1
    assert "field 'target': unknown actor 'hafter-forces' — did you mean 'haftar-forces'?" in r.output
    assert "1 problem(s)" in r.output


def test_load_then_stats(store_uri):
    r = run("load")
    assert r.exit_code == 0, r.output
    assert f"loaded {ACTORS} actors, {RELATIONS} relations, {DOCUMENTS} documents" in r.output
    r = run("stats", "--json")
    st = json.loads(r.output)
    assert (st["actors"], st["relations"], st["documents"]) == (ACTORS, RELATIONS, DOCUMENTS)
    assert st["relations_by_type"]["BACKS"] == 4


def test_a_rejected_load_names_the_problem_and_keeps_the_graph(store_uri, mini_dir):
    assert run("load").exit_code == 0
    rel = mini_dir / "relations.yaml"
    rel.write_text(rel.read_text().replace("status: reported", "status: rumour", 1))
    r = run("load", str(mini_dir))
    assert r.exit_code == 1
    assert "relations[0] (id 'r-backs'): field 'status': 'rumour' is not one of" in r.output
    assert "nothing was loaded" in r.output
    assert json.loads(run("stats", "--json").output)["actors"] == ACTORS


def test_query_formats_and_parameters(store_uri):
    run("load")
    q = "MATCH (a:Actor)-[:BACKS]->(b:Actor {id: $target}) RETURN a.id AS backer ORDER BY backer"
    r = run("query", q, "--param", "target=haftar-forces", "--format", "json")
    assert json.loads(r.output) == {"columns": ["backer"], "rows": [["egypt"], ["russia"], ["uae"]],
                                    "truncated": False}
    r = run("query", q, "-p", "target=haftar-forces", "-f", "csv")
    assert list(csv.reader(io.StringIO(r.output))) == [["backer"], ["egypt"], ["russia"], ["uae"]]
    r = run("query", q, "-p", "target=haftar-forces")
    assert "russia" in r.output and "3 row(s)" in r.output
    # JSON values: numbers and lists
    r = run("query", "RETURN $n + 1 AS n, size($xs) AS k", "-p", "n=41", "-p", 'xs=["a","b"]', "-f", "json")
    assert json.loads(r.output)["rows"] == [[42, 2]]


@pytest.mark.parametrize("query,message", [
    ("CREATE (:Actor {id: 'x'})", r"writes are not allowed"),
    ("MATCH (a:Actor {id: $id}) RETURN a", r"missing parameter\(s\): \$id"),
    # each engine's own wording, and where: "(line: 1, offset: 30)" or "(line 1, column 31)"
    ("MATCH (a:Actor) RETURN a LIMIT", r"line:? 1, (offset: 30|column 31)"),
])
def test_query_errors_are_clear_and_exit_non_zero(store_uri, query, message):
    import re
    run("load")
    r = run("query", query)
    assert r.exit_code == 1
    assert re.search(message, r.output), r.output


def test_stats_on_an_empty_store_explains_what_to_do(store_uri):
    r = run("stats")
    assert r.exit_code == 1
    assert "nothing has been loaded" in r.output and "conflictgraph load" in r.output


def test_the_installed_console_script(tmp_path):
    script = Path(sys.executable).with_name("conflictgraph")
    assert script.exists(), "the package is not installed with its console script"
    env = {"CONFLICTGRAPH_STORE": f"embedded:{tmp_path / 'g'}", "PATH": "/usr/bin:/bin"}
    load = subprocess.run([str(script), "load"], capture_output=True, text=True, env=env)
    assert load.returncode == 0, load.stderr
    r = subprocess.run([str(script), "query", "MATCH (a:Actor {id: 'kaniyat'}) RETURN a.aliases", "-f", "json"],
                       capture_output=True, text=True, env=env)
    assert "al-Kani militia" in json.loads(r.stdout)["rows"][0][0]


def test_export_analyze_and_synth_commands(store_uri, tmp_path):
    import networkx as nx
    run("load")
    out = tmp_path / "libya.graphml"
    r = run("export", "-f", "graphml", "-o", str(out), "--as-of", "2020-11-25")
    assert r.exit_code == 0, r.output
    assert nx.read_graphml(out).number_of_nodes() == ACTORS
    r = run("analyze", "blocs", "--as-of", "2020-11-25")
    assert ["gna", "turkey"] in [b["members"] for b in json.loads(r.output)["blocs"]]
    r = run("analyze", "timeline", "kaniyat")
    assert json.loads(r.output)["side_changes"][0]["joined"] == "haftar-forces"
    assert run("export", "--as-of", "2020-13-01").exit_code != 0
    synth_dir = tmp_path / "synthetic"
    r = run("synth", "--actors", "200", "--relations", "1500", "--seed", "3", "--out", str(synth_dir))
    assert r.exit_code == 0 and "1500 relations" in r.output
    first = (synth_dir / "relations.jsonl").read_bytes()
    run("synth", "--actors", "200", "--relations", "1500", "--seed", "3", "--out", str(tmp_path / "again"))
    assert (tmp_path / "again" / "relations.jsonl").read_bytes() == first   # deterministic
    r = run("validate", str(synth_dir))
    assert r.exit_code == 0 and "1500 relations" in r.output
    r = run("load", str(synth_dir))
    assert r.exit_code == 0 and "loaded 200 actors, 1500 relations" in r.output


def test_jsonl_problems_name_the_file_and_line(tmp_path):
    (tmp_path / "actors.jsonl").write_text('{"id": "a", "name": "A", "kind": "state"}\n'
                                           '{"id": "b", "name": "B", "kind": "state"\n')
    r = run("validate", str(tmp_path))
    assert r.exit_code == 1
    assert "actors.jsonl: actors[1]: JSON syntax error on line 2" in r.output


def test_serve_on_a_taken_port_says_so_and_exits_1(store_uri):
    import socket
    run("load")
    script = Path(sys.executable).with_name("conflictgraph")
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        r = subprocess.run([str(script), "serve", "--port", str(port)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 1, r.stderr
    assert f"cannot listen on 127.0.0.1:{port}: Address already in use" in r.stderr
    assert "pick another with --port" in r.stderr and "serving" not in r.stderr


@pytest.mark.parametrize("workers", [1, 2])
def test_serve_answers_and_stops_on_sigterm_within_seconds(store_uri, workers):
    import signal
    import time
    import urllib.request
    run("load")
    port = free_port()
    script = Path(sys.executable).with_name("conflictgraph")
    server = subprocess.Popen([str(script), "serve", "--port", str(port), "--workers", str(workers)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        assert serving(server, port)["actors"] == ACTORS
        processes = [server.pid] if workers == 1 else children(server.pid, running=b"spawn_main")
        assert len(processes) == workers
        if store_uri.startswith("embedded:") and workers > 1:
            for _ in range(20):   # every process answers from the same mapped projection files
                urllib.request.urlopen(f"http://127.0.0.1:{port}/relations?limit=1", timeout=10).read()
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                mapped = [{line.split()[-1] for line in Path(f"/proc/{p}/maps").read_text().splitlines()
                           if "/projection/relations/" in line and line.endswith(".arrow")} for p in processes]
                if all(mapped):
                    break
                time.sleep(0.5)
            assert all(mapped) and all(m == mapped[0] for m in mapped), mapped
        started = time.monotonic()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)
        assert time.monotonic() - started < 5
        assert not [p for p in processes if Path(f"/proc/{p}").exists() and p != server.pid]
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def test_user_text_and_data_are_printed_literally(store_uri, mini_dir):
    # rich markup used to swallow them: "[r:BACKS]" vanished from an error's echo, and a
    # value "[red]hi[/red]" was shown as "hi".
    run("load")
    r = run("query", "RETURN '[red]hi[/red]' AS `[b]x[/b]`")
    assert r.exit_code == 0 and "[red]hi[/red]" in r.output and "[b]x[/b]" in r.output
    actors = mini_dir / "actors.yaml"
    actors.write_text(actors.read_text().replace("kind: state", "kind: '[r:BACKS]'", 1))
    r = run("validate", str(mini_dir))
    assert r.exit_code == 1 and "unknown actor kind '[r:BACKS]'" in r.output


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_query_output_never_sends_a_control_character_to_the_terminal(store_uri, fmt):
    # A value can hold a terminal's escape sequence (ESC [ 2 J clears the screen) or a bidi
    # override; the CLI shows them as escapes, and a CSV cell that a spreadsheet would run
    # as a formula starts with an apostrophe.
    run("load")
    r = run("query", "RETURN $v AS v, $f AS f", "-p", "v=x\u001b[2Jy\u202ez\u009b1m", "-p", "f==1+1", "-f", fmt)
    assert r.exit_code == 0, r.output
    assert not any(c in r.output for c in ("\x1b", "\x9b", "\u202e")), repr(r.output)
    if fmt == "json":
        assert json.loads(r.output)["rows"] == [["x\x1b[2Jy\u202ez\x9b1m", "=1+1"]]    # the data, unchanged
    elif fmt == "csv":
        assert list(csv.reader(io.StringIO(r.output)))[1] == ["x\\u001b[2Jy\\u202ez\\u009b1m", "'=1+1"]
    else:
        assert "x\\u001b[2Jy" in r.output


def test_the_served_connections_send_replies_without_waiting_for_acks():
    # asyncio disables Nagle's algorithm only for sockets made with protocol IPPROTO_TCP;
    # the listener `serve` made with socket.create_server had protocol 0, and every reply on
    # a kept-alive connection then waited ~40 ms for the client's delayed ACK.
    import asyncio
    import socket

    from conflictgraph.graph.cli import listening_socket

    async def check() -> int:
        seen: asyncio.Future = asyncio.get_running_loop().create_future()

        async def on_connect(reader, writer):
            sock = writer.get_extra_info("socket")
            seen.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        listener = listening_socket("127.0.0.1", 0)
        server = await asyncio.start_server(on_connect, sock=listener)
        _, writer = await asyncio.open_connection(*listener.getsockname())
        nodelay = await asyncio.wait_for(seen, 10)
        writer.close()
        server.close()
        return nodelay

    assert asyncio.run(check()) == 1
