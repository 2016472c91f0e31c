"""The embedded store's folder: generations on disk, the pointer to the published one, the
load lock.

    CURRENT                  name of the generation readers use (replaced atomically)
    generations/<name>/      one complete database per successful load (DB_FILE), with the
                             projection's Arrow files (PROJECTION_DIR) beside it
    load.lock                held by the one running load

A load writes a brand-new generation and only then points CURRENT at it (publish), so a
failed or killed load leaves the previous graph exactly as it was. The generation before
the current one is kept, so a reader still on it is not cut off; older ones are pruned.
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

from ..errors import LoadInProgress, StoreDamaged, StoreUnavailable

DB_FILE = "graph.lbug"
PROJECTION_DIR = "projection"   # beside DB_FILE: the projection's Arrow files, written by the load
# The only names a load gives a generation (new_name); CURRENT must hold one of them.
GENERATION_NAME = re.compile(r"g\d{8}T\d{12}-\d{1,10}")


class Generations:
    def __init__(self, root: Path):
        self.root = root
        self.current_file = root / "CURRENT"
        self.folder = root / "generations"

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
        """Point CURRENT at `name`, atomically and durably."""
        with self.writing():
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

    def prune(self, keep: set[str | None]) -> None:
        for entry in self.folder.iterdir():
            if entry.name not in keep:
                shutil.rmtree(entry, ignore_errors=True)
