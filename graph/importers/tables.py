"""One reader for every table an importer takes: CSV, Excel and Stata, as publishers ship them.

UCDP publishes the same dataset as `.xls`, `.xlsx`, `.csv` and Stata `.dta`; researchers pass
on copies saved by Excel in their own locale (`;`-separated, cp1252) or exported by pandas
(integer columns written as `1.0`). `read_table` takes any of these and gives the importer
the same thing: the column names, the rows as dicts, and for each row a locator that a
person can find in the file (`line 12` of a CSV, `sheet 'newstart' row 12` of a workbook,
`observation 11` of a Stata file).

Readers: the standard library's csv module for text (it keeps each record's line number),
python-calamine through pandas for `.xls`/`.xlsx`/`.ods`, and pandas' own Stata reader.
What was detected (format, encoding, delimiter, sheet) is kept on the table and reported.

Cells come back as the reader gave them (str, int, float or None); `Row.integer`,
`Row.text` and `Row.flag` read a cell as the type the codebook gives it, so `365.0`, `"365"`
and `365` are all the integer 365, and a value that is none of these is an ImportFailed
naming the file, the row and the column.
"""
from __future__ import annotations

import codecs
import csv
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from .common import ImportFailed

TEXT_SUFFIXES = {".csv", ".tsv", ".txt", ".tab"}
EXCEL_SUFFIXES = {".xls", ".xlsx", ".xlsm", ".xlsb", ".ods"}
STATA_SUFFIXES = {".dta"}
DELIMITERS = (",", ";", "\t")
# Tried in this order: UTF-8 (a BOM is taken away) is strict, so a file that decodes as UTF-8
# is UTF-8; cp1252 (Excel's "CSV" on Western European Windows) leaves five bytes undefined;
# latin-1 decodes anything, so it is the last resort and is said as such in the report.
ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")


@dataclass
class Table:
    path: Path
    format: str                         # csv, excel or stata
    columns: list[str]
    rows: list["Row"] | Iterator["Row"]   # an iterator when read with stream=True
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    notes: list[str] = field(default_factory=list)   # what was detected, for the report

    def describe(self) -> str:
        if self.format == "csv":
            return f"CSV, {_delimiter_name(self.delimiter)}-separated, {self.encoding}"
        if self.format == "excel":
            return f"Excel workbook, sheet {self.sheet!r}"
        return "Stata file"


@dataclass
class Row:
    table_path: Path
    locator: str                        # "line 12", "sheet 'newstart' row 12", "observation 11"
    cells: dict[str, Any]

    @property
    def where(self) -> str:
        return f"{self.table_path}: {self.locator}"

    def fail(self, column: str, problem: str) -> ImportFailed:
        return ImportFailed(f"{self.where}: column {column!r}: {problem}")

    def raw(self, column: str) -> Any:
        """The cell, None when empty (a blank string, NaN). Checked by exact type first: an
        import types some 30 cells a row, and this is most of its time."""
        value = self.cells.get(column)
        kind = type(value)
        if kind is int:
            return value
        if kind is str:
            return value if value.strip() else None
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        return value

    def text(self, column: str) -> str:
        """The cell as text, '' when empty; an integral number as its digits (365.0 -> '365')."""
        value = self.raw(column)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value).strip()

    def code(self, column: str) -> str:
        """An identifier cell as text: a number as its integer digits whether the reader gave
        700, 700.0 or "700.0" (a pandas CSV writes a column with gaps as floats); other text as is."""
        value = self.raw(column)
        if value is None:
            return ""
        try:
            return str(self.integer(column))
        except ImportFailed:
            return str(value).strip()

    def integer(self, column: str, *, required: bool = False) -> int | None:
        """The cell as an integer: 365, 365.0 and "365.0" are 365; empty is None (or an error
        when `required`); anything else (2.5, "n/a") is an error naming the row and column."""
        value = self.raw(column)
        if type(value) is int:
            return value
        if value is None:
            if required:
                raise self.fail(column, "empty")
            return None
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            return value
        if isinstance(value, float):
            if value.is_integer():
                return int(value)
            raise self.fail(column, f"{value!r} is not a whole number")
        text = str(value).strip()
        try:
            return int(text)
        except ValueError:
            pass
        try:
            number = float(text)
        except ValueError:
            raise self.fail(column, f"{text!r} is not a whole number") from None
        if not number.is_integer():
            raise self.fail(column, f"{text!r} is not a whole number")
        return int(number)

    def flag(self, column: str, allowed: tuple[int, ...] = (0, 1), *, empty: int | None = None) -> int:
        """A coded flag (0/1, or the codebook's other codes in `allowed`); an empty cell is
        `empty` when given, an error otherwise."""
        value = self.integer(column)
        if value is None:
            if empty is not None:
                return empty
            raise self.fail(column, f"empty (the codebook codes it {' or '.join(map(str, allowed))})")
        if value not in allowed:
            raise self.fail(column, f"{value!r} is not {' or '.join(map(str, allowed))}")
        return value


def _delimiter_name(d: str | None) -> str:
    return {",": "comma", ";": "semicolon", "\t": "tab"}.get(d or "", repr(d))


def read_table(path: Path, *, sheet: str | None = None,
               progress: Callable[[int], None] | None = None, stream: bool = False) -> Table:
    """The table in `path`, whatever the format its publisher (or a researcher's spreadsheet)
    gave it. An unreadable file is an ImportFailed that says what was tried.

    With `stream`, a CSV's rows are read as the importer takes them (`rows` is then an
    iterator, to be walked once): a 300,000-row event file is never held whole. Workbooks
    and Stata files are read whole either way."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return _read_excel(path, sheet)
    if suffix in STATA_SUFFIXES:
        return _read_stata(path)
    with path.open("rb") as fh:
        head = fh.read(4096)
    if head.startswith(b"\xd0\xcf\x11\xe0") or head.startswith(b"PK\x03\x04"):
        return _read_excel(path, sheet)   # a workbook saved under another name
    table = _open_csv(path, head, progress)
    if not stream:
        table.rows = list(table.rows)
    return table


def _encoding(path: Path) -> tuple[str, list[str]]:
    """The first of ENCODINGS the whole file decodes in, read a megabyte at a time."""
    for encoding in ENCODINGS:
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as fh:
                while chunk := fh.read(1 << 20):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        notes = ["the file is neither UTF-8 nor cp1252; read as latin-1"] if encoding == "latin-1" else []
        return encoding, notes
    raise ImportFailed(f"{path}: cannot be decoded")   # unreachable: latin-1 decodes anything


def _sniff_delimiter(path: Path, header: str) -> str:
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    if counts[best] == 0:
        raise ImportFailed(f"{path}: line 1: no column separator (',', ';' or tab) in the header; "
                           "expected a table with its column names on the first line")
    return best


def _open_csv(path: Path, head: bytes, progress: Callable[[int], None] | None) -> Table:
    """A CSV's header now, and its rows as an iterator that reads the file as it goes."""
    if b"\x00" in head:
        raise ImportFailed(f"{path}: not a text table (binary content); the formats read are CSV "
                           "(',', ';' or tab; UTF-8, cp1252 or latin-1), Excel .xls/.xlsx and Stata .dta")
    encoding, notes = _encoding(path)
    with path.open(encoding=encoding, newline="") as fh:
        first_line = fh.readline().rstrip("\r\n")
    delimiter = _sniff_delimiter(path, first_line)
    fh = path.open(encoding=encoding, newline="")
    reader = csv.reader(fh, delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        fh.close()
        raise ImportFailed(f"{path}: empty file") from None
    except csv.Error as e:
        fh.close()
        raise ImportFailed(f"{path}: line 1: not CSV ({e})") from None
    columns = [c.strip() for c in header]

    def rows():
        with fh:
            while True:
                line = reader.line_num + 1
                try:
                    values = next(reader)
                except StopIteration:
                    return
                except csv.Error as e:
                    raise ImportFailed(f"{path}: line {line}: not CSV ({e})") from None
                if not any(v.strip() for v in values):
                    continue
                if len(values) != len(columns):
                    raise ImportFailed(f"{path}: line {line}: {len(values)} fields where the header has "
                                       f"{len(columns)}")
                yield Row(path, f"line {line}", dict(zip(columns, values)))
                if progress:
                    progress(line)
    return Table(path, "csv", columns, rows(), encoding="utf-8" if encoding == "utf-8-sig" else encoding,
                 delimiter=delimiter, notes=notes)


def _read_excel(path: Path, sheet: str | None) -> Table:
    import pandas as pd
    try:
        book = pd.ExcelFile(path, engine="calamine")
    except Exception as e:   # calamine says what is wrong with the workbook
        raise ImportFailed(f"{path}: not a readable Excel workbook ({e})") from None
    with book:
        names = book.sheet_names
        if sheet is not None and sheet not in names:
            raise ImportFailed(f"{path}: no sheet {sheet!r} (sheets: {', '.join(names)})")
        # Cells as written: no "NA" or "null" read as missing (a name may be "NA").
        frames = {name: pd.read_excel(book, sheet_name=name, dtype=object, keep_default_na=False, na_values=[])
                  for name in ([sheet] if sheet is not None else names)}
    # The data is on the first sheet that has any: UCDP's workbooks carry empty Sheet1..3.
    chosen = next((n for n, f in frames.items() if len(f.columns)), None)
    if chosen is None:
        raise ImportFailed(f"{path}: every sheet is empty ({', '.join(names)})")
    frame = frames[chosen]
    columns = [str(c).strip() for c in frame.columns]
    frame.columns = columns
    rows = [Row(path, f"sheet {chosen!r} row {i + 2}", cells)
            for i, cells in enumerate(frame.to_dict("records"))
            if any(v is not None and not (isinstance(v, float) and math.isnan(v)) and str(v).strip()
                   for v in cells.values())]
    notes = [f"read sheet {chosen!r}"] if len(names) > 1 else []
    return Table(path, "excel", columns, rows, sheet=chosen, notes=notes)


def _read_stata(path: Path) -> Table:
    import pandas as pd
    try:
        frame = pd.read_stata(path, convert_categoricals=False)
    except Exception as e:   # pandas says what is wrong with the file
        raise ImportFailed(f"{path}: not a readable Stata file ({e})") from None
    columns = [str(c) for c in frame.columns]
    frame = frame.astype(object)
    rows = [Row(path, f"observation {i + 1}", cells) for i, cells in enumerate(frame.to_dict("records"))]
    return Table(path, "stata", columns, rows)

