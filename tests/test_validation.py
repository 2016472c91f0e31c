"""Every validation rule, each with a bad-input fixture and the exact message a reviewer sees."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conflictgraph.graph.dataset import check_seed_path, read_dataset
from conflictgraph.graph.errors import ValidationFailed


def test_the_mini_fixture_is_valid(mini_dir):
    dataset, problems = check_seed_path(mini_dir)
    assert problems == []
    assert dataset.counts() == {"actors": 4, "relations": 2, "documents": 1, "events": 0}


# (file to edit, text to replace, replacement, the exact problem lines; {dir} is the seed folder)
CASES = {
    # The text rule (graph/text_rules.py): what cannot enter the graph, named where it stands.
    "a control character in a name": (
        "actors.yaml", "name: Russia", 'name: "Rus\\x01sia"',
        "{dir}/actors.yaml: actors[1] (id 'russia'): field 'name': holds U+0001 at character 4, a control "
        "character; remove it (importers do)"),
    "a bidi override in an alias": (
        "actors.yaml", "aliases: [LNA]", 'aliases: ["L\\u202eNA"]',
        "{dir}/actors.yaml: actors[0] (id 'haftar-forces'): field 'aliases[0]': holds U+202E RIGHT-TO-LEFT "
        "OVERRIDE at character 2, a bidirectional control, which can reorder what a reader sees; remove it "
        "(importers do)"),
    "a zero-width space in an evidence summary": (
        "relations.yaml", "summary: Russia supports Haftar's forces.", 'summary: "Russia supports\\u200b Haftar"',
        "{dir}/relations.yaml: relations[0] (id 'r-backs'): field 'evidence[0].summary': holds U+200B ZERO "
        "WIDTH SPACE at character 16, an invisible character, with which one name can pose as another; remove "
        "it (importers do)"),
    "unknown actor, with a suggestion": (
        "relations.yaml", "target: haftar-forces", "target: hafter-forces",
        "{dir}/relations.yaml: relations[0] (id 'r-backs'): field 'target': "
        "unknown actor 'hafter-forces' — did you mean 'haftar-forces'?"),
    "duplicate actor id": (
        "actors.yaml", "  - id: kaniyat", "  - id: russia\n    name: Russia again\n    kind: state\n  - id: kaniyat",
        "{dir}/actors.yaml: actors[3] (id 'russia'): field 'id': "
        "duplicate id 'russia' (first defined in {dir}/actors.yaml: actors[1])"),
    "duplicate relation id": (
        "relations.yaml", "id: r-blocks", "id: r-backs",
        "{dir}/relations.yaml: relations[1] (id 'r-backs'): field 'id': "
        "duplicate id 'r-backs' (first defined in {dir}/relations.yaml: relations[0])"),
    "unknown relation type": (
        "relations.yaml", "type: BACKS", "type: BACK",
        "{dir}/relations.yaml: relations[0] (id 'r-backs'): field 'type': unknown relation type "
        "'BACK' — did you mean 'BACKS'? (types: BACKS, SANCTIONS, LISTS, BLOCKS, PROPOSES_SANCTIONS, "
        "ALLIED_WITH, FIGHTS, AGREES_CEASEFIRE, LEADS, MEMBER_OF, PART_OF, OWNS, DIRECTS, EMPLOYED_BY, "
        "FAMILY_OF, ASSOCIATE_OF, HOLDS_POSITION, ACCUSES)"),
    "unknown actor kind": (
        "actors.yaml", "kind: state", "kind: states",
        "{dir}/actors.yaml: actors[1] (id 'russia'): field 'kind': unknown actor kind 'states' — "
        "did you mean 'state'? (kinds: state, government, armed_group, person, family, "
        "government_agency, intergovernmental_body, organization, asset, position)"),
    "relation end of a forbidden kind": (
        "relations.yaml", "target: unsc-committee", "target: kaniyat",
        "{dir}/relations.yaml: relations[1] (id 'r-blocks'): field 'target': BLOCKS cannot have an "
        "armed_group ('kaniyat') as target; allowed kinds: government, government_agency, "
        "intergovernmental_body, organization"),
    "a month that does not exist": (
        "relations.yaml", 'start: "2019"', 'start: "2019-13"',
        "{dir}/relations.yaml: relations[0] (id 'r-backs'): field 'start': "
        "'2019-13' has month 13, which does not exist"),
    "a day that does not exist": (
        "relations.yaml", 'start: "2019"', 'start: "2021-02-29"',
        "{dir}/relations.yaml: relations[0] (id 'r-backs'): field 'start': "
        "'2021-02-29' is not a day of the calendar"),
    "not a date at all": (
        "relations.yaml", 'start: "2019"', 'start: "last spring"',
        "{dir}/relations.yaml: relations[0] (id 'r-backs'): field 'start': "
        "'last spring' is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD"),
    "an unquoted date is read as written (YAML would make it a date object)": (
        "relations.yaml", 'start: "2020-11-20"', "start: 2020-11-20"),
    "an unquoted impossible date names its field (YAML's date reading raised a traceback)": (
        "relations.yaml", 'start: "2020-11-20"', "start: 2020-13-45",
        "{dir}/relations.yaml: relations[1] (id 'r-blocks'): field 'start': "
        "'2020-13-45' has month 13, which does not exist"),
    "an unquoted year YAML reads as a number": (
        "relations.yaml", 'start: "2019"', "start: 2019",
        "{dir}/relations.yaml: relations[0] (id 'r-backs'): field 'start': must be a quoted date "
        "string like \"2020-11-25\", got 2019"),
    "end before start": (
        "relations.yaml", 'start: "2019"', 'start: "2019"\n    end: "2018-12"',
        "{dir}/relations.yaml: relations[0] (id 'r-backs'): field 'end': ends (2018-12) before it starts (2019)"),
    "missing evidence": (
        "relations.yaml", "    evidence:\n      - document: doc-a\n        paragraph: 2\n"
        "        summary: Russia supports Haftar's forces.\n", "",
        "{dir}/relations.yaml: relations[0] (id 'r-backs'): field 'evidence': at least one evidence "
        "item (document, paragraph, summary) is required"),
    "evidence citing an unknown document": (
        "relations.yaml", "document: doc-a\n        paragraph: 2", "document: doc-b\n        paragraph: 2",
        "{dir}/relations.yaml: relations[0] (id 'r-backs'): field 'evidence[0].document': "
        "unknown document 'doc-b' — did you mean 'doc-a'?"),
    "evidence paragraph that is not a number": (
        "relations.yaml", "paragraph: 2", "paragraph: two",
        "{dir}/relations.yaml: relations[0] (id 'r-backs'): field 'evidence[0].paragraph': "
        "must be a paragraph number ≥ 1, got 'two'"),
    "quote over 25 words": (
        "relations.yaml", "summary: Russia blocked the committee.",
        "summary: Russia blocked the committee.\n        quote: \"" + " ".join(["word"] * 26) + "\"",
        "{dir}/relations.yaml: relations[1] (id 'r-blocks'): field 'evidence[0].quote': quotes are "
        "limited to 25 words (this one has 26); summarise in our own words instead"),
    "property not allowed for the type": (
        "relations.yaml", "support: [weapons]", "support: [weapons]\n      program: Magnitsky",
        "{dir}/relations.yaml: relations[0] (id 'r-backs'): field 'properties.program': not a "
        "property of BACKS (allowed: support, coalition, both_sides)"),
    "property value outside its vocabulary": (
        "relations.yaml", "support: [weapons]", "support: [weapon]",
        "{dir}/relations.yaml: relations[0] (id 'r-backs'): field 'properties.support': 'weapon' is "
        "not one of troops, troop_presence, weapons, funding, training, intelligence, political, territory, "
        "infrastructure, "
        "materiel, other, unspecified — "
        "did you mean 'weapons'?"),
    "required property missing": (
        "relations.yaml", "      blocked_action: sanctions on Kaniyat\n", "",
        "{dir}/relations.yaml: relations[1] (id 'r-blocks'): field 'properties.blocked_action': "
        "is required for BLOCKS"),
    "actor list property naming an unknown actor": (
        "relations.yaml", "targets: [kaniyat]", "targets: [kanyat]",
        "{dir}/relations.yaml: relations[1] (id 'r-blocks'): field 'properties.targets': "
        "unknown actor 'kanyat' — did you mean 'kaniyat'?"),
    "self-loop": (
        "relations.yaml", "source: russia\n    target: haftar-forces", "source: haftar-forces\n    target: haftar-forces",
        "{dir}/relations.yaml: relations[0] (id 'r-backs'): field 'target': a relation cannot join "
        "an actor to itself (source and target are both 'haftar-forces')"),
    "unknown field": (
        "relations.yaml", "source: russia\n    target: haftar", "sourse: russia\n    target: haftar",
        "{dir}/relations.yaml: relations[0] (id 'r-backs'): field 'sourse': unknown field — did you "
        "mean 'source'? (allowed: attributed_to, confidence, end, events, evidence, id, location, notes, "
        "properties, source, start, start_unknown, status, target, type)",
        "{dir}/relations.yaml: relations[0] (id 'r-backs'): field 'source': is required"),
    "confidence outside its scale": (
        "relations.yaml", "confidence: high\n    status: reported\n    properties:\n      support",
        "confidence: certain\n    status: reported\n    properties:\n      support",
        "{dir}/relations.yaml: relations[0] (id 'r-backs'): field 'confidence': "
        "'certain' is not one of low, medium, high"),
    "attribution to an unknown actor": (
        "relations.yaml", "status: reported\n    properties:\n      support",
        "status: reported\n    attributed_to: us-tresury\n    properties:\n      support",
        "{dir}/relations.yaml: relations[0] (id 'r-backs'): field 'attributed_to': "
        "unknown actor 'us-tresury'"),
    "unknown top-level key": (
        "documents.yaml", "documents:", "document:",
        "{dir}/documents.yaml: field 'document': unknown top-level key 'document'; "
        "allowed: actors, relations, documents, events"),
    "an id with a trailing newline (it would have been a second actor)": (
        "actors.yaml", "  - id: kaniyat", '  - id: "kaniyat\\n"',
        "{dir}/actors.yaml: actors[3] (id 'kaniyat\\n'): field 'id': 'kaniyat\\n' is not a valid id: use "
        "lower-case letters, digits, '-', '.', '_' (at most 200 characters)",
        "{dir}/relations.yaml: relations[1] (id 'r-blocks'): field 'properties.targets': unknown actor "
        "'kaniyat' — did you mean 'kaniyat\\n'?"),
    "an id past 200 characters, quoted short": (
        "actors.yaml", "  - id: kaniyat", "  - id: " + "k" * 201,
        "{dir}/actors.yaml: actors[3] (id '" + "k" * 80 + "... (201 characters)'): field 'id': '" + "k" * 80
        + "... (201 characters)' is not a valid id: use lower-case letters, digits, '-', '.', '_' "
        "(at most 200 characters)",
        "{dir}/relations.yaml: relations[1] (id 'r-blocks'): field 'properties.targets': unknown actor 'kaniyat'"),
    "a text past 20,000 characters": (
        "actors.yaml", "name: Russia", "name: " + "R" * 20_001,
        "{dir}/actors.yaml: actors[1] (id 'russia'): field 'name': is 20,001 characters long; at most 20,000"),
    "the year 0000": (
        "relations.yaml", "confidence: high\n    status: reported\n    properties:\n      support",
        "confidence: high\n    status: reported\n    start: \"0000-05\"\n    properties:\n      support",
        "{dir}/relations.yaml: relations[0] (id 'r-backs'): field 'start': "
        "'0000-05': there is no year 0000 (the calendar starts at 0001)"),
    "YAML syntax error, with its line": (
        "actors.yaml", "aliases: [LNA]", "aliases: [LNA",
        "{dir}/actors.yaml: YAML syntax error at line 6, column 7: did not find expected ',' or ']' "
        "(while parsing a flow sequence at line 5, column 14)"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_rule_reports_file_record_and_field(mini_dir, case):
    filename, old, new, *expected = CASES[case]
    path = mini_dir / filename
    text = path.read_text()
    assert old in text, "the fixture edit no longer applies"
    path.write_text(text.replace(old, new, 1))
    _, problems = check_seed_path(mini_dir)
    assert [str(p) for p in problems] == [e.format(dir=mini_dir) for e in expected]


def test_every_problem_is_reported_at_once_and_nothing_is_built(mini_dir):
    rel = mini_dir / "relations.yaml"
    rel.write_text(rel.read_text().replace("type: BACKS", "type: BACK").replace("status: reported", "status: rumour"))
    with pytest.raises(ValidationFailed) as info:
        read_dataset(mini_dir)
    fields = [(p.record_id, p.field) for p in info.value.problems]
    assert fields == [("r-backs", "type"), ("r-backs", "status"), ("r-blocks", "status")]
    assert "3 problem(s) in the seed data" in str(info.value)


def test_a_broken_actor_does_not_cascade_into_its_relations(mini_dir):
    actors = mini_dir / "actors.yaml"
    actors.write_text(actors.read_text().replace("kind: state", "kind: nation"))
    _, problems = check_seed_path(mini_dir)
    assert [(p.record_id, p.field) for p in problems] == [("russia", "kind")]


def test_an_empty_folder_is_an_error(tmp_path):
    _, problems = check_seed_path(tmp_path)
    assert [p.message for p in problems] == ["no seed files (*.yaml, *.jsonl) found here"]


def _alias_bomb(levels: int) -> str:
    """A YAML value of 9**levels strings written in a few lines through nested aliases."""
    value = "&a0 [x, x, x, x, x, x, x, x, x]"
    for i in range(1, levels):
        value = f"&a{i} [{value}, " + ", ".join([f"*a{i - 1}"] * 8) + "]"
    return value


def test_an_alias_bomb_is_refused_quickly_by_the_cli(tmp_path):
    # 9**9 (387 million) values: rendering the bad 'name' used to run until killed.
    (tmp_path / "actors.yaml").write_text(
        f"actors:\n  - id: bomb\n    kind: state\n    name: {_alias_bomb(9)}\n")
    script = Path(sys.executable).with_name("conflictgraph")
    r = subprocess.run([str(script), "validate", str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 1
    assert "actors.yaml: aliases expand to more than 100,000 values beyond those written out" in r.stderr


def test_a_value_that_contains_itself_is_refused(tmp_path):
    (tmp_path / "actors.yaml").write_text("actors:\n  - &me\n    id: loop\n    kind: state\n    name: *me\n")
    _, problems = check_seed_path(tmp_path)
    assert [p.message for p in problems] == [
        "an alias refers to a value that contains it (a value cannot contain itself)"]


def test_a_wrong_value_is_quoted_in_bounded_size(tmp_path):
    # 9**5 = 59,049 values: under the alias cap, so it reaches validation, whose message
    # quotes only the beginning of it (without building the whole text first).
    (tmp_path / "actors.yaml").write_text(
        f"actors:\n  - id: nested\n    kind: [[state]]\n    name: {_alias_bomb(5)}\n")
    _, problems = check_seed_path(tmp_path)
    assert [p.field for p in problems] == ["name", "kind"]
    assert all(len(str(p)) < 400 for p in problems), [len(str(p)) for p in problems]
    assert str(problems[0]).startswith(f"{tmp_path}/actors.yaml: actors[0] (id 'nested'): field 'name': "
                                       "must be text, got list [[[")
