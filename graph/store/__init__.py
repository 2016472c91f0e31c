"""Graph stores: one interface (base.GraphStore), one implementation per engine."""
from .base import GraphStore, LoadReport, QueryResult
from .factory import open_store

__all__ = ["GraphStore", "LoadReport", "QueryResult", "open_store"]
