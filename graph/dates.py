"""Partial ISO dates (`2020`, `2020-06`, `2020-11-25`) that keep their precision."""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import cached_property, lru_cache

_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
PRECISIONS = ("year", "month", "day")


@dataclass(frozen=True, order=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, text: str) -> "PartialDate":
        """Parse a partial ISO date; ValueError with a readable reason otherwise."""
        if not isinstance(text, str):
            raise ValueError(f"expected a date string like 2020, 2020-06 or 2020-11-25, got {text!r}")
        return _parse(text)

    @classmethod
    def _parse_uncached(cls, text: str) -> "PartialDate":
        if not isinstance(text, str):
            raise ValueError(f"expected a date string like 2020, 2020-06 or 2020-11-25, got {text!r}")
        m = _PATTERN.match(text.strip())
        if not m:
            raise ValueError(f"{text!r} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
        y, mo, d = (int(g) if g else None for g in m.groups())
        if y < 1:
            raise ValueError(f"{text!r}: there is no year 0000 (the calendar starts at 0001)")
        if mo is not None and not 1 <= mo <= 12:
            raise ValueError(f"{text!r} has month {mo}, which does not exist")
        if d is not None and not 1 <= d <= calendar.monthrange(y, mo)[1]:
            raise ValueError(f"{text!r} is not a day of the calendar")
        return cls(y, mo, d)

    @property
    def precision(self) -> str:
        return PRECISIONS[(self.month is not None) + (self.day is not None)]

    # Parsed dates are shared (the parser is cached), so their derived values are cached too.
    @cached_property
    def _span(self) -> tuple[date, date]:
        month = self.month or 12
        return (date(self.year, self.month or 1, self.day or 1),
                date(self.year, month, self.day or calendar.monthrange(self.year, month)[1]))

    def earliest(self) -> date:
        return self._span[0]

    def latest(self) -> date:
        return self._span[1]

    @cached_property
    def _text(self) -> str:
        s = f"{self.year:04d}"
        if self.month is not None:
            s += f"-{self.month:02d}"
        if self.day is not None:
            s += f"-{self.day:02d}"
        return s

    def __str__(self) -> str:
        return self._text


# Large seed sets repeat the same few thousand dates; values are immutable, so cache them.
_parse = lru_cache(maxsize=65536)(PartialDate._parse_uncached)
parse_date = _parse  # PartialDate.parse without its type check: TypeError for unhashable input


# The as_of rule, once in Python (the Cypher of it: cypher/fragments/valid_on.cypher; both are
# asked the same cases in tests/test_as_of.py). A relation holds on a day when its start's
# first day is not after it and its end's last day not before it: each bound is compared at
# its own precision (started "2020-11": holds on 2020-11-01; ended "2019-04": still holds on
# 2019-04-30), and a missing bound is unknown and excludes nothing. Days are compared as
# day keys (YYYYMMDD integers), so the projection applies the same function to numpy arrays.
NO_START, NO_END = 0, 99_999_999     # the day keys of an open start or end


def day_key(day: date) -> int:
    return day.year * 10_000 + day.month * 100 + day.day


def start_key(start: PartialDate | None) -> int:
    return day_key(start.earliest()) if start is not None else NO_START


def end_key(end: PartialDate | None) -> int:
    return day_key(end.latest()) if end is not None else NO_END


def holds_on(start, end, day):
    """The rule on day keys: scalars, or numpy arrays of them (then an array of booleans)."""
    return (start <= day) & (end >= day)


def valid_on(start: PartialDate | None, end: PartialDate | None, day: date) -> bool:
    """True when a relation with these bounds holds on `day` (the rule above)."""
    return bool(holds_on(start_key(start), end_key(end), day_key(day)))
