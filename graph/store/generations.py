"""The embedded store's folder: generations on disk, the pointer to the published one, the
load lock.

    CURRENT                  name of the generation readers use (replaced atomically)
    PUBLISHED                every name CURRENT has held, one a line (appended before CURRENT moves)
    generations/<name>/      one complete database per successful load (DB_FILE), with the
                             projection's Arrow files (PROJECTION_DIR) beside it
    load.lock                held by the one running load
    generations/<name>/version.json   the version's manifest (graph/versions.py)

A load writes a brand-new generation and only then points CURRENT at it (publish), so a
failed or killed load leaves the previous graph exactly as it was. Every generation is a
version of the graph, readable by its id (a pinned read) for as long as the retention policy
keeps it: by default all are kept; `keep` newest and/or those younger than `keep_days`
otherwise (the current one always).
"""
from __future__ import annotations

import fcntl
import os
import re
import shutil
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import orjson

from ..versions import dropped
from ..errors import LoadInProgress, StoreDamaged, StoreUnavailable

DB_FILE = "graph.lbug"
PROJECTION_DIR = "projection"   # beside DB_FILE: the projection's Arrow files, written by the load
VERSION_FILE = "version.json"   # beside DB_FILE: the version's manifest
# The only names a load gives a generation (new_name); CURRENT must hold one of them.
GENERATION_NAME = re.compile(r"g\d{8}T\d{12}-\d{1,10}")


class Generations:
    def __init__(self, root: Path):
        self.root = root
        self.current_file = root / "CURRENT"
        self.folder = root / "generations"
        self.published_file = root / "PUBLISHED"

    def db(self, name: str) -> Path:
        return self.folder / name / DB_FILE

    def damaged(self, why: str) -> StoreDamaged:
        return StoreDamaged(f"the store at {self.root} is damaged: {why}; "
                            "run `conflictgraph load` to write a fresh generation")

    def pointer(self) -> str | None:
        """What CURRENT says, unchecked (None if it cannot be read)."""
        try:
            return self.current_file.read_bytes().decode("ascii", "replace").strip()
        except OSError:
            return None

    def current(self) -> str | None:
        """The published generation's name, None before the first load. A pointer that
        does not hold a generation's name, or names one that is not there, is damage: it
        is reported as such and never followed outside the store's generations folder."""
        try:
            raw = self.current_file.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as e:
            raise self.damaged(f"cannot read {self.current_file}: {e.strerror}") from None
        try:
            name = raw.decode("ascii").strip()
        except UnicodeDecodeError:
            name = None
        if name is None or not GENERATION_NAME.fullmatch(name):
            raise self.damaged(f"{self.current_file} does not hold a generation name "
                               f"(it holds {len(raw)} bytes: {raw[:40]!r}{'...' if len(raw) > 40 else ''})")
        if not self.db(name).is_file():
            raise self.damaged(f"{self.current_file} names generation {name!r}, "
                               f"but {self.db(name)} is missing")
        return name

    @staticmethod
    def new_name() -> str:
        return datetime.now(timezone.utc).strftime("g%Y%m%dT%H%M%S%f") + f"-{os.getpid()}"

    @contextmanager
    def writing(self) -> Iterator[None]:
        """File-system refusals while preparing or publishing a generation, in one line."""
        try:
            yield
        except OSError as e:
            where = f" ({e.filename})" if e.filename else ""
            raise StoreUnavailable(f"cannot write the store at {self.root}: "
                                   f"{e.strerror or e}{where}") from None

    @contextmanager
    def load_lock(self) -> Iterator[None]:
        with self.writing():
            self.root.mkdir(parents=True, exist_ok=True)
            fh = open(self.root / "load.lock", "a+")
        with fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                fh.seek(0)
                holder = fh.read().strip() or "unknown"
                raise LoadInProgress(f"another load into {self.root} is running (pid {holder}); "
                                     "wait for it to finish") from None
            fh.seek(0)
            fh.truncate()
            fh.write(str(os.getpid()))
            fh.flush()
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def publish(self, name: str) -> None:
        """Point CURRENT at `name`, atomically and durably (and log it as published first)."""
        with self.writing():
            with open(self.published_file, "a") as log:
                log.write(name + "\n")
                log.flush()
                os.fsync(log.fileno())
            tmp = self.root / "CURRENT.tmp"
            with open(tmp, "w") as fh:
                fh.write(name + "\n")
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.current_file)
            fd = os.open(self.root, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)

    # --- versions ----------------------------------------------------------------------
    def write_manifest(self, name: str, manifest: dict) -> None:
        folder = self.folder / name
        with self.writing():
            tmp = folder / (VERSION_FILE + ".tmp")
            tmp.write_bytes(orjson.dumps(manifest, option=orjson.OPT_INDENT_2))
            os.replace(tmp, folder / VERSION_FILE)

    def manifest(self, name: str) -> dict:
        """The manifest of generation `name`; a generation written before versions were kept
        gets one naming it (its id derived from its name, `legacy` true)."""
        try:
            return orjson.loads((self.folder / name / VERSION_FILE).read_bytes())
        except (OSError, orjson.JSONDecodeError):
            import hashlib
            return {"id": "v" + hashlib.sha256(name.encode()).hexdigest()[:12], "legacy": True,
                    "recorded_at": _recorded_at(name), "seq": 0}

    def names(self) -> list[str]:
        """Every published generation still on disk, newest first (names sort by the time
        they were made). PUBLISHED logs each name as it is published; CURRENT's is added for
        a store written before the log was kept."""
        try:
            logged = set(self.published_file.read_text(encoding="ascii", errors="replace").split())
        except OSError:
            logged = set()
        pointer = self.pointer()
        if pointer:
            logged.add(pointer)
        return sorted((n for n in logged if GENERATION_NAME.fullmatch(n) and self.db(n).is_file()), reverse=True)

    def disk_bytes(self, name: str) -> int:
        total = 0
        for dirpath, _, files in os.walk(self.folder / name):
            for f in files:
                try:
                    total += os.lstat(os.path.join(dirpath, f)).st_size
                except OSError:
                    pass
        return total

    def prune(self, current: str, keep: int | None = None, keep_days: float | None = None) -> list[str]:
        """Remove the generations the retention policy does not keep (graph/versions.py
        `dropped`; never `current`, nor one newer than it); returns their names."""
        older = [n for n in self.names() if n < current]
        removed = dropped([(current, None)] + [(n, _recorded_at(n)) for n in older], keep, keep_days)
        for name in removed:
            shutil.rmtree(self.folder / name, ignore_errors=True)
        return removed

    def remove_unpublished(self) -> None:
        """Folders of loads that died before they published (none is running: the caller
        holds the load lock)."""
        if not self.folder.is_dir():
            return
        published = set(self.names())
        for entry in self.folder.iterdir():
            if entry.name not in published:
                shutil.rmtree(entry, ignore_errors=True)


def _recorded_at(name: str) -> str | None:
    try:
        stamp = datetime.strptime(name.split("-")[0], "g%Y%m%dT%H%M%S%f").replace(tzinfo=timezone.utc)
    except ValueError:
        return None
    return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
