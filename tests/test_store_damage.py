"""A damaged embedded store is reported as damaged — a 503 with the reason on every route,
one line and a non-zero exit from the CLI — never a 500, a traceback or a path outside
the store; and the next load repairs it. A store that cannot be written is one line too."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from conflictgraph.api.app import create_app
from conflictgraph.graph.errors import StoreDamaged
from conflictgraph.graph.settings import Settings

CLI = Path(sys.executable).with_name("conflictgraph")


def _random_bytes(store, gen):
    return os.urandom(64).replace(b"\n", b"x")


DAMAGE = {
    # name: (what CURRENT holds, or None to leave it; whether to truncate the database; reason)
    "random bytes in CURRENT": (_random_bytes, False, "CURRENT does not hold a generation name"),
    "a generation that is not there": (lambda s, g: b"g20991231T000000000000-1\n", False,
                                       "names generation 'g20991231T000000000000-1', but"),
    "a path out of the store": (lambda s, g: b"../../../../etc\n", False,
                                "CURRENT does not hold a generation name"),
    "a generation name with a path in it": (lambda s, g: f"{g}/../{g}\n".encode(), False,
                                            "CURRENT does not hold a generation name"),
    "a truncated database file": (None, True, "cannot be opened: "),
}


@pytest.fixture
def damaged(request, embedded_store, seed_dataset):
    embedded_store.load(seed_dataset)
    embedded_store.close()
    pointer, truncate, reason = DAMAGE[request.param]
    gen = embedded_store.current_generation()
    if pointer is not None:
        (embedded_store.root / "CURRENT").write_bytes(pointer(embedded_store, gen))
    if truncate:
        db = embedded_store.root / "generations" / gen / "graph.lbug"
        with open(db, "r+b") as fh:
            fh.truncate(db.stat().st_size // 2)
    return embedded_store, reason


@pytest.mark.parametrize("damaged", list(DAMAGE), indirect=True)
def test_every_route_answers_503_naming_the_damage(damaged):
    store, reason = damaged
    with TestClient(create_app(store=store, settings=Settings.from_env()),
                    raise_server_exceptions=False) as client:
        for method, url, body in [("GET", "/health", None), ("GET", "/actors", None),
                                  ("GET", "/actors/kaniyat", None), ("GET", "/relations", None),
                                  ("GET", "/export?format=gexf", None),
                                  ("POST", "/cypher", {"query": "MATCH (a:Actor) RETURN count(a)"})]:
            r = client.request(method, url, json=body)
            assert r.status_code == 503, (url, r.status_code, r.text)
            detail = r.json()["detail"]
            assert detail.startswith(f"the store at {store.root} is damaged: "), (url, detail)
            assert reason in detail and "conflictgraph load" in detail, (url, detail)
            assert "retry later" not in detail   # the engine's hint does not apply to a published generation


@pytest.mark.parametrize("damaged", list(DAMAGE), indirect=True)
def test_the_cli_says_so_in_one_line_and_the_next_load_repairs_it(damaged):
    store, reason = damaged
    spec = f"embedded:{store.root}"
    r = subprocess.run([str(CLI), "stats", "--store", spec], capture_output=True, text=True, timeout=120)
    assert r.returncode == 1 and r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: the store at {store.root} is damaged: "), r.stderr
    assert reason in lines[0]
    r = subprocess.run([str(CLI), "load", "--store", spec], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([str(CLI), "stats", "--store", spec, "--json"], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr


def test_a_pointer_out_of_the_store_is_never_followed(embedded_store, seed_dataset, tmp_path):
    # A database-looking folder outside the store, reachable by '..': it must not be opened.
    embedded_store.load(seed_dataset)
    outside = tmp_path / "elsewhere"
    (outside / "g20200101T000000000000-1").mkdir(parents=True)
    gen = embedded_store.root / "generations" / embedded_store.current_generation()
    os.link(gen / "graph.lbug", outside / "g20200101T000000000000-1" / "graph.lbug")
    embedded_store.close()
    (embedded_store.root / "CURRENT").write_text("../../elsewhere/g20200101T000000000000-1\n")
    with pytest.raises(StoreDamaged, match="does not hold a generation name"):
        embedded_store.stats()


def _without_root_powers() -> list[str]:
    """A prefix that makes file permissions apply to this process: root ignores them unless
    its capability to override them is dropped."""
    if os.geteuid() != 0:
        return []
    if not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: cannot make a folder unwritable to the CLI")
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]


@pytest.mark.parametrize("where", ["a file in the path", "a folder without write permission",
                                   "a generations folder without write permission"])
def test_a_load_into_an_unwritable_store_is_one_line(tmp_path, mini_dir, where):
    store = tmp_path / "store"
    prefix = []
    if where == "a file in the path":
        (tmp_path / "hostname").write_text("not a folder\n")
        store, culprit, reason = tmp_path / "hostname" / "store", tmp_path / "hostname" / "store", "Not a directory"
    else:
        prefix = _without_root_powers()
        locked = store if where == "a folder without write permission" else store / "generations"
        locked.mkdir(parents=True)
        locked.chmod(0o555)
        culprit, reason = (store / "load.lock") if locked == store else locked, "Permission denied"
    r = subprocess.run([*prefix, str(CLI), "load", str(mini_dir), "--store", f"embedded:{store}"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 1
    first, *rest = r.stderr.strip().splitlines()
    assert first.startswith(f"error: cannot write the store at {store}: {reason} ("), r.stderr
    assert str(culprit) in first or where.startswith("a generations"), first
    assert rest == ["The previously loaded graph, if any, is unchanged."] and "Traceback" not in r.stderr


def test_a_service_stopped_at_once_after_starting_exits_cleanly(embedded_store, seed_dataset):
    # The store used to be closed while the warm-up thread was still building the
    # projection: the engine aborted the process ("terminate called without an active exception").
    embedded_store.load(seed_dataset)
    gen = embedded_store.root / "generations" / embedded_store.current_generation()
    embedded_store.close()
    shutil.rmtree(gen / "projection")   # as a generation loaded before the load wrote it: built at start
    code = ("import sys\nfrom fastapi.testclient import TestClient\nfrom api.app import create_app\n"
            "with TestClient(create_app()) as c:\n    assert c.get('/health').status_code == 200\n")
    for _ in range(3):
        r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                           env={**os.environ, "CONFLICTGRAPH_STORE": f"embedded:{embedded_store.root}"})
        assert r.returncode == 0 and "terminate called" not in r.stderr, r.stderr[-500:]
