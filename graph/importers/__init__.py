"""Importers for the field's datasets: each reads a published file and writes a seed folder
(JSON Lines, our format) that `validate` and `load` take like any other, matching incoming
entities to the actors already in the seed set (graph/importers/matching.py)."""
