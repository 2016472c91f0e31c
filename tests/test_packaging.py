"""The distribution as a user installs it: `pip install .` (not editable) into a fresh
environment, then `conflictgraph load` and `conflictgraph serve` from a directory that is
not the checkout. It claims one import name and carries its own data files."""
from __future__ import annotations

import json
import site
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path

import pytest

from procs import free_port, serving
from repo import REPO
from seed_counts import ACTORS, RELATIONS


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # No build isolation: the test environment has the build backend, and the suite must
    # not need the network.
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                        "--quiet", "-w", str(out), str(REPO)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    (built,) = out.glob("conflictgraph-*.whl")
    return built


def test_the_wheel_claims_one_import_name_and_carries_its_data(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert top == {"conflictgraph"}, f"the wheel installs other top-level names: {top}"
    assert "conflictgraph/seed_data/ontology.yaml" in names
    assert "conflictgraph/cypher/api/actor.cypher" in names
    assert any(n.startswith("conflictgraph/seed_data/libya/") for n in names)
    assert "conflictgraph/api/app.py" in names and "conflictgraph/graph/cli.py" in names
    assert len([n for n in names if n.endswith(".cypher")]) == \
        len(list((REPO / "cypher").rglob("*.cypher")))


@pytest.fixture(scope="module")
def fresh_env(wheel, tmp_path_factory) -> Path:
    """A new virtual environment with the wheel installed (not editable). Its dependencies
    come from the test environment through a path file, so no download is needed; that path
    file adds a folder, not its .pth files, so the checkout's editable install stays out."""
    env = tmp_path_factory.mktemp("venv") / "fresh"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True, timeout=120)
    (purelib,) = (env / "lib").glob("python3*/site-packages")
    (purelib / "test-dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    r = subprocess.run([sys.executable, "-m", "pip", "--python", str(env / "bin" / "python"), "install",
                        "--no-deps", "--quiet", str(wheel)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    return env


def test_installed_package_loads_and_serves_from_any_directory(fresh_env, tmp_path):
    python, script = fresh_env / "bin" / "python", fresh_env / "bin" / "conflictgraph"
    where = subprocess.run([str(python), "-c", "import conflictgraph.graph as g; print(g.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path, check=True).stdout
    assert where.startswith(str(fresh_env)), f"imported from {where}, not the installed copy"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "CONFLICTGRAPH_STORE": "embedded:graph"}
    load = subprocess.run([str(script), "load"], capture_output=True, text=True, cwd=tmp_path, env=env,
                          timeout=300)
    assert load.returncode == 0, load.stderr + load.stdout
    port = free_port()
    server = subprocess.Popen([str(script), "serve", "--port", str(port)], cwd=tmp_path, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        health = serving(server, port)
        assert (health["actors"], health["relations"]) == (ACTORS, RELATIONS)
        # Cypher texts and the ontology come from the installed package data.
        actor = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/actors/kaniyat", timeout=10).read())
        assert actor["name"] == "Kaniyat militia" and actor["total_degree"] > 0
        ontology = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/ontology", timeout=10).read())
        assert {t["name"] for t in ontology["relation_types"]} >= {"BACKS", "SANCTIONS"}
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_dockerfile_installs_the_package_not_the_checkout():
    installs = [line for line in (REPO / "Dockerfile").read_text().splitlines() if "pip install" in line]
    assert installs and all(" -e " not in line and "--editable" not in line for line in installs), installs
