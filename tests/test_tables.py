"""The importers' one table reader: formats, encodings and delimiters as files arrive, typed
cells, and locators a person can find (graph/importers/tables.py)."""
from __future__ import annotations

import pytest

from conflictgraph.graph.importers.common import ImportFailed
from conflictgraph.graph.importers.tables import read_table


@pytest.mark.parametrize("data, encoding, delimiter", [
    ("\ufeffname,code\nMoisés,365.0\n".encode("utf-8"), "utf-8", ","),
    ("name;code\nMoisés;365.0\n".encode("cp1252"), "cp1252", ";"),
    ("name\tcode\nMoisés\t365.0\n".encode("utf-8"), "utf-8", "\t"),
    (b"name,code\nMois\x81s,365.0\n", "latin-1", ","),      # 0x81 is undefined in cp1252
])
def test_a_csv_is_read_whatever_its_encoding_and_delimiter(tmp_path, data, encoding, delimiter):
    path = tmp_path / "t.csv"
    path.write_bytes(data)
    table = read_table(path)
    assert (table.encoding, table.delimiter, table.columns) == (encoding, delimiter, ["name", "code"])
    row = table.rows[0]
    assert row.integer("code") == 365 and row.code("code") == "365" and row.locator == "line 2"
    assert row.text("name").startswith("Mois")


def test_cells_that_are_not_what_the_codebook_says_name_the_row_and_column(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("flag,year\n2,19x\n\n0,2.5\n")
    first, second = read_table(path).rows
    with pytest.raises(ImportFailed, match=r"t.csv: line 2: column 'flag': 2 is not 0 or 1"):
        first.flag("flag")
    with pytest.raises(ImportFailed, match=r"line 2: column 'year': '19x' is not a whole number"):
        first.integer("year")
    with pytest.raises(ImportFailed, match=r"line 4: column 'year': '2.5' is not a whole number"):
        second.integer("year")


def test_a_short_row_and_a_binary_file_are_refused_with_where(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,b,c\n1,2\n")
    with pytest.raises(ImportFailed, match="line 2: 2 fields where the header has 3"):
        read_table(path)
    path.write_bytes(b"\x00\x01binary")
    with pytest.raises(ImportFailed, match="not a text table"):
        read_table(path)


def test_a_workbook_keeps_a_cell_that_reads_na_as_text(tmp_path):
    import openpyxl   # a test dependency: writes the workbook
    book = openpyxl.Workbook()
    book.active.append(["name", "code"])
    book.active.append(["NA", 365.0])
    book.save(tmp_path / "t.xlsx")
    table = read_table(tmp_path / "t.xlsx")
    row = table.rows[0]
    assert (row.text("name"), row.code("code"), row.locator) == ("NA", "365", "sheet 'Sheet' row 2")
