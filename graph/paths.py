"""Where the project's data files live, found relative to the installed package."""
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEED_DIR = PROJECT_ROOT / "seed_data"
ONTOLOGY_FILE = SEED_DIR / "ontology.yaml"
CYPHER_DIR = PROJECT_ROOT / "cypher"
