"""The checkout the tests run from: its tools/, node_modules/ and docker-compose.yml are
not part of the installed package."""
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
