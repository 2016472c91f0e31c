"""Where the package's data files live.

The installed package keeps them beside its code (conflictgraph/cypher, conflictgraph/seed_data:
package data, see pyproject.toml); a checkout keeps them in the same place relative to graph/,
the repository's top-level folders. Either way they are one level above this package.
"""
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
SEED_DIR = PACKAGE_ROOT / "seed_data"
ONTOLOGY_FILE = SEED_DIR / "ontology.yaml"
CYPHER_DIR = PACKAGE_ROOT / "cypher"
# The Explorer's built page (make explorer: npm ci, then vite build), served by the API at /.
EXPLORER_DIR = PACKAGE_ROOT / "explorer" / "dist"
