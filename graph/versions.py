"""Versions of the published graph: what each load published, under an id a paper can cite.

A version's id is derived from what was loaded, never from when: the bytes of every seed file
(its path under the seed folder and its SHA-256), the ontology the records were checked
against and the layout stores keep them in (RECORD_FORMAT). Loading the same files again
gives the same id, so "the graph as of v3f0c9a1b2c4d" names one graph whoever loads it. A
load from records held in memory (a Dataset: tests, the synthetic benchmarks) is digested
from its records, in id order.

The manifest says what went in: the seed files and their digests, each import's own record
(import.json, written by `conflictgraph import`: the importer, the dataset file and its
digest), the ontology's digest, the software's version, the counts, and when the version was
recorded. Stores keep one manifest per version they keep (the embedded store beside each
generation, Neo4j in a :GraphVersion node) and list them newest first.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

import orjson

from .errors import BadRequest, NotFound
from .paths import ONTOLOGY_FILE

# Bump when what a store keeps of a record changes (a new column, a field stored otherwise):
# the same seed files then make a different graph, so a different version.
RECORD_FORMAT = 1
IMPORT_RECORD = "import.json"     # beside an import's seed files (graph/importers/output.py)
VERSION_ID = re.compile(r"v[0-9a-f]{12}")


def software_version() -> str:
    try:
        return "conflictgraph " + metadata.version("conflictgraph")
    except metadata.PackageNotFoundError:   # a checkout run without installing
        return "conflictgraph (not installed)"


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _ontology_digest(ontology) -> str:
    source = getattr(ontology, "source_file", None) or ONTOLOGY_FILE
    try:
        return file_digest(Path(source))
    except OSError:
        return hashlib.sha256(repr(ontology).encode()).hexdigest()


def _id(parts: list[Any]) -> str:
    return "v" + hashlib.sha256(orjson.dumps(parts, option=orjson.OPT_SORT_KEYS)).hexdigest()[:12]


def seed_manifest(root: Path, files: list[Path], ontology) -> dict[str, Any]:
    """The manifest of a load from seed files (before counts and time are known)."""
    root = Path(root)
    base = root if root.is_dir() else root.parent
    seeds = [{"path": f.relative_to(base).as_posix(), "sha256": file_digest(f), "bytes": f.stat().st_size}
             for f in files]
    imports = []
    for record in sorted(base.rglob(IMPORT_RECORD)) if root.is_dir() else []:
        if any(part.startswith(".") for part in record.relative_to(base).parts):
            continue   # an import still being written
        try:
            described = json.loads(record.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            described = {"unreadable": True}
        imports.append({"folder": record.parent.relative_to(base).as_posix(), **described})
    ontology_sha = _ontology_digest(ontology)
    return {"id": _id([RECORD_FORMAT, ontology_sha, [(s["path"], s["sha256"]) for s in seeds]]),
            "seed_files": seeds, "imports": imports, "ontology_sha256": ontology_sha,
            "record_format": RECORD_FORMAT, "software": software_version()}


def dataset_manifest(dataset, ontology) -> dict[str, Any]:
    """The manifest of a load from records in memory: digested from the records themselves."""
    from .records import actor_row, document_row, event_row, participation_rows, relation_row
    h = hashlib.sha256()
    for rows in (sorted((document_row(d) for d in dataset.documents), key=lambda r: r["id"]),
                 sorted((actor_row(a) for a in dataset.actors), key=lambda r: r["id"]),
                 sorted(({**event_row(e), "participants": participation_rows(e)} for e in dataset.events),
                        key=lambda r: r["id"]),
                 sorted((relation_row(r, ontology) for r in dataset.relations), key=lambda r: r["id"])):
        for row in rows:
            h.update(orjson.dumps(row, option=orjson.OPT_SORT_KEYS, default=str))
            h.update(b"\n")
        h.update(b"--\n")
    ontology_sha = _ontology_digest(ontology)
    return {"id": _id([RECORD_FORMAT, ontology_sha, h.hexdigest()]), "seed_files": [], "imports": [],
            "records_sha256": h.hexdigest(), "ontology_sha256": ontology_sha,
            "record_format": RECORD_FORMAT, "software": software_version()}


def manifest_for(source, ontology) -> dict[str, Any]:
    """The manifest of what a load is about to write (a SeedSet or a Dataset)."""
    files = getattr(source, "files", None)
    if files is not None:
        return seed_manifest(source.path, files, ontology)
    return dataset_manifest(source, ontology)


def dropped(versions: list[tuple[Any, str | None]], keep: int | None, keep_days: float | None) -> list[Any]:
    """Which versions a retention policy removes: `versions` as (key, recorded_at), newest
    first, the newest being the one just published (always kept). `keep`: how many to keep,
    the newest; `keep_days`: keep none recorded longer ago than that. None: no limit."""
    stamp = datetime.now(timezone.utc)
    out = []
    for i, (key, recorded_at) in enumerate(versions):
        if i == 0:
            continue
        too_many = keep is not None and i >= keep
        too_old = False
        if keep_days is not None and recorded_at:
            age = stamp - datetime.fromisoformat(recorded_at.replace("Z", "+00:00"))
            too_old = age.total_seconds() > keep_days * 86400
        if too_many or too_old:
            out.append(key)
    return out


def now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def check_id(value: str, name: str = "version") -> str:
    """A version id as a client sent it, checked for its form (not for existence)."""
    value = (value or "").strip()
    if not VERSION_ID.fullmatch(value):
        raise BadRequest(f"{value[:40]!r} is not a version id (v and 12 hexadecimal digits, "
                         "as GET /versions lists them)", name)
    return value


def pick(versions: list[dict[str, Any]], version_id: str) -> dict[str, Any]:
    """The newest kept publication of `version_id` among `versions` (newest first)."""
    for v in versions:
        if v["id"] == version_id:
            return v
    kept = ", ".join(v["id"] for v in versions[:5]) or "none"
    raise NotFound(f"version {version_id} is not kept by this store (newest kept: {kept}; "
                   "see GET /versions)")


def write_import_record(folder: Path, *, importer: str, source: Path, counts: dict[str, int],
                        dataset_version: str | None = None) -> None:
    """Describe an import beside its seed files, so the versions it goes into say what went in."""
    record = {"importer": importer, "file": source.name, "sha256": file_digest(source),
              "bytes": source.stat().st_size, "dataset_version": dataset_version,
              "imported_at": now(), "software": software_version(), "counts": counts}
    tmp = folder / (IMPORT_RECORD + ".tmp")
    tmp.write_bytes(orjson.dumps(record, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS))
    os.replace(tmp, folder / IMPORT_RECORD)
