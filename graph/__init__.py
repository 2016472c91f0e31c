"""ConflictGraph: a dated, sourced knowledge graph of conflict actors."""

__version__ = "0.1.0"
