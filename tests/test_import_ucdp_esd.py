"""`conflictgraph import ucdp-esd` and `import ucdp-actors` on excerpts of the files UCDP
published (tests/fixtures/ucdp, see its README): ESD 1.0-2011 as the original `.xls`, as Excel's
`;`/cp1252 CSV and as a pandas CSV; ESD 18.1's triad-year file as `.dta` and `.xlsx`; the
Actor Dataset 22.1 CSV. Each codebook rule the importer relies on has its test, citing it."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conflictgraph.graph.cli import app
from conflictgraph.graph.dataset import SeedSet, read_dataset
from conflictgraph.graph.importers import ucdp_actors
from conflictgraph.graph.importers.matching import existing_actors
from conflictgraph.graph.importers.ucdp_esd import SUPPORT_10, SUPPORT_18, ImportFailed, import_file
from conflictgraph.graph.paths import SEED_DIR
from conflictgraph.graph.service import GraphService, RelationFilter

FIXTURES = Path(__file__).parent / "fixtures" / "ucdp"
ESD_10 = {"xls": "esd-1.0-disaggregated.xls", "semicolon-cp1252": "esd-1.0-disaggregated-semicolon-cp1252.csv",
          "pandas-floats": "esd-1.0-disaggregated-pandas.csv"}
ESD_18 = {"dta": "ucdp-esd-ty-181.dta", "xlsx": "ucdp-esd-ty-181.xlsx"}
ACTORS = FIXTURES / "ucdp-actor-221.csv"


@pytest.fixture
def folder(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEED_DIR, seeds)
    return seeds


def _import(folder: Path, name: str, into: str, importer=import_file):
    target = folder / "imports" / into
    return target, importer(FIXTURES / name, target, existing_actors(folder, exclude=target))


def _relations(folder: Path, prefix: str):
    dataset = read_dataset(folder)
    names = {a.id: a.name for a in dataset.actors}
    return dataset, names, [r for r in dataset.relations if r.id.startswith(prefix)]


@pytest.mark.parametrize("form", ESD_10)
def test_esd_10_imports_as_published_and_as_researchers_save_it_with_the_same_records(folder, tmp_path, form):
    into, report = _import(folder, ESD_10[form], "esd")
    other = tmp_path / "reference"
    shutil.copytree(SEED_DIR, other)
    reference, _ = _import(other, ESD_10["xls"], "esd")
    assert report.read_as.startswith({"xls": "Excel workbook, sheet 'newstart'",
                                      "semicolon-cp1252": "CSV, semicolon-separated, cp1252",
                                      "pandas-floats": "CSV, comma-separated, utf-8"}[form])
    for section in ("actors.jsonl", "relations.jsonl"):
        assert (into / section).read_bytes() == (reference / section).read_bytes()
    seed_set = SeedSet(folder)
    assert seed_set.check() == [] and seed_set.warnings == []


def test_esd_10_l_is_territory_and_y_is_infrastructure(folder):
    # Codebook 1.0 §3.9, §5.15.2-5.15.3; the file's own external_type_text agrees on every row.
    assert SUPPORT_10["L"] == ("territory", "Access to Territory")
    assert SUPPORT_10["Y"] == ("infrastructure", "Access to military or intelligence infrastructure")
    _import(folder, ESD_10["xls"], "esd")
    _, names, rels = _relations(folder, "ucdp-esd10-")
    got = {(names[r.source], names[r.target], str(r.start), r.status): r.properties["support"] for r in rels}
    assert got[("TTP", "Taleban", "2009", "confirmed")] == ["territory"]
    assert got[("al-Qaida", "Taleban", "2004", "confirmed")] == ["infrastructure"]


def test_esd_10_missing_is_counted_not_an_error_and_alleged_support_is_alleged(folder):
    # §5.12-5.14: external_exists -1 is missing; alleged support is external_exists 0 with
    # external_alleged 1.
    _, report = _import(folder, ESD_10["xls"], "esd")
    assert report.skipped["rows coded missing (external_exists -1)"] == 15         # Kashmir insurgents 1989-91
    assert report.skipped["rows without a supporter (external_exists 0, not alleged)"] == 1
    _, names, rels = _relations(folder, "ucdp-esd10-")
    india = [(str(r.start), r.status, r.confidence, r.properties["support"]) for r in rels
             if names[r.source] == "India" and names[r.target] == "Government of Afghanistan"]
    assert india == [("1994", "alleged", "medium", ["weapons", "materiel", "training", "funding"])]
    ttp_2008 = [r for r in rels if names[r.source] == "TTP" and str(r.start) == "2008"]
    assert [(r.status, r.properties["support"]) for r in ttp_2008] == [("alleged", ["territory"])]


def test_esd_10_dyad_year_repeats_fold_into_runs_between_two_actors(folder):
    # §5.2: ywp_id is the warring party-year; each of Kabul's dyads repeats the Soviet row.
    _import(folder, ESD_10["xls"], "esd")
    _, names, rels = _relations(folder, "ucdp-esd10-")
    soviet = sorted((r for r in rels if r.source == "russia" and "Afghanistan" in names[r.target]
                     and str(r.start) < "1992"),
                    key=lambda r: str(r.start))
    assert {names[r.target] for r in soviet} == {"Government of Afghanistan"}
    assert [(str(r.start), str(r.end), len(r.evidence)) for r in soviet] == [
        ("1978", "1978", 1), ("1979", "1988", 64), ("1989", "1989", 5), ("1990", "1990", 5), ("1991", "1991", 4)]
    assert soviet[1].properties["support"] == ["troops", "weapons", "materiel", "training", "funding"]
    records = [e.record for e in soviet[0].evidence]
    assert records == ["ucdp-esd-1.0-2011:external_id=545"]


def test_esd_10_text_and_code_are_checked_against_the_flags(folder):
    # §5.16-5.17: a disagreement is a warning naming the row; the flags are used.
    _, report = _import(folder, ESD_10["semicolon-cp1252"], "esd")
    text = "\n".join(report.warnings)
    assert "external_type_code 'TL' disagrees with the flags (T)" in text
    assert "external_type_text 'Funding/Economic Support' disagrees with the flags (W)" in text
    # Before 17.1 a government's id was its state's number; Angola's 40 is Cuba's, a slip.
    assert "'actorID': 40 (Government of Angola) is never a location of its conflicts" in text


@pytest.mark.parametrize("form", ESD_18)
def test_esd_18_triad_year_in_stata_and_excel(folder, form):
    _, report = _import(folder, ESD_18[form], "esd18")
    assert report.read_as.startswith("Stata file" if form == "dta" else "Excel workbook")
    dataset, names, rels = _relations(folder, "ucdp-esd181-")
    backs = {(names[r.source], names[r.target], str(r.start), str(r.end)): r for r in rels if r.type == "BACKS"}
    # The 18.1 flags keep 1.0's letters: TTP's sanctuary to the Taleban (l), then joint operations (y).
    assert backs[("TTP", "Taleban", "2009", "2009")].properties["support"] == ["territory"]
    assert backs[("TTP", "Taleban", "2011", "2012")].properties["support"] == ["infrastructure"]
    india = backs[("Government of India", "Government of Afghanistan", "1994", "1994")]
    assert (india.status, india.confidence) == ("alleged", "medium")
    iraq = [r for k, r in backs.items() if k[0] == "United States" and k[1] == "Government of Iraq"]
    assert [r.properties.get("coalition") for r in iraq] == ["Coalition forces"]
    assert any(r.properties.get("both_sides") == "yes" for r in backs.values())
    assert any("troop_presence" in r.properties["support"] for r in backs.values())
    # UCDP actor ids reach the seed's actors: Russia is 57 in the seed (Actor Dataset 22.1).
    assert report.matched["ucdp 57"] == "russia" and report.matched["ucdp 3"] == "usa"
    assert "column 'ext_name': empty; the supporter is named 'UCDP actor 11545'" in "\n".join(report.warnings)
    fights = [r for r in rels if r.type == "FIGHTS"]
    kabul_taleban = [r for r in fights if {names[r.source], names[r.target]} == {"Government of Afghanistan", "Taleban"}]
    # One relation per run of active years of the dyad's rows in the excerpt, each year cited.
    assert sorted((str(r.start), str(r.end)) for r in kabul_taleban) == [
        ("2008", "2009"), ("2011", "2012"), ("2014", "2017")]
    assert all(len(r.evidence) == int(str(r.end)) - int(str(r.start)) + 1 for r in kabul_taleban)
    assert kabul_taleban[0].evidence[0].record.startswith("ucdp-esd-18.1:id=")
    seed_set = SeedSet(folder)
    assert seed_set.check() == [] and seed_set.warnings == []


def test_both_generations_and_the_actor_list_make_one_soviet_union_and_one_kabul(folder):
    _, actors = _import(folder, ACTORS.name, "ucdp-actors", ucdp_actors.import_file)
    assert actors.matched["ucdp 6902"] == "kaniyat" and actors.matched["ucdp 7072"] == "haftar-forces"
    _import(folder, ESD_10["xls"], "ucdp-esd-1.0")
    _import(folder, ESD_18["dta"], "ucdp-esd-18.1")
    _, names, rels = _relations(folder, "ucdp-esd")
    soviet = [r for r in rels if r.type == "BACKS" and r.source == "russia" and "Afghanistan" in names[r.target]]
    assert len({r.target for r in soviet}) == 1
    assert {str(r.start)[:4] for r in soviet} >= {"1978", "1979", "1989", "1990", "1991"}
    assert max(str(r.end) for r in soviet if str(r.start) < "1992") == "1991"   # then Russia, 1996 and 2003
    seed_set = SeedSet(folder)
    assert seed_set.check() == [] and seed_set.warnings == []


def test_every_support_letter_maps_to_a_support_value_of_the_ontology():
    from conflictgraph.graph.ontology import default_ontology
    allowed = set(default_ontology().relation_types["BACKS"].properties["support"].values)
    assert set(SUPPORT_10) == set("XLYWMT$IOU") and {v for v, _ in SUPPORT_10.values()} <= allowed
    assert set(SUPPORT_18) == set("xpylwmtfiou") and set(SUPPORT_18.values()) <= allowed


def test_the_imported_relations_load_with_their_provenance(folder, store):
    _import(folder, ESD_10["xls"], "esd")
    store.load(SeedSet(folder))
    service = GraphService(store)
    detail = service.relation("ucdp-esd10-365-700-1989-twmt")
    assert (detail["source"], detail["type"], detail["start"], detail["end"]) == ("russia", "BACKS", "1989", "1989")
    assert {e["document"]["id"] for e in detail["evidence"]} == {"doc-ucdp-esd-1-0-2011"}
    assert all(e["record"].startswith("ucdp-esd-1.0-2011:external_id=") for e in detail["evidence"])
    items, _ = service.relations(RelationFilter(source="russia", types=["BACKS"], as_of="1985-06-01"))
    assert [(r["id"], r["properties"]["support"]) for r in items] == [
        ("ucdp-esd10-365-700-1979-twmtf", ["troops", "weapons", "materiel", "training", "funding"])]


def test_importing_again_gives_the_same_records(folder):
    into, _ = _import(folder, ESD_18["dta"], "esd18")
    first = {p.name: p.read_bytes() for p in into.iterdir()}
    _import(folder, ESD_18["dta"], "esd18")
    assert {p.name: p.read_bytes() for p in into.iterdir()} == first


def _csv_lines():
    return (FIXTURES / ESD_10["semicolon-cp1252"]).read_bytes().decode("cp1252").splitlines()


def _edit_row(column: str, value: str) -> str:
    lines = _csv_lines()
    header = lines[0].split(";")
    cells = lines[1].split(";")
    cells[header.index(column)] = value
    return "\n".join([lines[0], ";".join(cells)] + lines[2:]) + "\n"


@pytest.mark.parametrize("text, message", [
    (lambda: _edit_row("external_type_W", "2"), ": line 2: column 'external_type_W': 2 is not 0 or 1"),
    (lambda: _edit_row("ywp_year", "19x"), ": line 2: column 'ywp_year': '19x' is not a whole number"),
    (lambda: _edit_row("external_name", ""), ": line 2: column 'external_name': empty"),
    (lambda: _edit_row("external_exists", "2"), ": line 2: column 'external_exists': 2 is not -1 or 0 or 1"),
    (lambda: "\n".join(_csv_lines()[:2] + ["1;2;3"]) + "\n", ": line 3: 3 fields where the header has 30"),
    (lambda: ACTORS.read_text(encoding="utf-8-sig"),
     ": this is not the UCDP External Support Dataset 1.0-2011, Disaggregated/Supporter file or UCDP External "
     "Support Dataset 18.1, triad-year file (ucdp-esd-ty-181); it looks like the UCDP Actor Dataset "
     "(ucdp-actor-*), which `conflictgraph import ucdp-actors` reads"),
    (lambda: "year,dyad_id,ext_sup,ext_x\n1990,731,1,1\n", "do not say who gave it; download the triad-year file"),
    (lambda: "ywp_id;ywp_year;external_exists;external_code\n1;1990;1;Cuba:W\n",
     "Primary (Yearly) Warring Party file: the codebook (section 1) says it holds the same data"),
])
def test_bad_input_names_the_file_row_and_column_and_writes_nothing(folder, tmp_path, text, message):
    into, _ = _import(folder, ESD_10["xls"], "esd")
    before = {p.name: p.read_bytes() for p in into.iterdir()}
    bad = tmp_path / "esd.csv"
    bad.write_bytes(text().encode("cp1252"))
    with pytest.raises(ImportFailed) as e:
        import_file(bad, into, existing_actors(folder, exclude=into))
    assert str(e.value).startswith(str(bad)) and message in str(e.value), str(e.value)
    assert {p.name: p.read_bytes() for p in into.iterdir()} == before      # the previous import stands
    assert sorted(p.name for p in into.parent.iterdir()) == ["esd"]          # no half-written folder


def test_the_command_line_picks_the_folder_by_generation_and_says_what_it_read(folder):
    result = CliRunner().invoke(app, ["import", "ucdp-esd", str(FIXTURES / ESD_18["xlsx"]), "--seeds", str(folder)])
    assert result.exit_code == 0, result.output
    assert (folder / "imports" / "ucdp-esd-18.1" / "relations.jsonl").is_file()
    assert "read as: Excel workbook, sheet 'Sheet1'" in result.output
    result = CliRunner().invoke(app, ["import", "ucdp-esd", str(ACTORS), "--seeds", str(folder)])
    assert result.exit_code == 1 and "import ucdp-actors" in result.output and "Traceback" not in result.output
    assert "Nothing was written." in result.output
