"""A validated dataset from seed files: the only way seed data enters a store."""
from __future__ import annotations

from pathlib import Path

from .models import Dataset
from .ontology import Ontology, default_ontology
from .paths import SEED_DIR
from .seeds import read_seed_records
from .validation import Problem, ValidationFailed, validate_records


def check_seed_path(path: Path | str = SEED_DIR, ontology: Ontology | None = None
                    ) -> tuple[Dataset, list[Problem]]:
    ontology = ontology or default_ontology()
    records, problems = read_seed_records(Path(path))
    if problems:
        # A file that could not be read would make every reference into it look broken:
        # report the file-level problems alone, and check the records once they are fixed.
        return validate_records([], ontology)[0], problems
    dataset, more = validate_records(records, ontology)
    return dataset, problems + more


def read_dataset(path: Path | str = SEED_DIR, ontology: Ontology | None = None) -> Dataset:
    """The dataset under `path`; ValidationFailed listing every problem otherwise."""
    dataset, problems = check_seed_path(path, ontology)
    if problems:
        raise ValidationFailed(problems)
    return dataset
