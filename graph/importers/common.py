"""What every importer shares: its error (422, naming the file, line and field) and report."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from typing import Iterable

from ..errors import ConflictGraphError
from ..models import Actor
from .matching import Crosswalk
from .output import SeedFolder


class ImportFailed(ConflictGraphError):
    status = 422


@dataclass
class ImportReport:
    counts: dict[str, int]
    skipped: Counter = field(default_factory=Counter)   # what was left out -> how many
    matched: dict[str, str] = field(default_factory=dict)  # incoming id -> reused actor id
    review: int = 0
    warnings: list[str] = field(default_factory=list)   # read and imported, but worth a look
    read_as: str = ""                                   # what the reader detected (format, encoding, ...)
    became: Counter = field(default_factory=Counter)     # what the records became ("Ownership → OWNS": 3)


MAX_WARNINGS = 200   # listed per import; the rest are counted as "more warnings not listed"


def warn(report: ImportReport, message: str, limit: int = MAX_WARNINGS) -> None:
    """A warning in the report, up to `limit` of them."""
    if len(report.warnings) < limit:
        report.warnings.append(message)
    elif len(report.warnings) == limit:
        report.warnings.append("... (more warnings not listed)")


def slug(text: str, limit: int = 60) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")[:limit].strip("-") or "x"


def resolve_actor(incoming: str, record: dict, names: Iterable[str], crosswalk: Crosswalk, out: SeedFolder,
                  report: ImportReport) -> str:
    """The rule every importer follows for an incoming actor: one the crosswalk finds for
    certain is reused (its id returned); otherwise `record` is written as a new actor, and a
    near candidate goes to the review file with its score and reason, never merged."""
    found = crosswalk.match(record["identifiers"], names, person=record["kind"] == "person")
    if found.actor:
        report.matched[incoming] = found.actor
        return found.actor
    if found.candidate:
        out.review.append({"incoming": incoming, "name": record["name"], "imported_as": record["id"],
                           "candidate": found.candidate, "score": found.score, "reason": found.reason})
    out.write("actors", record)
    crosswalk.add(Actor(record["id"], record["name"], record["kind"], identifiers=record["identifiers"]))
    return record["id"]


@lru_cache(maxsize=4096)   # an event file names a few hundred countries over and over
def country_code(name: str) -> str | None:
    """The ISO 3166-1 alpha-2 code of a country as an event dataset names it (followthemoney's
    country names; a former name in brackets, "Russia (Soviet Union)", and "Bosnia-Herzegovina"
    tried too), or None."""
    if not name:
        return None
    from followthemoney.types import registry
    tries = [name]
    if "(" in name:
        tries += [name.split("(")[0].strip(), name.split("(", 1)[1].rstrip(")").strip()]
    tries.append(name.replace("-", " and "))
    for t in tries:
        code = registry.country.clean(t)
        if code and re.fullmatch(r"[a-z]{2}", code):
            return code.upper()
    return None


def place_fields(row, place: str, admin: dict[str, str], precision: str, precisions: dict[int, str],
                 codes: str) -> tuple[dict, str | None]:
    """An event's place from an event dataset's row: the place name (column `place`), the
    country's ISO code, admin units (field -> column), coordinates, and the precision code
    (column `precision`) as the ontology's place precision (`precisions`; `codes` says which
    codes the codebook has, for the error). Also the country name no ISO code was found for."""
    out: dict = {}
    if row.text(place):
        out["place"] = row.text(place)
    name = row.text("country")
    code = country_code(name)
    if code:
        out["country"] = code
    for key, column in admin.items():
        if column in row.cells and row.text(column):
            out[key] = row.text(column)
    lat, lon = coordinate(row, "latitude"), coordinate(row, "longitude")
    if lat is not None and lon is not None:
        out["latitude"], out["longitude"] = lat, lon
        value = row.integer(precision)
        if value is not None:
            if value not in precisions:
                raise row.fail(precision, f"{value} is not a code of the codebook ({codes})")
            out["place_precision"] = precisions[value]
    return out, (name if name and not code else None)


def coordinate(row, column: str) -> float | None:
    """A latitude or longitude cell in decimal degrees (None when empty); anything else, or a
    value out of range, is an ImportFailed naming the row and column."""
    value = row.raw(column)
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise row.fail(column, f"{value!r} is not a number of decimal degrees") from None
    bound = 90 if column == "latitude" else 180
    if not -bound <= number <= bound:
        raise row.fail(column, f"{number} is outside -{bound}..{bound}")
    return number
